"""ECS's own blue/green service deployments, as an extension of moto's ECS backend.

moto 5.2.5 drops a service's `deploymentConfiguration` and has no service deployments. This
backend keeps them and runs a deployment of a service whose deployment controller is ECS and whose
strategy is BLUE_GREEN, LINEAR or CANARY, the way the AWS documentation describes, on the ELB and
CloudWatch backends of the same moto server (DG: docs.aws.amazon.com/AmazonECS/latest/developerguide/,
API: .../APIReference/):

- a service revision per deployment, and a service deployment from the revisions that serve to
  the new one (DG service-deployment.html, API API_ServiceDeployment.html, API_ServiceRevision.html);
- the lifecycle stages in order, PRE_SCALE_UP to CLEAN_UP, RECONCILE_SERVICE only with more than
  one revision to reconcile (DG blue-green-deployment-how-it-works.html);
- the test listener rule, then the production listener rule (an NLB's listeners), rewritten to the
  alternate target group as ECS rewrites them: all at once, by canary or linearly, the steps within
  PRODUCTION_TRAFFIC_SHIFT (DG alb-resources-for-blue-green.html, canary-deployment.html,
  deployment-type-linear.html, API API_CanaryConfiguration.html, API_LinearConfiguration.html);
- the bake time, with both revisions kept for rollback (DG deployment-type-blue-green.html);
- lifecycle hooks, all of a stage at once: a Lambda function's, which waits for the function's
  answer, and a pause, which waits for ContinueServiceDeployment; each with its timeout and its
  action, ROLLBACK or CONTINUE (DG deployment-lifecycle-hooks.html, lambda-lifecycle-hooks.html,
  pause-lifecycle-hooks.html, continue-service-deployment.html);
- the rollbacks: a hook that fails, an alarm in ALARM (one in ALARM when the deployment starts is
  not watched), a hook that times out with ROLLBACK, and StopServiceDeployment (DG
  deployment-alarm-failure.html, stop-service-deployment.html);
- one deployment of a service at a time: a new one stops the one that runs (STOP_REQUESTED, then
  STOPPED: DG service-deployment.html).

Where those pages are silent, the emulator chooses, and says so here: a new deployment returns
the traffic of the one it stops to the source revision, so that it starts from one serving target
group, as ECS requires of the production rule; ABORT stops a deployment where it is; a Lambda
hook's IN_PROGRESS is one answer, not an invocation every 30 seconds; a pause before production
traffic (PRE_PRODUCTION_TRAFFIC_SHIFT) pauses before each step of a canary or linear shift, while
the deployment reports PRODUCTION_TRAFFIC_SHIFT, the stage it has; a service's first deployment,
with nothing to shift from, succeeds at once; ContinueServiceDeployment refuses a hook that is not
the deployment's with InvalidParameterException and one that has completed with ClientException.

Time comes from the emulator's clock (clock.py), as CodeDeploy's does. What it does not do: run
containers (a revision reports its requested tasks as running, and no health check runs), check
the production rule before a deployment as ECS does, or run a hook's Lambda code: it records the
invocation (`hook_invocations`) and waits for the answer the function would give, which the caller
sends in its place (server.py says how).
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Generator, Iterator
from typing import Any, ClassVar

from moto.cloudwatch.models import cloudwatch_backends
from moto.core.base_backend import BackendDict
from moto.ecs.models import EC2ContainerServiceBackend, Service
from moto.elbv2.models import elbv2_backends

from ...contract import NATIVE_STAGES
from ..clock import CLOCK, LOCK, STEP
from .exceptions import (
    ClientException,
    ConflictException,
    InvalidParameterException,
    ServiceDeploymentNotFoundException,
)

HOOK_STAGES = (
    "RECONCILE_SERVICE",
    "PRE_SCALE_UP",
    "POST_SCALE_UP",
    "TEST_TRAFFIC_SHIFT",
    "POST_TEST_TRAFFIC_SHIFT",
    "PRE_PRODUCTION_TRAFFIC_SHIFT",
    "PRODUCTION_TRAFFIC_SHIFT",
    "POST_PRODUCTION_TRAFFIC_SHIFT",
)
"""The stages a lifecycle hook can run at (DeploymentLifecycleHookStage). PRE_PRODUCTION_TRAFFIC_SHIFT
is no stage a deployment reports: its hooks run at the start of PRODUCTION_TRAFFIC_SHIFT, before
production traffic moves."""

BLUE_GREEN = ("BLUE_GREEN", "LINEAR", "CANARY")
RUNNING = ("PENDING", "IN_PROGRESS", "STOP_REQUESTED", "ROLLBACK_REQUESTED", "ROLLBACK_IN_PROGRESS")

HOOK_TIMEOUT_MINUTES = 1440
"""A hook's timeout when its timeoutConfiguration gives none, for a pause and a Lambda function
alike, with the action ROLLBACK (pause-lifecycle-hooks.html, lambda-lifecycle-hooks.html)."""


Wait = datetime.datetime | list["HookRun"] | None
"""What a deployment waits for: a time, the hooks that run, or nothing (it ended)."""
Lifecycle = Generator[Wait, datetime.datetime, Any]


def _ended() -> Lifecycle:
    """The lifecycle of a deployment that has ended (the first one of a service)."""
    return
    yield  # a generator that yields nothing


def _id() -> str:
    return uuid.uuid4().hex[:20]


class ServiceRevision:
    """What a service runs in one deployment: its task definition, network and load balancers."""

    def __init__(self, service: Service, task_definition: str, at: datetime.datetime) -> None:
        self.service_revision_arn = service.arn.replace(":service/", ":service-revision/", 1) + f"/{_id()}"
        if service.cluster_name not in self.service_revision_arn:  # the short ARN form names no cluster
            self.service_revision_arn = self.service_revision_arn.replace(
                ":service-revision/", f":service-revision/{service.cluster_name}/", 1
            )
        self.service_arn = service.arn
        self.cluster_arn = service.cluster_arn
        self.task_definition = task_definition
        self.launch_type = service.launch_type
        self.platform_version = service.platform_version
        self.load_balancers = [dict(b) for b in service.load_balancers]
        self.network_configuration = dict(service.network_configuration or {})
        self.created_at = at
        self.requested = int(service.desired_count)
        self.running = 0

    def info(self) -> dict[str, Any]:
        info = {
            "serviceRevisionArn": self.service_revision_arn,
            "serviceArn": self.service_arn,
            "clusterArn": self.cluster_arn,
            "taskDefinition": self.task_definition,
            "launchType": self.launch_type,
            "platformVersion": self.platform_version,
            "loadBalancers": self.load_balancers,
            "networkConfiguration": self.network_configuration or None,
            "createdAt": self.created_at,
        }
        return {k: v for k, v in info.items() if v is not None}


class HookRun:
    """One lifecycle hook at one stage of one deployment: a Lambda function's, or a pause."""

    def __init__(self, hook: dict[str, Any], stage: str, at: datetime.datetime) -> None:
        self.target_type = hook.get("targetType") or "AWS_LAMBDA"
        self.hook_id = ("ecs-pause-" if self.target_type == "PAUSE" else "ecs-hook-") + _id()
        self.hook = hook
        self.stage = stage
        self.started = at
        timeout = hook.get("timeoutConfiguration") or {}
        self.status = "AWAITING_ACTION" if self.target_type == "PAUSE" else "IN_PROGRESS"
        minutes = int(timeout.get("timeoutInMinutes") or HOOK_TIMEOUT_MINUTES)
        self.expires_at = at + datetime.timedelta(minutes=minutes)
        self.timeout_action = str(timeout.get("action") or "ROLLBACK")
        self.answered: tuple[str, datetime.datetime] | None = None

    def detail(self) -> dict[str, Any]:
        detail = {
            "hookId": self.hook_id,
            "targetType": self.target_type,
            "targetArn": self.hook.get("hookTargetArn"),
            "status": self.status,
            "expiresAt": self.expires_at,
            "timeoutAction": self.timeout_action,
        }
        return {k: v for k, v in detail.items() if v is not None}


