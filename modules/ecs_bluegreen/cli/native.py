"""The ECS-native engine (stack output engine "ecs"): ECS runs the service's blue/green deployments
itself, so a deployment is a *service deployment* of ECS, not a CodeDeploy one.

- deploy: UpdateService with the new revision, and the network and platform the stack's outputs
  give (Terraform ignores them, as on CodeDeploy), which starts a service deployment;
- watch and status: ListServiceDeployments and DescribeServiceDeployments;
- roll back: StopServiceDeployment with stopType ROLLBACK.

A snapshot (progress.Progress) says what the CodeDeploy one says, in ECS's terms: the lifecycle
stage under way among ECS's stages, the hook of each stage, the production and test traffic of the
source and target revisions, the bake time left, and the alarms ECS watches.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from email.utils import parsedate_to_datetime
from typing import Any

from .deployments import NATIVE_FAILED, NATIVE_RUNNING, Deployments
from .exits import CommandError
from .progress import Progress, Route, Step, TaskSet, Wait, utc
from .revisions import label

STAGES = ("RECONCILE_SERVICE", "PRE_SCALE_UP", "SCALE_UP", "POST_SCALE_UP", "TEST_TRAFFIC_SHIFT",
          "POST_TEST_TRAFFIC_SHIFT", "PRODUCTION_TRAFFIC_SHIFT", "POST_PRODUCTION_TRAFFIC_SHIFT", "BAKE_TIME",
          "CLEAN_UP")
"""The lifecycle stages of an ECS blue/green service deployment, in order (ECS API,
ServiceDeploymentLifecycleStage)."""
RUNNING, FAILED, SUCCEEDED = NATIVE_RUNNING, NATIVE_FAILED, "SUCCESSFUL"
DESCRIBE_AT_MOST = 20  # DescribeServiceDeployments takes 20 ARNs at most


class NativeDeployments(Deployments):
    """ECS, as one stack's service sees it on the ECS-native engine (no CodeDeploy). Revisions are
    read and registered as on CodeDeploy (Deployments)."""

    native = True

    def __init__(self, outputs: Any, clients: Any) -> None:
        super().__init__(outputs, clients)
        self._revisions: dict[str, str] = {}

    @property
    def service(self) -> dict[str, str]:
        return {"cluster": self.outputs.cluster_name, "service": self.outputs.service_name}

    def create(self, task_definition_arn: str, hooks: Mapping[str, str], description: str) -> str:
        """UpdateService to `task_definition_arn`, with the tasks' network and platform from the
        outputs: ECS starts a blue/green service deployment, whose ARN this returns. The hooks are
        the service's own (its deployment configuration, which Terraform manages)."""
        outputs = self.outputs
        request: dict[str, Any] = {**self.service, "taskDefinition": task_definition_arn}
        if outputs.task_subnet_ids is not None:
            vpc: dict[str, Any] = {"subnets": list(outputs.task_subnet_ids)}
            if outputs.task_security_group_ids is not None:
                vpc["securityGroups"] = list(outputs.task_security_group_ids)
            if outputs.assign_public_ip is not None:
                vpc["assignPublicIp"] = "ENABLED" if outputs.assign_public_ip else "DISABLED"
            request["networkConfiguration"] = {"awsvpcConfiguration": vpc}
        if outputs.platform_version is not None:
            request["platformVersion"] = outputs.platform_version
        service = self.ecs.update_service(**request)["service"]
        arn = service.get("currentServiceDeployment")
        if not arn:
            raise CommandError(f"ECS updated {outputs.service_name} but named no service deployment: is its deployment "
                               "controller ECS? (`terraform apply` the stack with deployment.engine 'ecs')")
        return str(arn)

    def running(self) -> list[str]:
        found = self.ecs.list_service_deployments(**self.service, status=list(RUNNING)).get("serviceDeployments", [])
        return [str(d["serviceDeploymentArn"]) for d in found]

    def get_at(self, deployment_id: str) -> tuple[dict[str, Any], datetime.datetime]:
        answer = self.ecs.describe_service_deployments(serviceDeploymentArns=[deployment_id])
        found = answer.get("serviceDeployments") or []
        if not found:
            reasons = "; ".join(f.get("reason", "") for f in answer.get("failures") or []) or "not found"
            raise CommandError(f"no service deployment {deployment_id} of {self.outputs.where}: {reasons}")
        date = answer.get("ResponseMetadata", {}).get("HTTPHeaders", {}).get("date")
        try:
            now = parsedate_to_datetime(date) if date else None
        except (TypeError, ValueError):
            now = None
        return dict(found[0]), now or datetime.datetime.now(datetime.timezone.utc)

    def stop(self, deployment_id: str) -> dict[str, Any]:
        """StopServiceDeployment with ROLLBACK: ECS shifts traffic back to the source revision."""
        self.ecs.stop_service_deployment(serviceDeploymentArn=deployment_id, stopType="ROLLBACK")
        return {"status": "ROLLBACK_REQUESTED", "statusMessage": ""}

    def latest(self, limit: int) -> list[dict[str, Any]]:
        """The latest service deployments, newest first, as the status rows read them."""
        found: list[dict[str, Any]] = []
        token = None
        while len(found) < limit:
            page = self.ecs.list_service_deployments(**self.service, maxResults=min(100, limit),
                                                     **({"nextToken": token} if token else {}))
            found += page.get("serviceDeployments", [])
            token = page.get("nextToken")
            if not token:
                break
        found.sort(key=lambda d: d.get("createdAt") or datetime.datetime.min, reverse=True)
        return [{"deploymentId": d["serviceDeploymentArn"], "status": d.get("status", ""),
                 "createTime": d.get("createdAt"), "completeTime": d.get("finishedAt"),
                 "description": label(d.get("targetServiceRevisionArn", "")),
                 "errorInformation": {"message": d["statusReason"]} if d.get("status") in FAILED
                 and d.get("statusReason") else {}} for d in found[:limit]]

    def revision_labels(self, arns: Sequence[str]) -> dict[str, str]:
        """The task definition ("web:12") of each service revision, read once per revision."""
        wanted = [a for a in dict.fromkeys(arns) if a and a not in self._revisions]
        for start in range(0, len(wanted), DESCRIBE_AT_MOST):
            answer = self.ecs.describe_service_revisions(serviceRevisionArns=wanted[start:start + DESCRIBE_AT_MOST])
            for revision in answer.get("serviceRevisions", []):
                self._revisions[revision["serviceRevisionArn"]] = label(revision.get("taskDefinition", ""))
        return {a: self._revisions.get(a, label(a)) for a in arns}


