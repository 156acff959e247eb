"""What runs in a task besides the app's image: secrets, sidecars, container health checks, logs.

The props here are pieces of ServiceProps. The app container stays the one CodeDeploy routes to
and the AppSpec names; sidecars run next to it in every task, in both task sets. All containers of
a Fargate task share one network namespace, so their ports must differ.

Secrets reach a container as environment variables, read by ECS with the task execution role when
a task starts. The role may read exactly the secrets named here (`grants`), and nothing else.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Annotated, ClassVar, Literal

from ..validation import (
    ANY_REGION,
    FREE_TEXT,
    SettingsError,
    check_arn,
    check_image,
    check_port,
    check_range,
    check_types,
    is_token,
    matches,
    parse_arn,
)

CONTAINER_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,254}")
ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# A Secrets Manager ARN as the service returns it: the name, a hyphen and 6 random characters.
_SECRET_RESOURCE = re.compile(r"secret:[A-Za-z0-9/_+=.@-]+-[A-Za-z0-9]{6}")
_JSON_KEY = re.compile(r"[^:\s]{1,256}")
_VERSION_STAGE = re.compile(r"[A-Za-z0-9_.@+=-]{1,256}")

DependencyCondition = Literal["START", "COMPLETE", "SUCCESS", "HEALTHY"]
"""When a container may start, after the one it depends on: START (it has started), COMPLETE (it
has exited), SUCCESS (it has exited with 0), HEALTHY (its health check passes)."""

SECRETS_MANAGER_READ = "secretsmanager:GetSecretValue"
SSM_READ = "ssm:GetParameters"
_SIDS = {SECRETS_MANAGER_READ: "ReadSecrets", SSM_READ: "ReadParameters"}


@dataclass(frozen=True, kw_only=True)
class SecretProps:
    """A secret a container gets as an environment variable: a Secrets Manager secret (whole, or
    one JSON key at a version stage) or an SSM Parameter Store parameter."""

    SETTING: ClassVar[str] = "secret"
    """Where its settings sit, in the names of its errors."""

    arn: Annotated[str, ANY_REGION]
    """Full ARN of a Secrets Manager secret (…:secret:db-password-AbCdEf) or an SSM parameter (…:parameter/app/db-password). Required."""
    json_key: str | None = None
    """Secrets Manager only: pass this key of a JSON secret instead of the whole secret. Default: None (the whole secret)."""
    version_stage: str | None = None
    """Secrets Manager only: the version stage to read, e.g. "AWSPREVIOUS". Default: None (AWSCURRENT)."""

    def __post_init__(self) -> None:
        check_types(self)
        if not is_token(self.arn):
            arn = parse_arn(self.arn)
            service = arn["service"] if arn else ""
            if service == "ssm":
                check_arn("secret.arn", self.arn, "ssm", "parameter/")
            else:
                check_arn("secret.arn", self.arn, "secretsmanager", "secret:")
                if not matches(_SECRET_RESOURCE, arn["resource"]):
                    raise SettingsError(
                        "secret.arn", self.arn,
                        "Pass the secret's full ARN, with the 6 characters Secrets Manager appends to "
                        "its name (…:secret:db-password-AbCdEf): IAM matches the full ARN, so a partial "
                        "one would let the task read nothing.",
                    )
            if service == "ssm" and (self.json_key is not None or self.version_stage is not None):
                raise SettingsError(
                    "secret.json_key" if self.json_key is not None else "secret.version_stage",
                    self.json_key if self.json_key is not None else self.version_stage,
                    "SSM parameters have no JSON keys or version stages: drop it, or store the "
                    "secret in Secrets Manager.",
                )
        if self.json_key is not None and not matches(_JSON_KEY, self.json_key):
            raise SettingsError("secret.json_key", self.json_key,
                                "Use the key as it is in the secret's JSON, without ':' or spaces.")
        if self.version_stage is not None and not matches(_VERSION_STAGE, self.version_stage):
            raise SettingsError("secret.version_stage", self.version_stage,
                                "Use a stage label such as 'AWSCURRENT' or 'AWSPREVIOUS'.")

    @property
    def value_from(self) -> str:
        """What ECS reads: the ARN, or `<arn>:<json-key>:<version-stage>:` for part of a secret."""
        if self.json_key is None and self.version_stage is None:
            return self.arn
        return f"{self.arn}:{self.json_key or ''}:{self.version_stage or ''}:"

    @property
    def actions(self) -> tuple[str, ...]:
        """The one read action for this ARN's service (both for an ARN only known at apply: each
        grants nothing on the other service's resource)."""
        if is_token(self.arn):
            return (SECRETS_MANAGER_READ, SSM_READ) if self.json_key is None and self.version_stage is None \
                else (SECRETS_MANAGER_READ,)
        return (SSM_READ,) if parse_arn(self.arn)["service"] == "ssm" else (SECRETS_MANAGER_READ,)


