"""ECS-native blue/green: the listener rules ECS shifts traffic on, and the service's deployment
settings (strategy, bake time, lifecycle hooks, alarms, the alternate target group). No CodeDeploy.

ECS takes listener *rules*, not listeners, and `aws_lb_listener` does not expose its default
rule's ARN (terraform-provider-aws #43932), so the stack creates one rule per listener that matches
every path at priority 1 and forwards to both target groups by weight: the live one 100, the
other 0, which is one of the two layouts ECS accepts (both groups on the production rule). An NLB
has no rules: ECS takes its listeners themselves. ECS rewrites the weights at every deployment, so
Terraform ignores the rules' actions (ownership.py).

These arguments exist from hashicorp/aws 6.4.0 (canary and linear from 6.21.0). Bindings older than
that lack their classes, and the engine is refused before synth with the versions that have them.
"""

from __future__ import annotations

import importlib
import importlib.metadata
from collections.abc import Mapping, Sequence
from typing import Any

from constructs import Construct

from ..contract import HOOK_EVENTS, HOOK_STAGES
from ..settings import DeploymentProps, SettingsError, check_value
from .aws.lb_listener import LbListener
from .aws.lb_listener_rule import (
    LbListenerRule,
    LbListenerRuleAction,
    LbListenerRuleActionForward,
    LbListenerRuleActionForwardTargetGroup,
    LbListenerRuleCondition,
    LbListenerRuleConditionPathPattern,
)
from .aws.lb_target_group import LbTargetGroup
from .cdk import TerraformResourceLifecycle
from .family import FAMILY
from .ownership import listener_rule_ignore_changes
from .part import Part

NATIVE_CLASSES = (
    "EcsServiceDeploymentConfiguration",
    "EcsServiceDeploymentConfigurationLifecycleHook",
    "EcsServiceLoadBalancerAdvancedConfiguration",
)
"""What ECS-native blue/green needs of the bindings' aws_ecs_service (hashicorp/aws 6.4.0 on)."""
STEP_CLASSES = {
    "CANARY": "EcsServiceDeploymentConfigurationCanaryConfiguration",
    "LINEAR": "EcsServiceDeploymentConfigurationLinearConfiguration",
}
"""And for canary or linear steps (hashicorp/aws 6.21.0 on)."""
PAUSE_CLASS = "EcsServiceDeploymentConfigurationLifecycleHookTimeoutConfiguration"
"""And for a pause hook, the approval wait: a lifecycle hook's target_type and timeout_configuration
(terraform-provider-aws #48128, after hashicorp/aws 6.62.0)."""
APPROVAL_STAGE = "POST_TEST_TRAFFIC_SHIFT"
"""Where the approval wait pauses: once the test listener's traffic reaches the new revision, and
before production's moves, as CodeDeploy's does (after AfterAllowTestTraffic). A Lambda hook of the
same stage runs beside it, and production moves only when both have ended."""
RULE_PRIORITY = 1
ALL_PATHS = "/*"


def native_bindings(props: DeploymentProps) -> Any:
    """The bindings' ecs_service module, refused (as a settings error, before synth) where it
    lacks what the settings need: the native engine, or its canary and linear steps."""
    module = importlib.import_module(f"{__package__}.aws.ecs_service")
    strategy = props.native_strategy().strategy
    missing = [
        name
        for name in NATIVE_CLASSES + ((STEP_CLASSES[strategy],) if strategy in STEP_CLASSES else ())
        if not hasattr(module, name)
    ]
    if (props.ready_action == "STOP_DEPLOYMENT" or props.pauses) and not hasattr(module, PAUSE_CLASS):
        dist = FAMILY.provider.replace("_", "-")
        field, value, instead = (
            ("deployment.ready_action", props.ready_action, "set ready_action='CONTINUE_DEPLOYMENT'")
            if props.ready_action == "STOP_DEPLOYMENT"
            else ("deployment.pauses", props.pauses, "drop pauses")
        )
        raise SettingsError(
            field,
            value,
            f"On engine 'ecs' a wait for approval is a pause hook, which these AWS provider bindings ({dist} "
            f"{importlib.metadata.version(dist)}) lack: it needs hashicorp/aws later than 6.62.0 (lifecycle_hook "
            "target_type and timeout_configuration), as in cdktn-provider-aws 25.8.1 (aws 6.69.1). Upgrade the "
            f"bindings, or {instead}.",
        )
    if missing:
        dist = FAMILY.provider.replace("_", "-")
        what = (
            f"{strategy.lower()} steps need hashicorp/aws 6.21.0 or later"
            if set(missing) <= set(STEP_CLASSES.values())
            else "it needs hashicorp/aws 6.4.0 or later (canary and linear steps 6.21.0)"
        )
        raise SettingsError(
            "deployment.engine",
            "ecs",
            f"These AWS provider bindings ({dist} {importlib.metadata.version(dist)}) have no ECS-native blue/green: "
            f"{what}, as in cdktf-cdktf-provider-aws 21.22.1 (aws 6.25.0) or cdktn-provider-aws 25.8.1 (aws "
            "6.69.1). Upgrade the bindings, or keep engine='codedeploy'.",
        )
    return module


