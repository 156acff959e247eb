"""The app container and the Fargate service that runs it: size, platform, logs, scaling, ECS Exec."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Annotated, ClassVar, Literal, get_args

from .containers import (
    CONTAINER_NAME,
    VARIABLE_NAME,
    ContainerHealthCheckProps,
    ContainerProps,
    DependencyCondition,
    LogProps,
    SecretProps,
    check_environment,
    check_task,
)
from .errors import SettingsError
from .kinds import Props
from .rules import ANY_REGION, FREE_TEXT, PORT, Arn, Fix, Image, Pattern, Range

FargateCpu = Literal[256, 512, 1024, 2048, 4096, 8192, 16384]
"""Fargate's CPU units."""
FARGATE_MEMORY: dict[int, tuple[int, ...]] = {
    256: (512, 1024, 2048),
    512: tuple(range(1024, 4097, 1024)),
    1024: tuple(range(2048, 8193, 1024)),
    2048: tuple(range(4096, 16385, 1024)),
    4096: tuple(range(8192, 30721, 1024)),
    8192: tuple(range(16384, 61441, 4096)),
    16384: tuple(range(32768, 122881, 8192)),
}
"""The memory (MiB) Fargate pairs with each number of CPU units."""
assert tuple(FARGATE_MEMORY) == get_args(FargateCpu)

LogRetentionDays = Literal[
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653
]
"""The values CloudWatch Logs accepts (0, never expire, is left out on purpose)."""
LOG_RETENTION_DAYS = get_args(LogRetentionDays)

PlatformVersion = Literal["LATEST", "1.4.0"]
"""The Linux platform versions Fargate still runs new tasks on: 1.0.0 to 1.3.0 are retired."""
FARGATE_PLATFORM_VERSIONS = get_args(PlatformVersion)


@dataclass(frozen=True, kw_only=True)
class AutoscalingProps(Props):
    """Application Auto Scaling of the service's task count on average CPU."""

    SETTING: ClassVar[str] = "service.autoscaling"

    min_capacity: Annotated[int, Range(1, 5000)] = 2
    """Fewest tasks, 1 or more. Default: 2."""
    max_capacity: Annotated[int, Range(1, 5000)] = 10
    """Most tasks, at least min_capacity. Default: 10."""
    cpu_target_percent: Annotated[int, Range(10, 90, "percent")] = 70
    """Average CPU the policy steers to, 10 to 90. Default: 70."""
    requests_per_target: Annotated[int | None, Range(1, 1_000_000)] = None
    """Also scale out when requests per task per minute pass this (ALB only). Default: None (off)."""

    def check(self) -> None:
        if self.min_capacity > self.max_capacity:
            raise SettingsError(
                "min_capacity", self.min_capacity, f"It must not exceed max_capacity ({self.max_capacity})."
            )


@dataclass(frozen=True, kw_only=True)
class ExecuteCommandProps(Props):
    """ECS Exec: shells and commands in running tasks (`aws ecs execute-command`), through SSM."""

    SETTING: ClassVar[str] = "service.execute_command"

    log_sessions: bool = True
    """Log every session's commands and output to the log group "/ecs/<name>/exec" (on a cluster the stack creates).
    Default: True."""
    kms_key_arn: Annotated[str | None, Arn("kms", ("key/",))] = None
    """KMS key that encrypts the sessions' data channel (on a cluster the stack creates); the task role may decrypt
    with it. Default: None (TLS only)."""


