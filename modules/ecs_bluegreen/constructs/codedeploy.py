"""CodeDeploy: the application and the blue/green deployment group of an ECS service."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import ClassVar, Literal

from constructs import Construct

from ..aws.codedeploy_app import CodedeployApp
from ..aws.codedeploy_deployment_config import (
    CodedeployDeploymentConfig,
    CodedeployDeploymentConfigTrafficRoutingConfig,
    CodedeployDeploymentConfigTrafficRoutingConfigTimeBasedCanary,
    CodedeployDeploymentConfigTrafficRoutingConfigTimeBasedLinear,
)
from ..aws.codedeploy_deployment_group import (
    CodedeployDeploymentGroup,
    CodedeployDeploymentGroupAlarmConfiguration,
    CodedeployDeploymentGroupAutoRollbackConfiguration,
    CodedeployDeploymentGroupBlueGreenDeploymentConfig,
    CodedeployDeploymentGroupBlueGreenDeploymentConfigDeploymentReadyOption,
    CodedeployDeploymentGroupBlueGreenDeploymentConfigTerminateBlueInstancesOnDeploymentSuccess,
    CodedeployDeploymentGroupDeploymentStyle,
    CodedeployDeploymentGroupEcsService,
    CodedeployDeploymentGroupLoadBalancerInfo,
    CodedeployDeploymentGroupLoadBalancerInfoTargetGroupPairInfo,
    CodedeployDeploymentGroupLoadBalancerInfoTargetGroupPairInfoProdTrafficRoute,
    CodedeployDeploymentGroupLoadBalancerInfoTargetGroupPairInfoTargetGroup,
    CodedeployDeploymentGroupLoadBalancerInfoTargetGroupPairInfoTestTrafficRoute,
    CodedeployDeploymentGroupTriggerConfiguration,
)
from ..contract import HOOK_EVENTS, LAMBDA_FUNCTION, PREDEFINED_SHIFTS
from ..validation import SettingsError, check_range, check_types, check_value, is_token, matches
from .alarms import AlarmProps
from .notifications import NotificationProps
from .provider import account_of, partition_of, region_of
from .test_hook import TestTrafficHookProps

PREDEFINED_ECS_CONFIGS = tuple(PREDEFINED_SHIFTS)
HookEvent = Literal[HOOK_EVENTS]  # type: ignore[valid-type]
"""An ECS deployment's lifecycle events that run a Lambda function: contract.HOOK_EVENTS."""
ALL_AT_ONCE = "CodeDeployDefault.ECSAllAtOnce"
_CONFIG_NAME = re.compile(r"[A-Za-z0-9._+=,@-]{1,100}")

ROLLBACK_EVENTS = ("DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_REQUEST")
"""Roll back when a deployment fails, and when someone stops it: stopping means 'go back'."""
ALARM_ROLLBACK_EVENT = "DEPLOYMENT_STOP_ON_ALARM"


@dataclass(frozen=True, kw_only=True)
class TrafficShiftProps:
    """A custom canary or linear shift, created as a deployment config for ECS."""

    SETTING: ClassVar[str] = "deployment.traffic_shift"
    """Where its settings sit, in the names of its errors."""

    type: Literal["canary", "linear"]
    """"canary": `percentage` first, the rest after one interval; "linear": `percentage` every interval. Required."""
    percentage: int
    """Percent of traffic shifted per step, 1 to 99. Required."""
    interval_minutes: int
    """Minutes between steps, 1 to 2880. Required."""

    def __post_init__(self) -> None:
        check_types(self)
        check_range("deployment.traffic_shift.percentage", self.percentage, 1, 99, "percent")
        check_range("deployment.traffic_shift.interval_minutes", self.interval_minutes, 1, 2880, "minutes")

    def config_name(self, name: str) -> str:
        return f"{name}-{self.type}-{self.percentage}pct-{self.interval_minutes}min"


