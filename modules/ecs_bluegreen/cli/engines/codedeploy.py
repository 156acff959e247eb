"""The CodeDeploy engine (the default; a stack without the output `engine`): a deployment is a
CodeDeploy deployment of the stack's deployment group, whose AppSpec names the new revision.

- deploy: CreateDeployment with the AppSpec (appspec.py);
- watch and status: GetDeployment, and the deployment's ECS target for its lifecycle events and
  task sets; the listeners' weights from ELB, not CodeDeploy's summary; the alarms from CloudWatch;
- approve and finish: ContinueDeployment, READY_WAIT or TERMINATION_WAIT;
- roll back: StopDeployment with automatic rollback.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Mapping
from typing import Any

from ..appspec import appspec, hooks_of
from ..exits import PROG, CommandError
from ..render import state
from ..service import LiveService, answered_at, forward_weights
from ..snapshot import Listed, Route, Snapshot, Stage, Step, TaskSet, Wait, utc
from .base import WATCH_OR_ROLLBACK, Engine

BATCH = 25  # BatchGetDeployments takes 25 ids at most


class CodeDeployEngine(Engine):
    """CodeDeploy's deployments of the stack's deployment group (its outputs name it)."""

    NAME = "codedeploy"
    RUNNING = ("Created", "Queued", "InProgress", "Baking", "Ready")
    SUCCEEDED = ("Succeeded",)
    FAILED = ("Failed", "Stopped")
    DEPLOYMENT_ID = (r"d-[A-Z0-9]+", "a CodeDeploy deployment ID such as d-A1B2C3D4E")

    def __init__(self, service: LiveService) -> None:
        super().__init__(service)
        self.codedeploy = self.clients.codedeploy
        self._group: dict[str, Any] | None = None

    @property
    def group(self) -> dict[str, str]:
        return {
            "applicationName": self.outputs.codedeploy_app_name or "",
            "deploymentGroupName": self.outputs.codedeploy_group_name or "",
        }

    @property
    def where(self) -> str:
        return f"{self.outputs.codedeploy_app_name}/{self.outputs.codedeploy_group_name}"

    def group_info(self) -> dict[str, Any]:
        """The deployment group: its listeners and target groups, waits and alarms (read once)."""
        if self._group is None:
            self._group = dict(self.codedeploy.get_deployment_group(**self.group)["deploymentGroupInfo"])
        return self._group

    def running(self) -> list[str]:
        found: list[str] = self.codedeploy.list_deployments(**self.group, includeOnlyStatuses=list(self.RUNNING)).get(
            "deployments", []
        )
        return found

    def _get(self, deployment_id: str) -> tuple[dict[str, Any], datetime.datetime]:
        answer = self.codedeploy.get_deployment(deploymentId=deployment_id)
        info: dict[str, Any] = answer["deploymentInfo"]
        return info, answered_at(answer)

    def description(self, deployment_id: str) -> str:
        return str(self._get(deployment_id)[0].get("description") or "")

    def hooks(self, given: Mapping[str, str]) -> dict[str, str]:
        return hooks_of(self.outputs, given)

    def start(self, task_definition_arn: str, hooks: Mapping[str, str], description: str) -> str:
        """CreateDeployment with an AppSpec that runs exactly `hooks`."""
        from botocore.exceptions import ClientError

        content = json.dumps(appspec(task_definition_arn, self.outputs, hooks), sort_keys=True)
        try:
            return str(
                self.codedeploy.create_deployment(
                    **self.group,
                    revision={"revisionType": "AppSpecContent", "appSpecContent": {"content": content}},
                    description=description,
                )["deploymentId"]
            )
        except ClientError as error:  # another deployment started since the check: say which
            if error.response.get("Error", {}).get("Code") == "DeploymentLimitExceededException":
                self.refuse_if_running()
            raise

    def approve(self, now: Snapshot) -> None:
        """The console's "Reroute traffic": ContinueDeployment READY_WAIT."""
        if now.status != "Ready":
            if now.traffic_moved:
                raise CommandError(
                    f"nothing waits for approval: {state(now)}. `{PROG} finish` ends the termination wait now"
                )
            raise CommandError(
                f"nothing waits for approval: {state(now)}. A deployment waits at Ready only when its "
                "group has an approval wait (deployment.ready_action STOP_DEPLOYMENT)"
            )
        self.codedeploy.continue_deployment(deploymentId=now.deployment_id, deploymentWaitType="READY_WAIT")

    def finish(self, now: Snapshot) -> None:
        """The console's "Terminate original task set": ContinueDeployment TERMINATION_WAIT."""
        if now.status == "Ready":
            raise CommandError(
                f"traffic has not moved yet: {state(now)}. Approve it with `{PROG} approve`, or stop "
                f"it with `{PROG} rollback`"
            )
        if not now.traffic_moved:
            raise CommandError(
                f"traffic has not moved yet: {state(now)}. There is an original task set to terminate "
                f"once production is on the new one; `{PROG} watch` follows it there"
            )
        self.codedeploy.continue_deployment(deploymentId=now.deployment_id, deploymentWaitType="TERMINATION_WAIT")

    def stop(self, now: Snapshot) -> tuple[str | None, str]:
        """StopDeployment with automatic rollback: traffic returns to the old tasks."""
        stopped = self.codedeploy.stop_deployment(deploymentId=now.deployment_id, autoRollbackEnabled=True)
        return stopped.get("status"), str(stopped.get("statusMessage", ""))

    def way_out(self, now: Snapshot) -> str:
        if now.traffic_moved:
            return f"`{PROG} finish` ends it now, or `{PROG} watch` follows it to its end"
        if now.status == "Ready":
            return f"`{PROG} approve` lets it go on, `{PROG} rollback` stops it"
        return WATCH_OR_ROLLBACK

    def latest(self, limit: int) -> list[Listed]:
        ids = self.codedeploy.list_deployments(**self.group).get("deployments", [])
        infos: list[dict[str, Any]] = []
        for start in range(0, len(ids), BATCH):
            infos += self.codedeploy.batch_get_deployments(deploymentIds=ids[start : start + BATCH])["deploymentsInfo"]
        infos.sort(key=lambda d: d["createTime"], reverse=True)
        return [
            Listed(
                d["deploymentId"],
                d["status"],
                d.get("createTime"),
                d.get("completeTime"),
                d.get("description", ""),
                d.get("errorInformation", {}).get("message"),
            )
            for d in infos[:limit]
        ]

    def targets(self, deployment_id: str) -> list[dict[str, Any]]:
        """The ECS targets of a deployment: lifecycle events and traffic per task set."""
        ids = self.codedeploy.list_deployment_targets(deploymentId=deployment_id).get("targetIds", [])
        if not ids:
            return []
        found = self.codedeploy.batch_get_deployment_targets(deploymentId=deployment_id, targetIds=ids)
        return [t["ecsTarget"] for t in found.get("deploymentTargets", []) if "ecsTarget" in t]

    def snapshot(self, deployment_id: str) -> Snapshot:
        info, at = self._get(deployment_id)
        now = utc(at)
        group = self.group_info()
        status = str(info["status"])
        targets = self.targets(deployment_id) if status not in ("Created", "Queued") else []
        target = targets[0] if targets else {}
        hooks = _hooks(info)
        steps = tuple(
            Step(
                e["lifecycleEventName"],
                e["status"],
                hooks.get(e["lifecycleEventName"]),
                (e.get("diagnostics") or {}).get("message"),
            )
            for e in target.get("lifecycleEvents", [])
        )
        task_sets = tuple(
            TaskSet(
                t.get("taskSetLabel", "?"),
                t.get("status", ""),
                (t.get("targetGroup") or {}).get("name", ""),
                float(t.get("trafficWeight", 0.0)),
                int(t.get("runningCount", 0)),
                int(t.get("desiredCount", 0)),
            )
            for t in target.get("taskSetsInfo", [])
        )
        rollback = info.get("rollbackInfo", {})
        by = rollback.get("rollbackDeploymentId")
        wait = _wait(info, group, target, now)
        return Snapshot(
            deployment_id,
            group.get("deploymentGroupName", ""),
            status,
            steps,
            self._routes(group),
            task_sets,
            wait,
            self._alarms(group),
            info.get("errorInformation", {}),
            rollback,
            now,
            self.ending(status),
            f"rolled back by {by}" if by else None,
            _stage(status, steps, wait, task_sets),
        )

    def _routes(self, group: Mapping[str, Any]) -> tuple[Route, ...]:
        pair = _pair(group)
        wanted = [("production", arn) for arn in (pair.get("prodTrafficRoute") or {}).get("listenerArns", [])]
        wanted += [("test", arn) for arn in (pair.get("testTrafficRoute") or {}).get("listenerArns", [])]
        listeners = self.service.listeners([arn for _, arn in wanted])
        routes = []
        for kind, arn in wanted:
            if arn in listeners:
                listener = listeners[arn]
                routes.append(
                    Route(kind, int(listener.get("Port", 0)), forward_weights(listener.get("DefaultActions", [])))
                )
        return tuple(routes)

    def production(self) -> tuple[tuple[str, float], ...]:
        """The production listener's weights, as CodeDeploy left them."""
        routes = [r for r in self._routes(self.group_info()) if r.listener == "production"]
        return routes[0].weights if routes else ()

    def _alarms(self, group: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
        config = group.get("alarmConfiguration") or {}
        if not config.get("enabled"):
            return ()
        names = [a["name"] for a in config.get("alarms", []) if a.get("name")]
        states = self.service.alarm_states(names)
        return tuple((name, states.get(name, "MISSING")) for name in sorted(names))


def _hooks(info: Mapping[str, Any]) -> dict[str, str]:
    """The hook function of each lifecycle event, from the deployment's AppSpec."""
    content = (info.get("revision") or {}).get("appSpecContent", {}).get("content")
    try:
        spec = json.loads(content) if content else {}
    except (TypeError, ValueError):
        return {}  # an AppSpec in YAML, written by someone else: the events show without their functions
    hooks: dict[str, str] = {}
    for entry in spec.get("Hooks", []) if isinstance(spec, dict) else []:
        if isinstance(entry, dict):
            hooks.update({str(k): str(v) for k, v in entry.items()})
    return hooks


def _pair(group: Mapping[str, Any]) -> Mapping[str, Any]:
    pairs: list[Mapping[str, Any]] = (group.get("loadBalancerInfo") or {}).get("targetGroupPairInfoList") or [{}]
    return pairs[0]


def _wait(
    info: Mapping[str, Any], group: Mapping[str, Any], target: Mapping[str, Any], now: datetime.datetime
) -> Wait | None:
    """The approval wait (status Ready) or the termination wait (traffic moved, the original task
    set kept), with when it ends: its length in the group, from the end of the event before it."""
    config = group.get("blueGreenDeploymentConfiguration") or {}
    status = info.get("status")
    if status == "Ready":
        kind, after_traffic = "approval", False
        minutes = (config.get("deploymentReadyOption") or {}).get("waitTimeInMinutes", 0)
    elif status == "InProgress" and info.get("instanceTerminationWaitTimeStarted"):
        kind, after_traffic = "termination", True
        minutes = (config.get("terminateBlueInstancesOnDeploymentSuccess") or {}).get(
            "terminationWaitTimeInMinutes", 0
        )
    else:
        return None
    ended = [utc(e["endTime"]) for e in target.get("lifecycleEvents", []) if e.get("endTime")]
    started = max(ended) if ended else now
    ends = started + datetime.timedelta(minutes=int(minutes or 0))
    # Unapproved at its end, a deployment stops (and rolls back), or goes on (DeploymentReadyOption).
    action = (config.get("deploymentReadyOption") or {}).get("actionOnTimeout")
    then = None if after_traffic else "ROLLBACK" if action == "STOP_DEPLOYMENT" else "CONTINUE"
    return Wait(kind, ends, max(ends - now, datetime.timedelta()), after_traffic, then)


def _stage(status: str, steps: tuple[Step, ...], wait: Wait | None, task_sets: tuple[TaskSet, ...]) -> Stage | None:
    """How far the deployment has got, from its status, lifecycle events, wait, and the share of
    production the replacement (Green) task set has."""
    if status in CodeDeployEngine.SUCCEEDED:
        return Stage.SUCCEEDED
    if status not in CodeDeployEngine.RUNNING:
        return None  # failed or stopped: no further on
    if wait is not None:
        return Stage.BAKE if wait.after_traffic else Stage.APPROVAL
    done = {s.name for s in steps if s.status == "Succeeded"}
    moved = any(t.label == "Green" and t.weight > 0 for t in task_sets)
    if "AllowTraffic" in done or moved:
        return Stage.PRODUCTION_TRAFFIC
    if "AllowTestTraffic" in done:
        return Stage.TEST_TRAFFIC
    return None
