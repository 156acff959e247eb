"""The CodeDeploy actions of an ECS blue/green deployment, on top of moto's CodeDeployResponse.

Each action answers as its page of the API reference says
(https://docs.aws.amazon.com/codedeploy/latest/APIReference/API_<Action>.html)."""

from __future__ import annotations

from typing import Any

from moto.codedeploy.responses import CodeDeployResponse, _deployment_group_info, _deployment_info
from moto.core.responses import ActionResult, EmptyResult

from ..clock import LOCK
from .models import CodeDeployEcsBackend, EcsDeployment, codedeploy_backends

_GROUP_FIELDS = {  # UpdateDeploymentGroup's parameters, and the attribute each one sets
    "deploymentConfigName": "deployment_config_name",
    "ec2TagFilters": "ec2_tag_filters",
    "onPremisesInstanceTagFilters": "on_premises_instance_tag_filters",
    "autoScalingGroups": "auto_scaling_groups",
    "serviceRoleArn": "service_role_arn",
    "triggerConfigurations": "trigger_configurations",
    "alarmConfiguration": "alarm_configuration",
    "autoRollbackConfiguration": "auto_rollback_configuration",
    "outdatedInstancesStrategy": "outdated_instances_strategy",
    "deploymentStyle": "deployment_style",
    "blueGreenDeploymentConfiguration": "blue_green_deployment_configuration",
    "loadBalancerInfo": "load_balancer_info",
    "ec2TagSet": "ec2_tag_set",
    "ecsServices": "ecs_services",
    "onPremisesTagSet": "on_premises_tag_set",
    "terminationHookEnabled": "termination_hook_enabled",
}


def _ecs_deployment_info(deployment: Any) -> dict[str, Any]:
    info = _deployment_info(deployment)
    if isinstance(deployment, EcsDeployment):
        info.update(
            {
                "errorInformation": deployment.error_information,
                "rollbackInfo": deployment.rollback_info,
                "instanceTerminationWaitTimeStarted": deployment.instance_termination_wait_time_started,
                "deploymentConfigName": deployment.deployment_config_name,
            }
        )
        info = {k: v for k, v in info.items() if v not in (None, {})}
    return info


def _group_info(group: Any) -> dict[str, Any]:
    info = _deployment_group_info(group)
    info["alarmConfiguration"] = group.alarm_configuration or {}  # moto leaves it a TODO
    return info


class CodeDeployEcsResponse(CodeDeployResponse):
    @property
    def codedeploy_backend(self) -> CodeDeployEcsBackend:
        return codedeploy_backends[self.current_account][self.region]

    def call_action(self) -> Any:
        with LOCK:
            return super().call_action()

    # --- deployments, with their lifecycle ------------------------------------------------------

    def get_deployment(self) -> ActionResult:
        deployment = self.codedeploy_backend.get_deployment(self._get_param("deploymentId"))
        return ActionResult({"deploymentInfo": _ecs_deployment_info(deployment)})

    def batch_get_deployments(self) -> ActionResult:
        self.codedeploy_backend.advance()
        deployments = self.codedeploy_backend.batch_get_deployments(self._get_param("deploymentIds"))
        return ActionResult({"deploymentsInfo": [_ecs_deployment_info(d) for d in deployments]})

    def list_deployments(self) -> ActionResult:
        self.codedeploy_backend.advance()
        return super().list_deployments()

    def stop_deployment(self) -> ActionResult:
        status, message = self.codedeploy_backend.stop_deployment(
            self._get_param("deploymentId"), self._get_bool_param("autoRollbackEnabled")
        )
        return ActionResult({"status": status, "statusMessage": message})

    def continue_deployment(self) -> EmptyResult:
        self.codedeploy_backend.continue_deployment(
            self._get_param("deploymentId"), self._get_param("deploymentWaitType")
        )
        return EmptyResult()

    def put_lifecycle_event_hook_execution_status(self) -> ActionResult:
        execution_id = self.codedeploy_backend.put_lifecycle_event_hook_execution_status(
            self._get_param("deploymentId"),
            self._get_param("lifecycleEventHookExecutionId"),
            self._get_param("status"),
        )
        return ActionResult({"lifecycleEventHookExecutionId": execution_id})

    def list_deployment_targets(self) -> ActionResult:
        return ActionResult({"targetIds": self.codedeploy_backend.target_ids(self._get_param("deploymentId"))})

    def batch_get_deployment_targets(self) -> ActionResult:
        targets = self.codedeploy_backend.batch_get_targets(
            self._get_param("deploymentId"), self._get_param("targetIds") or []
        )
        return ActionResult({"deploymentTargets": targets})

    # --- deployment configurations --------------------------------------------------------------

    def create_deployment_config(self) -> ActionResult:
        config_id = self.codedeploy_backend.create_deployment_config(
            self._get_param("deploymentConfigName"),
            self._get_param("computePlatform"),
            self._get_param("trafficRoutingConfig"),
            self._get_param("minimumHealthyHosts"),
        )
        return ActionResult({"deploymentConfigId": config_id})

    def get_deployment_config(self) -> ActionResult:
        config = self.codedeploy_backend.get_deployment_config(self._get_param("deploymentConfigName"))
        return ActionResult({"deploymentConfigInfo": config.info()})

    def delete_deployment_config(self) -> EmptyResult:
        self.codedeploy_backend.delete_deployment_config(self._get_param("deploymentConfigName"))
        return EmptyResult()

    def list_deployment_configs(self) -> ActionResult:
        return ActionResult({"deploymentConfigsList": self.codedeploy_backend.list_deployment_configs()})

    # --- deployment groups and applications: what moto lacks ----------------------------------------

    def get_deployment_group(self) -> ActionResult:
        group = self.codedeploy_backend.get_deployment_group(
            self._get_param("applicationName"), self._get_param("deploymentGroupName")
        )
        return ActionResult({"deploymentGroupInfo": _group_info(group)})

    def update_deployment_group(self) -> ActionResult:
        changes = {attribute: self._get_param(param) for param, attribute in _GROUP_FIELDS.items()}
        self.codedeploy_backend.update_deployment_group(
            self._get_param("applicationName"),
            self._get_param("currentDeploymentGroupName"),
            self._get_param("newDeploymentGroupName"),
            changes,
        )
        return ActionResult({"hooksNotCleanedUp": []})

    def delete_deployment_group(self) -> ActionResult:
        self.codedeploy_backend.delete_deployment_group(
            self._get_param("applicationName"), self._get_param("deploymentGroupName")
        )
        return ActionResult({"hooksNotCleanedUp": []})

    def delete_application(self) -> EmptyResult:
        self.codedeploy_backend.delete_application(self._get_param("applicationName"))
        return EmptyResult()
