"""How CodeDeploy shifts traffic to the new task set, what it runs on the way, and what follows."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Annotated, ClassVar, Literal

from ..contract import LAMBDA_FUNCTION, PREDEFINED_SHIFTS, HookEvent
from .alarms import AlarmProps
from .errors import SettingsError
from .kinds import Props
from .notifications import NotificationProps
from .rules import Pattern, Range
from .test_hook import TestTrafficHookProps

PREDEFINED_ECS_CONFIGS = tuple(PREDEFINED_SHIFTS)
ALL_AT_ONCE = "CodeDeployDefault.ECSAllAtOnce"
_CONFIG_NAME = Pattern(
    r"(?!CodeDeployDefault\.)[A-Za-z0-9._+=,@-]{1,100}|" + "|".join(re.escape(n) for n in PREDEFINED_ECS_CONFIGS),
    f"Use one of the ECS configs {', '.join(PREDEFINED_ECS_CONFIGS)}, or the name of a deployment config with "
    "compute platform ECS.")
LAMBDA = Pattern(LAMBDA_FUNCTION.pattern, "Name a Lambda function: up to 64 letters, digits, '-' and '_' (optionally "
                                  "':alias' or ':version'), or its ARN (arn:aws:lambda:<region>:<account>:function:<name>).")


@dataclass(frozen=True, kw_only=True)
class TrafficShiftProps(Props):
    """A custom canary or linear shift, created as a deployment config for ECS."""

    SETTING: ClassVar[str] = "deployment.traffic_shift"

    type: Literal["canary", "linear"]
    """"canary": `percentage` first, the rest after one interval; "linear": `percentage` every interval. Required."""
    percentage: Annotated[int, Range(1, 99, "percent")]
    """Percent of traffic shifted per step, 1 to 99. Required."""
    interval_minutes: Annotated[int, Range(1, 2880, "minutes")]
    """Minutes between steps, 1 to 2880. Required."""

    def config_name(self, name: str) -> str:
        return f"{name}-{self.type}-{self.percentage}pct-{self.interval_minutes}min"


@dataclass(frozen=True, kw_only=True)
class DeploymentProps(Props):
    """How CodeDeploy shifts traffic to the new task set and what it does afterwards."""

    SETTING: ClassVar[str] = "deployment"

    deployment_config_name: Annotated[str, _CONFIG_NAME] = ALL_AT_ONCE
    """Predefined ECS config (or your own config's name). Default: "CodeDeployDefault.ECSAllAtOnce"."""
    ready_action: Literal["CONTINUE_DEPLOYMENT", "STOP_DEPLOYMENT"] = "CONTINUE_DEPLOYMENT"
    """Shift traffic at once, or wait for a go-ahead and stop on timeout. Default: "CONTINUE_DEPLOYMENT"."""
    approval_wait_minutes: Annotated[int, Range(0, 2880, "minutes")] = 0
    """With STOP_DEPLOYMENT: minutes to wait for the go-ahead, 1 to 2880. Default: 0 (no wait)."""
    termination_wait_minutes: Annotated[int, Range(0, 2880, "minutes")] = 60
    """Minutes the old task set is kept for instant rollback, 0 to 2880. Default: 60."""
    auto_rollback: bool = True
    """Roll back on a failed deployment and on a stopped one. Default: True."""
    traffic_shift: TrafficShiftProps | None = None
    """A custom canary or linear shift instead of deployment_config_name. Default: None."""
    alarms: AlarmProps | None = None
    """CloudWatch alarms that stop a deployment and roll it back. Default: None (no alarms)."""
    notifications: NotificationProps | None = None
    """Publish deployment events to SNS. Default: None (no notifications)."""
    hooks: Mapping[HookEvent, Annotated[str, LAMBDA]] = field(default_factory=dict)
    """Lambda functions (name or ARN, in the stack's region) run at lifecycle events, e.g. {"AfterAllowTestTraffic": "web-smoke-test"}; the CodeDeploy role may invoke exactly these. Default: {} (none)."""
    test_traffic_hook: TestTrafficHookProps | None = None
    """A function the stack creates for AfterAllowTestTraffic: the built-in smoke test, or your code. Default: None (none)."""

    def check(self) -> None:
        if self.traffic_shift is not None and self.deployment_config_name != ALL_AT_ONCE:
            raise SettingsError(
                "traffic_shift", self.traffic_shift,
                f"deployment_config_name is set too ({self.deployment_config_name}): choose a predefined config or "
                "a custom shift, not both.",
            )
        if self.alarms is not None and not self.auto_rollback:
            raise SettingsError(
                "auto_rollback", False,
                "Alarms stop a deployment, and only rollback returns traffic to the old task set: keep "
                "auto_rollback=True, or drop the alarms.",
            )
        if self.test_traffic_hook is not None and "AfterAllowTestTraffic" in self.hooks:
            raise SettingsError(
                "test_traffic_hook", self.test_traffic_hook,
                f"hooks names {self.hooks['AfterAllowTestTraffic']!r} for AfterAllowTestTraffic already, and an "
                "event runs one function: drop one of the two.",
            )
        self._check_approval()

    def _check_approval(self) -> None:
        if self.ready_action == "CONTINUE_DEPLOYMENT" and self.approval_wait_minutes != 0:
            raise SettingsError(
                "approval_wait_minutes", self.approval_wait_minutes,
                "CONTINUE_DEPLOYMENT shifts traffic at once and never waits: set ready_action='STOP_DEPLOYMENT' to "
                "wait for an approval, or leave the wait at 0.",
            )
        if self.ready_action == "STOP_DEPLOYMENT":
            fix = Range(1, 2880, "minutes").check(self.approval_wait_minutes)
            if fix is not None:
                raise SettingsError("approval_wait_minutes", self.approval_wait_minutes, fix)
            if not self.auto_rollback:
                raise SettingsError(
                    "auto_rollback", False,
                    "An approval wait stops the deployment on timeout, and only rollback on stop returns traffic "
                    "to the old task set: keep auto_rollback=True.",
                )