@dataclass(frozen=True, kw_only=True)
class DeploymentProps:
    """How CodeDeploy shifts traffic to the new task set and what it does afterwards."""

    SETTING: ClassVar[str] = "deployment"
    """Where its settings sit, in the names of its errors."""

    deployment_config_name: str = ALL_AT_ONCE
    """Predefined ECS config (or your own config's name). Default: "CodeDeployDefault.ECSAllAtOnce"."""
    ready_action: Literal["CONTINUE_DEPLOYMENT", "STOP_DEPLOYMENT"] = "CONTINUE_DEPLOYMENT"
    """Shift traffic at once, or wait for a go-ahead and stop on timeout. Default: "CONTINUE_DEPLOYMENT"."""
    approval_wait_minutes: int = 0
    """With STOP_DEPLOYMENT: minutes to wait for the go-ahead, 1 to 2880. Default: 0 (no wait)."""
    termination_wait_minutes: int = 60
    """Minutes the old task set is kept for instant rollback, 0 to 2880. Default: 60."""
    auto_rollback: bool = True
    """Roll back on a failed deployment and on a stopped one. Default: True."""
    traffic_shift: TrafficShiftProps | None = None
    """A custom canary or linear shift instead of deployment_config_name. Default: None."""
    alarms: AlarmProps | None = None
    """CloudWatch alarms that stop a deployment and roll it back. Default: None (no alarms)."""
    notifications: NotificationProps | None = None
    """Publish deployment events to SNS. Default: None (no notifications)."""
    hooks: Mapping[HookEvent, str] = field(default_factory=dict)
    """Lambda functions (name or ARN, in the stack's region) run at lifecycle events, e.g. {"AfterAllowTestTraffic": "web-smoke-test"}; the CodeDeploy role may invoke exactly these. Default: {} (none)."""
    test_traffic_hook: TestTrafficHookProps | None = None
    """A function the stack creates for AfterAllowTestTraffic: the built-in smoke test, or your code. Default: None (none)."""

    def __post_init__(self) -> None:
        check_types(self)
        if self.traffic_shift is not None and self.deployment_config_name != ALL_AT_ONCE:
            raise SettingsError(
                "deployment.traffic_shift", self.traffic_shift,
                f"deployment_config_name is set too ({self.deployment_config_name}): choose a "
                "predefined config or a custom shift, not both.",
            )
        if self.alarms is not None and not self.auto_rollback:
            raise SettingsError(
                "deployment.auto_rollback", False,
                "Alarms stop a deployment, and only rollback returns traffic to the old task set: "
                "keep auto_rollback=True, or drop the alarms.",
            )
        name = self.deployment_config_name
        if not matches(_CONFIG_NAME, name) or (
            name.startswith("CodeDeployDefault.") and name not in PREDEFINED_ECS_CONFIGS
        ):
            raise SettingsError(
                "deployment.deployment_config_name", name,
                f"Use one of the ECS configs {', '.join(PREDEFINED_ECS_CONFIGS)}, or the name of "
                "a deployment config with compute platform ECS.",
            )
        check_range("deployment.termination_wait_minutes", self.termination_wait_minutes, 0, 2880, "minutes")
        if self.test_traffic_hook is not None and "AfterAllowTestTraffic" in self.hooks:
            raise SettingsError(
                "deployment.test_traffic_hook", self.test_traffic_hook,
                f"hooks names {self.hooks['AfterAllowTestTraffic']!r} for AfterAllowTestTraffic already, and an "
                "event runs one function: drop one of the two.",
            )
        for event, function in self.hooks.items():
            if not is_token(function) and not matches(LAMBDA_FUNCTION, function):
                raise SettingsError(
                    f"deployment.hooks.{event}", function,
                    "Name a Lambda function: up to 64 letters, digits, '-' and '_' (optionally ':alias' or "
                    "':version'), or its ARN (arn:aws:lambda:<region>:<account>:function:<name>).",
                )
        if self.ready_action == "CONTINUE_DEPLOYMENT" and self.approval_wait_minutes != 0:
            raise SettingsError(
                "deployment.approval_wait_minutes", self.approval_wait_minutes,
                "CONTINUE_DEPLOYMENT shifts traffic at once and never waits: set "
                "ready_action='STOP_DEPLOYMENT' to wait for an approval, or leave the wait at 0.",
            )
        if self.ready_action == "STOP_DEPLOYMENT":
            check_range("deployment.approval_wait_minutes", self.approval_wait_minutes, 1, 2880, "minutes")
            if not self.auto_rollback:
                raise SettingsError(
                    "deployment.auto_rollback", False,
                    "An approval wait stops the deployment on timeout, and only rollback on stop "
                    "returns traffic to the old task set: keep auto_rollback=True.",
                )


def _function_arn(scope: Construct, function: str) -> str:
    """The ARN IAM matches for a hook: the ARN as given, or one made from a name (and qualifier)
    in the stack's account and region."""
    if function.startswith("arn:") or is_token(function):
        return function
    return (f"arn:{partition_of(scope).partition}:lambda:{region_of(scope).name}:{account_of(scope).account_id}"
            f":function:{function}")


