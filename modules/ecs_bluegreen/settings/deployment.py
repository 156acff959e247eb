"""How a deployment shifts traffic to the new tasks, what it runs on the way, and what follows,
on either engine: CodeDeploy (the default), or ECS-native blue/green.

Each setting means the same on both engines; the mapping is in one place, `native_strategy` and
HOOK_STAGES (contract.py). What one engine has no equivalent for is that engine's rules
(`EngineRules`, one class per engine), which the settings ask once, through `DeploymentProps.rules`:
each refusal with its reason and the alternative."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Annotated, ClassVar, Literal

from ..contract import LAMBDA_FUNCTION, PREDEFINED_SHIFTS, Engine, HookEvent
from .alarms import MAX_DEPLOYMENT_GROUP_ALARMS, AlarmProps
from .errors import SettingsError
from .iam import IamProps
from .kinds import Props
from .load_balancer import LoadBalancerProps
from .notifications import NotificationProps
from .rules import Pattern, Range
from .test_hook import TestTrafficHookProps

PREDEFINED_ECS_CONFIGS = tuple(PREDEFINED_SHIFTS)
ALL_AT_ONCE = "CodeDeployDefault.ECSAllAtOnce"
_CONFIG_NAME = Pattern(
    r"(?!CodeDeployDefault\.)[A-Za-z0-9._+=,@-]{1,100}|" + "|".join(re.escape(n) for n in PREDEFINED_ECS_CONFIGS),
    f"Use one of the ECS configs {', '.join(PREDEFINED_ECS_CONFIGS)}, or the name of a deployment config with "
    "compute platform ECS.",
)
LAMBDA = Pattern(
    LAMBDA_FUNCTION.pattern,
    "Name a Lambda function: up to 64 letters, digits, '-' and '_' (optionally "
    "':alias' or ':version'), or its ARN (arn:aws:lambda:<region>:<account>:function:<name>).",
)


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


PauseStage = Literal[
    "RECONCILE_SERVICE",
    "PRE_SCALE_UP",
    "POST_SCALE_UP",
    "POST_TEST_TRAFFIC_SHIFT",
    "PRE_PRODUCTION_TRAFFIC_SHIFT",
    "POST_PRODUCTION_TRAFFIC_SHIFT",
]
"""The stages ECS can pause a deployment at (pause-lifecycle-hooks.html): not at a traffic shift
itself, the scale-up, the bake time or the clean-up."""
MAX_PAUSES = 10
"""Pause hooks per service, at most (pause-lifecycle-hooks.html)."""


@dataclass(frozen=True, kw_only=True)
class PauseProps(Props):
    """A pause of an ECS-native deployment at a stage of its own: it waits there until `bluegreen
    approve` (ContinueServiceDeployment), `bluegreen rollback`, or its timeout."""

    SETTING: ClassVar[str] = "deployment.pauses"

    stage: PauseStage
    """Where it waits: "POST_PRODUCTION_TRAFFIC_SHIFT" (all of production moved, before the bake time),
    "PRE_PRODUCTION_TRAFFIC_SHIFT" (before each step of a canary or linear shift), "POST_SCALE_UP" (the new tasks
    run), "PRE_SCALE_UP", "RECONCILE_SERVICE"; the approval wait is ready_action's, after test traffic. Required."""
    timeout_minutes: Annotated[int, Range(1, 20160, "minutes")] = 1440
    """Minutes it waits for an answer, 1 to 20160. Default: 1440."""
    on_timeout: Literal["ROLLBACK", "CONTINUE"] = "ROLLBACK"
    """What ECS does when nobody answered in time. Default: "ROLLBACK"."""


NATIVE_BAKE_MINUTES = 1440
"""The longest bake time ECS takes, for the old revision and for each traffic step (ECS API)."""
NATIVE_MIN_LINEAR_PERCENT = 3
"""The smallest linear step ECS takes (step_percent, 3 to 100)."""


@dataclass(frozen=True)
class NativeStrategy:
    """A traffic shift as the ECS-native engine takes it: `strategy` BLUE_GREEN (all at once),
    CANARY (`percent` first, the rest after `step_minutes`) or LINEAR (`percent` every `step_minutes`)."""

    strategy: Literal["BLUE_GREEN", "CANARY", "LINEAR"]
    percent: int = 100
    step_minutes: int = 0


