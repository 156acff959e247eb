"""The deployable stacks: the blue/green service with its outputs, and the state bucket bootstrap."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from cdktf import App, LocalBackend, TerraformOutput, TerraformStack
from constructs import Construct

from .backend import StateBackendProps, add_s3_backend
from .blue_green import BlueGreenServiceProps, EcsBlueGreen
from .provider import CustomEndpointProps, add_aws_provider
from .state_bucket import StateBucket, StateBucketProps
from .validation import SettingsError, check_region, check_types


def _check_tags(tags: Mapping[str, str]) -> None:
    for key, value in tags.items():
        if not key or len(key) > 128 or key.lower().startswith("aws:") or len(value) > 256:
            raise SettingsError(
                "default_tags", {key: value},
                "Tag keys have 1 to 128 characters and may not start with 'aws:'; values "
                "have at most 256.",
            )


@dataclass(frozen=True, kw_only=True)
class StackSettings:
    """One environment: where it runs, where its state lives, and the service itself."""

    app: BlueGreenServiceProps
    """The blue/green service. Required."""
    backend: StateBackendProps
    """The S3 state backend. Required."""
    region: str = "ap-northeast-1"
    """AWS region of every resource. Default: "ap-northeast-1" (Tokyo, as in the source setup)."""
    default_tags: Mapping[str, str] = field(default_factory=dict)
    """Tags the provider puts on every resource. Default: {} (none)."""
    endpoint: CustomEndpointProps | None = None
    """Send all AWS calls (provider and backend) to an emulator. Default: None (real AWS)."""

    def __post_init__(self) -> None:
        check_types(self, "stack")
        check_region("region", self.region)
        _check_tags(self.default_tags)


class BlueGreenStack(TerraformStack):
    """A complete, deployable stack around :class:`EcsBlueGreen`.

    Outputs (logical ids are stable API for scripts and the deploy command):
    load_balancer_dns_name, prod_url, test_url, cluster_name, service_name, container_name,
    container_port, codedeploy_app_name, codedeploy_group_name, blue_target_group_name,
    green_target_group_name, prod_listener_arn, test_listener_arn, region, platform_version,
    task_subnet_ids, task_security_group_ids, assign_public_ip, task_definition_arn.
    """

    def __init__(self, scope: Construct, id: str, *, settings: StackSettings) -> None:
        super().__init__(scope, id)
        self.settings = settings
        self.provider = add_aws_provider(self, region=settings.region, default_tags=settings.default_tags,
                                         endpoint=settings.endpoint)
        self.backend = add_s3_backend(self, settings.backend, region=settings.region,
                                      endpoint=settings.endpoint)
        self.blue_green = EcsBlueGreen(self, "blue-green", props=settings.app)

        bg = self.blue_green
        lb = bg.load_balancer
        outputs = {
            "load_balancer_dns_name": (lb.lb.dns_name, "DNS name of the load balancer."),
            "prod_url": (lb.prod_url, "URL of the production listener (live task set)."),
            "test_url": (lb.test_url, "URL of the test listener (new task set during a deployment)."),
            "cluster_name": (bg.ecs.cluster_name, "ECS cluster of the service."),
            "service_name": (bg.ecs.service.name, "ECS service deployed by CodeDeploy."),
            "container_name": (settings.app.service.container_name, "Container the AppSpec routes traffic to."),
            "container_port": (settings.app.service.container_port, "Port of that container."),
            "codedeploy_app_name": (bg.deployment.application.name, "CodeDeploy application."),
            "codedeploy_group_name": (bg.deployment.deployment_group.deployment_group_name,
                                      "CodeDeploy deployment group."),
            "blue_target_group_name": (lb.blue_target_group.name, "Target group serving production at first."),
            "green_target_group_name": (lb.green_target_group.name, "Target group of the first new task set."),
            "prod_listener_arn": (lb.prod_listener.arn, "Production listener."),
            "test_listener_arn": (lb.test_listener.arn, "Test listener."),
            "region": (settings.region, "AWS region of the stack."),
            # What a deployment's AppSpec needs to carry changes Terraform leaves to CodeDeploy.
            "platform_version": (settings.app.service.platform_version, "Fargate platform version of new task sets."),
            "task_subnet_ids": (bg.network.private_subnet_ids, "Subnets of the tasks."),
            "task_security_group_ids": ([bg.ecs.security_group.id], "Security groups of the tasks."),
            "assign_public_ip": (settings.app.service.assign_public_ip, "Whether tasks get a public IP."),
            # Terraform owns the task definition's shape: a deployment starts from this revision.
            "task_definition_arn": (bg.ecs.task_definition.arn,
                                    "Task definition revision Terraform registered last; `bluegreen deploy` "
                                    "rolls it out with the image."),
        }
        self.outputs = {
            key: TerraformOutput(self, key, value=value, description=description)
            for key, (value, description) in outputs.items()
        }


@dataclass(frozen=True, kw_only=True)
class BootstrapSettings:
    """The stack that creates the state bucket, applied once before any other stack."""

    state: StateBucketProps
    """The bucket (and optional lock table) to create. Required."""
    region: str = "ap-northeast-1"
    """Region of the bucket. Default: "ap-northeast-1"."""
    migrated: bool = False
    """Keep this stack's own state in the bucket it made (set after the first apply). Default: False (local state)."""
    state_key: str = "bootstrap/terraform.tfstate"
    """Key of this stack's own state once migrated. Default: "bootstrap/terraform.tfstate"."""
    default_tags: Mapping[str, str] = field(default_factory=dict)
    """Tags the provider puts on every resource. Default: {} (none)."""
    endpoint: CustomEndpointProps | None = None
    """Send all AWS calls to an emulator. Default: None (real AWS)."""

    def __post_init__(self) -> None:
        check_types(self, "bootstrap")
        check_region("region", self.region)
        _check_tags(self.default_tags)
        # Checks the key like any other backend's.
        StateBackendProps(bucket=self.state.bucket, key=self.state_key)


class StateBootstrapStack(TerraformStack):
    """Creates the state bucket. Apply it with local state first; then set `migrated` and run
    `terraform init -migrate-state` so its own state moves into the bucket it created."""

    def __init__(self, scope: Construct, id: str, *, settings: BootstrapSettings) -> None:
        super().__init__(scope, id)
        self.settings = settings
        self.provider = add_aws_provider(self, region=settings.region, default_tags=settings.default_tags,
                                         endpoint=settings.endpoint)
        if settings.migrated:
            self.backend = add_s3_backend(
                self, StateBackendProps(bucket=settings.state.bucket, key=settings.state_key),
                region=settings.region, endpoint=settings.endpoint,
            )
        else:
            # cdktf's default local path is absolute, which would put the checkout's location into
            # the JSON. Point at the same file, relative to the stack's folder.
            stack_dir = Path(App.of(self).outdir, "stacks", id).absolute()
            state_file = Path.cwd() / f"terraform.{id}.tfstate"
            LocalBackend(self, path=os.path.relpath(state_file, stack_dir))
        self.state_bucket = StateBucket(self, "state", props=settings.state)
        TerraformOutput(self, "state_bucket_name", value=self.state_bucket.bucket.bucket,
                        description="Bucket for every stack's `backend.bucket`.")
        if self.state_bucket.lock_table is not None:
            TerraformOutput(self, "lock_table_name", value=self.state_bucket.lock_table.name,
                            description="DynamoDB lock table, for `backend.dynamodb_table`.")