class EcsNativeBlueGreen(Part):
    """The listener rules of an ALB (``prod_listener_rule``, ``test_listener_rule``; None on an
    NLB), and the blocks the service takes for ECS-native blue/green (engines/ecs.py): the load
    balancer's advanced configuration, the deployment configuration and the alarms."""

    prod_listener_rule: LbListenerRule | None = None
    test_listener_rule: LbListenerRule | None = None

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        props: DeploymentProps,
        network: bool,
        prod_listener: LbListener,
        test_listener: LbListener,
        target_groups: tuple[LbTargetGroup, LbTargetGroup],
    ) -> None:
        check_value("props", props, DeploymentProps)
        self._ecs = native_bindings(props)
        super().__init__(scope, id)
        self.props = props
        live_is_green = props.migration is not None and props.migration.live_target_group == "green"
        self.live_target_group, self.alternate_target_group = target_groups[::-1] if live_is_green else target_groups
        if network:
            self.prod_listener_arn, self.test_listener_arn = prod_listener.arn, test_listener.arn
        else:
            self.prod_listener_rule = self._rule("prod-rule", prod_listener)
            self.test_listener_rule = self._rule("test-rule", test_listener)
            self.prod_listener_arn, self.test_listener_arn = self.prod_listener_rule.arn, self.test_listener_rule.arn

    def _rule(self, id: str, listener: LbListener) -> LbListenerRule:
        """Every path, to the live group (weight 100) and the other (weight 0)."""
        return LbListenerRule(
            self,
            id,
            listener_arn=listener.arn,
            priority=RULE_PRIORITY,
            condition=[LbListenerRuleCondition(path_pattern=LbListenerRuleConditionPathPattern(values=[ALL_PATHS]))],
            action=[
                LbListenerRuleAction(
                    type="forward",
                    forward=LbListenerRuleActionForward(
                        target_group=[
                            LbListenerRuleActionForwardTargetGroup(arn=self.live_target_group.arn, weight=100),
                            LbListenerRuleActionForwardTargetGroup(arn=self.alternate_target_group.arn, weight=0),
                        ]
                    ),
                )
            ],
            lifecycle=TerraformResourceLifecycle(ignore_changes=listener_rule_ignore_changes()),
        )

    @property
    def rules(self) -> list[LbListenerRule]:
        return [r for r in (self.prod_listener_rule, self.test_listener_rule) if r is not None]

    def advanced_configuration(self, infrastructure_role_arn: str) -> Any:
        return self._ecs.EcsServiceLoadBalancerAdvancedConfiguration(
            alternate_target_group_arn=self.alternate_target_group.arn,
            production_listener_rule=self.prod_listener_arn,
            test_listener_rule=self.test_listener_arn,
            role_arn=infrastructure_role_arn,
        )

    def deployment_configuration(self, hooks: Mapping[str, str], hook_role_arn: str | None) -> Any:
        """The strategy, its steps, the bake time (termination_wait_minutes), one lifecycle hook
        per function, at the stages of its events (contract.HOOK_STAGES), and the approval wait
        as a pause hook; `hooks`, the function ARN of each AppSpec event (iam.hook_arns)."""
        props, ecs = self.props, self._ecs
        shift = props.native_strategy()
        stages: dict[str, list[str]] = {}
        for event in HOOK_EVENTS:
            if event in hooks:
                stages.setdefault(hooks[event], []).append(HOOK_STAGES[event])
        return ecs.EcsServiceDeploymentConfiguration(
            strategy=shift.strategy,
            bake_time_in_minutes=str(props.termination_wait_minutes),
            canary_configuration=ecs.EcsServiceDeploymentConfigurationCanaryConfiguration(
                canary_percent=shift.percent, canary_bake_time_in_minutes=str(shift.step_minutes)
            )
            if shift.strategy == "CANARY"
            else None,
            linear_configuration=ecs.EcsServiceDeploymentConfigurationLinearConfiguration(
                step_percent=shift.percent, step_bake_time_in_minutes=str(shift.step_minutes)
            )
            if shift.strategy == "LINEAR"
            else None,
            lifecycle_hook=[
                ecs.EcsServiceDeploymentConfigurationLifecycleHook(
                    hook_target_arn=arn, lifecycle_stages=list(at), role_arn=hook_role_arn
                )
                for arn, at in stages.items()
            ]
            + self._approval()
            or None,
        )

    def _approval(self) -> list[Any]:
        """The approval wait (ready_action STOP_DEPLOYMENT): a pause after test traffic, for
        approval_wait_minutes, then a rollback, as CodeDeploy's approval wait stops and rolls back;
        then the pauses of `pauses`, each at its stage
        (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/pause-lifecycle-hooks.html)."""
        props = self.props
        pauses = (
            [(APPROVAL_STAGE, props.approval_wait_minutes, "ROLLBACK")]
            if props.ready_action == "STOP_DEPLOYMENT"
            else []
        )
        pauses += [(p.stage, p.timeout_minutes, p.on_timeout) for p in props.pauses]
        return [self._pause(stage, minutes, action) for stage, minutes, action in pauses]

    def _pause(self, stage: str, minutes: int, action: str) -> Any:
        ecs = self._ecs
        return ecs.EcsServiceDeploymentConfigurationLifecycleHook(
            target_type="PAUSE",
            lifecycle_stages=[stage],
            timeout_configuration=getattr(ecs, PAUSE_CLASS)(timeout_in_minutes=str(minutes), action=action),
        )

    def alarms(self, alarm_names: Sequence[str]) -> Any:
        """The alarms ECS watches through the deployment and its bake time, rolling back on one."""
        if not alarm_names:
            return None
        return self._ecs.EcsServiceAlarms(alarm_names=list(alarm_names), enable=True, rollback=True)