class ServiceDeployment:
    """A service deployment: from the revisions that serve (`sources`) to `target`."""

    def __init__(
        self,
        service: Service,
        sources: list[ServiceRevision],
        target: ServiceRevision,
        configuration: dict[str, Any],
        at: datetime.datetime,
    ) -> None:
        self.service_deployment_arn = (
            target.service_revision_arn.replace(":service-revision/", ":service-deployment/", 1).rsplit("/", 1)[0]
            + f"/{_id()}"
        )
        self.service = service
        self.sources = sources
        self.target = target
        self.configuration = configuration
        self.created_at = at
        self.started_at: datetime.datetime | None = None
        self.finished_at: datetime.datetime | None = None
        self.stopped_at: datetime.datetime | None = None
        self.updated_at = at
        self.status = "PENDING"
        self.status_reason: str | None = None
        self.stage: str | None = None
        self.hooks: list[HookRun] = []  # the current stage's
        self.hooks_run: list[HookRun] = []  # every one, this stage's included
        self.lifecycle: Lifecycle = _ended()
        self.wait: Wait = None
        self.alarms_ignored = False
        self.weight = 0.0  # the target's share of production traffic, in percent
        self.test_weight = 0.0
        self.rollback: dict[str, Any] | None = None
        self.triggered_alarms: list[str] = []
        self.source_group: str | None = None  # the target group production used before
        self.target_group: str | None = None

    @property
    def alarms(self) -> dict[str, Any]:
        return dict(self.configuration.get("alarms") or {})

    def info(self) -> dict[str, Any]:
        sources = [
            {
                "arn": s.service_revision_arn,
                "requestedTaskCount": s.requested,
                "runningTaskCount": s.running,
                "pendingTaskCount": 0,
                "requestedTestTrafficWeight": 100.0 - self.test_weight,
                "requestedProductionTrafficWeight": 100.0 - self.weight,
            }
            for s in self.sources
        ]
        alarms = self.alarms
        monitors = "DISABLED"
        if alarms.get("enable"):
            monitors = (
                "TRIGGERED"
                if self.triggered_alarms
                else "MONITORING"
                if self.status in RUNNING
                else "MONITORING_COMPLETE"
            )
        info = {
            "serviceDeploymentArn": self.service_deployment_arn,
            "serviceArn": self.service.arn,
            "clusterArn": self.service.cluster_arn,
            "createdAt": self.created_at,
            "startedAt": self.started_at,
            "finishedAt": self.finished_at,
            "stoppedAt": self.stopped_at,
            "updatedAt": self.updated_at,
            "sourceServiceRevisions": sources,
            "targetServiceRevision": {
                "arn": self.target.service_revision_arn,
                "requestedTaskCount": self.target.requested,
                "runningTaskCount": self.target.running,
                "pendingTaskCount": 0,
                "requestedTestTrafficWeight": self.test_weight,
                "requestedProductionTrafficWeight": self.weight,
            },
            "status": self.status,
            "statusReason": self.status_reason,
            "lifecycleStage": self.stage,
            "lifecycleHookDetails": [h.detail() for h in self.hooks] or None,
            "deploymentConfiguration": self.configuration,
            "rollback": self.rollback,
            "deploymentCircuitBreaker": {"status": "DISABLED", "failureCount": 0, "threshold": 0},
            "alarms": {
                "status": monitors,
                "alarmNames": list(alarms.get("alarmNames") or []),
                "triggeredAlarmNames": self.triggered_alarms,
            },
        }
        return {k: v for k, v in info.items() if v is not None}

    def brief(self) -> dict[str, Any]:
        info = self.info()
        brief = {k: info.get(k) for k in ("serviceDeploymentArn", "serviceArn", "clusterArn", "startedAt")}
        brief.update(
            createdAt=self.created_at,
            finishedAt=self.finished_at,
            targetServiceRevisionArn=self.target.service_revision_arn,
            status=self.status,
            statusReason=self.status_reason,
        )
        return {k: v for k, v in brief.items() if v is not None}


