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
from ..aws.ecs_cluster import (
    EcsCluster,
    EcsClusterConfiguration,
    EcsClusterConfigurationExecuteCommandConfiguration,
    EcsClusterConfigurationExecuteCommandConfigurationLogConfiguration,
    EcsClusterSetting,
)
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
    ANY_REGION,
    FREE_TEXT,
    SettingsError,
    check_arn,
    check_image,
    check_port,
    check_range,
    check_types,
    check_value,
    matches,
)
from .containers import (
    CONTAINER_NAME,
    Container,
    ContainerHealthCheckProps,
    ContainerProps,
    DependencyCondition,
    LogProps,
    SecretProps,
    check_environment,
    check_task,
)
from .ownership import service_ignore_changes
from .provider import account_of, partition_of, region_of
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
class ExecuteCommandProps:
    """ECS Exec: shells and commands in running tasks (`aws ecs execute-command`), through SSM."""

    SETTING: ClassVar[str] = "service.execute_command"
    """Where its settings sit, in the names of its errors."""

    log_sessions: bool = True
    """Log every session's commands and output to the log group "/ecs/<name>/exec" (on a cluster the stack creates). Default: True."""
    kms_key_arn: str | None = None
    """KMS key that encrypts the sessions' data channel (on a cluster the stack creates); the task role may decrypt with it. Default: None (TLS only)."""

    def __post_init__(self) -> None:
        check_types(self)
        check_arn("service.execute_command.kms_key_arn", self.kms_key_arn, "kms", "key/")


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
    """Seconds between SIGTERM and SIGKILL when a task stops, for every container, 2 to 120. Default: 30."""
    secrets: Mapping[str, SecretProps] = field(default_factory=dict)
    """Secrets of the app container, by environment variable name; the execution role may read exactly these. Default: {} (none)."""
    secrets_kms_key_arn: Annotated[str | None, ANY_REGION] = None
    """Customer-managed KMS key that encrypts the secrets; the execution role may decrypt with it. Default: None (AWS-managed keys)."""
    health_check: ContainerHealthCheckProps | None = None
    """Health check of the app container, run by ECS (the load balancer's is load_balancer.health_check). Default: None."""
    depends_on: Mapping[str, DependencyCondition] = field(default_factory=dict)
    """Sidecars the app container waits for, and for what: START, COMPLETE, SUCCESS or HEALTHY. Default: {} (none)."""
    log: LogProps = field(default_factory=LogProps)
    """Where the app container's output goes. Default: the service's log group."""
    sidecars: tuple[ContainerProps, ...] = ()
    """Containers that run next to the app in every task (log router, agent, proxy). Default: () (none)."""
    execute_command: ExecuteCommandProps | None = None
    """Turn on ECS Exec, with session logging. Needs a task role (iam). Default: None (off)."""

    def __post_init__(self) -> None:
        check_types(self)
        check_image("service.image", self.image)
        if self.ephemeral_storage_gib != 20:
            check_range("service.ephemeral_storage_gib", self.ephemeral_storage_gib, 21, 200, "GiB")
        check_range("service.stop_timeout_seconds", self.stop_timeout_seconds, 2, 120, "seconds")
        if not matches(CONTAINER_NAME, self.container_name):
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
        check_environment("service", self.environment, self.secrets)
        check_task(self.containers)
        if self.secrets_kms_key_arn is not None:
            check_arn("service.secrets_kms_key_arn", self.secrets_kms_key_arn, "kms", "key/")
            if not any(c.secrets for c in self.containers):
                raise SettingsError("service.secrets_kms_key_arn", self.secrets_kms_key_arn,
                                    "No container has secrets to decrypt: drop it, or add the secrets.")
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
        exec_ = self.execute_command
        if exec_ is not None and self.cluster_name is not None and (exec_.log_sessions or exec_.kms_key_arn):
            raise SettingsError(
                "service.execute_command.log_sessions" if exec_.log_sessions else "service.execute_command.kms_key_arn",
                exec_.log_sessions if exec_.log_sessions else exec_.kms_key_arn,
                f"Session logging and encryption are settings of the cluster, and {self.cluster_name} is not the "
                "stack's: set log_sessions=False and no kms_key_arn (that cluster's own configuration applies).",
            )

    @property
    def containers(self) -> list[Container]:
        """The task's containers, the app first, as the checks between them see them."""
        app = Container("service", self.container_name, True, (self.container_port,), self.depends_on,
                        self.health_check, self.secrets, self.log, None)
        return [app] + [Container(f"service.sidecars[{i}]", s.name, s.essential, s.ports, s.depends_on,
                                  s.health_check, s.secrets, s.log, s.firelens)
                        for i, s in enumerate(self.sidecars)]

    @property
    def ports(self) -> tuple[int, ...]:
        """Every port a container of the task listens on."""
        return tuple(p for c in self.containers for p in c.ports)


