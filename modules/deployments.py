"""Roll out and roll back through CodeDeploy: what Terraform cannot do on a CODE_DEPLOY service.

Needs only boto3 and the stack's Terraform outputs; it never loads the CDKTF bindings.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .validation import SettingsError, check_image

REQUIRED_OUTPUTS = ("region", "cluster_name", "service_name", "container_name", "container_port",
                    "codedeploy_app_name", "codedeploy_group_name")
# Outputs of newer stacks; with them, the AppSpec carries what Terraform leaves to CodeDeploy.
OPTIONAL_OUTPUTS = ("platform_version", "task_subnet_ids", "task_security_group_ids", "assign_public_ip")
RUNNING_STATUSES = ("Created", "Queued", "InProgress", "Baking", "Ready")
HOOK_EVENTS = ("BeforeInstall", "AfterInstall", "AfterAllowTestTraffic", "BeforeAllowTraffic",
               "AfterAllowTraffic")
# What register_task_definition accepts back from describe_task_definition.
_REGISTER_FIELDS = (
    "family", "taskRoleArn", "executionRoleArn", "networkMode", "containerDefinitions", "volumes",
    "placementConstraints", "requiresCompatibilities", "cpu", "memory", "pidMode", "ipcMode",
    "proxyConfiguration", "inferenceAccelerators", "ephemeralStorage", "runtimePlatform",
    "enableFaultInjection",
)


class DeployError(Exception):
    """A failure to report in one line; `exit_code` says what kind (see cli.py)."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


@dataclass(frozen=True)
class StackOutputs:
    region: str
    cluster_name: str
    service_name: str
    container_name: str
    container_port: int
    codedeploy_app_name: str
    codedeploy_group_name: str
    platform_version: str | None = None
    task_subnet_ids: list[str] | None = None
    task_security_group_ids: list[str] | None = None
    assign_public_ip: bool | None = None

    @classmethod
    def from_mapping(cls, raw: Mapping[str, Any], source: str) -> StackOutputs:
        # `terraform output -json` wraps each value as {"value": ...}; a hand-written file may not.
        values = {k: v["value"] if isinstance(v, Mapping) and "value" in v else v for k, v in raw.items()}
        if not values:
            raise DeployError(f"{source} has no outputs: apply the stack first", 2)
        missing = [k for k in REQUIRED_OUTPUTS if k not in values]
        if missing:
            raise DeployError(f"{source} lacks the outputs {', '.join(missing)}: apply the stack "
                              "with this version of the library", 2)
        return cls(**{k: values[k] for k in REQUIRED_OUTPUTS + OPTIONAL_OUTPUTS if k in values})


def load_outputs(*, stack_dir: Path | None, outputs_file: Path | None) -> StackOutputs:
    """The stack's outputs, from `terraform output -json` in its folder or from a saved file."""
    if outputs_file is not None:
        try:
            raw = json.loads(outputs_file.read_text())
        except FileNotFoundError:
            raise DeployError(f"no outputs file at {outputs_file}", 2) from None
        except json.JSONDecodeError as err:
            raise DeployError(f"{outputs_file} is not JSON: {err}", 2) from None
        if not isinstance(raw, Mapping):
            raise DeployError(f"{outputs_file} is not an object of outputs", 2)
        return StackOutputs.from_mapping(raw, str(outputs_file))
    if stack_dir is None:
        raise DeployError("say where the stack is: --stack-dir cdktf.out/stacks/<stack> or "
                          "--outputs <file from `terraform output -json`>", 2)
    if not (stack_dir / "cdk.tf.json").is_file():
        raise DeployError(f"{stack_dir} is not a synthesized stack folder (no cdk.tf.json): "
                          "use cdktf.out/stacks/<stack>", 2)
    terraform = shutil.which("terraform")
    if terraform is None:
        raise DeployError("terraform is not on PATH; pass --outputs with a saved `terraform output -json`", 2)
    proc = subprocess.run([terraform, "output", "-json", "-no-color"], cwd=stack_dir,
                          capture_output=True, text=True, timeout=300)
    if proc.returncode != 0:
        first = next((line.strip() for line in proc.stderr.splitlines() if line.strip().strip("╷│╵")), "")
        raise DeployError(f"terraform output failed in {stack_dir}: {first.strip('│ ')}", 2)
    return StackOutputs.from_mapping(json.loads(proc.stdout or "{}"), str(stack_dir))