class EcsDeploymentsBackend(EC2ContainerServiceBackend):
    """moto's ECS, with the service deployments of the blue/green strategies."""

    instances: ClassVar[list[EcsDeploymentsBackend]] = []

    def __init__(self, region_name: str, account_id: str) -> None:
        super().__init__(region_name, account_id)
        self.service_deployments: dict[str, ServiceDeployment] = {}
        self.service_revisions: dict[str, ServiceRevision] = {}
        self.hook_invocations: list[dict[str, Any]] = []
        EcsDeploymentsBackend.instances.append(self)

    @property
    def elbv2(self) -> Any:
        return elbv2_backends[self.account_id][self.region_name]

    @property
    def cloudwatch(self) -> Any:
        return cloudwatch_backends[self.account_id][self.region_name]

    # --- services --------------------------------------------------------------------------------

    def configure_deployments(self, cluster: str, name: str, configuration: dict[str, Any]) -> Service:
        """A new service's deployment configuration; on a blue/green strategy, its first revision,
        which has nothing to shift traffic from and serves as soon as it runs."""
        service = self._get_service(cluster, name)
        vars(service).update(deployment_configuration=configuration, current_service_deployment=None)
        _serving(service, [])
        if _blue_green(service):
            now = CLOCK.now()
            revision = self._revision(service, str(service.task_definition), now)
            revision.running = revision.requested
            deployment = ServiceDeployment(service, [], revision, dict(configuration), now)
            deployment.status, deployment.started_at, deployment.finished_at = "SUCCESSFUL", now, now
            deployment.weight = deployment.test_weight = 100.0
            self.service_deployments[deployment.service_deployment_arn] = deployment
            self._serve(service, deployment)
        return service

    def update_service(self, service_properties: dict[str, Any]) -> Service:
        with LOCK:
            self.advance()
            cluster = service_properties.get("cluster", "default")
            name = str(service_properties.get("service", "")).split("/")[-1]
            before = self._get_service(cluster, name)
            task_definition = service_properties.get("task_definition")
            if task_definition:
                task_definition = self.describe_task_definition(task_definition).arn
            new_deployment = bool(task_definition and task_definition != before.task_definition) or bool(
                service_properties.get("force_new_deployment")
            )
            service = super().update_service(service_properties)
            if task_definition:
                service.task_definition = task_definition
            if _blue_green(service) and new_deployment:
                self._start(service)
            return service

    def _start(self, service: Service) -> ServiceDeployment:
        """A service deployment to the service's task definition now, from the revisions that
        serve. One deployment of a service runs at a time: a new one stops the one that runs
        (STOP_REQUESTED, then STOPPED: service-deployment.html). Where that leaves traffic is not
        documented; here it returns to the source revision, so that the new deployment starts from
        one target group that serves, as ECS requires of the production rule."""
        now = CLOCK.now()
        for running in self._running(service):
            running.weight = running.test_weight = 0.0
            self._route(running)
            self._stop(running, now, "Service deployment stopped because a new service deployment started.")
        current = [self.service_revisions[a] for a in getattr(service, "serving_revisions", [])]
        target = self._revision(service, str(service.task_definition), now)
        deployment = ServiceDeployment(service, current, target, dict(_configuration(service)), now)
        deployment.lifecycle = self._lifecycle(deployment)
        deployment.wait = next(deployment.lifecycle)
        self.service_deployments[deployment.service_deployment_arn] = deployment
        vars(service)["current_service_deployment"] = deployment.service_deployment_arn
        return deployment

    def _revision(self, service: Service, task_definition: str, at: datetime.datetime) -> ServiceRevision:
        revision = ServiceRevision(service, task_definition, at)
        self.service_revisions[revision.service_revision_arn] = revision
        return revision

    def _serve(self, service: Service, deployment: ServiceDeployment) -> None:
        """The deployment's target is what the service runs now."""
        vars(service)["current_service_deployment"] = deployment.service_deployment_arn
        _serving(service, [deployment.target])
        service.task_definition = deployment.target.task_definition

    def describe_services(self, cluster_str: str, service_names_or_arns: list[str]) -> Any:
        self.advance()
        return super().describe_services(cluster_str, service_names_or_arns)

    # --- service deployments -----------------------------------------------------------------------

    def list_service_deployments(self, cluster: str, service: str, statuses: list[str] | None) -> list[dict[str, Any]]:
        self.advance()
        found = self._get_service(cluster or "default", service.split("/")[-1])
        deployments = [
            d
            for d in self.service_deployments.values()
            if d.service is found and (not statuses or d.status in statuses)
        ]
        deployments.sort(key=lambda d: d.created_at, reverse=True)
        return [d.brief() for d in deployments]

    def describe_service_deployments(self, arns: list[str]) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
        self.advance()
        found, failures = [], []
        for arn in arns:
            if arn in self.service_deployments:
                found.append(self.service_deployments[arn].info())
            else:
                failures.append({"arn": arn, "reason": "MISSING", "detail": "The service deployment does not exist."})
        return found, failures

    def describe_service_revisions(self, arns: list[str]) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
        found, failures = [], []
        for arn in arns:
            if arn in self.service_revisions:
                found.append(self.service_revisions[arn].info())
            else:
                failures.append({"arn": arn, "reason": "MISSING", "detail": "The service revision does not exist."})
        return found, failures

    def _deployment(self, arn: str) -> ServiceDeployment:
        self.advance()
        if arn not in self.service_deployments:
            raise ServiceDeploymentNotFoundException(f"The service deployment {arn} does not exist.")
        return self.service_deployments[arn]

    def stop_service_deployment(self, arn: str, stop_type: str | None) -> str:
        """ROLLBACK (the default) returns traffic to the source revision; ABORT stops where it is."""
        with LOCK:
            deployment = self._deployment(arn)
            if deployment.status not in ("PENDING", "IN_PROGRESS"):
                raise ConflictException(
                    f"The service deployment {arn} is {deployment.status}: only one in progress can be stopped."
                )
            now = CLOCK.now()
            if (stop_type or "ROLLBACK") == "ROLLBACK":
                self._roll_back(
                    deployment, now, "Service deployment rolled back because of a StopServiceDeployment call.", True
                )
            else:
                self._stop(deployment, now, "Service deployment stopped because of a StopServiceDeployment call.")
            return arn

    def continue_service_deployment(self, arn: str, hook_id: str, action: str) -> str:
        """A pause hook answered: CONTINUE goes on to what follows, ROLLBACK rolls back."""
        with LOCK:
            deployment = self._deployment(arn)
            action = action or "CONTINUE"
            if action not in ("CONTINUE", "ROLLBACK"):
                raise InvalidParameterException(f"{action} is no action: CONTINUE or ROLLBACK.")
            if deployment.status != "IN_PROGRESS":
                raise ClientException(
                    f"The service deployment {arn} is {deployment.status}: only one in progress can continue."
                )
            run = next((h for h in deployment.hooks_run if h.hook_id == hook_id and h.target_type == "PAUSE"), None)
            if run is None:
                raise InvalidParameterException(
                    f"The hook {hook_id} is not associated with the service deployment {arn}."
                )
            if run.status != "AWAITING_ACTION":
                raise ClientException(f"The hook {hook_id} has completed ({run.status}).")
            run.answered = ("SUCCEEDED" if action == "CONTINUE" else "FAILED", CLOCK.now())
            self.advance()
            return arn

    def answer_hook(self, hook_id: str, status: str) -> dict[str, Any]:
        """The answer a hook's Lambda function gives (hookStatus): SUCCEEDED, FAILED or IN_PROGRESS."""
        with LOCK:
            self.advance()
            if status not in ("SUCCEEDED", "FAILED", "IN_PROGRESS"):
                raise ClientException(f"{status} is no hookStatus: SUCCEEDED, FAILED or IN_PROGRESS.")
            for deployment in self.service_deployments.values():
                for run in deployment.hooks:
                    if run.hook_id == hook_id and run.target_type == "AWS_LAMBDA":
                        if run.status != "IN_PROGRESS":
                            raise ClientException(f"The hook {hook_id} answered already ({run.status}).")
                        if status != "IN_PROGRESS":
                            run.answered = (status, CLOCK.now())
                        for invocation in self.hook_invocations:
                            if invocation["hookId"] == hook_id:
                                invocation["status"] = status
                        self.advance()
                        return {"hookId": hook_id, "status": status}
            raise ClientException(f"{hook_id} is no Lambda hook ECS invoked.")

    # --- the lifecycle -------------------------------------------------------------------------------

    def advance(self) -> None:
        """Move every running deployment up to the clock's time."""
        with LOCK:
            now = CLOCK.now()
            for deployment in list(self.service_deployments.values()):
                while (
                    deployment.status in RUNNING and not self._alarmed(deployment, now) and self._move(deployment, now)
                ):
                    pass

    def _running(self, service: Service) -> Iterator[ServiceDeployment]:
        for deployment in list(self.service_deployments.values()):
            if deployment.service is service and deployment.status in RUNNING:
                yield deployment

    def _move(self, d: ServiceDeployment, now: datetime.datetime) -> bool:
        """Take the deployment past what it waits for, if that is over (True), else say False."""
        wait = d.wait
        if wait is None:
            return False
        if isinstance(wait, datetime.datetime):
            if now < wait:
                return False
            self._resume(d, wait)
            return True
        settled = self._settle(d, wait, now)
        if settled is None:
            return False
        at, failure = settled
        if failure:
            self._roll_back(d, at, failure)
        else:
            self._resume(d, at)
        return True

    @staticmethod
    def _resume(d: ServiceDeployment, at: datetime.datetime) -> None:
        try:
            d.wait = d.lifecycle.send(at)
        except StopIteration:
            d.wait = None

    def _lifecycle(self, d: ServiceDeployment) -> Lifecycle:
        """A deployment from PENDING to SUCCESSFUL: each stage's work, then its hooks. It yields
        what it waits for (a time, or the hooks that run) and is sent the time the wait ended."""
        at = yield d.created_at + STEP
        d.status, d.started_at, d.updated_at = "IN_PROGRESS", at, at
        firing = self._firing(d)
        d.alarms_ignored = bool(
            firing
        )  # an alarm in ALARM at the start is not watched (deployment-alarm-failure.html)
        for stage in NATIVE_STAGES:
            if stage == "RECONCILE_SERVICE" and len(d.sources) <= 1:
                continue  # only with more than one active revision to reconcile
            d.stage, d.updated_at, d.hooks = stage, at, []
            if stage == "PRODUCTION_TRAFFIC_SHIFT":
                for share, bake in _production_steps(d.configuration):
                    at = yield from self._hooks(d, "PRE_PRODUCTION_TRAFFIC_SHIFT", at)
                    at = yield at + STEP
                    d.weight, d.updated_at = share, at
                    self._route(d)
                    at = yield from self._hooks(d, stage, at)
                    if share < 100 and bake:
                        at = yield at + bake
                continue
            minutes = int(d.configuration.get("bakeTimeInMinutes") or 0) if stage == "BAKE_TIME" else 0
            at = yield at + datetime.timedelta(minutes=minutes) + STEP
            d.updated_at = at
            if stage == "PRE_SCALE_UP":
                self._find_target_groups(d)
            elif stage == "SCALE_UP":
                d.target.running = d.target.requested
            elif stage == "TEST_TRAFFIC_SHIFT":
                d.test_weight = 100.0
                self._route(d)
            elif stage == "CLEAN_UP":
                for source in d.sources:
                    source.running = 0
                d.status, d.finished_at = "SUCCESSFUL", at
                d.status_reason = "Service deployment completed successfully."
                self._serve(d.service, d)
                return
            at = yield from self._hooks(d, stage, at)

    def _hooks(self, d: ServiceDeployment, stage: str, at: datetime.datetime) -> Lifecycle:
        """The hooks of `stage`, all at once; the time the last one ended."""
        runs = [
            HookRun(hook, stage, at)
            for hook in d.configuration.get("lifecycleHooks") or []
            if stage in (hook.get("lifecycleStages") or [])
        ]
        if not runs:
            return at
        d.hooks = runs
        d.hooks_run += runs
        for run in runs:
            if run.target_type == "AWS_LAMBDA":
                self.hook_invocations.append(
                    {
                        "serviceDeploymentArn": d.service_deployment_arn,
                        "hookId": run.hook_id,
                        "executionId": run.hook_id,
                        "lifecycleStage": stage,
                        "functionArn": run.hook.get("hookTargetArn"),
                        "hookDetails": run.hook.get("hookDetails"),
                        "invokedAt": at.isoformat(),
                        "status": "IN_PROGRESS",
                    }
                )
        ended = yield runs
        return ended

    @staticmethod
    def _settle(
        d: ServiceDeployment, runs: list[HookRun], now: datetime.datetime
    ) -> tuple[datetime.datetime, str] | None:
        """Where the hooks that run are: None while one waits; else when the last one ended, and
        why the deployment rolls back ("" when it goes on). A FAILED answer, a ROLLBACK, or a timeout
        whose action is ROLLBACK rolls it back; one hook's failure is the whole stage's."""
        ends: list[datetime.datetime] = []
        for run in runs:
            if run.answered is not None:
                run.status, at = run.answered
                if run.status == "FAILED":
                    what = (
                        "pause hook was answered ROLLBACK"
                        if run.target_type == "PAUSE"
                        else f"hook {run.hook.get('hookTargetArn')} failed"
                    )
                    return at, f"Service deployment rolled back because the {run.stage} {what}."
                ends.append(at)
            elif run.expires_at is not None and now >= run.expires_at:
                run.status = "TIMED_OUT"
                kind = "pause hook" if run.target_type == "PAUSE" else "hook"
                if run.timeout_action == "ROLLBACK":
                    return run.expires_at, f"Service deployment rolled back because {run.stage} {kind} timed out."
                ends.append(run.expires_at)
            else:
                return None
        return max(ends), ""

    def _firing(self, d: ServiceDeployment) -> list[str]:
        names = list(d.alarms.get("alarmNames") or [])
        if not d.alarms.get("enable") or not names:
            return []
        return sorted(a.name for a in self.cloudwatch.get_alarms_by_alarm_names(names) if a.state_value == "ALARM")

    def _alarmed(self, d: ServiceDeployment, now: datetime.datetime) -> bool:
        """An alarm of the deployment's configuration that goes into ALARM while it runs, until the
        bake time ends, rolls it back, or stops it when rollback is off (deployment-alarm-failure.html)."""
        if d.status != "IN_PROGRESS" or d.alarms_ignored or d.stage in (None, "CLEAN_UP"):
            return False
        firing = self._firing(d)
        if not firing:
            return False
        d.triggered_alarms = firing
        reason = f"Service deployment rolled back because the alarm {firing[0]} is in ALARM."
        if d.alarms.get("rollback"):
            self._roll_back(d, now, reason)
        else:
            self._stop(d, now, f"Service deployment stopped because the alarm {firing[0]} is in ALARM.")
        return True

    def _stop(self, d: ServiceDeployment, at: datetime.datetime, reason: str) -> None:
        """STOP_REQUESTED, then STOPPED: the deployment ends where it is."""
        d.lifecycle.close()
        d.status, d.status_reason, d.updated_at = "STOP_REQUESTED", reason, at
        d.lifecycle = self._stopping(d)
        d.wait = next(d.lifecycle)

    def _stopping(self, d: ServiceDeployment) -> Lifecycle:
        at = yield d.updated_at + STEP
        d.status, d.stopped_at, d.finished_at, d.updated_at = "STOPPED", at, at, at
        for run in d.hooks:
            if run.status in ("IN_PROGRESS", "AWAITING_ACTION"):
                run.status = "FAILED"

    def _roll_back(self, d: ServiceDeployment, at: datetime.datetime, reason: str, requested: bool = False) -> None:
        """Production and test traffic back to the source revision (ROLLBACK_IN_PROGRESS), then
        ROLLBACK_SUCCESSFUL with the target scaled in; a StopServiceDeployment's rollback is
        ROLLBACK_REQUESTED first."""
        d.lifecycle.close()
        d.status, d.status_reason, d.updated_at = (
            ("ROLLBACK_REQUESTED" if requested else "ROLLBACK_IN_PROGRESS"),
            reason,
            at,
        )
        for run in d.hooks:
            if run.status in ("IN_PROGRESS", "AWAITING_ACTION"):
                run.status = "FAILED"
        source = d.sources[0].service_revision_arn if d.sources else None
        d.rollback = {"reason": reason, "startedAt": at, "serviceRevisionArn": source}
        d.lifecycle = self._rolling_back(d)
        d.wait = next(d.lifecycle)

    def _rolling_back(self, d: ServiceDeployment) -> Lifecycle:
        at = d.updated_at
        if d.status == "ROLLBACK_REQUESTED":
            at = yield at + STEP
            d.status, d.updated_at = "ROLLBACK_IN_PROGRESS", at
        d.weight = d.test_weight = 0.0
        self._route(d)
        at = yield at + STEP
        d.status, d.finished_at, d.stopped_at, d.updated_at = "ROLLBACK_SUCCESSFUL", at, at, at
        d.target.running = 0
        vars(d.service)["current_service_deployment"] = d.service_deployment_arn
        if d.sources:
            _serving(d.service, d.sources)
            d.service.task_definition = d.sources[0].task_definition

    # --- ELB ----------------------------------------------------------------------------------------------

    def _find_target_groups(self, d: ServiceDeployment) -> None:
        """Production's target group now (the source's), and the other one, which the target gets."""
        balancer = _balancer(d.service)
        advanced = balancer.get("advancedConfiguration") or {}
        found = [balancer.get("targetGroupArn"), advanced.get("alternateTargetGroupArn")]
        rule = advanced.get("productionListenerRule")
        if not all(found) or not rule:
            return  # no load balancer: nothing to shift
        pair = [str(g) for g in found]
        weights = self._weights(rule)
        d.source_group = max(pair, key=lambda g: weights.get(g, -1.0))
        d.target_group = next(g for g in pair if g != d.source_group)
        for entry in d.target.load_balancers:
            entry["targetGroupArn"] = d.target_group

    def _route(self, d: ServiceDeployment) -> None:
        """The production and test rules' weights, as the deployment's shares say: a rule already
        split so (by its weights' proportions) is left as it is."""
        if d.source_group is None or d.target_group is None:
            return
        advanced = _balancer(d.service).get("advancedConfiguration") or {}
        for rule, share in (
            (advanced.get("productionListenerRule"), d.weight),
            (advanced.get("testListenerRule"), d.test_weight),
        ):
            if not rule:
                continue
            weights = self._weights(rule)
            total = sum(weights.values()) or 1.0
            if round(100 * weights.get(d.target_group, 0.0) / total) == round(share) and set(weights) <= {
                d.source_group,
                d.target_group,
            }:
                continue
            groups = [
                {"TargetGroupArn": d.source_group, "Weight": round(100 - share)},
                {"TargetGroupArn": d.target_group, "Weight": round(share)},
            ]
            actions = [{"Type": "forward", "ForwardConfig": {"TargetGroups": groups}}]
            if _listener(rule):  # an NLB's: ECS shifts on the listener itself
                self.elbv2.modify_listener(rule, certificates=[], actions=actions)
                continue
            (current,) = self.elbv2.describe_rules(listener_arn=None, rule_arns=[rule])
            self.elbv2.modify_rule(rule, [dict(c) for c in current.conditions], actions)

    def _weights(self, rule_arn: str) -> dict[str, float]:
        """Each target group's weight on a rule (or an NLB's listener), by ARN."""
        if _listener(rule_arn):
            (listener,) = self.elbv2.describe_listeners(load_balancer_arn=None, listener_arns=[rule_arn])
            actions = listener.default_actions
        else:
            (rule,) = self.elbv2.describe_rules(listener_arn=None, rule_arns=[rule_arn])
            actions = rule.actions
        weights: dict[str, float] = {}
        for action in actions:
            data = action.data
            for group in (data.get("ForwardConfig") or {}).get("TargetGroups") or []:
                weights[group["TargetGroupArn"]] = weights.get(group["TargetGroupArn"], 0.0) + float(
                    group.get("Weight", 1)
                )
            if data.get("TargetGroupArn") and not data.get("ForwardConfig"):
                weights[data["TargetGroupArn"]] = weights.get(data["TargetGroupArn"], 0.0) + 1.0
        return weights


