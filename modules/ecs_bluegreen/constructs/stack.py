"""The deployable stacks: the blue/green service with its outputs, and the state bucket bootstrap."""

from __future__ import annotations

import os
import re
from pathlib import Path

from constructs import Construct

from ..contract import REPOSITORY_OUTPUTS
from ..settings import BootstrapSettings, SettingsError, StackSettings, StateBackendProps, check_value
from .addresses import ReadableStack
from .backend import add_s3_backend
from .blue_green import EcsBlueGreen
from .cdk import App, LocalBackend, TerraformOutput, TerraformStack
from .engines import Outputs
from .family import check_app
from .part import claim_id
from .provider import add_aws_provider
from .state_bucket import StateBucket


class BlueGreenStack(ReadableStack):
    """A complete, deployable stack around :class:`EcsBlueGreen`: provider, S3 backend, the
    service, and its outputs (:func:`service_outputs`; their names are API, see contract.py)."""

    def __init__(self, scope: Construct, id: str, *, settings: StackSettings) -> None:
        check_app(scope, f"BlueGreenStack {id!r}")
        check_value("settings", settings, StackSettings)
        super().__init__(scope, id)
        self.settings = settings
        self.provider = add_aws_provider(
            self, region=settings.region, default_tags=settings.default_tags, endpoint=settings.endpoint
        )
        self.backend = add_s3_backend(self, settings.backend, region=settings.region, endpoint=settings.endpoint)
        self.blue_green = EcsBlueGreen(self, "blue-green", props=settings.app)

        self.outputs = service_outputs(self.blue_green, region=settings.region)


_OUTPUT_PREFIX = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def service_outputs(
    service: EcsBlueGreen, *, prefix: str = "", region: str | None = None
) -> dict[str, TerraformOutput]:
    """The outputs of one service (contract.py), on its stack, named `<prefix><name>`.

    A stack with several services gives each a prefix ("api_", "web_"), and `bluegreen
    --output-prefix api_` reads that service's. `region` is written as given; by default it is the
    provider's region, read by a data source."""
    if prefix and not _OUTPUT_PREFIX.fullmatch(prefix):
        raise SettingsError(
            "prefix", prefix, "Use letters, digits and underscores, not starting with a digit, e.g. 'api_'."
        )
    stack = TerraformStack.of(service)
    values = _output_values(service, region)
    fix = (
        "give this service's outputs another prefix"
        if prefix
        else "give each service's outputs a prefix, e.g. service_outputs(api, prefix='api_'), and read them with "
        "`bluegreen --output-prefix api_`"
    )
    for key in values:  # all refused before any is made
        claim_id(stack, f"{prefix}{key}", "output", fix)
    return {
        key: TerraformOutput(stack, f"{prefix}{key}", value=value, description=description)
        for key, (value, description) in values.items()
    }


def _output_values(service: EcsBlueGreen, region: str | None) -> Outputs:
    """Each output of the service's contract, in order: its value and its description; those of
    its engine from the engine's part."""
    props = service.props.service
    lb = service.load_balancer
    values: Outputs = {
        "load_balancer_dns_name": (lb.lb.dns_name, "DNS name of the load balancer."),
        "prod_url": (lb.prod_url, "URL of the production listener (live task set)."),
        "test_url": (lb.test_url, "URL of the test listener (new task set during a deployment)."),
        "cluster_name": (service.ecs.cluster_name, "ECS cluster of the service."),
        "service_name": (service.ecs.service.name, service.engine.SERVICE_DEPLOYED_BY),
        "container_name": (props.container_name, "Container the AppSpec routes traffic to."),
        "container_port": (props.container_port, "Port of that container."),
        "blue_target_group_name": (lb.blue_target_group.name, "Target group serving production at first."),
        "green_target_group_name": (lb.green_target_group.name, "Target group of the first new task set."),
        "prod_listener_arn": (lb.prod_listener.arn, "Production listener."),
        "test_listener_arn": (lb.test_listener.arn, "Test listener."),
        "region": (region if region is not None else service.ecs.region.name, "AWS region of the stack."),
        # What a deployment's AppSpec needs to carry changes Terraform leaves to CodeDeploy.
        "platform_version": (props.platform_version, "Fargate platform version of new task sets."),
        "task_subnet_ids": (service.network.private_subnet_ids, "Subnets of the tasks."),
        "task_security_group_ids": ([service.ecs.security_group.id], "Security groups of the tasks."),
        "assign_public_ip": (props.assign_public_ip, "Whether tasks get a public IP."),
        # Terraform owns the task definition's shape: a deployment starts from this revision.
        "task_definition_arn": (
            service.ecs.task_definition.arn,
            "Task definition revision Terraform registered last; `bluegreen deploy` rolls it out with the image.",
        ),
        "hooks": (service.hooks, "Lambda functions by lifecycle event; `bluegreen deploy` puts them in the AppSpec."),
    }
    values = service.engine.outputs(service, values)
    if service.repository is not None:
        (url,) = REPOSITORY_OUTPUTS
        values[url] = (service.repository.url, "ECR repository to push the service's images to.")
    return values


class StateBootstrapStack(ReadableStack):
    """Creates the state bucket. Apply it with local state first; then set `migrated` and run
    `terraform init -migrate-state` so its own state moves into the bucket it created."""

    def __init__(self, scope: Construct, id: str, *, settings: BootstrapSettings) -> None:
        check_app(scope, f"StateBootstrapStack {id!r}")
        check_value("settings", settings, BootstrapSettings)
        super().__init__(scope, id)
        self.settings = settings
        self.provider = add_aws_provider(
            self, region=settings.region, default_tags=settings.default_tags, endpoint=settings.endpoint
        )
        if settings.migrated:
            self.backend = add_s3_backend(
                self,
                StateBackendProps(bucket=settings.state.bucket, key=settings.state_key),
                region=settings.region,
                endpoint=settings.endpoint,
            )
        else:
            # cdktf's default local path is absolute, which would put the checkout's location into
            # the JSON. Point at the same file, relative to the stack's folder.
            stack_dir = Path(App.of(self).outdir, "stacks", id).absolute()
            state_file = Path.cwd() / f"terraform.{id}.tfstate"
            LocalBackend(self, path=os.path.relpath(state_file, stack_dir))
        self.state_bucket = StateBucket(self, "state", props=settings.state)
        TerraformOutput(
            self,
            "state_bucket_name",
            value=self.state_bucket.bucket.bucket,
            description="Bucket for every stack's `backend.bucket`.",
        )
        if self.state_bucket.lock_table is not None:
            TerraformOutput(
                self,
                "lock_table_name",
                value=self.state_bucket.lock_table.name,
                description="DynamoDB lock table, for `backend.dynamodb_table`.",
            )
