"""Roll out and roll back through CodeDeploy: what Terraform cannot do on a CODE_DEPLOY service.

Needs only boto3 and the stack's Terraform outputs (contract.py); it never loads the CDKTF bindings.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import typing
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from ..contract import APPSPEC_OUTPUTS, DEPLOY_OUTPUTS, HOOK_EVENTS, LAMBDA_FUNCTION, HookEvent
from ..settings import SettingsError, check_value
from ..settings.deployment import LAMBDA
from ..settings.rules import PORT, Arn, Image, Region
from .revisions import (
    BY_TERRAFORM,
    Change,
    Provenance,
    container,
    deploy_tags,
    diff,
    label,
    register_request,
    with_image,
)

RUNNING_STATUSES = ("Created", "Queued", "InProgress", "Baking", "Ready")


class DeployError(Exception):
    """A failure to report in one line; `exit_code` says what kind (see cli.py)."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


@dataclass(frozen=True)
class StackOutputs:
    region: Annotated[str, Region()]
    cluster_name: str
    service_name: str
    container_name: str
    container_port: Annotated[int, PORT]
    codedeploy_app_name: str
    codedeploy_group_name: str
    platform_version: str | None = None
    task_subnet_ids: tuple[str, ...] | None = None
    task_security_group_ids: tuple[str, ...] | None = None
    assign_public_ip: bool | None = None
    task_definition_arn: Annotated[str | None, Arn("ecs", ("task-definition/",))] = None
    hooks: Mapping[HookEvent, Annotated[str, LAMBDA]] | None = None

    @classmethod
    def from_mapping(cls, raw: Mapping[str, Any], source: str, prefix: str = "") -> StackOutputs:
        # `terraform output -json` wraps each value as {"value": ...}; a hand-written file may not.
        values = {k: v["value"] if isinstance(v, Mapping) and "value" in v else v for k, v in raw.items()}
        if not values:
            raise DeployError(f"{source} has no outputs: apply the stack first", 2)
        if prefix:
            # A stack with several services names each one's outputs `<prefix><name>`.
            values = {k[len(prefix):]: v for k, v in values.items() if k.startswith(prefix)}
            if not values:
                raise DeployError(f"{source} has no outputs named {prefix}*: check --output-prefix", 2)
        missing = [k for k in DEPLOY_OUTPUTS if k not in values]
        if missing:
            raise DeployError(f"{source} lacks the outputs {', '.join(missing)}: apply the stack "
                              "with this version of the library", 2)
        # The outputs are input too: each of the kind the stack writes, before any AWS call.
        hints = typing.get_type_hints(cls, include_extras=True)
        checked = {}
        try:
            for key in DEPLOY_OUTPUTS + APPSPEC_OUTPUTS:
                if key in values:
                    checked[key] = check_value(f"output {prefix}{key}", values[key], hints[key], from_json=True)
        except SettingsError as err:
            raise DeployError(f"{source}: {err}; apply the stack again, or fix the saved outputs", 2) from None
        return cls(**checked)


def check_current(stack_dir: Path) -> None:
    """A stack folder the last synth wrote, not one it left behind: cdktf keeps the folders of
    stacks an app no longer has (a renamed project, an environment taken out), with old settings."""
    manifest = stack_dir.resolve().parent.parent / "manifest.json"
    try:
        stacks = json.loads(manifest.read_text(encoding="utf-8")).get("stacks", {})
    except (OSError, ValueError, AttributeError):
        return  # a folder copied on its own: nothing to compare with
    if stack_dir.resolve().name not in stacks:
        raise DeployError(f"{stack_dir} is left from an earlier synth: {manifest} lists "
                          f"{', '.join(sorted(stacks)) or 'no stack'}. Synthesize again, and use a current stack", 2)