@dataclass(frozen=True, kw_only=True)
class ServiceProps(Props):
    """The container and the Fargate service that runs it."""

    SETTING: ClassVar[str] = "service"

    image: Annotated[str, Image()]
    """Image of the first deployment, e.g. "public.ecr.aws/nginx/nginx:1.27"; later ones come from
    `bluegreen deploy --image`. Required."""
    container_name: Annotated[str, CONTAINER_NAME] = "app"
    """Name of the container; CodeDeploy's AppSpec refers to it. Default: "app"."""
    container_port: Annotated[int, PORT] = 80
    """Port the container listens on; targets register on it. Default: 80."""
    cpu: Annotated[FargateCpu, Fix("Fargate offers these CPU units: {choices}.")] = 256
    """Fargate CPU units: 256, 512, 1024, 2048, 4096, 8192 or 16384. Default: 256."""
    memory: int = 512
    """Memory in MiB, one of the values Fargate pairs with cpu. Default: 512."""
    environment: Mapping[Annotated[str, VARIABLE_NAME], Annotated[str, FREE_TEXT]] = field(default_factory=dict)
    """Environment variables of the container. Default: {} (none)."""
    desired_count: Annotated[int, Range(0, 5000)] = 2
    """Tasks to run (the initial count when autoscaling is on). Default: 2."""
    platform_version: Annotated[
        PlatformVersion,
        Fix("Use one of 'LATEST', '1.4.0': Fargate runs new Linux tasks on no other (1.0.0 to 1.3.0 are retired)."),
    ] = "1.4.0"
    """Fargate platform version, pinned so that it changes only when you say: "1.4.0" or "LATEST". Default: "1.4.0"."""
    assign_public_ip: bool = False
    """Give tasks public IPs (only for public subnets without NAT). Default: False."""
    health_check_grace_period_seconds: Annotated[int, Range(0, 2147483647, "seconds")] = 60
    """Seconds the service ignores failing health checks of new tasks. Default: 60."""
    log_retention_days: Annotated[LogRetentionDays, Fix("CloudWatch Logs accepts: {choices}.")] = 30
    """Retention of the container log group, a value CloudWatch accepts. Default: 30."""
    cluster_name: Annotated[
        str | None,
        Pattern(
            r"[A-Za-z0-9_-]{1,255}",
            "Give the name (not the ARN) of an existing cluster: letters, digits, hyphens, underscores.",
        ),
    ] = None
    """Existing ECS cluster to run in. Default: None (a cluster is created)."""
    container_insights: bool = True
    """Container Insights on a created cluster. Default: True."""
    autoscaling: AutoscalingProps | None = None
    """Scale the task count on CPU; Terraform then ignores desired_count. Default: None (off)."""
    cpu_architecture: Literal["X86_64", "ARM64"] = "X86_64"
    """CPU architecture of the tasks: "ARM64" runs them on Graviton, for an image built for it. Default: "X86_64"."""
    ephemeral_storage_gib: Annotated[int, Range(20, 200, "GiB")] = 20
    """Ephemeral storage of each task in GiB, 21 to 200 for more than Fargate's free 20. Default: 20."""
    readonly_root_filesystem: bool = False
    """Mount the container's root file system read-only, so the app cannot change its image. Default: False."""
    stop_timeout_seconds: Annotated[int, Range(2, 120, "seconds")] = 30
    """Seconds between SIGTERM and SIGKILL when a task stops, for every container, 2 to 120. Default: 30."""
    secrets: Mapping[Annotated[str, VARIABLE_NAME], SecretProps] = field(default_factory=dict)
    """Secrets of the app container, by environment variable name; the execution role may read exactly these. Default:
    {} (none)."""
    secrets_kms_key_arn: Annotated[str | None, ANY_REGION, Arn("kms", ("key/",))] = None
    """Customer-managed KMS key that encrypts the secrets; the execution role may decrypt with it. Default: None
    (AWS-managed keys)."""
    health_check: ContainerHealthCheckProps | None = None
    """Health check of the app container, run by ECS (the load balancer's is load_balancer.health_check). Default:
    None."""
    depends_on: Mapping[str, DependencyCondition] = field(default_factory=dict)
    """Sidecars the app container waits for, and for what: START, COMPLETE, SUCCESS or HEALTHY. Default: {} (none)."""
    log: LogProps = field(default_factory=LogProps)
    """Where the app container's output goes. Default: the service's log group."""
    sidecars: tuple[ContainerProps, ...] = ()
    """Containers that run next to the app in every task (log router, agent, proxy). Default: () (none)."""
    execute_command: ExecuteCommandProps | None = None
    """Turn on ECS Exec, with session logging. Needs a task role (iam). Default: None (off)."""

    def check(self) -> None:
        allowed = FARGATE_MEMORY[self.cpu]
        if self.memory not in allowed:
            raise SettingsError(
                "memory",
                self.memory,
                f"With cpu={self.cpu}, Fargate offers memory from {allowed[0]} "
                f"to {allowed[-1]} MiB: {', '.join(map(str, allowed))}.",
            )
        check_environment("", self.environment, self.secrets)
        containers = self.containers
        check_task(containers)
        if self.secrets_kms_key_arn is not None and not any(c.secrets for _, c in containers):
            raise SettingsError(
                "secrets_kms_key_arn",
                self.secrets_kms_key_arn,
                "No container has secrets to decrypt: drop it, or add the secrets.",
            )
        exec_ = self.execute_command
        if exec_ is not None and self.cluster_name is not None and (exec_.log_sessions or exec_.kms_key_arn):
            raise SettingsError(
                "execute_command.log_sessions" if exec_.log_sessions else "execute_command.kms_key_arn",
                exec_.log_sessions if exec_.log_sessions else exec_.kms_key_arn,
                f"Session logging and encryption are settings of the cluster, and {self.cluster_name} is not the "
                "stack's: set log_sessions=False and no kms_key_arn (that cluster's own configuration applies).",
            )

    @property
    def app(self) -> ContainerProps:
        """The app container, as a container of the task (the one CodeDeploy routes to)."""
        return ContainerProps(
            name=self.container_name,
            image=self.image,
            ports=(self.container_port,),
            environment=self.environment,
            secrets=self.secrets,
            depends_on=self.depends_on,
            health_check=self.health_check,
            log=self.log,
            readonly_root_filesystem=self.readonly_root_filesystem,
        )

    @property
    def containers(self) -> tuple[tuple[str, ContainerProps], ...]:
        """The task's containers, the app first, each with the setting that holds it ("" for the app)."""
        return (("", self.app), *((f"sidecars[{i}]", s) for i, s in enumerate(self.sidecars)))

    @property
    def ports(self) -> tuple[int, ...]:
        """Every port a container of the task listens on."""
        return tuple(p for _, c in self.containers for p in c.ports)
