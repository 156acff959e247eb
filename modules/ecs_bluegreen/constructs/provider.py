"""The AWS provider of a stack, optionally pointed at an emulator (LocalStack, moto_server)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

from constructs import Construct

from ..settings import CustomEndpointProps
from .aws.data_aws_caller_identity import DataAwsCallerIdentity
from .aws.data_aws_partition import DataAwsPartition
from .aws.data_aws_region import DataAwsRegion
from .aws.provider import AwsProvider, AwsProviderDefaultTags, AwsProviderEndpoints

EMULATED_SERVICES = (
    "applicationautoscaling",
    "cloudwatch",
    "cloudwatchlogs",
    "codedeploy",
    "dynamodb",
    "ec2",
    "ecr",
    "ecs",
    "elbv2",
    "iam",
    "lambda",
    "s3",
    "sns",
    "sts",
)
"""Every AWS API the stacks of this library call, so that none slips past the emulator."""


def _keyword(service: str) -> str:
    """The bindings' argument for a service: a Python keyword gets a trailing underscore (lambda_)."""
    import keyword

    return f"{service}_" if keyword.iskeyword(service) else service


D = TypeVar("D", DataAwsPartition, DataAwsRegion, DataAwsCallerIdentity)


def _data(scope: Construct, id: str, kind: type[D]) -> D:
    found = scope.node.try_find_child(id)
    return found if isinstance(found, kind) else kind(scope, id)


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
    """The provider for a stack. Only stacks call this: constructs never configure providers.
    With an emulator, every service's endpoint is its URL, and nothing checks credentials or the
    region (settings a real provider leaves unset). The account is asked of the emulator's STS, as
    on AWS: without it the provider builds ARNs with no account (CodeDeploy's, to tag them) and
    cannot tell its own account's security groups, and every plan after an apply shows changes."""
    emulated = True if endpoint is not None else None
    return AwsProvider(
        scope,
        "aws",
        region=region,
        default_tags=[AwsProviderDefaultTags(tags=dict(default_tags))] if default_tags else None,
        endpoints=[AwsProviderEndpoints(**{_keyword(s): endpoint.url for s in EMULATED_SERVICES})]
        if endpoint is not None
        else None,
        s3_use_path_style=emulated,
        skip_credentials_validation=emulated,
        skip_metadata_api_check="true" if endpoint is not None else None,
        skip_region_validation=emulated,
        max_retries=endpoint.max_retries if endpoint is not None else None,
    )