def native_progress(deployments: NativeDeployments, deployment_id: str) -> Progress:
    """Where the service deployment is now."""
    info, at = deployments.get_at(deployment_id)
    now = utc(at)
    status = str(info.get("status", ""))
    config = info.get("deploymentConfiguration") or {}
    sources = list(info.get("sourceServiceRevisions") or [])
    target = info.get("targetServiceRevision") or {}
    revisions = deployments.revision_labels([r.get("arn", "") for r in sources + [target] if r])
    sides = [("source", r) for r in sources] + ([("target", target)] if target else [])
    task_sets = tuple(TaskSet(side, "", revisions.get(r.get("arn", ""), ""),
                              float(r.get("requestedProductionTrafficWeight", 0.0)), int(r.get("runningTaskCount", 0)),
                              int(r.get("requestedTaskCount", 0))) for side, r in sides)
    routes = tuple(Route(listener, 0, tuple((revisions.get(r.get("arn", ""), side), float(r.get(weight, 0.0)))
                                            for side, r in sides))
                   for listener, weight in (("production", "requestedProductionTrafficWeight"),
                                            ("test", "requestedTestTrafficWeight")) if sides)
    error = {"message": info["statusReason"]} if status in FAILED and info.get("statusReason") else {}
    rollback = info.get("rollback") or {}
    return Progress(deployment_id, deployments.outputs.service_name, status, _steps(info, status, config),
                    routes, task_sets, _bake(info, status, config, now), _alarms(deployments, info), error,
                    {"reason": rollback.get("reason"), "serviceRevisionArn": rollback.get("serviceRevisionArn"),
                     "revision": revisions.get(rollback.get("serviceRevisionArn", ""))} if rollback else {}, now)


def _steps(info: Mapping[str, Any], status: str, config: Mapping[str, Any]) -> tuple[Step, ...]:
    """Each stage: done before the one under way, under way, or to come; the function of its hook."""
    hooks: dict[str, str] = {}
    for hook in config.get("lifecycleHooks") or []:
        for stage in hook.get("lifecycleStages") or []:
            hooks[stage] = str(hook.get("hookTargetArn", "")).rsplit(":function:", 1)[-1] or "PAUSE"
    stage = info.get("lifecycleStage")
    at = STAGES.index(stage) if stage in STAGES else (len(STAGES) if status == SUCCEEDED else -1)
    details = info.get("lifecycleHookDetails") or []
    steps = []
    for index, name in enumerate(STAGES):
        if index < at:
            state = "Succeeded"
        elif index == at:
            state = "Succeeded" if status == SUCCEEDED else "Failed" if status in FAILED else "InProgress"
        else:
            state = "Skipped" if status in FAILED else "Pending"
        message = ", ".join(f"hook {d.get('status')}" for d in details if d.get("status")) if index == at else None
        steps.append(Step(name, state, hooks.get(name), message or None))
    return tuple(steps)


def _bake(info: Mapping[str, Any], status: str, config: Mapping[str, Any], now: datetime.datetime) -> Wait | None:
    """The bake time: production is on the target revision and the source is kept for rollback.
    ECS gives no start time for a stage; the deployment's last update (updatedAt) is when it
    entered BAKE_TIME, so the end is that plus bakeTimeInMinutes."""
    if status != "IN_PROGRESS" or info.get("lifecycleStage") != "BAKE_TIME":
        return None
    started = utc(info.get("updatedAt") or now)
    ends = started + datetime.timedelta(minutes=int(config.get("bakeTimeInMinutes") or 0))
    return Wait("bake", ends, max(ends - now, datetime.timedelta()))


def _alarms(deployments: Deployments, info: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    """The alarms ECS watches, with their state; one ECS saw trigger is ALARM."""
    alarms = info.get("alarms") or {}
    names = [str(n) for n in alarms.get("alarmNames") or []]
    if not names:
        return ()
    states = deployments.alarm_states(names)
    triggered = set(alarms.get("triggeredAlarmNames") or [])
    return tuple((name, "ALARM" if name in triggered else states.get(name, "MISSING")) for name in sorted(names))