@dataclass(frozen=True, kw_only=True)
class ContainerHealthCheckProps:
    """A container health check, run by ECS inside the container (Docker's HEALTHCHECK)."""

    SETTING: ClassVar[str] = "health_check"
    """Where its settings sit, in the names of its errors."""

    command: tuple[Annotated[str, FREE_TEXT], ...]
    """"CMD" and the command with its arguments, or "CMD-SHELL" and a shell line, e.g. ("CMD-SHELL", "curl -f http://localhost/ || exit 1"). Required."""
    interval_seconds: int = 30
    """Seconds between checks, 5 to 300. Default: 30."""
    timeout_seconds: int = 5
    """Seconds a check may take before it fails, 2 to 60. Default: 5."""
    retries: int = 3
    """Failed checks in a row before the container is unhealthy, 1 to 10. Default: 3."""
    start_period_seconds: int = 0
    """Seconds after start when failed checks do not count, 0 to 300. Default: 0."""

    def __post_init__(self) -> None:
        check_types(self)
        if len(self.command) < 2 or self.command[0] not in ("CMD", "CMD-SHELL") or not all(self.command[1:]):
            raise SettingsError(
                "health_check.command", self.command,
                "Start with 'CMD' and the command's arguments, or 'CMD-SHELL' and one shell line, e.g. "
                "('CMD-SHELL', 'curl -f http://localhost/ || exit 1').",
            )
        check_range("health_check.interval_seconds", self.interval_seconds, 5, 300, "seconds")
        check_range("health_check.timeout_seconds", self.timeout_seconds, 2, 60, "seconds")
        if self.timeout_seconds >= self.interval_seconds:
            raise SettingsError("health_check.timeout_seconds", self.timeout_seconds,
                                f"It must be shorter than interval_seconds ({self.interval_seconds}).")
        check_range("health_check.retries", self.retries, 1, 10)
        check_range("health_check.start_period_seconds", self.start_period_seconds, 0, 300, "seconds")

    def render(self) -> dict:
        check = {"command": list(self.command), "interval": self.interval_seconds,
                 "timeout": self.timeout_seconds, "retries": self.retries}
        if self.start_period_seconds:
            check["startPeriod"] = self.start_period_seconds
        return check


@dataclass(frozen=True, kw_only=True)
class LogProps:
    """Where a container's output goes: CloudWatch Logs (the service's log group), or a FireLens
    log router running as a sidecar."""

    SETTING: ClassVar[str] = "log"
    """Where its settings sit, in the names of its errors."""

    driver: Literal["awslogs", "awsfirelens"] = "awslogs"
    """"awslogs": the service's log group, one stream per task and container; "awsfirelens": the task's FireLens sidecar. Default: "awslogs"."""
    options: Mapping[str, Annotated[str, FREE_TEXT]] = field(default_factory=dict)
    """Options of the driver: for awsfirelens its output (e.g. {"Name": "cloudwatch_logs", ...}); for awslogs extra ones such as "mode". Default: {} (none)."""

    def __post_init__(self) -> None:
        check_types(self)
        if self.driver == "awslogs":
            ours = sorted(k for k in self.options if k in ("awslogs-group", "awslogs-region", "awslogs-stream-prefix"))
            if ours:
                raise SettingsError(
                    "log.options", ours[0],
                    "The stack sets the group, region and stream prefix of awslogs (the service's log "
                    "group): leave them out, or use driver 'awsfirelens' to send the logs elsewhere.",
                )