def _container(*, name: str, image: str, essential: bool, ports: tuple[int, ...], command: tuple[str, ...],
               environment: Mapping[str, str], secrets: Mapping[str, SecretProps],
               depends_on: Mapping[str, str], health_check: ContainerHealthCheckProps | None, log: LogProps,
               log_options: Mapping[str, str], firelens: str | None, readonly: bool,
               stop_timeout: int) -> dict:
    """One container definition, as ECS reads it back: the empty lists it returns are written out,
    and the fields it leaves out unless set are written only when set (no diff on every plan)."""
    if log.driver == "awslogs":
        logging = {"logDriver": "awslogs",
                   "options": {**log_options, "awslogs-stream-prefix": name, **log.options}}
    else:
        logging = {"logDriver": "awsfirelens", **({"options": dict(log.options)} if log.options else {})}
    container: dict = {
        "name": name,
        "image": image,
        "essential": essential,
        "portMappings": [{"containerPort": p, "hostPort": p, "protocol": "tcp"} for p in ports],
        "environment": [{"name": k, "value": v} for k, v in sorted(environment.items())],
        "logConfiguration": logging,
        "mountPoints": [],
        "volumesFrom": [],
        "systemControls": [],
    }
    if command:
        container["command"] = list(command)
    if secrets:
        container["secrets"] = [{"name": k, "valueFrom": v.value_from} for k, v in sorted(secrets.items())]
    if depends_on:
        container["dependsOn"] = [{"containerName": k, "condition": v} for k, v in sorted(depends_on.items())]
    if health_check is not None:
        container["healthCheck"] = health_check.render()
    if firelens is not None:
        container["firelensConfiguration"] = {"type": firelens}
    # Only what differs from ECS's own defaults, so that the default task shape stays as it was.
    if readonly:
        container["readonlyRootFilesystem"] = True
    if stop_timeout != 30:
        container["stopTimeout"] = stop_timeout
    return container


EXEC_CHANNELS = ("ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel",
                 "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel")