def _listener(arn: str) -> bool:
    """Whether a route ECS shifts on is a listener (an NLB's), not a listener rule."""
    return ":listener/" in arn


def _configuration(service: Service) -> dict[str, Any]:
    """The service's deployment configuration, which moto's Service does not keep (this backend
    keeps it on the service, where DescribeServices' answer reads it)."""
    return dict(getattr(service, "deployment_configuration", None) or {})


def _blue_green(service: Service) -> bool:
    controller = (getattr(service, "deployment_controller", None) or {}).get("type", "ECS")
    strategy = _configuration(service).get("strategy")
    return bool(controller == "ECS" and strategy in BLUE_GREEN)


def _serving(service: Service, revisions: list[ServiceRevision]) -> None:
    """The revisions that serve now: the service's own record, and DescribeServices' summary."""
    vars(service)["serving_revisions"] = [r.service_revision_arn for r in revisions]
    vars(service)["current_service_revisions"] = [
        {
            "arn": r.service_revision_arn,
            "requestedTaskCount": r.requested,
            "runningTaskCount": r.running,
            "pendingTaskCount": 0,
        }
        for r in revisions
    ]


def _balancer(service: Service) -> dict[str, Any]:
    return dict(service.load_balancers[0]) if service.load_balancers else {}


def _production_steps(configuration: dict[str, Any]) -> list[tuple[float, datetime.timedelta]]:
    """The target's share of production traffic at each step of PRODUCTION_TRAFFIC_SHIFT, and how
    long it stays there before the next (none once at 100): a canary's percent for its bake time,
    then the rest; a linear step every step bake time; or all at once (API_CanaryConfiguration,
    API_LinearConfiguration, with their defaults)."""
    strategy = configuration.get("strategy")
    if strategy == "CANARY":
        canary = configuration.get("canaryConfiguration") or {}
        wait = datetime.timedelta(minutes=int(canary.get("canaryBakeTimeInMinutes", 10)))
        return [(float(canary.get("canaryPercent", 5.0)), wait), (100.0, datetime.timedelta())]
    if strategy == "LINEAR":
        linear = configuration.get("linearConfiguration") or {}
        step = float(linear.get("stepPercent", 10.0))
        wait = datetime.timedelta(minutes=int(linear.get("stepBakeTimeInMinutes", 6)))
        steps, share = [], step
        while share < 100:
            steps.append((round(share, 1), wait))
            share += step
        return [*steps, (100.0, datetime.timedelta())]
    return [(100.0, datetime.timedelta())]


ecs_backends = BackendDict(EcsDeploymentsBackend, "ecs")