def appspec(task_definition_arn: str, outputs: StackOutputs, hooks: Mapping[str, str]) -> dict[str, Any]:
    """The AppSpec CodeDeploy needs for an ECS blue/green deployment."""
    properties: dict[str, Any] = {
        "TaskDefinition": task_definition_arn,
        "LoadBalancerInfo": {"ContainerName": outputs.container_name, "ContainerPort": outputs.container_port},
    }
    if outputs.platform_version is not None:
        properties["PlatformVersion"] = outputs.platform_version
    if outputs.task_subnet_ids is not None and outputs.task_security_group_ids is not None:
        properties["NetworkConfiguration"] = {"AwsvpcConfiguration": {
            "Subnets": list(outputs.task_subnet_ids),
            "SecurityGroups": list(outputs.task_security_group_ids),
            "AssignPublicIp": "ENABLED" if outputs.assign_public_ip else "DISABLED",
        }}
    spec: dict[str, Any] = {
        "version": "0.0",
        "Resources": [{"TargetService": {"Type": "AWS::ECS::Service", "Properties": properties}}],
    }
    if hooks:
        spec["Hooks"] = [{event: function} for event, function in hooks.items()]
    return spec


def parse_hooks(values: list[str]) -> dict[str, str]:
    hooks: dict[str, str] = {}
    for value in values:
        event, sep, function = value.partition("=")
        if not sep or event not in HOOK_EVENTS or not function:
            raise DeployError(f"--hook {value!r}: use EVENT=FUNCTION with EVENT one of "
                              f"{', '.join(HOOK_EVENTS)}", 2)
        if event in hooks:
            raise DeployError(f"--hook {event} is given twice", 2)
        hooks[event] = function
    return hooks


def validate_image(image: str) -> str:
    try:
        check_image("--image", image)
    except SettingsError as err:
        raise DeployError(str(err), 2) from None
    return image


