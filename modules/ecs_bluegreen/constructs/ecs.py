"""ECS: the cluster, the Fargate task definition and the service CodeDeploy deploys."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Annotated, ClassVar, Literal

from constructs import Construct

from ..aws.appautoscaling_policy import (
    AppautoscalingPolicy,
    AppautoscalingPolicyTargetTrackingScalingPolicyConfiguration,
    AppautoscalingPolicyTargetTrackingScalingPolicyConfigurationPredefinedMetricSpecification,
)
from ..aws.appautoscaling_target import AppautoscalingTarget
from ..aws.cloudwatch_log_group import CloudwatchLogGroup
from ..aws.data_aws_region import DataAwsRegion
from ..aws.ecs_cluster import EcsCluster, EcsClusterSetting
from ..aws.ecs_service import (
    EcsService,
    EcsServiceDeploymentController,
    EcsServiceLoadBalancer,
    EcsServiceNetworkConfiguration,
)
from ..aws.ecs_task_definition import (
    EcsTaskDefinition,
    EcsTaskDefinitionEphemeralStorage,
    EcsTaskDefinitionRuntimePlatform,
)
from ..aws.lb import Lb
from ..aws.lb_target_group import LbTargetGroup
from ..aws.security_group import SecurityGroup
from ..aws.vpc_security_group_egress_rule import VpcSecurityGroupEgressRule
from ..aws.vpc_security_group_ingress_rule import VpcSecurityGroupIngressRule
from ..cdk import ITerraformDependable, TerraformResourceLifecycle
from ..contract import BY_TERRAFORM, REGISTERED_BY
from ..validation import (
    FREE_TEXT,
    SettingsError,
    check_image,
    check_port,
    check_range,
    check_types,
    check_value,
    matches,
)
from .ownership import service_ignore_changes
from .suppressions import suppress

# Fargate's CPU units and the memory (MiB) each one allows.
FARGATE_MEMORY: dict[int, tuple[int, ...]] = {
    256: (512, 1024, 2048),
    512: tuple(range(1024, 4097, 1024)),
    1024: tuple(range(2048, 8193, 1024)),
    2048: tuple(range(4096, 16385, 1024)),
    4096: tuple(range(8192, 30721, 1024)),
    8192: tuple(range(16384, 61441, 4096)),
    16384: tuple(range(32768, 122881, 8192)),
}

LOG_RETENTION_DAYS = (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096,
                      1827, 2192, 2557, 2922, 3288, 3653)
"""The values CloudWatch Logs accepts (0, never expire, is left out on purpose)."""

_CONTAINER_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,254}")
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# The Linux platform versions Fargate still runs new tasks on: 1.0.0 to 1.3.0 are retired.
FARGATE_PLATFORM_VERSIONS = ("LATEST", "1.4.0")
_CLUSTER_NAME = re.compile(r"[A-Za-z0-9_-]{1,255}")


@dataclass(frozen=True, kw_only=True)
class AutoscalingProps:
    """Application Auto Scaling of the service's task count on average CPU."""

    SETTING: ClassVar[str] = "service.autoscaling"
    """Where its settings sit, in the names of its errors."""

    min_capacity: int = 2
    """Fewest tasks, 1 or more. Default: 2."""
    max_capacity: int = 10
    """Most tasks, at least min_capacity. Default: 10."""
    cpu_target_percent: int = 70
    """Average CPU the policy steers to, 10 to 90. Default: 70."""
    requests_per_target: int | None = None
    """Also scale out when requests per task per minute pass this (ALB only). Default: None (off)."""

    def __post_init__(self) -> None:
        check_types(self)
        check_range("service.autoscaling.min_capacity", self.min_capacity, 1, 5000)
        check_range("service.autoscaling.max_capacity", self.max_capacity, 1, 5000)
        if self.min_capacity > self.max_capacity:
            raise SettingsError(
                "service.autoscaling.min_capacity", self.min_capacity,
                f"It must not exceed max_capacity ({self.max_capacity}).",
            )
        check_range("service.autoscaling.cpu_target_percent", self.cpu_target_percent, 10, 90, "percent")
        if self.requests_per_target is not None:
            check_range("service.autoscaling.requests_per_target", self.requests_per_target, 1, 1_000_000)