@dataclass(frozen=True, kw_only=True)
class MigrationProps(Props):
    """Step 1 of moving a live CodeDeploy service to the ECS-native engine (README, "Migrate").

    The apply keeps the CodeDeploy application, group and role, and hands the service to ECS with
    production on the target group that serves it now. Step 2 drops this setting, and the next
    apply removes the CodeDeploy resources, last, as AWS's migration guide orders."""

    SETTING: ClassVar[str] = "deployment.migration"

    live_target_group: Literal["blue", "green"]
    """The target group that serves production now (each CodeDeploy deployment swaps them; the production listener
    forwards to it). Required."""


@dataclass(frozen=True, kw_only=True)
class DeploymentProps(Props):
    """How a deployment shifts traffic to the new tasks and what it does afterwards."""

    SETTING: ClassVar[str] = "deployment"

    engine: Engine = "codedeploy"
    """Who runs blue/green: "codedeploy" (a CodeDeploy deployment group), or "ecs" (ECS-native; AWS provider 6.4.0 or
    later, canary and linear 6.21.0). Default: "codedeploy"."""

    deployment_config_name: Annotated[str, _CONFIG_NAME] = ALL_AT_ONCE
    """Predefined ECS config (or your own config's name). Default: "CodeDeployDefault.ECSAllAtOnce"."""
    ready_action: Literal["CONTINUE_DEPLOYMENT", "STOP_DEPLOYMENT"] = "CONTINUE_DEPLOYMENT"
    """Shift traffic at once, or wait for a go-ahead (`bluegreen approve`) and roll back on timeout; on engine "ecs"
    the wait is a pause hook after test traffic (AWS provider later than 6.62.0). Default: "CONTINUE_DEPLOYMENT"."""
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
    """Lambda functions (name or ARN, in the stack's region) run at lifecycle events, e.g. {"AfterAllowTestTraffic":
    "web-smoke-test"}; the CodeDeploy role may invoke exactly these. Default: {} (none)."""
    test_traffic_hook: TestTrafficHookProps | None = None
    """A function the stack creates for AfterAllowTestTraffic: the built-in smoke test, or your code. Default: None
    (none)."""
    migration: MigrationProps | None = None
    """With engine "ecs": step 1 of a migration from CodeDeploy, which keeps the CodeDeploy resources one more apply.
    Default: None (no migration)."""
    pauses: tuple[PauseProps, ...] = ()
    """With engine "ecs": pauses at other stages, each answered with `bluegreen approve` or `rollback` (AWS
    provider later than 6.62.0), e.g. [{"stage": "POST_PRODUCTION_TRAFFIC_SHIFT", "timeout_minutes": 60}]. Default: ()
    (none)."""

    @property
    def rules(self) -> EngineRules:
        """The rules of the engine that runs the deployments: where the settings choose it."""
        return ENGINE_RULES[self.engine]

    def native_strategy(self) -> NativeStrategy:
        """The traffic settings as the ECS-native engine takes them: a predefined CodeDeploy config
        by the steps it names (contract.PREDEFINED_SHIFTS), or the custom traffic_shift."""
        kind: str
        if self.traffic_shift is not None:
            kind, percent, minutes = (
                self.traffic_shift.type,
                self.traffic_shift.percentage,
                self.traffic_shift.interval_minutes,
            )
        else:
            kind, percent, minutes = PREDEFINED_SHIFTS[self.deployment_config_name]
        if kind == "all-at-once":
            return NativeStrategy("BLUE_GREEN")
        return NativeStrategy("CANARY" if kind == "canary" else "LINEAR", percent, minutes)

    def check(self) -> None:
        if self.traffic_shift is not None and self.deployment_config_name != ALL_AT_ONCE:
            raise SettingsError(
                "traffic_shift",
                self.traffic_shift,
                f"deployment_config_name is set too ({self.deployment_config_name}): choose a predefined config or "
                "a custom shift, not both.",
            )
        if self.alarms is not None and not self.auto_rollback:
            raise SettingsError(
                "auto_rollback",
                False,
                "Alarms stop a deployment, and only rollback returns traffic to the old task set: keep "
                "auto_rollback=True, or drop the alarms.",
            )
        if self.test_traffic_hook is not None and "AfterAllowTestTraffic" in self.hooks:
            raise SettingsError(
                "test_traffic_hook",
                self.test_traffic_hook,
                f"hooks names {self.hooks['AfterAllowTestTraffic']!r} for AfterAllowTestTraffic already, and an "
                "event runs one function: drop one of the two.",
            )
        self._check_approval()
        self.rules.check_deployment(self)

    def _check_approval(self) -> None:
        if self.ready_action == "CONTINUE_DEPLOYMENT" and self.approval_wait_minutes != 0:
            raise SettingsError(
                "approval_wait_minutes",
                self.approval_wait_minutes,
                "CONTINUE_DEPLOYMENT shifts traffic at once and never waits: set ready_action='STOP_DEPLOYMENT' to "
                "wait for an approval, or leave the wait at 0.",
            )
        if self.ready_action == "STOP_DEPLOYMENT":
            fix = Range(1, 2880, "minutes").check(self.approval_wait_minutes)
            if fix is not None:
                raise SettingsError("approval_wait_minutes", self.approval_wait_minutes, fix)
            if not self.auto_rollback:
                raise SettingsError(
                    "auto_rollback",
                    False,
                    "An approval wait stops the deployment on timeout, and only rollback on stop returns traffic "
                    "to the old task set: keep auto_rollback=True.",
                )