"""What the SSM agent in a task needs for ECS Exec. These actions have no resource types in IAM,
so their resource can only be "*"."""


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
        health_check_port: int | None = None,
    ) -> None:
        check_value("props", props, ServiceProps)
        super().__init__(scope, id)
        self.props = props

        exec_ = props.execute_command
        self.exec_log_group: CloudwatchLogGroup | None = None
        if exec_ is not None and exec_.log_sessions:
            self.exec_log_group = self._log_group("exec-logs", f"/ecs/{name}/exec")
        if props.cluster_name is None:
            configuration = None
            if exec_ is not None and (exec_.log_sessions or exec_.kms_key_arn):
                configuration = EcsClusterConfiguration(
                    execute_command_configuration=EcsClusterConfigurationExecuteCommandConfiguration(
                        kms_key_id=exec_.kms_key_arn,
                        logging="OVERRIDE" if exec_.log_sessions else "DEFAULT",
                        log_configuration=EcsClusterConfigurationExecuteCommandConfigurationLogConfiguration(
                            cloud_watch_log_group_name=self.exec_log_group.name,
                        ) if self.exec_log_group is not None else None,
                    ),
                )
            self.cluster = EcsCluster(
                self, "cluster", name=name,
                setting=[EcsClusterSetting(
                    name="containerInsights",
                    value="enabled" if props.container_insights else "disabled",
                )],
                configuration=configuration,
            )
            if configuration is not None:
                suppress(self.cluster, "CKV_AWS_224", "Sessions are logged to a log group CloudWatch Logs "
                         "encrypts at rest (see CKV_AWS_158 on it); the channel uses execute_command.kms_key_arn "
                         "when given.")
            self.cluster_name: str = self.cluster.name
            if not props.container_insights:
                suppress(self.cluster, "CKV_AWS_65", "Turned off on request (service.container_insights=False).")
        else:
            self.cluster_name = props.cluster_name

        self.log_group = self._log_group("logs", f"/ecs/{name}")
        self.region = region_of(self)
        log_options = {"awslogs-group": self.log_group.name, "awslogs-region": self.region.name}
        app = _container(
            name=props.container_name, image=props.image, essential=True, ports=(props.container_port,),
            command=(), environment=props.environment, secrets=props.secrets, depends_on=props.depends_on,
            health_check=props.health_check, log=props.log, log_options=log_options, firelens=None,
            readonly=props.readonly_root_filesystem, stop_timeout=props.stop_timeout_seconds,
        )
        sidecars = [_container(
            name=c.name, image=c.image, essential=c.essential, ports=c.ports, command=c.command,
            environment=c.environment, secrets=c.secrets, depends_on=c.depends_on, health_check=c.health_check,
            log=c.log, log_options=log_options, firelens=c.firelens, readonly=c.readonly_root_filesystem,
            stop_timeout=props.stop_timeout_seconds,
        ) for c in props.sidecars]
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
            container_definitions=json.dumps([app, *sidecars], sort_keys=True),
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
        if health_check_port is not None and health_check_port != props.container_port:
            # The load balancer probes another port of the tasks (a sidecar's, say): open that one too.
            VpcSecurityGroupIngressRule(
                self, "from-lb-health", security_group_id=self.security_group.id,
                description="health check port from the load balancer",
                referenced_security_group_id=load_balancer_security_group_id,
                ip_protocol="tcp", from_port=health_check_port, to_port=health_check_port,
            )
            VpcSecurityGroupEgressRule(
                self, "lb-to-tasks-health", security_group_id=load_balancer_security_group_id,
                description="load balancer to the tasks' health check port",
                referenced_security_group_id=self.security_group.id,
                ip_protocol="tcp", from_port=health_check_port, to_port=health_check_port,
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
            enable_execute_command=True if exec_ is not None else None,
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

    def _log_group(self, id: str, name: str) -> CloudwatchLogGroup:
        """A log group of the service (containers' output, ECS Exec sessions), kept as long as
        service.log_retention_days says."""
        days = self.props.log_retention_days
        group = CloudwatchLogGroup(self, id, name=name, retention_in_days=days)
        suppress(group, "CKV_AWS_158", "Encrypted at rest by CloudWatch Logs; a customer-managed "
                 "KMS key costs and needs a key policy granting the logs service.")
        if days < 365:
            suppress(group, "CKV_AWS_338", f"Kept {days} days, a cost choice: raise service.log_retention_days.")
        return group

    def execute_command_statements(self) -> list[dict]:
        """The task role's grants for ECS Exec: the SSM channels; writing the session logs to
        their log group only; decrypting with the sessions' key only."""
        exec_ = self.props.execute_command
        if exec_ is None:
            return []
        statements: list[dict] = [{"Sid": "ExecChannels", "Effect": "Allow", "Action": list(EXEC_CHANNELS),
                                   "Resource": "*"}]
        if self.exec_log_group is not None:
            account, partition = account_of(self), partition_of(self)
            statements += [
                # The agent looks the group up before it writes: in this account and region only.
                {"Sid": "ExecFindLogGroup", "Effect": "Allow", "Action": "logs:DescribeLogGroups",
                 "Resource": f"arn:{partition.partition}:logs:{self.region.name}:{account.account_id}:log-group:*"},
                {"Sid": "ExecWriteLogs", "Effect": "Allow",
                 "Action": ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"],
                 "Resource": f"{self.exec_log_group.arn}:*"},
            ]
        if exec_.kms_key_arn is not None:
            statements.append({"Sid": "ExecDecrypt", "Effect": "Allow", "Action": "kms:Decrypt",
                               "Resource": exec_.kms_key_arn})
        return statements