class Deployments:
    """The CodeDeploy deployments of one stack's service."""

    def __init__(self, outputs: StackOutputs, ecs: Any, codedeploy: Any) -> None:
        self.outputs = outputs
        self.ecs = ecs
        self.codedeploy = codedeploy

    def current_task_definition(self) -> str:
        services = self.ecs.describe_services(cluster=self.outputs.cluster_name,
                                              services=[self.outputs.service_name])["services"]
        if not services:
            raise DeployError(f"service {self.outputs.service_name} not found in cluster "
                              f"{self.outputs.cluster_name}")
        return services[0]["taskDefinition"]

    def register_revision(self, image: str) -> str:
        """A new revision of the service's task definition, with `image` in the app container."""
        described = self.ecs.describe_task_definition(taskDefinition=self.current_task_definition(),
                                                      include=["TAGS"])
        current = described["taskDefinition"]
        request = {k: current[k] for k in _REGISTER_FIELDS if current.get(k) not in (None, [], {})}
        containers = [dict(c) for c in current["containerDefinitions"]]
        names = [c["name"] for c in containers]
        if self.outputs.container_name not in names:
            raise DeployError(f"the task definition has no container {self.outputs.container_name!r} "
                              f"(it has {', '.join(names)})")
        for container in containers:
            if container["name"] == self.outputs.container_name:
                container["image"] = image
        request["containerDefinitions"] = containers
        if described.get("tags"):
            request["tags"] = described["tags"]
        return self.ecs.register_task_definition(**request)["taskDefinition"]["taskDefinitionArn"]

    def create(self, task_definition_arn: str, hooks: Mapping[str, str], description: str) -> str:
        content = json.dumps(appspec(task_definition_arn, self.outputs, hooks), sort_keys=True)
        return self.codedeploy.create_deployment(
            applicationName=self.outputs.codedeploy_app_name,
            deploymentGroupName=self.outputs.codedeploy_group_name,
            revision={"revisionType": "AppSpecContent", "appSpecContent": {"content": content}},
            description=description,
        )["deploymentId"]

    def get(self, deployment_id: str) -> dict[str, Any]:
        return self.codedeploy.get_deployment(deploymentId=deployment_id)["deploymentInfo"]

    def targets(self, deployment_id: str) -> list[dict[str, Any]]:
        """The ECS targets of a deployment: lifecycle events and traffic per task set."""
        ids = self.codedeploy.list_deployment_targets(deploymentId=deployment_id).get("targetIds", [])
        if not ids:
            return []
        found = self.codedeploy.batch_get_deployment_targets(deploymentId=deployment_id, targetIds=ids)
        return [t["ecsTarget"] for t in found.get("deploymentTargets", []) if "ecsTarget" in t]

    def running(self) -> list[str]:
        return self.codedeploy.list_deployments(
            applicationName=self.outputs.codedeploy_app_name,
            deploymentGroupName=self.outputs.codedeploy_group_name,
            includeOnlyStatuses=list(RUNNING_STATUSES),
        ).get("deployments", [])

    def rollback(self, deployment_id: str | None) -> dict[str, Any]:
        """Stop the running deployment with automatic rollback: traffic returns to the old tasks."""
        if deployment_id is None:
            running = self.running()
            if not running:
                raise DeployError(f"no deployment is running in {self.outputs.codedeploy_app_name}/"
                                  f"{self.outputs.codedeploy_group_name}: nothing to roll back")
            deployment_id = running[0]
        stopped = self.codedeploy.stop_deployment(deploymentId=deployment_id, autoRollbackEnabled=True)
        return {"deploymentId": deployment_id, "status": stopped.get("status"),
                "message": stopped.get("statusMessage", "")}

    def latest(self, limit: int) -> list[dict[str, Any]]:
        ids = self.codedeploy.list_deployments(
            applicationName=self.outputs.codedeploy_app_name,
            deploymentGroupName=self.outputs.codedeploy_group_name,
        ).get("deployments", [])
        infos: list[dict[str, Any]] = []
        for start in range(0, len(ids), 25):  # batch_get_deployments takes 25 at most
            infos += self.codedeploy.batch_get_deployments(deploymentIds=ids[start:start + 25])["deploymentsInfo"]
        infos.sort(key=lambda d: d["createTime"], reverse=True)
        return infos[:limit]

    def follow(self, deployment_id: str, *, poll_seconds: float, timeout_seconds: float,
               sleep: Callable[[float], None], clock: Callable[[], float]) -> Iterator[tuple[str, dict[str, Any]]]:
        """Yield ("status" | "event" | "traffic" | "waiting", details) as they change, until the
        deployment ends (the last item is ("done", info)) or the timeout passes ("timeout", info)."""
        deadline = clock() + timeout_seconds
        seen: set[tuple[Any, ...]] = set()
        while True:
            info = self.get(deployment_id)
            status = info["status"]
            if ("status", status) not in seen:
                seen.add(("status", status))
                yield "status", {"status": status}
                if status == "Ready":
                    yield "waiting", {"deploymentId": deployment_id}
            for target in self.targets(deployment_id) if status not in ("Created", "Queued") else []:
                for event in target.get("lifecycleEvents", []):
                    key = ("event", event["lifecycleEventName"], event["status"])
                    if key not in seen and event["status"] != "Pending":
                        seen.add(key)
                        yield "event", {"name": event["lifecycleEventName"], "status": event["status"]}
                traffic = tuple(sorted((s.get("taskSetLabel", "?"), s.get("trafficWeight", 0.0))
                                       for s in target.get("taskSetsInfo", [])))
                if traffic and ("traffic", traffic) not in seen:
                    seen.add(("traffic", traffic))
                    yield "traffic", dict(traffic)
            if status in ("Succeeded", "Failed", "Stopped"):
                yield "done", info
                return
            if clock() >= deadline:
                yield "timeout", info
                return
            sleep(poll_seconds)
