"""The CodeDeploy deployments and ECS revisions of one stack's service: the AWS calls, nothing else."""

from __future__ import annotations

import datetime
import json
from collections.abc import Mapping, Sequence
from email.utils import parsedate_to_datetime
from typing import Any

from .appspec import appspec
from .aws import Clients
from .exits import CommandError
from .outputs import StackOutputs

RUNNING_STATUSES = ("Created", "Queued", "InProgress", "Baking", "Ready")
NATIVE_RUNNING = ("PENDING", "IN_PROGRESS", "STOP_REQUESTED", "ROLLBACK_REQUESTED", "ROLLBACK_IN_PROGRESS")
"""A service deployment's statuses (ECS-native engine, native.py) while it runs..."""
NATIVE_FAILED = ("STOPPED", "ROLLBACK_SUCCESSFUL", "ROLLBACK_FAILED")
"""...and how it ends other than in success: stopped, or rolled back (a hook, an alarm or
`bluegreen rollback`), or a rollback that failed."""
SUCCEEDED_STATUSES = ("Succeeded", "SUCCESSFUL")
ENDED_STATUSES = ("Succeeded", "Failed", "Stopped", "SUCCESSFUL", *NATIVE_FAILED)


class Deployments:
    """ECS and CodeDeploy, as one stack's service sees them (its outputs name the cluster, the
    service and the deployment group). On the ECS-native engine, native.NativeDeployments."""

    native = False

    def __init__(self, outputs: StackOutputs, clients: Clients) -> None:
        self.outputs = outputs
        self.clients = clients
        self.ecs = clients.ecs
        self.codedeploy = clients.codedeploy
        self._described: dict[str, dict[str, Any]] = {}
        self._group: dict[str, Any] | None = None

    @property
    def group(self) -> dict[str, str]:
        return {"applicationName": self.outputs.codedeploy_app_name or "",
                "deploymentGroupName": self.outputs.codedeploy_group_name or ""}

    def current_task_definition(self) -> str:
        services = self.ecs.describe_services(cluster=self.outputs.cluster_name,
                                              services=[self.outputs.service_name])["services"]
        if not services:
            raise CommandError(f"service {self.outputs.service_name} not found in cluster {self.outputs.cluster_name}")
        return str(services[0]["taskDefinition"])

    def describe(self, arn: str) -> dict[str, Any]:
        """describe_task_definition with the tags, once per revision."""
        if arn not in self._described:
            self._described[arn] = self.ecs.describe_task_definition(taskDefinition=arn, include=["TAGS"])
        return self._described[arn]

    def register(self, request: Mapping[str, Any]) -> str:
        return str(self.ecs.register_task_definition(**request)["taskDefinition"]["taskDefinitionArn"])

    def create(self, task_definition_arn: str, hooks: Mapping[str, str], description: str) -> str:
        """Start a deployment of `task_definition_arn` running exactly `hooks`."""
        content = json.dumps(appspec(task_definition_arn, self.outputs, hooks), sort_keys=True)
        return str(self.codedeploy.create_deployment(
            **self.group, revision={"revisionType": "AppSpecContent", "appSpecContent": {"content": content}},
            description=description)["deploymentId"])

    def get(self, deployment_id: str) -> dict[str, Any]:
        return self.get_at(deployment_id)[0]

    def get_at(self, deployment_id: str) -> tuple[dict[str, Any], datetime.datetime]:
        """The deployment, and the time AWS answered (its Date header): waits are counted down
        against AWS's clock, not this machine's."""
        answer = self.codedeploy.get_deployment(deploymentId=deployment_id)
        date = answer.get("ResponseMetadata", {}).get("HTTPHeaders", {}).get("date")
        try:
            now = parsedate_to_datetime(date) if date else None
        except (TypeError, ValueError):
            now = None
        info: dict[str, Any] = answer["deploymentInfo"]
        return info, now or datetime.datetime.now(datetime.timezone.utc)

    def group_info(self) -> dict[str, Any]:
        """The deployment group: its listeners and target groups, waits and alarms (read once)."""
        if self._group is None:
            self._group = dict(self.codedeploy.get_deployment_group(**self.group)["deploymentGroupInfo"])
        return self._group

    def listeners(self, arns: Sequence[str]) -> dict[str, dict[str, Any]]:
        """Each listener (its port and default actions), by its ARN."""
        if not arns or self.clients.elbv2 is None:
            return {}
        found = self.clients.elbv2.describe_listeners(ListenerArns=list(arns)).get("Listeners", [])
        return {listener["ListenerArn"]: listener for listener in found}

    def alarm_states(self, names: Sequence[str]) -> dict[str, str]:
        """The state of each alarm (OK, ALARM, INSUFFICIENT_DATA), by name; a missing one is absent."""
        if not names or self.clients.cloudwatch is None:
            return {}
        found = self.clients.cloudwatch.describe_alarms(AlarmNames=list(names)).get("MetricAlarms", [])
        return {alarm["AlarmName"]: str(alarm["StateValue"]) for alarm in found}

    def proceed(self, deployment_id: str, wait_type: str) -> None:
        """ContinueDeployment: end the ready wait (READY_WAIT) or the termination wait (TERMINATION_WAIT)."""
        self.codedeploy.continue_deployment(deploymentId=deployment_id, deploymentWaitType=wait_type)

    def targets(self, deployment_id: str) -> list[dict[str, Any]]:
        """The ECS targets of a deployment: lifecycle events and traffic per task set."""
        ids = self.codedeploy.list_deployment_targets(deploymentId=deployment_id).get("targetIds", [])
        if not ids:
            return []
        found = self.codedeploy.batch_get_deployment_targets(deploymentId=deployment_id, targetIds=ids)
        return [t["ecsTarget"] for t in found.get("deploymentTargets", []) if "ecsTarget" in t]

    def running(self) -> list[str]:
        found: list[str] = self.codedeploy.list_deployments(
            **self.group, includeOnlyStatuses=list(RUNNING_STATUSES)).get("deployments", [])
        return found

    def stop(self, deployment_id: str) -> dict[str, Any]:
        """Stop a deployment with automatic rollback: traffic returns to the old tasks."""
        stopped: dict[str, Any] = self.codedeploy.stop_deployment(deploymentId=deployment_id, autoRollbackEnabled=True)
        return stopped

    def latest(self, limit: int) -> list[dict[str, Any]]:
        ids = self.codedeploy.list_deployments(**self.group).get("deployments", [])
        infos: list[dict[str, Any]] = []
        for start in range(0, len(ids), 25):  # batch_get_deployments takes 25 at most
            infos += self.codedeploy.batch_get_deployments(deploymentIds=ids[start:start + 25])["deploymentsInfo"]
        infos.sort(key=lambda d: d["createTime"], reverse=True)
        return infos[:limit]