@dataclass(frozen=True, kw_only=True)
class ServiceProps:
    """The container and the Fargate service that runs it."""

    SETTING: ClassVar[str] = "service"
    """Where its settings sit, in the names of its errors."""

    image: str
    """Image of the first deployment, e.g. "public.ecr.aws/nginx/nginx:1.27"; later ones come from
    `bluegreen deploy --image`. Required."""
    container_name: str = "app"
    """Name of the container; CodeDeploy's AppSpec refers to it. Default: "app"."""
    container_port: int = 80
    """Port the container listens on; targets register on it. Default: 80."""
    cpu: int = 256
    """Fargate CPU units: 256, 512, 1024, 2048, 4096, 8192 or 16384. Default: 256."""
    memory: int = 512
    """Memory in MiB, one of the values Fargate pairs with cpu. Default: 512."""
    environment: Mapping[str, Annotated[str, FREE_TEXT]] = field(default_factory=dict)
    """Environment variables of the container. Default: {} (none)."""
    desired_count: int = 2
    """Tasks to run (the initial count when autoscaling is on). Default: 2."""
    platform_version: str = "1.4.0"
    """Fargate platform version, pinned so that it changes only when you say: "1.4.0" or "LATEST". Default: "1.4.0"."""
    assign_public_ip: bool = False
    """Give tasks public IPs (only for public subnets without NAT). Default: False."""
    health_check_grace_period_seconds: int = 60
    """Seconds the service ignores failing health checks of new tasks. Default: 60."""
    log_retention_days: int = 30
    """Retention of the container log group, a value CloudWatch accepts. Default: 30."""
    cluster_name: str | None = None
    """Existing ECS cluster to run in. Default: None (a cluster is created)."""
    container_insights: bool = True
    """Container Insights on a created cluster. Default: True."""
    autoscaling: AutoscalingProps | None = None
    """Scale the task count on CPU; Terraform then ignores desired_count. Default: None (off)."""
    cpu_architecture: Literal["X86_64", "ARM64"] = "X86_64"
    """CPU architecture of the tasks: "ARM64" runs them on Graviton, for an image built for it. Default: "X86_64"."""
    ephemeral_storage_gib: int = 20
    """Ephemeral storage of each task in GiB, 21 to 200 for more than Fargate's free 20. Default: 20."""
    readonly_root_filesystem: bool = False
    """Mount the container's root file system read-only, so the app cannot change its image. Default: False."""
    stop_timeout_seconds: int = 30
    """Seconds between SIGTERM and SIGKILL when a task stops, 2 to 120. Default: 30."""

    def __post_init__(self) -> None:
        check_types(self)
        check_image("service.image", self.image)
        if self.ephemeral_storage_gib != 20:
            check_range("service.ephemeral_storage_gib", self.ephemeral_storage_gib, 21, 200, "GiB")
        check_range("service.stop_timeout_seconds", self.stop_timeout_seconds, 2, 120, "seconds")
        if not matches(_CONTAINER_NAME, self.container_name):
            raise SettingsError(
                "service.container_name", self.container_name,
                "Use up to 255 letters, digits, hyphens and underscores, starting with a letter "
                "or digit.",
            )
        check_port("service.container_port", self.container_port)
        if self.cpu not in FARGATE_MEMORY:
            raise SettingsError(
                "service.cpu", self.cpu,
                f"Fargate offers these CPU units: {', '.join(map(str, FARGATE_MEMORY))}.",
            )
        allowed = FARGATE_MEMORY[self.cpu]
        if self.memory not in allowed:
            raise SettingsError(
                "service.memory", self.memory,
                f"With cpu={self.cpu}, Fargate offers memory from {allowed[0]} to {allowed[-1]} "
                f"MiB: {', '.join(map(str, allowed))}.",
            )
        for key in self.environment:
            if not matches(_ENV_NAME, key):
                raise SettingsError(
                    "service.environment", key,
                    "Name variables with letters, digits and underscores, not starting with a digit.",
                )
        check_range("service.desired_count", self.desired_count, 0, 5000)
        if self.platform_version not in FARGATE_PLATFORM_VERSIONS:
            raise SettingsError(
                "service.platform_version", self.platform_version,
                f"Use one of {', '.join(map(repr, FARGATE_PLATFORM_VERSIONS))}: Fargate runs new Linux tasks on "
                "no other (1.0.0 to 1.3.0 are retired).",
            )
        check_range("service.health_check_grace_period_seconds",
                    self.health_check_grace_period_seconds, 0, 2147483647, "seconds")
        if self.log_retention_days not in LOG_RETENTION_DAYS:
            raise SettingsError(
                "service.log_retention_days", self.log_retention_days,
                f"CloudWatch Logs accepts: {', '.join(map(str, LOG_RETENTION_DAYS))}.",
            )
        if self.cluster_name is not None and not matches(_CLUSTER_NAME, self.cluster_name):
            raise SettingsError(
                "service.cluster_name", self.cluster_name,
                "Give the name (not the ARN) of an existing cluster: letters, digits, hyphens, "
                "underscores.",
            )