def check_environment(where: str, environment: Mapping[str, str], secrets: Mapping[str, SecretProps]) -> None:
    for key in [*environment, *secrets]:
        if not matches(ENV_NAME, key):
            raise SettingsError(
                f"{where}.{'environment' if key in environment else 'secrets'}", key,
                "Name variables with letters, digits and underscores, not starting with a digit.",
            )
    both = sorted(set(environment) & set(secrets))
    if both:
        raise SettingsError(
            f"{where}.secrets", both[0],
            f"{both[0]} is a plain environment variable too, and the container would get only one "
            "of the two: remove it from environment or from secrets.",
        )


@dataclass(frozen=True, kw_only=True)
class ContainerProps:
    """A sidecar: a container that runs next to the app in every task (a log router, an agent, a
    proxy). CodeDeploy still routes traffic to the app container only."""

    SETTING: ClassVar[str] = "sidecar"
    """Where its settings sit, in the names of its errors."""

    name: str
    """Name of the container, unique in the task. Required."""
    image: str
    """Image of the container; a deployment changes only the app's. Required."""
    essential: bool = True
    """Stop the task when this container stops. Default: True."""
    ports: tuple[int, ...] = ()
    """Ports the container listens on (tasks share one network: no two containers on one port). Default: () (none)."""
    command: tuple[Annotated[str, FREE_TEXT], ...] = ()
    """Command instead of the image's. Default: () (the image's own)."""
    environment: Mapping[str, Annotated[str, FREE_TEXT]] = field(default_factory=dict)
    """Environment variables of the container. Default: {} (none)."""
    secrets: Mapping[str, SecretProps] = field(default_factory=dict)
    """Secrets of the container, by environment variable name. Default: {} (none)."""
    depends_on: Mapping[str, DependencyCondition] = field(default_factory=dict)
    """Containers this one waits for, and for what: START, COMPLETE, SUCCESS or HEALTHY. Default: {} (none)."""
    health_check: ContainerHealthCheckProps | None = None
    """Health check of the container (needed for a HEALTHY dependency on it). Default: None."""
    log: LogProps = field(default_factory=LogProps)
    """Where the container's output goes. Default: the service's log group."""
    firelens: Literal["fluentbit", "fluentd"] | None = None
    """Make this container the task's FireLens log router. Default: None (not a router)."""
    readonly_root_filesystem: bool = False
    """Mount the container's root file system read-only. Default: False."""

    def __post_init__(self) -> None:
        check_types(self)
        if not matches(CONTAINER_NAME, self.name):
            raise SettingsError("sidecar.name", self.name, "Use up to 255 letters, digits, hyphens and "
                                                            "underscores, starting with a letter or digit.")
        check_image("sidecar.image", self.image)
        for port in self.ports:
            check_port("sidecar.ports", port)
        if len(set(self.ports)) != len(self.ports):
            raise SettingsError("sidecar.ports", self.ports, "List each port once.")
        check_environment("sidecar", self.environment, self.secrets)
        if self.firelens is not None and self.log.driver == "awsfirelens":
            raise SettingsError("sidecar.log.driver", "awsfirelens",
                                "The log router cannot send its own logs through itself: use 'awslogs'.")