class EngineRules:
    """What one engine has no equivalent for, refused with the reason and the way to get it there
    (or to stay on the other engine). Each method is asked where the settings it reads are
    checked: the deployment's own (DeploymentProps), or the service's (BlueGreenServiceProps,
    whose errors name its fields: "deployment.traffic_shift")."""

    NAME: ClassVar[Engine]
    HOOK_REPORTS_TO_AWS: ClassVar[bool]
    """The test-traffic hook reports its result through an AWS API (CodeDeploy's), so it needs a way
    out of the private subnets; otherwise it answers the engine with it."""

    def check_deployment(self, deployment: DeploymentProps) -> None:
        """The deployment's settings."""

    def check_network_load_balancer(self, deployment: DeploymentProps) -> None:
        """The deployment's settings, with a network load balancer."""

    def check_service(self, deployment: DeploymentProps, *, load_balancer: LoadBalancerProps, iam: IamProps) -> None:
        """The deployment's settings against the service's others: the roles, the alarms."""


class CodeDeployRules(EngineRules):
    """CodeDeploy's: no migration (it is where one starts), all at once behind an NLB, its own
    role, at most ten alarms per deployment group."""

    NAME = "codedeploy"
    HOOK_REPORTS_TO_AWS = True

    def check_deployment(self, deployment: DeploymentProps) -> None:
        if deployment.migration is not None:
            raise SettingsError(
                "migration",
                deployment.migration,
                "A migration moves the service to engine 'ecs': set engine='ecs' with it, or drop it.",
            )
        if deployment.pauses:
            raise SettingsError(
                "pauses",
                deployment.pauses,
                "CodeDeploy waits for approval only before production traffic moves: use ready_action="
                "'STOP_DEPLOYMENT' with approval_wait_minutes, or set engine='ecs' to pause at other stages.",
            )

    def check_network_load_balancer(self, deployment: DeploymentProps) -> None:
        if deployment.deployment_config_name != ALL_AT_ONCE:
            raise SettingsError(
                "deployment.deployment_config_name",
                deployment.deployment_config_name,
                f"With a network load balancer CodeDeploy supports only {ALL_AT_ONCE}: use it, or switch "
                "load_balancer.type to 'application' for canary or linear shifts.",
            )
        if deployment.traffic_shift is not None:
            raise SettingsError(
                "deployment.traffic_shift",
                deployment.traffic_shift,
                f"With a network load balancer CodeDeploy shifts all traffic at once ({ALL_AT_ONCE}): drop "
                "traffic_shift, or switch load_balancer.type to 'application'.",
            )

    def check_service(self, deployment: DeploymentProps, *, load_balancer: LoadBalancerProps, iam: IamProps) -> None:
        if iam.infrastructure_role_arn is not None:
            raise SettingsError(
                "iam.infrastructure_role_arn",
                iam.infrastructure_role_arn,
                "Only engine 'ecs' assumes an infrastructure role: set deployment.engine='ecs', or "
                "drop it (CodeDeploy's role is iam.codedeploy_role_arn).",
            )
        alarms = deployment.alarms
        if alarms is not None:
            total = alarms.created_count(network=load_balancer.is_network) + len(alarms.existing_alarm_names)
            if total > MAX_DEPLOYMENT_GROUP_ALARMS:
                raise SettingsError(
                    "deployment.alarms",
                    total,
                    f"CodeDeploy watches at most {MAX_DEPLOYMENT_GROUP_ALARMS} alarms per deployment group: turn "
                    "some off (None) or list fewer existing_alarm_names.",
                )


