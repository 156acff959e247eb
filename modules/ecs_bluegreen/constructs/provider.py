"""The AWS provider of a stack, optionally pointed at an emulator (LocalStack, moto_server)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from constructs import Construct

from ..settings import CustomEndpointProps
from .aws.data_aws_caller_identity import DataAwsCallerIdentity
from .aws.data_aws_partition import DataAwsPartition
from .aws.data_aws_region import DataAwsRegion
from .aws.provider import AwsProvider, AwsProviderDefaultTags, AwsProviderEndpoints

EMULATED_SERVICES = (
    "applicationautoscaling", "cloudwatch", "cloudwatchlogs", "codedeploy", "dynamodb", "ec2",
    "ecr", "ecs", "elbv2", "iam", "lambda", "s3", "sns", "sts",
)
"""Every AWS API the stacks of this library call, so that none slips past the emulator."""


def _keyword(service: str) -> str:
    """The bindings' argument for a service: a Python keyword gets a trailing underscore (lambda_)."""
    import keyword

    return f"{service}_" if keyword.iskeyword(service) else service


def _data(scope: Construct, id: str, kind: type) -> Any:
    found = scope.node.try_find_child(id)
    return found if found is not None else kind(scope, id)


def partition_of(scope: Construct) -> DataAwsPartition:
    """The provider's partition, read by a data source under `scope` ("partition"), made once."""
    return _data(scope, "partition", DataAwsPartition)


def region_of(scope: Construct) -> DataAwsRegion:
    """The provider's region, read by a data source under `scope` ("region"), made once."""
    return _data(scope, "region", DataAwsRegion)


def account_of(scope: Construct) -> DataAwsCallerIdentity:
    """The account Terraform runs in, read by a data source under `scope` ("account"), made once."""
    return _data(scope, "account", DataAwsCallerIdentity)


def add_aws_provider(
    scope: Construct,
    *,
    region: str,
    default_tags: Mapping[str, str],
    endpoint: CustomEndpointProps | None,
) -> AwsProvider:
    """The provider for a stack. Only stacks call this: constructs never configure providers."""
    emulator: dict[str, object] = {}
    if endpoint is not None:
        emulator = {
            "endpoints": [AwsProviderEndpoints(**{_keyword(s): endpoint.url for s in EMULATED_SERVICES})],
            "s3_use_path_style": True,
            "skip_credentials_validation": True,
            "skip_requesting_account_id": True,
            "skip_metadata_api_check": "true",
            "skip_region_validation": True,
            "max_retries": endpoint.max_retries,
        }
    return AwsProvider(
        scope, "aws", region=region,
        default_tags=[AwsProviderDefaultTags(tags=dict(default_tags))] if default_tags else None,
        **emulator,
    )