@dataclass(frozen=True)
class Container:
    """One container of the task, as the checks between containers see it."""

    where: str  # the setting that holds it: "service" or "service.sidecars[1]"
    name: str
    essential: bool
    ports: tuple[int, ...]
    depends_on: Mapping[str, str]
    health_check: ContainerHealthCheckProps | None
    secrets: Mapping[str, SecretProps]
    log: LogProps
    firelens: str | None


def check_task(containers: list[Container]) -> None:
    """The rules between the containers of one task: unique names and ports, dependencies on
    containers that exist and can meet the condition, no cycle, one log router for FireLens."""
    by_name: dict[str, Container] = {}
    for c in containers:
        if c.name in by_name:
            raise SettingsError(f"{c.where}.name", c.name,
                                f"{by_name[c.name].where} has this name already: name each container once.")
        by_name[c.name] = c
    owner: dict[int, Container] = {}
    for c in containers:
        for port in c.ports:
            if port in owner:
                raise SettingsError(f"{c.where}.ports", port,
                                    f"{owner[port].where} ({owner[port].name}) listens on it already: the "
                                    "containers of a task share one network, so give each its own port.")
            owner[port] = c
    for c in containers:
        for name, condition in sorted(c.depends_on.items()):
            here = f"{c.where}.depends_on.{name}"
            target = by_name.get(name)
            if target is None or target is c:
                raise SettingsError(here, condition, f"The task has no other container named {name!r}; its "
                                                     f"containers: {', '.join(sorted(by_name))}.")
            if condition == "HEALTHY" and target.health_check is None:
                raise SettingsError(here, condition, f"{name} has no health check to pass: give it a "
                                                     "health_check, or wait for START.")
            if condition in ("COMPLETE", "SUCCESS") and target.essential:
                raise SettingsError(here, condition, f"{name} is essential, so the task stops when it exits: "
                                                     "set essential=False on it, or wait for START or HEALTHY.")
    _check_no_cycle(by_name)
    routers = [c for c in containers if c.firelens is not None]
    if len(routers) > 1:
        raise SettingsError(f"{routers[1].where}.firelens", routers[1].firelens,
                            f"{routers[0].name} is the task's log router already: a task has one.")
    for c in containers:
        if c.log.driver == "awsfirelens" and not routers:
            raise SettingsError(f"{c.where}.log.driver", "awsfirelens",
                                "No container of the task is a FireLens log router: add a sidecar with "
                                "firelens='fluentbit', or use 'awslogs'.")


def _check_no_cycle(by_name: Mapping[str, Container]) -> None:
    state: dict[str, str] = {}

    def visit(name: str, trail: list[str]) -> None:
        if state.get(name) == "done":
            return
        if state.get(name) == "open":
            loop = trail[trail.index(name):] + [name]
            first = by_name[loop[0]]
            raise SettingsError(f"{first.where}.depends_on", " → ".join(loop),
                                "Containers that wait for each other never start: break the cycle.")
        state[name] = "open"
        for other in sorted(by_name[name].depends_on):
            visit(other, [*trail, name])
        state[name] = "done"

    for name in sorted(by_name):
        visit(name, [])


def secrets_of(containers: list[Container]) -> Iterator[SecretProps]:
    for c in containers:
        yield from c.secrets.values()


def grants(secrets: list[SecretProps], kms_key_arn: str | None) -> list[dict]:
    """The execution role's statements: each read action on exactly the ARNs that need it, and
    kms:Decrypt on the one key named. In a fixed order, so the policy is the same on every synth."""
    by_action: dict[str, list[str]] = {}
    for secret in secrets:
        for action in secret.actions:
            arns = by_action.setdefault(action, [])
            if secret.arn not in arns:
                arns.append(secret.arn)
    statements = [{"Sid": _SIDS[action], "Effect": "Allow", "Action": action, "Resource": sorted(arns)}
                  for action, arns in sorted(by_action.items())]
    if kms_key_arn is not None:
        statements.append({"Sid": "KmsDecrypt", "Effect": "Allow", "Action": "kms:Decrypt",
                           "Resource": kms_key_arn})
    return statements