class EcsRules(EngineRules):
    """ECS-native blue/green's: no deployment config of one's own, shorter bake times, no
    CodeDeploy role or notifications, and ECS reads its alarms itself. ECS shifts an NLB's traffic
    by canary and linear steps too. An approval wait is a pause hook (the constructs check that the
    bindings have one)."""

    NAME = "ecs"
    HOOK_REPORTS_TO_AWS = False

    def check_deployment(self, deployment: DeploymentProps) -> None:
        self._check_pauses(deployment)
        self._check_shift(deployment)
        stay = " (or keep engine='codedeploy')"
        if not deployment.auto_rollback:
            raise SettingsError(
                "auto_rollback",
                False,
                "ECS rolls a failed blue/green deployment back itself (a hook that fails, an alarm), and "
                f"`bluegreen rollback` stops one with ROLLBACK: keep auto_rollback=True{stay}.",
            )
        if deployment.alarms is not None and deployment.alarms.ignore_poll_alarm_failure:
            raise SettingsError(
                "alarms.ignore_poll_alarm_failure",
                True,
                f"ECS reads the alarms itself and has no such switch: leave it False{stay}.",
            )
        if deployment.notifications is not None:
            raise SettingsError(
                "notifications",
                deployment.notifications,
                "Notifications are CodeDeploy triggers; ECS sends its deployments' changes to EventBridge "
                "('ECS Service Deployment State Change'): route those to your topic with an EventBridge rule, "
                f"and drop notifications{stay}.",
            )

    @staticmethod
    def _check_pauses(deployment: DeploymentProps) -> None:
        """One pause per stage, the approval wait's included, and no more than ECS takes."""
        stages = [p.stage for p in deployment.pauses]
        if deployment.ready_action == "STOP_DEPLOYMENT":
            stages.append("POST_TEST_TRAFFIC_SHIFT")
        twice = sorted({stage for stage in stages if stages.count(stage) > 1})
        if twice:
            raise SettingsError(
                "pauses",
                deployment.pauses,
                f"{twice[0]} is paused at twice (ready_action STOP_DEPLOYMENT pauses after test traffic): "
                "pause once per stage.",
            )
        if len(stages) > MAX_PAUSES:
            raise SettingsError(
                "pauses", deployment.pauses, f"ECS takes at most {MAX_PAUSES} pause hooks per service: pause less."
            )

    @staticmethod
    def _check_shift(deployment: DeploymentProps) -> None:
        """The traffic steps and the bake time, within what ECS takes."""
        stay = " (or keep engine='codedeploy')"
        if deployment.traffic_shift is None and deployment.deployment_config_name not in PREDEFINED_SHIFTS:
            raise SettingsError(
                "deployment_config_name",
                deployment.deployment_config_name,
                "A deployment config of your own lives in CodeDeploy, which engine 'ecs' does not use: give its "
                f"steps as traffic_shift, or name one of {', '.join(PREDEFINED_SHIFTS)}{stay}.",
            )
        if deployment.termination_wait_minutes > NATIVE_BAKE_MINUTES:
            raise SettingsError(
                "termination_wait_minutes",
                deployment.termination_wait_minutes,
                f"On engine 'ecs' it is the bake time, at most {NATIVE_BAKE_MINUTES} minutes (24 h): shorten "
                f"it{stay}.",
            )
        shift = deployment.traffic_shift
        if shift is not None and shift.interval_minutes > NATIVE_BAKE_MINUTES:
            raise SettingsError(
                "traffic_shift.interval_minutes",
                shift.interval_minutes,
                f"On engine 'ecs' a step bakes at most {NATIVE_BAKE_MINUTES} minutes: shorten it{stay}.",
            )
        if shift is not None and shift.type == "linear" and shift.percentage < NATIVE_MIN_LINEAR_PERCENT:
            raise SettingsError(
                "traffic_shift.percentage",
                shift.percentage,
                f"ECS shifts at least {NATIVE_MIN_LINEAR_PERCENT} percent per linear step: raise it{stay}.",
            )

    def check_service(self, deployment: DeploymentProps, *, load_balancer: LoadBalancerProps, iam: IamProps) -> None:
        if deployment.migration is None and iam.codedeploy_role_arn is not None:
            raise SettingsError(
                "iam.codedeploy_role_arn",
                iam.codedeploy_role_arn,
                "Engine 'ecs' runs no CodeDeploy: drop it, and name ECS's role in "
                "iam.infrastructure_role_arn if you bring your own.",
            )


ENGINE_RULES: dict[Engine, EngineRules] = {rules.NAME: rules for rules in (CodeDeployRules(), EcsRules())}
"""Each engine's rules, by the name deployment.engine takes."""
