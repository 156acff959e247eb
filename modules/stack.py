"""The deployable stack: provider, S3 backend, one blue/green service, and its outputs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from cdktf import TerraformOutput, TerraformStack
from cdktf_cdktf_provider_aws.provider import AwsProvider, AwsProviderDefaultTags
from constructs import Construct

from .backend import StateBackendProps, add_s3_backend, check_region
from .blue_green import BlueGreenServiceProps, EcsBlueGreen
from .validation import SettingsError, check_types


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

    def __post_init__(self) -> None:
        check_types(self, "stack")
        check_region("region", self.region)
        for key, value in self.default_tags.items():
            if not key or len(key) > 128 or key.lower().startswith("aws:") or len(value) > 256:
                raise SettingsError(
                    "default_tags", {key: value},
                    "Tag keys have 1 to 128 characters and may not start with 'aws:'; values "
                    "have at most 256.",
                )


class BlueGreenStack(TerraformStack):
    """A complete, deployable stack around :class:`EcsBlueGreen`.

    Outputs (logical ids are stable API for scripts and the deploy command):
    load_balancer_dns_name, prod_url, test_url, cluster_name, service_name, container_name,
    container_port, codedeploy_app_name, codedeploy_group_name, blue_target_group_name,
    green_target_group_name, prod_listener_arn, test_listener_arn.
    """

    def __init__(self, scope: Construct, id: str, *, settings: StackSettings) -> None:
        super().__init__(scope, id)
        self.settings = settings
        self.provider = AwsProvider(
            self, "aws", region=settings.region,
            default_tags=[AwsProviderDefaultTags(tags=dict(settings.default_tags))]
            if settings.default_tags else None,
        )
        self.backend = add_s3_backend(self, settings.backend, region=settings.region)
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
        }
        self.outputs = {
            key: TerraformOutput(self, key, value=value, description=description)
            for key, (value, description) in outputs.items()
        }