def load_outputs(*, stack_dir: Path | None, outputs_file: Path | None, prefix: str = "") -> StackOutputs:
    """The service's outputs, from `terraform output -json` in its stack's folder or from a saved
    file; with `prefix`, those named `<prefix><name>` (a stack with several services)."""
    if outputs_file is not None:
        try:
            raw = json.loads(outputs_file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise DeployError(f"no outputs file at {outputs_file}", 2) from None
        except IsADirectoryError:
            raise DeployError(f"{outputs_file} is a folder: pass the file `terraform output -json` wrote, "
                              "or the stack's folder with --stack-dir", 2) from None
        except (PermissionError, UnicodeDecodeError) as err:
            raise DeployError(f"{outputs_file} cannot be read ({err}): pass a UTF-8 JSON file", 2) from None
        except json.JSONDecodeError as err:
            raise DeployError(f"{outputs_file} is not JSON: {err}", 2) from None
        if not isinstance(raw, Mapping):
            raise DeployError(f"{outputs_file} is not an object of outputs", 2)
        return StackOutputs.from_mapping(raw, str(outputs_file), prefix)
    if stack_dir is None:
        raise DeployError("say where the stack is: --stack-dir cdktf.out/stacks/<stack> or "
                          "--outputs <file from `terraform output -json`>", 2)
    text = terraform_in(stack_dir, ["output", "-json"], instead="--outputs with a saved `terraform output -json`",
                        exit_code=2, timeout=300)
    return StackOutputs.from_mapping(json.loads(text or "{}"), str(stack_dir), prefix)


def terraform_in(stack_dir: Path, *commands: list[str], instead: str, exit_code: int, timeout: float) -> str:
    """Run Terraform commands in a stack folder the last synth wrote; the last one's output. A
    failure is one line: the folder is no stack, Terraform is missing (`instead` says what to pass
    then), or a command failed (its first error line, exit `exit_code`)."""
    if not (stack_dir / "cdk.tf.json").is_file():
        raise DeployError(f"{stack_dir} is not a synthesized stack folder (no cdk.tf.json): "
                          "use cdktf.out/stacks/<stack>", 2)
    check_current(stack_dir)
    terraform = shutil.which("terraform")
    if terraform is None:
        raise DeployError(f"terraform is not on PATH; pass {instead}", 2)
    stdout = ""
    for command in commands:
        proc = subprocess.run([terraform, *command, "-no-color"], cwd=stack_dir, capture_output=True, text=True,
                              timeout=timeout)
        if proc.returncode != 0:
            first = next((line.strip() for line in proc.stderr.splitlines() if line.strip().strip("╷│╵")), "")
            raise DeployError(f"terraform {command[0]} failed in {stack_dir}: {first.strip('│ ')}", exit_code)
        stdout = proc.stdout
    return stdout


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
        spec["Hooks"] = [{event: hooks[event]} for event in HOOK_EVENTS if event in hooks]
    return spec


def parse_hooks(values: list[str]) -> dict[str, str]:
    hooks: dict[str, str] = {}
    for value in values:
        event, sep, function = value.partition("=")
        if not sep or event not in HOOK_EVENTS or not function:
            raise DeployError(f"--hook {value!r}: use EVENT=FUNCTION with EVENT one of "
                              f"{', '.join(HOOK_EVENTS)}", 2)
        if not LAMBDA_FUNCTION.fullmatch(function):
            raise DeployError(f"--hook {value!r}: {function!r} is no Lambda function name: use up to 64 letters, "
                              "digits, '-' and '_' (optionally ':version' or ':alias'), or the function's ARN", 2)
        if event in hooks:
            raise DeployError(f"--hook {event} is given twice", 2)
        hooks[event] = function
    return hooks


def validate_image(image: str) -> str:
    try:
        check_value("--image", image, Annotated[str, Image()])
    except SettingsError as err:
        raise DeployError(str(err), 2) from None
    return image


@dataclass(frozen=True)
class DeployPlan:
    """What a deployment rolls out: an existing revision (`deploy_arn`) or a new one (`register`)."""

    container_name: str
    running_arn: str
    terraform_arn: str | None  # None: --task-definition, deployed as given
    image: str
    image_given: bool
    deploy_arn: str | None
    register: dict[str, Any] | None
    changes: list[Change]  # against the running revision, the app image first if it changes
    drift: list[Change] | None  # made by hand in the running revision; None: cannot be checked
    origin: str  # who registered the running revision
    terraform_image: str | None

    @property
    def shape_changes(self) -> list[Change]:
        """The changes beyond the app container's image."""
        return [c for c in self.changes if c.field != f"{self.container_name}.image"]

    @property
    def nothing_to_deploy(self) -> bool:
        return self.terraform_arn is not None and not self.changes

    def headline(self) -> str:
        running = label(self.running_arn)
        if self.terraform_arn is None:
            return f"from {running} to {label(self.deploy_arn or '')}, as given (--task-definition)"
        source = f"Terraform's {label(self.terraform_arn)}"
        if self.nothing_to_deploy:
            return (f"nothing to deploy: {running} has the settings of {source} and image {self.image} "
                    f"already; to start it again, pass --task-definition {self.running_arn}")
        which = "image" if self.image_given else "the image that runs now,"
        return f"from {running} to {source} with {which} {self.image}"

    def warnings(self) -> list[str]:
        running = label(self.running_arn)
        if self.nothing_to_deploy:
            return []
        if self.drift:
            what = "the given revision" if self.terraform_arn is None else "Terraform's settings"
            return [f"{running} has changes that neither Terraform nor a deployment made (by hand?): "
                    f"{'; '.join(c.summary for c in self.drift)}. This deployment drops those not in "
                    f"{what}; to keep them, put them in the settings"]
        if self.drift is None and self.changes:
            return [f"{running} was {self.origin}: the changes listed also undo whatever was changed in "
                    "it by hand"]
        return []

    def notes(self) -> list[str]:
        if (self.terraform_arn is not None and not self.image_given and self.terraform_image
                and self.terraform_image != self.image):
            return [f"Terraform's revision has image {self.terraform_image} (the settings' image, which "
                    "only the first deployment uses); the image that runs now stays. Pass --image to change it"]
        return []

    def as_json(self) -> dict[str, Any]:
        return {
            "runningTaskDefinitionArn": self.running_arn, "terraformTaskDefinitionArn": self.terraform_arn,
            "image": self.image, "changes": [c.as_json() for c in self.changes],
            "drift": None if self.drift is None else [c.as_json() for c in self.drift], "origin": self.origin,
            "warnings": self.warnings(), "notes": self.notes(),
        }


class Deployments:
    """The CodeDeploy deployments of one stack's service."""

    def __init__(self, outputs: StackOutputs, ecs: Any, codedeploy: Any) -> None:
        self.outputs = outputs
        self.ecs = ecs
        self.codedeploy = codedeploy
        self._described: dict[str, dict[str, Any]] = {}

    def current_task_definition(self) -> str:
        services = self.ecs.describe_services(cluster=self.outputs.cluster_name,
                                              services=[self.outputs.service_name])["services"]
        if not services:
            raise DeployError(f"service {self.outputs.service_name} not found in cluster "
                              f"{self.outputs.cluster_name}")
        return services[0]["taskDefinition"]

    def describe(self, arn: str) -> dict[str, Any]:
        """describe_task_definition with the tags, once per revision."""
        if arn not in self._described:
            self._described[arn] = self.ecs.describe_task_definition(taskDefinition=arn, include=["TAGS"])
        return self._described[arn]

    def _image(self, described: Mapping[str, Any]) -> str:
        try:
            return container(described["taskDefinition"], self.outputs.container_name)["image"]
        except LookupError as err:
            raise DeployError(str(err)) from None

    def _terraform_arn(self) -> str:
        if not self.outputs.task_definition_arn:
            raise DeployError("the stack's outputs lack task_definition_arn, the revision Terraform "
                              "registered last: apply the stack with this version of the library, or "
                              "pass --task-definition ARN", 2)
        return self.outputs.task_definition_arn

    def drift(self, running: Mapping[str, Any]) -> tuple[list[Change] | None, str]:
        """What the running revision has that neither its Terraform revision nor its image explain
        (made by hand), and who registered it. The list is None when that cannot be checked."""
        from botocore.exceptions import ClientError

        origin = Provenance.of(running)
        if origin.terraform_revision is None:
            return None, "registered neither by Terraform nor by bluegreen (by hand, or by another tool)"
        if origin.registered_by == BY_TERRAFORM:
            return [], "registered by Terraform"
        source = label(origin.terraform_revision)
        try:
            base = self.describe(origin.terraform_revision)["taskDefinition"]
            expected = with_image(base, self.outputs.container_name, self._image(running))
        except ClientError:
            return None, f"registered by bluegreen from {source}, which is gone"
        except LookupError:
            return None, f"registered by bluegreen from {source}, which has no container {self.outputs.container_name!r}"
        return (diff(expected, running["taskDefinition"], skip_image_of=self.outputs.container_name),
                f"registered by bluegreen from {source}")

    def plan(self, *, image: str | None, task_definition: str | None) -> DeployPlan:
        """What `bluegreen deploy` would roll out, against what runs now.

        Terraform owns the shape, a deployment owns the image: without `task_definition`, the new
        revision is Terraform's latest with `image` (default: the image that runs now) in the app
        container. Terraform's revision is deployed as is when its image is that image already."""
        name = self.outputs.container_name
        running_arn = self.current_task_definition()
        running = self.describe(running_arn)
        running_image = self._image(running)
        terraform_arn = terraform_image = None
        deploy_arn: str | None = None
        register: dict[str, Any] | None = None
        if task_definition is not None:
            given = self.describe(task_definition)
            deploy_arn, target, target_image = task_definition, given["taskDefinition"], self._image(given)
        else:
            terraform_arn = self._terraform_arn()
            terraform = self.describe(terraform_arn)
            terraform_image = self._image(terraform)
            target_image = image or running_image
            target = with_image(terraform["taskDefinition"], name, target_image)
            if terraform_image == target_image:
                deploy_arn = terraform_arn
            else:
                register = {**register_request(target), "tags": deploy_tags(terraform)}
        changes = diff(running["taskDefinition"], target, skip_image_of=name)
        if target_image != running_image:
            changes.insert(0, Change(f"{name}.image", running_image, target_image,
                                     f"{name} image {running_image} → {target_image}"))
        drift, origin = self.drift(running)
        return DeployPlan(
            container_name=name, running_arn=running_arn, terraform_arn=terraform_arn, image=target_image,
            image_given=image is not None, deploy_arn=deploy_arn, register=register,
            changes=changes, drift=drift, origin=origin, terraform_image=terraform_image,
        )

    def register(self, request: Mapping[str, Any]) -> str:
        return self.ecs.register_task_definition(**request)["taskDefinition"]["taskDefinitionArn"]

    def terraform_status(self) -> dict[str, Any] | None:
        """Whether Terraform's latest revision is live: the running revision has its shape (the
        image aside). None when the stack has no task_definition_arn output."""
        if not self.outputs.task_definition_arn:
            return None
        running_arn = self.current_task_definition()
        running = self.describe(running_arn)
        terraform = self.describe(self.outputs.task_definition_arn)
        self._image(terraform)  # Terraform's revision has the app container
        expected = with_image(terraform["taskDefinition"], self.outputs.container_name, self._image(running))
        pending = diff(running["taskDefinition"], expected, skip_image_of=self.outputs.container_name)
        return {"terraformTaskDefinitionArn": self.outputs.task_definition_arn,
                "runningTaskDefinitionArn": running_arn, "live": not pending,
                "pending": [c.as_json() for c in pending]}

    def hooks(self, given: Mapping[str, str]) -> dict[str, str]:
        """The hooks of a deployment: the stack's (its output `hooks`), each event's replaced by
        one given with --hook; in the order the events happen."""
        merged = {**(self.outputs.hooks or {}), **given}
        return {event: merged[event] for event in HOOK_EVENTS if event in merged}

    def create(self, task_definition_arn: str, hooks: Mapping[str, str], description: str) -> str:
        """Start a deployment of `task_definition_arn` running exactly `hooks` (see `hooks()`)."""
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
