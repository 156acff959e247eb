"""What runs in a task besides the app's image: secrets, sidecars, container health checks, logs.

The props here are pieces of ServiceProps. The app container stays the one CodeDeploy routes to
and the AppSpec names; sidecars run next to it in every task, in both task sets. All containers of
a Fargate task share one network namespace, so their ports must differ.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Annotated, ClassVar, Literal

from .aws import arn_problem, is_token, parse_arn
from .errors import SettingsError, join
from .kinds import Props
from .rules import ANY_REGION, FREE_TEXT, PORT, Image, Pattern, Range, Unique

CONTAINER_NAME = Pattern(
    r"[A-Za-z0-9][A-Za-z0-9_-]{0,254}",
    "Use up to 255 letters, digits, hyphens and underscores, starting with a letter or digit.",
)
VARIABLE_NAME = Pattern(
    r"[A-Za-z_][A-Za-z0-9_]*", "Name variables with letters, digits and underscores, not starting with a digit."
)
# A Secrets Manager ARN as the service returns it: the name, a hyphen and 6 random characters.
_SECRET_RESOURCE = re.compile(r"secret:[A-Za-z0-9/_+=.@-]+-[A-Za-z0-9]{6}")

DependencyCondition = Literal["START", "COMPLETE", "SUCCESS", "HEALTHY"]
"""When a container may start, after the one it depends on: START (it has started), COMPLETE (it
has exited), SUCCESS (it has exited with 0), HEALTHY (its health check passes)."""

SECRETS_MANAGER_READ = "secretsmanager:GetSecretValue"
SSM_READ = "ssm:GetParameters"


@dataclass(frozen=True, kw_only=True)
class SecretProps(Props):
    """A secret a container gets as an environment variable: a Secrets Manager secret (whole, or
    one JSON key at a version stage) or an SSM Parameter Store parameter."""

    SETTING: ClassVar[str] = "secret"

    arn: Annotated[str, ANY_REGION]
    """Full ARN of a Secrets Manager secret (…:secret:db-password-AbCdEf) or an SSM parameter
    (…:parameter/app/db-password). Required."""
    json_key: Annotated[
        str | None, Pattern(r"[^:\s]{1,256}", "Use the key as it is in the secret's JSON, without ':' or spaces.")
    ] = None
    """Secrets Manager only: pass this key of a JSON secret instead of the whole secret. Default: None (the whole
    secret)."""
    version_stage: Annotated[
        str | None, Pattern(r"[A-Za-z0-9_.@+=-]{1,256}", "Use a stage label such as 'AWSCURRENT' or 'AWSPREVIOUS'.")
    ] = None
    """Secrets Manager only: the version stage to read, e.g. "AWSPREVIOUS". Default: None (AWSCURRENT)."""

    def check(self) -> None:
        if is_token(self.arn):
            return
        arn = parse_arn(self.arn)
        if arn is not None and arn["service"] == "ssm":
            problem = arn_problem(self.arn, "ssm", ("parameter/",))
            if problem is not None:
                raise SettingsError("arn", self.arn, problem)
            if self.json_key is not None or self.version_stage is not None:
                raise SettingsError(
                    "json_key" if self.json_key is not None else "version_stage",
                    self.json_key if self.json_key is not None else self.version_stage,
                    "SSM parameters have no JSON keys or version stages: drop it, or store the secret in "
                    "Secrets Manager.",
                )
            return
        problem = arn_problem(self.arn, "secretsmanager", ("secret:",))
        if problem is not None:
            raise SettingsError("arn", self.arn, problem)
        if arn is None or not _SECRET_RESOURCE.fullmatch(arn["resource"]):
            raise SettingsError(
                "arn",
                self.arn,
                "Pass the secret's full ARN, with the 6 characters Secrets Manager appends to its name "
                "(…:secret:db-password-AbCdEf): IAM matches the full ARN, so a partial one would let the task "
                "read nothing.",
            )

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
            return (
                (SECRETS_MANAGER_READ, SSM_READ)
                if self.json_key is None and self.version_stage is None
                else (SECRETS_MANAGER_READ,)
            )
        arn = parse_arn(self.arn)
        return (SSM_READ,) if arn is not None and arn["service"] == "ssm" else (SECRETS_MANAGER_READ,)


@dataclass(frozen=True, kw_only=True)
class ContainerHealthCheckProps(Props):
    """A container health check, run by ECS inside the container (Docker's HEALTHCHECK)."""

    SETTING: ClassVar[str] = "health_check"

    command: tuple[Annotated[str, FREE_TEXT], ...]
    """"CMD" and the command with its arguments, or "CMD-SHELL" and a shell line, e.g. ("CMD-SHELL", "curl -f
    http://localhost/ || exit 1"). Required."""
    interval_seconds: Annotated[int, Range(5, 300, "seconds")] = 30
    """Seconds between checks, 5 to 300. Default: 30."""
    timeout_seconds: Annotated[int, Range(2, 60, "seconds")] = 5
    """Seconds a check may take before it fails, 2 to 60. Default: 5."""
    retries: Annotated[int, Range(1, 10)] = 3
    """Failed checks in a row before the container is unhealthy, 1 to 10. Default: 3."""
    start_period_seconds: Annotated[int, Range(0, 300, "seconds")] = 0
    """Seconds after start when failed checks do not count, 0 to 300. Default: 0."""

    def check(self) -> None:
        if len(self.command) < 2 or self.command[0] not in ("CMD", "CMD-SHELL") or not all(self.command[1:]):
            raise SettingsError(
                "command",
                self.command,
                "Start with 'CMD' and the command's arguments, or 'CMD-SHELL' and one shell line, e.g. "
                "('CMD-SHELL', 'curl -f http://localhost/ || exit 1').",
            )
        if self.timeout_seconds >= self.interval_seconds:
            raise SettingsError(
                "timeout_seconds",
                self.timeout_seconds,
                f"It must be shorter than interval_seconds ({self.interval_seconds}).",
            )

    def render(self) -> dict[str, object]:
        check: dict[str, object] = {
            "command": list(self.command),
            "interval": self.interval_seconds,
            "timeout": self.timeout_seconds,
            "retries": self.retries,
        }
        if self.start_period_seconds:
            check["startPeriod"] = self.start_period_seconds
        return check


AWSLOGS_OWN_OPTIONS = ("awslogs-group", "awslogs-region", "awslogs-stream-prefix")


@dataclass(frozen=True, kw_only=True)
class LogProps(Props):
    """Where a container's output goes: CloudWatch Logs (the service's log group), or a FireLens
    log router running as a sidecar."""

    SETTING: ClassVar[str] = "log"

    driver: Literal["awslogs", "awsfirelens"] = "awslogs"
    """"awslogs": the service's log group, one stream per task and container; "awsfirelens": the task's FireLens
    sidecar. Default: "awslogs"."""
    options: Mapping[str, Annotated[str, FREE_TEXT]] = field(default_factory=dict)
    """Options of the driver: for awsfirelens its output (e.g. {"Name": "cloudwatch_logs", ...}); for awslogs extra
    ones such as "mode". Default: {} (none)."""

    def check(self) -> None:
        ours = sorted(k for k in self.options if k in AWSLOGS_OWN_OPTIONS) if self.driver == "awslogs" else []
        if ours:
            raise SettingsError(
                "options",
                ours[0],
                "The stack sets the group, region and stream prefix of awslogs (the service's log group): "
                "leave them out, or use driver 'awsfirelens' to send the logs elsewhere.",
            )


@dataclass(frozen=True, kw_only=True)
class ContainerProps(Props):
    """A sidecar: a container that runs next to the app in every task (a log router, an agent, a
    proxy). CodeDeploy still routes traffic to the app container only."""

    SETTING: ClassVar[str] = "sidecar"

    name: Annotated[str, CONTAINER_NAME]
    """Name of the container, unique in the task. Required."""
    image: Annotated[str, Image()]
    """Image of the container; a deployment changes only the app's. Required."""
    essential: bool = True
    """Stop the task when this container stops. Default: True."""
    ports: Annotated[tuple[Annotated[int, PORT], ...], Unique("List each port once.")] = ()
    """Ports the container listens on (tasks share one network: no two containers on one port). Default: () (none)."""
    command: tuple[Annotated[str, FREE_TEXT], ...] = ()
    """Command instead of the image's. Default: () (the image's own)."""
    environment: Mapping[Annotated[str, VARIABLE_NAME], Annotated[str, FREE_TEXT]] = field(default_factory=dict)
    """Environment variables of the container. Default: {} (none)."""
    secrets: Mapping[Annotated[str, VARIABLE_NAME], SecretProps] = field(default_factory=dict)
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

    def check(self) -> None:
        check_environment("", self.environment, self.secrets)
        if self.firelens is not None and self.log.driver == "awsfirelens":
            raise SettingsError(
                "log.driver", "awsfirelens", "The log router cannot send its own logs through itself: use 'awslogs'."
            )


def check_environment(where: str, environment: Mapping[str, str], secrets: Mapping[str, SecretProps]) -> None:
    """A variable is plain or secret, not both: the container would get only one of the two."""
    both = sorted(set(environment) & set(secrets))
    if both:
        name = both[0]
        raise SettingsError(
            join(where, f"secrets.{name}"),
            name,
            f"{name} is both a plain environment variable and a secret, and the container would get only one "
            "of the two: remove it from environment or from secrets.",
            key=True,
            instead=(f"secrets.{name}", f"environment.{name}"),
        )


def check_task(containers: Iterable[tuple[str, ContainerProps]]) -> None:
    """The rules between the containers of one task, each `(where, container)`, `where` the
    setting that holds it ("" for the app, "sidecars[1]"): unique names and ports, dependencies on
    containers that exist and can meet the condition, no cycle, one log router for FireLens."""
    containers = list(containers)
    by_name: dict[str, tuple[str, ContainerProps]] = {}
    for where, c in containers:
        if c.name in by_name:
            raise SettingsError(
                join(where, "name"),
                c.name,
                f"{_which(by_name[c.name][0])} has this name already: name each container once.",
            )
        by_name[c.name] = (where, c)
    owner: dict[int, tuple[str, ContainerProps]] = {}
    for where, c in containers:
        for port in c.ports:
            if port in owner:
                other_where, other = owner[port]
                raise SettingsError(
                    join(where, "ports"),
                    port,
                    f"{_which(other_where)} ({other.name}) listens on it already: the containers of "
                    "a task share one network, so give each its own port.",
                )
            owner[port] = (where, c)
    for where, c in containers:
        for name, condition in sorted(c.depends_on.items()):
            here = join(where, f"depends_on.{name}")
            target = by_name.get(name)
            if target is None or target[1] is c:
                raise SettingsError(
                    here,
                    name,
                    f"The task has no other container named {name!r}; its containers: {', '.join(sorted(by_name))}.",
                    key=True,
                )
            if condition == "HEALTHY" and target[1].health_check is None:
                raise SettingsError(
                    here, condition, f"{name} has no health check to pass: give it a health_check, or wait for START."
                )
            if condition in ("COMPLETE", "SUCCESS") and target[1].essential:
                raise SettingsError(
                    here,
                    condition,
                    f"{name} is essential, so the task stops when it exits: "
                    "set essential=False on it, or wait for START or HEALTHY.",
                )
    _check_no_cycle(by_name)
    routers = [(where, c) for where, c in containers if c.firelens is not None]
    if len(routers) > 1:
        raise SettingsError(
            join(routers[1][0], "firelens"),
            routers[1][1].firelens,
            f"{routers[0][1].name} is the task's log router already: a task has one.",
        )
    for where, c in containers:
        if c.log.driver == "awsfirelens" and not routers:
            raise SettingsError(
                join(where, "log.driver"),
                "awsfirelens",
                "No container of the task is a FireLens log router: add a sidecar with "
                "firelens='fluentbit', or use 'awslogs'.",
            )


def _which(where: str) -> str:
    """A container by the setting that holds it, to begin a sentence."""
    return f"The sidecar at {where}" if where else "The app container"


def _check_no_cycle(by_name: Mapping[str, tuple[str, ContainerProps]]) -> None:
    state: dict[str, str] = {}

    def visit(name: str, trail: list[str]) -> None:
        if state.get(name) == "done":
            return
        if state.get(name) == "open":
            loop = [*trail[trail.index(name) :], name]
            raise SettingsError(
                join(by_name[loop[0]][0], "depends_on"),
                " → ".join(loop),
                "Containers that wait for each other never start: break the cycle.",
            )
        state[name] = "open"
        for other in sorted(by_name[name][1].depends_on):
            visit(other, [*trail, name])
        state[name] = "done"

    for name in sorted(by_name):
        visit(name, [])