class BlueGreenDeployment(Construct):
    """A CodeDeploy application and its ECS blue/green deployment group with traffic control."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        name: str,
        props: DeploymentProps,
        service_role_arn: str,
        cluster_name: str,
        service_name: str,
        prod_listener_arn: str,
        test_listener_arn: str,
        blue_target_group_name: str,
        green_target_group_name: str,
        alarm_names: list[str],
        topic_arn: str | None,
    ) -> None:
        check_value("props", props, DeploymentProps)
        super().__init__(scope, id)
        self.props = props
        self.application = CodedeployApp(self, "app", name=name, compute_platform="ECS")

        self.deployment_config: CodedeployDeploymentConfig | None = None
        config_name = props.deployment_config_name
        shift = props.traffic_shift
        if shift is not None:
            step = {"interval": shift.interval_minutes, "percentage": shift.percentage}
            self.deployment_config = CodedeployDeploymentConfig(
                self, "config", deployment_config_name=shift.config_name(name), compute_platform="ECS",
                traffic_routing_config=CodedeployDeploymentConfigTrafficRoutingConfig(
                    type="TimeBasedCanary" if shift.type == "canary" else "TimeBasedLinear",
                    time_based_canary=CodedeployDeploymentConfigTrafficRoutingConfigTimeBasedCanary(**step)
                    if shift.type == "canary" else None,
                    time_based_linear=CodedeployDeploymentConfigTrafficRoutingConfigTimeBasedLinear(**step)
                    if shift.type == "linear" else None,
                ),
            )
            config_name = self.deployment_config.deployment_config_name

        rollback_events = list(ROLLBACK_EVENTS) + ([ALARM_ROLLBACK_EVENT] if alarm_names else [])

        waits = props.ready_action == "STOP_DEPLOYMENT"
        self.deployment_group = CodedeployDeploymentGroup(
            self, "group",
            app_name=self.application.name,
            deployment_group_name=name,
            service_role_arn=service_role_arn,
            deployment_config_name=config_name,
            deployment_style=CodedeployDeploymentGroupDeploymentStyle(
                deployment_type="BLUE_GREEN", deployment_option="WITH_TRAFFIC_CONTROL",
            ),
            blue_green_deployment_config=CodedeployDeploymentGroupBlueGreenDeploymentConfig(
                deployment_ready_option=CodedeployDeploymentGroupBlueGreenDeploymentConfigDeploymentReadyOption(
                    action_on_timeout=props.ready_action,
                    wait_time_in_minutes=props.approval_wait_minutes if waits else None,
                ),
                terminate_blue_instances_on_deployment_success=(
                    CodedeployDeploymentGroupBlueGreenDeploymentConfigTerminateBlueInstancesOnDeploymentSuccess(
                        action="TERMINATE",
                        termination_wait_time_in_minutes=props.termination_wait_minutes,
                    )
                ),
            ),
            ecs_service=CodedeployDeploymentGroupEcsService(
                cluster_name=cluster_name, service_name=service_name,
            ),
            load_balancer_info=CodedeployDeploymentGroupLoadBalancerInfo(
                target_group_pair_info=CodedeployDeploymentGroupLoadBalancerInfoTargetGroupPairInfo(
                    prod_traffic_route=CodedeployDeploymentGroupLoadBalancerInfoTargetGroupPairInfoProdTrafficRoute(
                        listener_arns=[prod_listener_arn],
                    ),
                    test_traffic_route=CodedeployDeploymentGroupLoadBalancerInfoTargetGroupPairInfoTestTrafficRoute(
                        listener_arns=[test_listener_arn],
                    ),
                    # CodeDeploy wants target group names here, not ARNs.
                    target_group=[
                        CodedeployDeploymentGroupLoadBalancerInfoTargetGroupPairInfoTargetGroup(
                            name=blue_target_group_name,
                        ),
                        CodedeployDeploymentGroupLoadBalancerInfoTargetGroupPairInfoTargetGroup(
                            name=green_target_group_name,
                        ),
                    ],
                ),
            ),
            auto_rollback_configuration=CodedeployDeploymentGroupAutoRollbackConfiguration(
                enabled=props.auto_rollback,
                events=rollback_events if props.auto_rollback else None,
            ),
            alarm_configuration=CodedeployDeploymentGroupAlarmConfiguration(
                enabled=True, alarms=alarm_names,
                ignore_poll_alarm_failure=props.alarms.ignore_poll_alarm_failure,
            ) if props.alarms is not None else None,
            trigger_configuration=[CodedeployDeploymentGroupTriggerConfiguration(
                trigger_name=f"{name}-deployments", trigger_target_arn=topic_arn,
                trigger_events=list(props.notifications.events),
            )] if props.notifications is not None and topic_arn is not None else None,
        )

    def hook_statements(self, created: Mapping[str, str] | None = None) -> list[dict]:
        """The CodeDeploy role's grant for the hooks: invoke exactly their functions (the managed
        AWSCodeDeployRoleForECS covers only functions named CodeDeployHook_*). `created`: the ARNs
        of functions the stack creates, by event."""
        named = {e: _function_arn(self, f) for e, f in self.props.hooks.items()}
        arns_by_event = {**named, **(created or {})}
        if not arns_by_event:
            return []
        # In the order the events happen (a token sorts before an ARN, and resolves after).
        arns = list(dict.fromkeys(arns_by_event[e] for e in HOOK_EVENTS if e in arns_by_event))
        return [{"Sid": "InvokeHooks", "Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": arns}]
