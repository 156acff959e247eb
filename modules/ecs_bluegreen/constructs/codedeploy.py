"""CodeDeploy: the application and the blue/green deployment group of an ECS service."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from constructs import Construct

from ..settings import DeploymentProps, check_value
from .aws.codedeploy_app import CodedeployApp
from .aws.codedeploy_deployment_config import (
    CodedeployDeploymentConfig,
    CodedeployDeploymentConfigTrafficRoutingConfig,
    CodedeployDeploymentConfigTrafficRoutingConfigTimeBasedCanary,
    CodedeployDeploymentConfigTrafficRoutingConfigTimeBasedLinear,
)
from .aws.codedeploy_deployment_group import (
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
from .cdk import TerraformResourceLifecycle
from .iam import hook_arns, invoke_statements
from .part import Part

ROLLBACK_EVENTS = ("DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_REQUEST")
"""Roll back when a deployment fails, and when someone stops it: stopping means 'go back'."""
ALARM_ROLLBACK_EVENT = "DEPLOYMENT_STOP_ON_ALARM"


class CodeDeployBlueGreen(Part):
    """A CodeDeploy application and its ECS blue/green deployment group with traffic control: what
    the CodeDeploy engine deploys through (engines/codedeploy.py)."""

    deployment_config: CodedeployDeploymentConfig | None = None

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
        alarm_names: Sequence[str],
        topic_arn: str | None,
    ) -> None:
        check_value("props", props, DeploymentProps)
        super().__init__(scope, id)
        self.props = props
        self.application = CodedeployApp(self, "app", name=name, compute_platform="ECS")
        config_name = props.deployment_config_name
        if props.traffic_shift is not None:
            self.deployment_config = self._custom_config(name)
            config_name = self.deployment_config.deployment_config_name
        rollback_events = list(ROLLBACK_EVENTS) + ([ALARM_ROLLBACK_EVENT] if alarm_names else [])
        self.deployment_group = CodedeployDeploymentGroup(
            self,
            "group",
            app_name=self.application.name,
            deployment_group_name=name,
            service_role_arn=service_role_arn,
            deployment_config_name=config_name,
            deployment_style=CodedeployDeploymentGroupDeploymentStyle(
                deployment_type="BLUE_GREEN", deployment_option="WITH_TRAFFIC_CONTROL"
            ),
            blue_green_deployment_config=self._blue_green_config(),
            ecs_service=CodedeployDeploymentGroupEcsService(cluster_name=cluster_name, service_name=service_name),
            load_balancer_info=_load_balancer_info(
                prod_listener_arn, test_listener_arn, (blue_target_group_name, green_target_group_name)
            ),
            auto_rollback_configuration=CodedeployDeploymentGroupAutoRollbackConfiguration(
                enabled=props.auto_rollback, events=rollback_events if props.auto_rollback else None
            ),
            alarm_configuration=CodedeployDeploymentGroupAlarmConfiguration(
                enabled=True,
                alarms=list(alarm_names),
                ignore_poll_alarm_failure=props.alarms.ignore_poll_alarm_failure,
            )
            if props.alarms is not None
            else None,
            trigger_configuration=[
                CodedeployDeploymentGroupTriggerConfiguration(
                    trigger_name=f"{name}-deployments",
                    trigger_target_arn=topic_arn,
                    trigger_events=list(props.notifications.events),
                )
            ]
            if props.notifications is not None and topic_arn is not None
            else None,
        )

    def _custom_config(self, name: str) -> CodedeployDeploymentConfig:
        """The deployment config of a custom canary or linear shift (deployment.traffic_shift).

        Created before destroyed: its name follows its steps, so a change of steps replaces it, and
        dropping traffic_shift deletes it. CodeDeploy refuses to delete a config a group still uses
        (DeploymentConfigInUseException), so the group must move to the new config first, which is
        the order create_before_destroy gives (Terraform keeps the flag in the state for the delete)."""
        shift = self.props.traffic_shift
        assert shift is not None
        step = {"interval": shift.interval_minutes, "percentage": shift.percentage}
        return CodedeployDeploymentConfig(
            self,
            "config",
            deployment_config_name=shift.config_name(name),
            compute_platform="ECS",
            lifecycle=TerraformResourceLifecycle(create_before_destroy=True),
            traffic_routing_config=CodedeployDeploymentConfigTrafficRoutingConfig(
                type="TimeBasedCanary" if shift.type == "canary" else "TimeBasedLinear",
                time_based_canary=CodedeployDeploymentConfigTrafficRoutingConfigTimeBasedCanary(**step)
                if shift.type == "canary"
                else None,
                time_based_linear=CodedeployDeploymentConfigTrafficRoutingConfigTimeBasedLinear(**step)
                if shift.type == "linear"
                else None,
            ),
        )

    def _blue_green_config(self) -> CodedeployDeploymentGroupBlueGreenDeploymentConfig:
        """When traffic moves (at once, or after an approval), and when the old task set goes."""
        props = self.props
        waits = props.ready_action == "STOP_DEPLOYMENT"
        return CodedeployDeploymentGroupBlueGreenDeploymentConfig(
            deployment_ready_option=CodedeployDeploymentGroupBlueGreenDeploymentConfigDeploymentReadyOption(
                action_on_timeout=props.ready_action,
                wait_time_in_minutes=props.approval_wait_minutes if waits else None,
            ),
            terminate_blue_instances_on_deployment_success=(
                CodedeployDeploymentGroupBlueGreenDeploymentConfigTerminateBlueInstancesOnDeploymentSuccess(
                    action="TERMINATE", termination_wait_time_in_minutes=props.termination_wait_minutes
                )
            ),
        )

    def hook_statements(self, created: Mapping[str, str] | None = None) -> list[dict[str, Any]]:
        """The CodeDeploy role's grant for the hooks: invoke exactly their functions (the managed
        AWSCodeDeployRoleForECS covers only functions named CodeDeployHook_*). `created`: the ARNs
        of functions the stack creates, by event."""
        return invoke_statements(hook_arns(self, self.props.hooks, created))


def _load_balancer_info(
    prod_listener_arn: str, test_listener_arn: str, target_group_names: tuple[str, str]
) -> CodedeployDeploymentGroupLoadBalancerInfo:
    """The listeners CodeDeploy routes through, and the two target groups it swaps."""
    return CodedeployDeploymentGroupLoadBalancerInfo(
        target_group_pair_info=CodedeployDeploymentGroupLoadBalancerInfoTargetGroupPairInfo(
            prod_traffic_route=CodedeployDeploymentGroupLoadBalancerInfoTargetGroupPairInfoProdTrafficRoute(
                listener_arns=[prod_listener_arn]
            ),
            test_traffic_route=CodedeployDeploymentGroupLoadBalancerInfoTargetGroupPairInfoTestTrafficRoute(
                listener_arns=[test_listener_arn]
            ),
            # CodeDeploy wants target group names here, not ARNs.
            target_group=[
                CodedeployDeploymentGroupLoadBalancerInfoTargetGroupPairInfoTargetGroup(name=n)
                for n in target_group_names
            ],
        ),
    )