class FargateService(Construct):
    """A Fargate service under the CODE_DEPLOY deployment controller, with its cluster, task
    definition, log group, security group and (optionally) autoscaling."""

    cluster: EcsCluster | None = None
    autoscaling_target: AppautoscalingTarget | None = None

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        name: str,
        props: ServiceProps,
        vpc_id: str,
        subnet_ids: list[str],
        load_balancer_security_group_id: str,
        target_groups: tuple[LbTargetGroup, LbTargetGroup],
        load_balancer: Lb,
        execution_role_arn: str,
        task_role_arn: str | None,
        depends_on: list[ITerraformDependable],
    ) -> None:
        check_value("props", props, ServiceProps)
        super().__init__(scope, id)
        self.props = props

        if props.cluster_name is None:
            self.cluster = EcsCluster(
                self, "cluster", name=name,
                setting=[EcsClusterSetting(
                    name="containerInsights",
                    value="enabled" if props.container_insights else "disabled",
                )],
            )
            self.cluster_name: str = self.cluster.name
            if not props.container_insights:
                suppress(self.cluster, "CKV_AWS_65", "Turned off on request (service.container_insights=False).")
        else:
            self.cluster_name = props.cluster_name

        self.log_group = CloudwatchLogGroup(
            self, "logs", name=f"/ecs/{name}", retention_in_days=props.log_retention_days,
        )
        suppress(self.log_group, "CKV_AWS_158", "Encrypted at rest by CloudWatch Logs; a customer-managed "
                 "KMS key costs and needs a key policy granting the logs service.")
        if props.log_retention_days < 365:
            suppress(self.log_group, "CKV_AWS_338", f"Kept {props.log_retention_days} days, a cost "
                     "choice: raise service.log_retention_days.")
        self.region = DataAwsRegion(self, "region")
        container = {
            "name": props.container_name,
            "image": props.image,
            "essential": True,
            "portMappings": [{
                "containerPort": props.container_port,
                "hostPort": props.container_port,
                "protocol": "tcp",
            }],
            "environment": [{"name": k, "value": v} for k, v in sorted(props.environment.items())],
            "logConfiguration": {
                "logDriver": "awslogs",
                "options": {
                    "awslogs-group": self.log_group.name,
                    "awslogs-region": self.region.name,
                    "awslogs-stream-prefix": props.container_name,
                },
            },
            "mountPoints": [],
            "volumesFrom": [],
            "systemControls": [],
        }
        # Only what differs from ECS's own defaults, so that the default task shape stays as it was.
        if props.readonly_root_filesystem:
            container["readonlyRootFilesystem"] = True
        if props.stop_timeout_seconds != 30:
            container["stopTimeout"] = props.stop_timeout_seconds
        shape = {}
        if props.cpu_architecture != "X86_64":
            shape["runtime_platform"] = EcsTaskDefinitionRuntimePlatform(
                operating_system_family="LINUX", cpu_architecture=props.cpu_architecture)
        if props.ephemeral_storage_gib != 20:
            shape["ephemeral_storage"] = EcsTaskDefinitionEphemeralStorage(size_in_gib=props.ephemeral_storage_gib)
        self.task_definition = EcsTaskDefinition(
            self, "task", family=name,
            requires_compatibilities=["FARGATE"], network_mode="awsvpc",
            cpu=str(props.cpu), memory=str(props.memory),
            execution_role_arn=execution_role_arn, task_role_arn=task_role_arn,
            container_definitions=json.dumps([container], sort_keys=True),
            # Who registered a revision: `bluegreen deploy` tells its own revisions from Terraform's,
            # and from ones made by hand (modules/revisions.py).
            tags={REGISTERED_BY: BY_TERRAFORM},
            **shape,
        )

        self.security_group = SecurityGroup(
            self, "sg", name=f"{name}-tasks", vpc_id=vpc_id,
            description=f"{name} tasks: traffic from the load balancer only",
            tags={"Name": f"{name}-tasks"},
        )
        from_lb = VpcSecurityGroupIngressRule(
            self, "from-lb", security_group_id=self.security_group.id,
            description="container port from the load balancer",
            referenced_security_group_id=load_balancer_security_group_id,
            ip_protocol="tcp", from_port=props.container_port, to_port=props.container_port,
        )
        if props.container_port == 80:
            suppress(from_lb, "CKV_AWS_260", "False positive: the source is the load balancer's security "
                     "group, not 0.0.0.0/0.")
        VpcSecurityGroupEgressRule(
            self, "lb-to-tasks", security_group_id=load_balancer_security_group_id,
            description="load balancer to the tasks' container port",
            referenced_security_group_id=self.security_group.id,
            ip_protocol="tcp", from_port=props.container_port, to_port=props.container_port,
        )
        VpcSecurityGroupEgressRule(
            self, "egress", security_group_id=self.security_group.id,
            description="tasks to image registries, logs and the services they call",
            cidr_ipv4="0.0.0.0/0", ip_protocol="-1",
        )

        self.service = EcsService(
            self, "service", name=name, cluster=self.cluster_name,
            task_definition=self.task_definition.arn, desired_count=props.desired_count,
            launch_type="FARGATE", platform_version=props.platform_version,
            deployment_controller=EcsServiceDeploymentController(type="CODE_DEPLOY"),
            load_balancer=[EcsServiceLoadBalancer(
                target_group_arn=target_groups[0].arn,
                container_name=props.container_name,
                container_port=props.container_port,
            )],
            network_configuration=EcsServiceNetworkConfiguration(
                subnets=subnet_ids, security_groups=[self.security_group.id],
                assign_public_ip=props.assign_public_ip,
            ),
            health_check_grace_period_seconds=props.health_check_grace_period_seconds,
            propagate_tags="SERVICE", enable_ecs_managed_tags=True,
            lifecycle=TerraformResourceLifecycle(
                ignore_changes=service_ignore_changes(autoscaling=props.autoscaling is not None),
            ),
            # ECS rejects a target group that no listener uses yet.
            depends_on=depends_on,
        )
        if props.platform_version != "LATEST":
            suppress(self.service, "CKV_AWS_332", f"Pinned to {props.platform_version} so the platform "
                     "changes only when you say (service.platform_version), through a deployment.")

        if props.autoscaling is not None:
            scaling = props.autoscaling
            self.autoscaling_target = AppautoscalingTarget(
                self, "scaling-target", service_namespace="ecs",
                resource_id=f"service/{self.cluster_name}/{self.service.name}",
                scalable_dimension="ecs:service:DesiredCount",
                min_capacity=scaling.min_capacity, max_capacity=scaling.max_capacity,
            )
            scaled = {
                "service_namespace": self.autoscaling_target.service_namespace,
                "resource_id": self.autoscaling_target.resource_id,
                "scalable_dimension": self.autoscaling_target.scalable_dimension,
            }
            AppautoscalingPolicy(
                self, "scaling-cpu", name=f"{name}-cpu", policy_type="TargetTrackingScaling", **scaled,
                target_tracking_scaling_policy_configuration=(
                    AppautoscalingPolicyTargetTrackingScalingPolicyConfiguration(
                        target_value=scaling.cpu_target_percent,
                        predefined_metric_specification=(
                            AppautoscalingPolicyTargetTrackingScalingPolicyConfigurationPredefinedMetricSpecification(
                                predefined_metric_type="ECSServiceAverageCPUUtilization",
                            )
                        ),
                    )
                ),
            )
            if scaling.requests_per_target is not None:
                # One policy per target group, since CodeDeploy moves the traffic between them at
                # each deployment. Both only scale out: the idle group reports no requests, which
                # would block every scale-in; the CPU policy scales in.
                for color, group in zip(("blue", "green"), target_groups):
                    AppautoscalingPolicy(
                        self, f"scaling-requests-{color}", name=f"{name}-requests-{color}",
                        policy_type="TargetTrackingScaling", **scaled,
                        target_tracking_scaling_policy_configuration=(
                            AppautoscalingPolicyTargetTrackingScalingPolicyConfiguration(
                                target_value=scaling.requests_per_target, disable_scale_in=True,
                                predefined_metric_specification=(
                                    AppautoscalingPolicyTargetTrackingScalingPolicyConfigurationPredefinedMetricSpecification(
                                        predefined_metric_type="ALBRequestCountPerTarget",
                                        resource_label=f"{load_balancer.arn_suffix}/{group.arn_suffix}",
                                    )
                                ),
                            )
                        ),
                    )
