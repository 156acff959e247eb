"""The ECS-native engine (stack output engine "ecs"): ECS runs the service's blue/green deployments
itself, so a deployment is a *service deployment* of ECS, not a CodeDeploy one.

- deploy: UpdateService with the new revision, and the network and platform the stack's outputs
  give (Terraform ignores them, as on CodeDeploy), which starts a service deployment;
- watch and status: ListServiceDeployments and DescribeServiceDeployments;
- approve: ContinueServiceDeployment CONTINUE, for the pause hook that waits (an approval wait is
  a pause hook after test traffic: deployment.ready_action STOP_DEPLOYMENT);
- roll back: ContinueServiceDeployment ROLLBACK for a pause hook that waits, else
  StopServiceDeployment with stopType ROLLBACK.

A snapshot says what CodeDeploy's says, in ECS's terms: the lifecycle stage under way among ECS's
stages, the hook of each stage, the production and test traffic of the source and target
revisions, the bake time left, and the alarms ECS watches.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from typing import Any

from ...contract import NATIVE_STAGES
from ...revisions import label
from ..exits import PROG, CommandError, Exit
from ..render import state
from ..service import LiveService, answered_at, forward_weights
from ..snapshot import Listed, Route, Snapshot, Stage, Step, TaskSet, Wait, utc
from .base import WATCH_OR_ROLLBACK, Engine

DESCRIBE_AT_MOST = 20  # DescribeServiceRevisions takes 20 ARNs at most


class EcsNativeEngine(Engine):
    """ECS, as one stack's service sees it on the ECS-native engine (no CodeDeploy)."""

    NAME = "ecs"
    UNIT = "revision"
    RUNNING = ("PENDING", "IN_PROGRESS", "STOP_REQUESTED", "ROLLBACK_REQUESTED", "ROLLBACK_IN_PROGRESS")
    SUCCEEDED = ("SUCCESSFUL",)
    FAILED = ("STOPPED", "ROLLBACK_SUCCESSFUL", "ROLLBACK_FAILED")
    """Stopped, or rolled back (a hook, an alarm or `bluegreen rollback`), or a rollback that failed."""
    DEPLOYMENT_ID = (
        r"arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:service-deployment/[\w-]+/[\w-]+/[\w-]+",
        "(engine 'ecs') a service deployment ARN "
        "arn:aws:ecs:<region>:<account>:service-deployment/<cluster>/<service>/<id>",
    )

    def __init__(self, service: LiveService) -> None:
        super().__init__(service)
        self.ecs = self.clients.ecs
        self._revisions: dict[str, str] = {}

    @property
    def _service(self) -> dict[str, str]:
        """The service, as ECS's calls name it."""
        return {"cluster": self.outputs.cluster_name, "service": self.outputs.service_name}

    @property
    def where(self) -> str:
        return f"service {self.outputs.cluster_name}/{self.outputs.service_name}"

    def running(self) -> list[str]:
        found = self.ecs.list_service_deployments(**self._service, status=list(self.RUNNING)).get(
            "serviceDeployments", []
        )
        return [str(d["serviceDeploymentArn"]) for d in found]

    def _get(self, deployment_id: str) -> tuple[dict[str, Any], datetime.datetime]:
        answer = self.ecs.describe_service_deployments(serviceDeploymentArns=[deployment_id])
        found = answer.get("serviceDeployments") or []
        if not found:
            reasons = "; ".join(f.get("reason", "") for f in answer.get("failures") or []) or "not found"
            raise CommandError(f"no service deployment {deployment_id} of {self.where}: {reasons}")
        return dict(found[0]), answered_at(answer)

    def description(self, deployment_id: str) -> str:
        return str(self._get(deployment_id)[0].get("description") or "")

    def hooks(self, given: Mapping[str, str]) -> dict[str, str]:
        """The service's own: its deployment configuration names them, which Terraform applies."""
        if given:
            raise CommandError(
                "--hook: on engine 'ecs' the hooks are the service's own (deployment.hooks, in its "
                "deployment configuration, which Terraform applies): change them there, and "
                "`terraform apply`",
                Exit.BAD_INPUT,
            )
        return {str(event): function for event, function in (self.outputs.hooks or {}).items()}

    def start(self, task_definition_arn: str, hooks: Mapping[str, str], description: str) -> str:
        """UpdateService to `task_definition_arn`, with the tasks' network and platform from the
        outputs: ECS starts a blue/green service deployment, whose ARN this returns. The hooks are
        the service's own (its deployment configuration, which Terraform manages)."""
        outputs = self.outputs
        request: dict[str, Any] = {**self._service, "taskDefinition": task_definition_arn}
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
            raise CommandError(
                f"ECS updated {outputs.service_name} but named no service deployment: is its deployment "
                "controller ECS? (`terraform apply` the stack with deployment.engine 'ecs')"
            )
        return str(arn)

    def approve(self, now: Snapshot) -> None:
        """ContinueServiceDeployment CONTINUE: the pause hook that waits lets the deployment go on."""
        hook = now.wait.hook_id if now.wait is not None else None
        if hook is None:
            raise CommandError(
                f"nothing waits for approval: {state(now)}. On engine 'ecs' a deployment waits for approval at a "
                "pause hook (deployment.ready_action STOP_DEPLOYMENT pauses it after test traffic)"
            )
        self.ecs.continue_service_deployment(serviceDeploymentArn=now.deployment_id, hookId=hook, action="CONTINUE")

    def finish(self, now: Snapshot) -> None:
        raise CommandError(
            f"{state(now)}: on engine 'ecs' ECS ends the bake time itself (deployment."
            "termination_wait_minutes) and offers no way to end it early; shorten it for the next "
            f"deployments, or return traffic with `{PROG} rollback`"
        )

    def stop(self, now: Snapshot) -> tuple[str | None, str]:
        """Traffic back to the source revision: a pause hook that waits is answered ROLLBACK
        (ContinueServiceDeployment), any other deployment is stopped with ROLLBACK
        (StopServiceDeployment)."""
        hook = now.wait.hook_id if now.wait is not None else None
        if hook is not None:
            self.ecs.continue_service_deployment(
                serviceDeploymentArn=now.deployment_id, hookId=hook, action="ROLLBACK"
            )
            return "ROLLBACK", f"the pause hook {hook} was answered ROLLBACK"
        self.ecs.stop_service_deployment(serviceDeploymentArn=now.deployment_id, stopType="ROLLBACK")
        return "ROLLBACK_REQUESTED", ""

    def way_out(self, now: Snapshot) -> str:
        if now.wait is not None and now.wait.kind in ("approval", "pause"):
            return f"`{PROG} approve` lets it go on, `{PROG} rollback` rolls it back"
        if now.traffic_moved:
            return f"ECS ends its bake time, {WATCH_OR_ROLLBACK}"
        return WATCH_OR_ROLLBACK

    def latest(self, limit: int) -> list[Listed]:
        """The latest service deployments, newest first."""
        found: list[dict[str, Any]] = []
        token = None
        while len(found) < limit:
            page = self.ecs.list_service_deployments(
                **self._service, maxResults=min(100, limit), **({"nextToken": token} if token else {})
            )
            found += page.get("serviceDeployments", [])
            token = page.get("nextToken")
            if not token:
                break
        found.sort(key=lambda d: d.get("createdAt") or datetime.datetime.min, reverse=True)
        return [
            Listed(
                d["serviceDeploymentArn"],
                d.get("status", ""),
                d.get("createdAt"),
                d.get("finishedAt"),
                label(d.get("targetServiceRevisionArn", "")),
                d.get("statusReason") if d.get("status") in self.FAILED and d.get("statusReason") else None,
            )
            for d in found[:limit]
        ]

    def production(self) -> tuple[tuple[str, float], ...]:
        """The production listener rule's weights (an NLB's listener's), as ECS left them: the
        service's load balancer names it."""
        services = self.ecs.describe_services(cluster=self.outputs.cluster_name, services=[self.outputs.service_name])
        balancers = [b for s in services.get("services", []) for b in s.get("loadBalancers") or []]
        route = ((balancers[0].get("advancedConfiguration") or {}) if balancers else {}).get("productionListenerRule")
        if not route:
            return ()
        if ":listener-rule/" in route:
            rule = self.service.rules([route]).get(route) or {}
            return forward_weights(rule.get("Actions", []))
        listener = self.service.listeners([route]).get(route) or {}
        return forward_weights(listener.get("DefaultActions", []))

    def revision_labels(self, arns: Sequence[str]) -> dict[str, str]:
        """The task definition ("web:12") of each service revision, read once per revision."""
        wanted = [a for a in dict.fromkeys(arns) if a and a not in self._revisions]
        for start in range(0, len(wanted), DESCRIBE_AT_MOST):
            answer = self.ecs.describe_service_revisions(serviceRevisionArns=wanted[start : start + DESCRIBE_AT_MOST])
            for revision in answer.get("serviceRevisions", []):
                self._revisions[revision["serviceRevisionArn"]] = label(revision.get("taskDefinition", ""))
        return {a: self._revisions.get(a, label(a)) for a in arns}

    def snapshot(self, deployment_id: str) -> Snapshot:
        info, at = self._get(deployment_id)
        now = utc(at)
        status = str(info.get("status", ""))
        config = info.get("deploymentConfiguration") or {}
        sources = list(info.get("sourceServiceRevisions") or [])
        target = info.get("targetServiceRevision") or {}
        revisions = self.revision_labels([r.get("arn", "") for r in [*sources, target] if r])
        sides = [("source", r) for r in sources] + ([("target", target)] if target else [])
        task_sets = tuple(
            TaskSet(
                side,
                "",
                revisions.get(r.get("arn", ""), ""),
                float(r.get("requestedProductionTrafficWeight", 0.0)),
                int(r.get("runningTaskCount", 0)),
                int(r.get("requestedTaskCount", 0)),
            )
            for side, r in sides
        )
        routes = tuple(
            Route(
                listener,
                0,
                tuple((revisions.get(r.get("arn", ""), side), float(r.get(weight, 0.0))) for side, r in sides),
            )
            for listener, weight in (
                ("production", "requestedProductionTrafficWeight"),
                ("test", "requestedTestTrafficWeight"),
            )
            if sides
        )
        ending = self.ending(status)
        wait = _pause(info, now) or _bake(info, status, config, now)
        error = {"message": info["statusReason"]} if status in self.FAILED and info.get("statusReason") else {}
        rollback = info.get("rollback") or {}
        back_to = revisions.get(rollback.get("serviceRevisionArn", "")) if rollback else None
        return Snapshot(
            deployment_id,
            self.outputs.service_name,
            status,
            self._steps(info, status, config),
            routes,
            task_sets,
            wait,
            self._alarms(info),
            error,
            {
                "reason": rollback.get("reason"),
                "serviceRevisionArn": rollback.get("serviceRevisionArn"),
                "revision": back_to,
            }
            if rollback
            else {},
            now,
            ending,
            f"rolled back to {back_to}" if back_to else None,
            _stage(info, status, wait),
        )

    def _steps(self, info: Mapping[str, Any], status: str, config: Mapping[str, Any]) -> tuple[Step, ...]:
        """Each stage: done before the one under way, under way, or to come; the function of its hook."""
        hooks: dict[str, str] = {}
        for hook in config.get("lifecycleHooks") or []:
            for stage in hook.get("lifecycleStages") or []:
                # A hook before production traffic moves runs as PRODUCTION_TRAFFIC_SHIFT starts (no stage of its own).
                at = "PRODUCTION_TRAFFIC_SHIFT" if stage == "PRE_PRODUCTION_TRAFFIC_SHIFT" else stage
                name = str(hook.get("hookTargetArn", "")).rsplit(":function:", 1)[-1] or "PAUSE"
                hooks[at] = f"{hooks[at]}, {name}" if at in hooks else name
        stage = info.get("lifecycleStage")
        succeeded = status in self.SUCCEEDED
        at = NATIVE_STAGES.index(stage) if stage in NATIVE_STAGES else (len(NATIVE_STAGES) if succeeded else -1)
        details = info.get("lifecycleHookDetails") or []
        steps = []
        for index, name in enumerate(NATIVE_STAGES):
            if index < at:
                step = "Succeeded"
            elif index == at:
                step = "Succeeded" if succeeded else "Failed" if status in self.FAILED else "InProgress"
            else:
                step = "Skipped" if status in self.FAILED else "Pending"
            message = ", ".join(f"hook {d.get('status')}" for d in details if d.get("status")) if index == at else None
            steps.append(Step(name, step, hooks.get(name), message or None))
        return tuple(steps)

    def _alarms(self, info: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
        """The alarms ECS watches, with their state; one ECS saw trigger is ALARM."""
        alarms = info.get("alarms") or {}
        names = [str(n) for n in alarms.get("alarmNames") or []]
        if not names:
            return ()
        states = self.service.alarm_states(names)
        triggered = set(alarms.get("triggeredAlarmNames") or [])
        return tuple((name, "ALARM" if name in triggered else states.get(name, "MISSING")) for name in sorted(names))


def _paused(info: Mapping[str, Any]) -> dict[str, Any] | None:
    """The pause hook a deployment in progress waits at (status AWAITING_ACTION), if any."""
    if info.get("status") != "IN_PROGRESS":
        return None
    for hook in info.get("lifecycleHookDetails") or []:
        if hook.get("targetType") == "PAUSE" and hook.get("status") == "AWAITING_ACTION":
            return dict(hook)
    return None


def _pause(info: Mapping[str, Any], now: datetime.datetime) -> Wait | None:
    """A pause hook that waits, until it expires: an approval before production traffic moves
    (the target has none of it yet), a pause after."""
    hook = _paused(info)
    if hook is None:
        return None
    weight = float((info.get("targetServiceRevision") or {}).get("requestedProductionTrafficWeight") or 0.0)
    ends = utc(hook["expiresAt"]) if hook.get("expiresAt") else now
    return Wait(
        "pause" if weight else "approval",
        ends,
        max(ends - now, datetime.timedelta()),
        after_traffic=weight >= 100,
        then=hook.get("timeoutAction"),
        hook_id=hook.get("hookId"),
    )


def _stage(info: Mapping[str, Any], status: str, wait: Wait | None) -> Stage | None:
    """How far the deployment has got, from its lifecycle stage and the pause it waits at."""
    if status in EcsNativeEngine.SUCCEEDED:
        return Stage.SUCCEEDED
    if status != "IN_PROGRESS":
        return None  # not started, or stopping or rolling back: no further on
    if wait is not None and wait.kind == "approval":
        return Stage.APPROVAL
    stage = info.get("lifecycleStage")
    at = NATIVE_STAGES.index(stage) if stage in NATIVE_STAGES else -1
    if at >= NATIVE_STAGES.index("BAKE_TIME"):
        return Stage.BAKE
    moved = float((info.get("targetServiceRevision") or {}).get("requestedProductionTrafficWeight") or 0.0)
    if at > NATIVE_STAGES.index("PRODUCTION_TRAFFIC_SHIFT") or (
        at == NATIVE_STAGES.index("PRODUCTION_TRAFFIC_SHIFT") and moved
    ):
        return Stage.PRODUCTION_TRAFFIC
    if at >= NATIVE_STAGES.index("POST_TEST_TRAFFIC_SHIFT"):
        return Stage.TEST_TRAFFIC
    return None


def _bake(info: Mapping[str, Any], status: str, config: Mapping[str, Any], now: datetime.datetime) -> Wait | None:
    """The bake time: production is on the target revision and the source is kept for rollback.
    ECS gives no start time for a stage; the deployment's last update (updatedAt) is when it
    entered BAKE_TIME, so the end is that plus bakeTimeInMinutes."""
    if status != "IN_PROGRESS" or info.get("lifecycleStage") != "BAKE_TIME":
        return None
    started = utc(info.get("updatedAt") or now)
    ends = started + datetime.timedelta(minutes=int(config.get("bakeTimeInMinutes") or 0))
    return Wait("bake", ends, max(ends - now, datetime.timedelta()), after_traffic=True)
