"""The CodeDeploy deployments and ECS revisions of one stack's service: the AWS calls, nothing else."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from .appspec import appspec
from .exits import CommandError
from .outputs import StackOutputs

RUNNING_STATUSES = ("Created", "Queued", "InProgress", "Baking", "Ready")
ENDED_STATUSES = ("Succeeded", "Failed", "Stopped")


class Deployments:
    """ECS and CodeDeploy, as one stack's service sees them (its outputs name the cluster, the
    service and the deployment group)."""

    def __init__(self, outputs: StackOutputs, ecs: Any, codedeploy: Any) -> None:
        self.outputs = outputs
        self.ecs = ecs
        self.codedeploy = codedeploy
        self._described: dict[str, dict[str, Any]] = {}

    @property
    def group(self) -> dict[str, str]:
        return {"applicationName": self.outputs.codedeploy_app_name,
                "deploymentGroupName": self.outputs.codedeploy_group_name}

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
        info: dict[str, Any] = self.codedeploy.get_deployment(deploymentId=deployment_id)["deploymentInfo"]
        return info

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
