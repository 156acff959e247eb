"""CodeDeploy's ECS blue/green lifecycle, as an extension of moto's CodeDeploy backend.

moto 5.2.5 stores a deployment and leaves it `Created`. This backend runs it, the way the AWS
documentation describes, on the ECS, ELB and CloudWatch backends of the same moto server:

- the lifecycle events of an ECS deployment, in order, each hook waiting for its report
  (https://docs.aws.amazon.com/codedeploy/latest/userguide/reference-appspec-file-structure-hooks.html#appspec-hooks-ecs,
  https://docs.aws.amazon.com/codedeploy/latest/userguide/deployment-steps-ecs.html);
- the replacement task set (Install), the test listener (AllowTestTraffic), production traffic
  shifted all at once, by canary or linearly (AllowTraffic,
  https://docs.aws.amazon.com/codedeploy/latest/userguide/deployment-configurations.html#deployment-configuration-ecs);
- the ready wait and the termination wait, each ended by ContinueDeployment or by its time
  (https://docs.aws.amazon.com/codedeploy/latest/APIReference/API_DeploymentReadyOption.html,
  https://docs.aws.amazon.com/codedeploy/latest/APIReference/API_BlueInstanceTerminationOption.html,
  https://docs.aws.amazon.com/codedeploy/latest/APIReference/API_ContinueDeployment.html);
- StopDeployment, and the rollbacks of a failed, stopped or alarmed deployment
  (https://docs.aws.amazon.com/codedeploy/latest/APIReference/API_StopDeployment.html,
  https://docs.aws.amazon.com/codedeploy/latest/userguide/deployments-rollback-and-redeploy.html,
  https://docs.aws.amazon.com/codedeploy/latest/userguide/monitoring-create-alarms.html);
- one deployment of a group at a time (CreateDeployment's DeploymentLimitExceededException,
  https://docs.aws.amazon.com/codedeploy/latest/APIReference/API_CreateDeployment.html).

Time comes from `CLOCK`, the real time plus an offset that `advance` moves, so a 60-minute
termination wait takes no real time. A deployment moves when the backend is asked anything, and
before every request the server answers (server.py), so ECS and ELB reads see its current state.

What it does not do: run containers (a task set reports its desired count as running), or run a
hook's Lambda code: it records the invocation (`hook_invocations`) and waits, as CodeDeploy does,
for PutLifecycleEventHookExecutionStatus, which the caller sends in the function's place.
"""

from __future__ import annotations

import datetime
import json
import random
import string
import uuid
from collections.abc import Iterator
from typing import Any, ClassVar

import moto.ecs.models as ecs_models
import yaml
from moto.cloudwatch.models import cloudwatch_backends
from moto.codedeploy.models import CodeDeployBackend, DeploymentGroup, DeploymentInfo
from moto.core.base_backend import BackendDict
from moto.elbv2.models import elbv2_backends

from ..clock import CLOCK, LOCK, STEP
from .exceptions import (
    DeploymentAlreadyCompletedException,
    DeploymentConfigAlreadyExistsException,
    DeploymentConfigDoesNotExistException,
    DeploymentConfigInUseException,
    DeploymentIsNotInReadyStateException,
    DeploymentLimitExceededException,
    DeploymentTargetDoesNotExistException,
    InvalidDeploymentConfigNameException,
    InvalidDeploymentWaitTypeException,
    InvalidECSServiceException,
    InvalidLifecycleEventHookExecutionIdException,
    InvalidLifecycleEventHookExecutionStatusException,
    InvalidRevisionException,
    LifecycleEventAlreadyCompletedException,
)

HOOK_TIMEOUT = datetime.timedelta(hours=1)
"""A hook that never reports fails the deployment after an hour (the AppSpec hooks page: "...
must return within one hour")."""

ECS_EVENTS = (
    "BeforeInstall",
    "Install",
    "AfterInstall",
    "AllowTestTraffic",
    "AfterAllowTestTraffic",
    "BeforeAllowTraffic",
    "AllowTraffic",
    "AfterAllowTraffic",
)
"""An ECS deployment's lifecycle events, in the order they run (AppSpec hooks page)."""

HOOKABLE = ("BeforeInstall", "AfterInstall", "AfterAllowTestTraffic", "BeforeAllowTraffic", "AfterAllowTraffic")

ACTIVE = ("Created", "Queued", "InProgress", "Baking", "Ready")

PREDEFINED_ECS_CONFIGS: dict[str, dict[str, Any]] = {
    "CodeDeployDefault.ECSAllAtOnce": {"type": "AllAtOnce"},
    "CodeDeployDefault.ECSLinear10PercentEvery1Minutes": {
        "type": "TimeBasedLinear",
        "timeBasedLinear": {"linearPercentage": 10, "linearInterval": 1},
    },
    "CodeDeployDefault.ECSLinear10PercentEvery3Minutes": {
        "type": "TimeBasedLinear",
        "timeBasedLinear": {"linearPercentage": 10, "linearInterval": 3},
    },
    "CodeDeployDefault.ECSCanary10Percent5Minutes": {
        "type": "TimeBasedCanary",
        "timeBasedCanary": {"canaryPercentage": 10, "canaryInterval": 5},
    },
    "CodeDeployDefault.ECSCanary10Percent15Minutes": {
        "type": "TimeBasedCanary",
        "timeBasedCanary": {"canaryPercentage": 10, "canaryInterval": 15},
    },
}
"""The predefined ECS deployment configurations (deployment-configurations.html)."""


def traffic_steps(routing: dict[str, Any]) -> list[tuple[datetime.timedelta, float]]:
    """When, after AllowTraffic starts, the replacement gets which share of production traffic."""
    kind = routing.get("type", "AllAtOnce")
    if kind == "TimeBasedCanary":
        canary = routing["timeBasedCanary"]
        return [
            (datetime.timedelta(), float(canary["canaryPercentage"])),
            (datetime.timedelta(minutes=canary["canaryInterval"]), 100.0),
        ]
    if kind == "TimeBasedLinear":
        linear = routing["timeBasedLinear"]
        share, steps, at = float(linear["linearPercentage"]), [], datetime.timedelta()
        while share < 100:
            steps.append((at, share))
            share += linear["linearPercentage"]
            at += datetime.timedelta(minutes=linear["linearInterval"])
        return [*steps, (at, 100.0)]
    return [(datetime.timedelta(), 100.0)]


class DeploymentConfig:
    def __init__(
        self,
        name: str,
        compute_platform: str,
        traffic_routing_config: dict[str, Any] | None,
        minimum_healthy_hosts: dict[str, Any] | None,
    ) -> None:
        self.deployment_config_id = str(uuid.uuid4())
        self.deployment_config_name = name
        self.compute_platform = compute_platform or "Server"
        self.traffic_routing_config = traffic_routing_config or {"type": "AllAtOnce"}
        self.minimum_healthy_hosts = minimum_healthy_hosts
        self.create_time = CLOCK.now()

    def info(self) -> dict[str, Any]:
        info = {
            "deploymentConfigId": self.deployment_config_id,
            "deploymentConfigName": self.deployment_config_name,
            "computePlatform": self.compute_platform,
            "trafficRoutingConfig": self.traffic_routing_config,
            "createTime": self.create_time,
        }
        if self.minimum_healthy_hosts:
            info["minimumHealthyHosts"] = self.minimum_healthy_hosts
        return info


class LifecycleEvent:
    def __init__(self, name: str, hook: str | None) -> None:
        self.name = name
        self.hook = hook
        self.status = "Pending"
        self.start_time: datetime.datetime | None = None
        self.end_time: datetime.datetime | None = None
        self.execution_id: str | None = None
        self.reported: tuple[str, datetime.datetime] | None = None

    def info(self) -> dict[str, Any]:
        info: dict[str, Any] = {"lifecycleEventName": self.name, "status": self.status}
        if self.start_time:
            info["startTime"] = self.start_time
        if self.end_time:
            info["endTime"] = self.end_time
        return info


def _deployment_id() -> str:
    """CodeDeploy's form: d- and nine capitals or digits."""
    return "d-" + "".join(random.choices(string.ascii_uppercase + string.digits, k=9))


class EcsDeployment(DeploymentInfo):
    """A deployment of an ECS service, and where it is in its lifecycle."""

    def __init__(
        self,
        *args: Any,
        hooks: dict[str, str],
        task_definition: str,
        service_properties: dict[str, Any],
        routing: dict[str, Any],
        rollback_of: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.deployment_id = _deployment_id()
        self.create_time = CLOCK.now()
        self.events = [LifecycleEvent(name, hooks.get(name)) for name in ECS_EVENTS]
        self.task_definition = task_definition
        self.service_properties = service_properties
        self.steps = traffic_steps(routing)
        self.phase = "Created"
        self.phase_started = self.create_time
        self.continued: dict[str, datetime.datetime] = {}
        self.error_information: dict[str, str] = {}
        self.rollback_info: dict[str, str] = {}
        if rollback_of:
            self.rollback_info = {"rollbackTriggeringDeploymentId": rollback_of}
        self.target_status = "Pending"
        self.target_updated = self.create_time
        # What the deployment found and made, so that a rollback can put it back.
        self.original_task_set: str | None = None
        self.replacement_task_set: str | None = None
        self.original_target_group: str | None = None
        self.replacement_target_group: str | None = None
        self.listeners_before: dict[str, list[dict[str, Any]]] = {}
        self.weight = 0.0

    def event(self, name: str) -> LifecycleEvent:
        return next(e for e in self.events if e.name == name)


class CodeDeployEcsBackend(CodeDeployBackend):
    """moto's CodeDeploy, with the lifecycle of ECS blue/green deployments."""

    instances: ClassVar[list[CodeDeployEcsBackend]] = []

    def __init__(self, region_name: str, account_id: str) -> None:
        super().__init__(region_name, account_id)
        self.deployment_configs: dict[str, DeploymentConfig] = {}
        self.hook_invocations: list[dict[str, Any]] = []
        CodeDeployEcsBackend.instances.append(self)

    # --- the services a deployment acts on, in this account and region ---------------------------

    @property
    def ecs(self) -> Any:
        return ecs_models.ecs_backends[self.account_id][self.region_name]

    @property
    def elbv2(self) -> Any:
        return elbv2_backends[self.account_id][self.region_name]

    @property
    def cloudwatch(self) -> Any:
        return cloudwatch_backends[self.account_id][self.region_name]

    # --- deployment configurations -----------------------------------------------------------------

    def create_deployment_config(
        self,
        name: str,
        compute_platform: str,
        traffic_routing_config: dict[str, Any] | None,
        minimum_healthy_hosts: dict[str, Any] | None,
    ) -> str:
        if name in self.deployment_configs or name in PREDEFINED_ECS_CONFIGS:
            raise DeploymentConfigAlreadyExistsException(f"A deployment configuration named {name} already exists.")
        config = DeploymentConfig(name, compute_platform, traffic_routing_config, minimum_healthy_hosts)
        self.deployment_configs[name] = config
        return config.deployment_config_id

    def get_deployment_config(self, name: str) -> DeploymentConfig:
        if name in PREDEFINED_ECS_CONFIGS:
            config = DeploymentConfig(name, "ECS", PREDEFINED_ECS_CONFIGS[name], None)
            config.deployment_config_id = name
            return config
        if name not in self.deployment_configs:
            raise DeploymentConfigDoesNotExistException(f"The deployment configuration {name} does not exist.")
        return self.deployment_configs[name]

    def delete_deployment_config(self, name: str) -> None:
        self.get_deployment_config(name)
        if name in PREDEFINED_ECS_CONFIGS:
            raise InvalidDeploymentConfigNameException(f"{name} is predefined and cannot be deleted.")
        users = [
            g.deployment_group_name
            for groups in self.deployment_groups.values()
            for g in groups.values()
            if str(g.deployment_config_name) == name
        ]
        if users:
            raise DeploymentConfigInUseException(f"The deployment configuration {name} is used by {', '.join(users)}.")
        del self.deployment_configs[name]

    def list_deployment_configs(self) -> list[str]:
        return [*PREDEFINED_ECS_CONFIGS, *self.deployment_configs]

    # --- deployment groups: the update and delete moto lacks ---------------------------------------

    def update_deployment_group(
        self, application_name: str, current_name: str, new_name: str | None, changes: dict[str, Any]
    ) -> DeploymentGroup:
        group = self.get_deployment_group(application_name, current_name)
        for attribute, value in changes.items():
            if value is not None:
                setattr(group, attribute, value)
        if new_name and new_name != current_name:
            groups = self.deployment_groups[application_name]
            groups[new_name] = groups.pop(current_name)
            group.deployment_group_name = new_name
        return group

    def delete_deployment_group(self, application_name: str, name: str) -> None:
        self.get_deployment_group(application_name, name)
        del self.deployment_groups[application_name][name]

    def delete_application(self, application_name: str) -> None:
        self.get_application(application_name)
        self.applications.pop(application_name)
        self.deployment_groups.pop(application_name, None)

    # --- deployments ---------------------------------------------------------------------------------

    def create_deployment(
        self,
        application_name: str,
        deployment_group_name: str,
        revision: dict[str, Any],
        deployment_config_name: str | None = None,
        description: str | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> str:
        application = self.get_application(application_name)
        if application.compute_platform != "ECS":
            return super().create_deployment(
                application_name, deployment_group_name, revision, deployment_config_name, description, *args, **kwargs
            )
        group = self.get_deployment_group(application_name, deployment_group_name)
        self.advance()
        active = [d for d in self.deployments.values() if d.deployment_group is group and d.status in ACTIVE]
        if active:
            raise DeploymentLimitExceededException(
                f"The Deployment Group '{deployment_group_name}' already has an active Deployment "
                f"'{active[0].deployment_id}'"
            )
        config_name = deployment_config_name or str(group.deployment_config_name)
        try:
            routing = self.get_deployment_config(config_name).traffic_routing_config
        except DeploymentConfigDoesNotExistException:
            raise InvalidDeploymentConfigNameException(
                f"The deployment configuration {config_name} does not exist."
            ) from None
        task_definition, properties, hooks = _read_appspec(revision)
        deployment = EcsDeployment(
            application,
            group,
            revision,
            config_name,
            description,
            kwargs.get("ignore_application_stop_failures"),
            kwargs.get("target_instances"),
            kwargs.get("auto_rollback_configuration"),
            kwargs.get("update_outdated_instances_only"),
            kwargs.get("file_exists_behavior"),
            kwargs.get("override_alarm_configuration"),
            "user",
            hooks=hooks,
            task_definition=task_definition,
            service_properties=properties,
            routing=routing,
        )
        self.deployments[deployment.deployment_id] = deployment
        return deployment.deployment_id

    def get_deployment(self, deployment_id: str) -> DeploymentInfo:
        self.advance()
        return super().get_deployment(deployment_id)

    def stop_deployment(self, deployment_id: str, auto_rollback_enabled: bool | None) -> tuple[str, str]:
        deployment = self._active(deployment_id)
        now = CLOCK.now()
        self._end(deployment, "Stopped", now, "MANUAL_STOP", "The deployment was stopped by a user.")
        if auto_rollback_enabled:
            self._roll_back(deployment, now, "it was stopped with automatic rollback")
        return "Succeeded", "Stopped the deployment" + (" and rolled it back" if auto_rollback_enabled else "")

    def continue_deployment(self, deployment_id: str, wait_type: str | None) -> None:
        deployment = self._active(deployment_id)
        wait_type = wait_type or "READY_WAIT"
        if wait_type == "READY_WAIT":
            if deployment.phase != "READY_WAIT":
                raise DeploymentIsNotInReadyStateException(
                    f"The deployment {deployment_id} is not in the Ready state."
                )
        elif wait_type == "TERMINATION_WAIT":
            if deployment.phase != "TERMINATION_WAIT":
                raise InvalidDeploymentWaitTypeException(
                    f"The deployment {deployment_id} is not waiting to terminate the original task set."
                )
        else:
            raise InvalidDeploymentWaitTypeException(f"{wait_type} is not READY_WAIT or TERMINATION_WAIT.")
        deployment.continued[wait_type] = CLOCK.now()
        self.advance()

    def put_lifecycle_event_hook_execution_status(self, deployment_id: str, execution_id: str, status: str) -> str:
        if status not in ("Succeeded", "Failed"):
            raise InvalidLifecycleEventHookExecutionStatusException(
                f"{status} is not a status a hook reports: Succeeded or Failed."
            )
        deployment = super().get_deployment(deployment_id)
        events = getattr(deployment, "events", [])
        event = next((e for e in events if e.execution_id == execution_id), None)
        if event is None:
            raise InvalidLifecycleEventHookExecutionIdException(
                f"{execution_id} is no lifecycle event hook execution of {deployment_id}."
            )
        if event.reported is not None or event.status != "InProgress":
            raise LifecycleEventAlreadyCompletedException(f"The lifecycle event {event.name} has completed already.")
        event.reported = (status, CLOCK.now())
        for invocation in self.hook_invocations:
            if invocation["lifecycleEventHookExecutionId"] == execution_id:
                invocation["status"] = status
        self.advance()
        return execution_id

    def targets(self, deployment_id: str) -> list[dict[str, Any]]:
        """The ECS target of a deployment (ECSTarget, with ECSTaskSet per task set)."""
        deployment = self.get_deployment(deployment_id)
        if not isinstance(deployment, EcsDeployment):
            return []
        service = self._group_service(deployment.deployment_group)
        if service is None:
            return []
        task_sets = []
        for task_set in service.task_sets:
            if task_set.task_set_arn not in (deployment.original_task_set, deployment.replacement_task_set):
                continue
            original = task_set.task_set_arn == deployment.original_task_set
            group = deployment.original_target_group if original else deployment.replacement_target_group
            count = service.desired_count
            task_sets.append(
                {
                    "identifer": task_set.id,
                    "desiredCount": count,
                    "pendingCount": 0,
                    "runningCount": count,
                    "status": task_set.status,
                    "taskSetLabel": "Blue" if original else "Green",
                    "trafficWeight": 100.0 - deployment.weight if original else deployment.weight,
                    "targetGroup": {"name": group.rsplit("/", 2)[-2] if group else ""},
                }
            )
        return [
            {
                "deploymentTargetType": "ECSTarget",
                "ecsTarget": {
                    "deploymentId": deployment.deployment_id,
                    "targetId": self._target_id(deployment),
                    "targetArn": service.arn,
                    "lastUpdatedAt": deployment.target_updated,
                    "lifecycleEvents": [e.info() for e in deployment.events],
                    "status": deployment.target_status,
                    "taskSetsInfo": task_sets,
                },
            }
        ]

    def target_ids(self, deployment_id: str) -> list[str]:
        deployment = self.get_deployment(deployment_id)
        return [self._target_id(deployment)] if isinstance(deployment, EcsDeployment) else []

    def batch_get_targets(self, deployment_id: str, target_ids: list[str]) -> list[dict[str, Any]]:
        found = self.targets(deployment_id)
        for target_id in target_ids:
            if not any(t["ecsTarget"]["targetId"] == target_id for t in found):
                raise DeploymentTargetDoesNotExistException(f"{target_id} is no target of {deployment_id}.")
        return found

    @staticmethod
    def _target_id(deployment: DeploymentInfo) -> str:
        (service,) = deployment.deployment_group.ecs_services[:1] or [{}]
        return f"{service.get('clusterName', '')}:{service.get('serviceName', '')}"

    def _active(self, deployment_id: str) -> EcsDeployment:
        deployment = self.get_deployment(deployment_id)
        if deployment.status not in ACTIVE or not isinstance(deployment, EcsDeployment):
            raise DeploymentAlreadyCompletedException(
                f"The deployment {deployment_id} has already completed ({deployment.status})."
            )
        return deployment

    # --- the lifecycle ---------------------------------------------------------------------------------

    def advance(self) -> None:
        """Move every running ECS deployment up to the clock's time."""
        with LOCK:
            now = CLOCK.now()
            for deployment in list(self.deployments.values()):
                if isinstance(deployment, EcsDeployment):
                    while (
                        deployment.status in ACTIVE
                        and not self._alarmed(deployment, now)
                        and self._step(deployment, now)
                    ):
                        pass

    def _step(self, d: EcsDeployment, now: datetime.datetime) -> bool:
        """Finish the deployment's current phase if its time has come (then start the next one and
        say True), else say False."""
        if d.phase == "Created":
            due = d.phase_started + STEP
            if now < due:
                return False
            d.status, d.start_time = "InProgress", due
            d.target_status, d.target_updated = "InProgress", due
            self._begin(d, ECS_EVENTS[0], due)
            return True
        if d.phase == "READY_WAIT":
            return self._ready_wait(d, now)
        if d.phase == "TERMINATION_WAIT":
            return self._termination_wait(d, now)
        event = d.event(d.phase)
        if event.hook is not None:
            return self._hook(d, event, now)
        if d.phase == "AllowTraffic":
            return self._shift(d, now)
        assert event.start_time is not None  # it began when the deployment entered it
        due = event.start_time + STEP
        if now < due:
            return False
        if not self._act(d, event.name, due):
            return True  # the deployment failed
        self._finish_event(d, event, due)
        return True

    def _begin(self, d: EcsDeployment, phase: str, at: datetime.datetime) -> None:
        d.phase, d.phase_started = phase, at
        if phase in ECS_EVENTS:
            event = d.event(phase)
            event.status, event.start_time = "InProgress", at
            if event.hook is not None:
                event.execution_id = str(uuid.uuid4())
                self.hook_invocations.append(
                    {
                        "deploymentId": d.deployment_id,
                        "lifecycleEventHookExecutionId": event.execution_id,
                        "lifecycleEventName": phase,
                        "functionName": event.hook,
                        "invokedAt": at.isoformat(),
                        "status": "InProgress",
                    }
                )
            elif phase == "AllowTraffic":
                self._route(d, at)

    def _finish_event(self, d: EcsDeployment, event: LifecycleEvent, at: datetime.datetime) -> None:
        event.status, event.end_time = "Succeeded", at
        index = ECS_EVENTS.index(event.name)
        if event.name == "AfterAllowTestTraffic" and self._ready_option(d)[0] == "STOP_DEPLOYMENT":
            d.status, d.phase, d.phase_started = "Ready", "READY_WAIT", at
            d.deployment_overview["Ready"] = 1
        elif index + 1 < len(ECS_EVENTS):
            self._begin(d, ECS_EVENTS[index + 1], at)
        else:
            self._traffic_done(d, at)

    def _hook(self, d: EcsDeployment, event: LifecycleEvent, now: datetime.datetime) -> bool:
        if event.reported is not None:
            status, at = event.reported
            if status == "Failed":
                self._fail(
                    d, event, at, "HOOK_EXECUTION_FAILURE", f"The {event.name} hook {event.hook} reported Failed."
                )
                return True
            if not self._act(d, event.name, at):
                return True
            self._finish_event(d, event, at)
            return True
        assert event.start_time is not None
        due = event.start_time + HOOK_TIMEOUT
        if now >= due:
            self._fail(d, event, due, "TIMEOUT", f"The {event.name} hook {event.hook} did not report within an hour.")
            return True
        return False

    def _act(self, d: EcsDeployment, name: str, at: datetime.datetime) -> bool:
        """What an event without a hook does: Install makes the replacement task set,
        AllowTestTraffic points the test listener at it. False when it cannot (the deployment fails)."""
        try:
            if name == "Install":
                self._install(d)
            elif name == "AllowTestTraffic":
                for arn in self._route_listeners(d, "testTrafficRoute"):
                    self._forward(arn, [(d.replacement_target_group, 100.0)])
        except InvalidECSServiceException as error:
            self._fail(d, d.event(name), at, "ECS_UPDATE_ERROR", str(error))
            return False
        return True

    def _ready_wait(self, d: EcsDeployment, now: datetime.datetime) -> bool:
        _, wait = self._ready_option(d)
        if "READY_WAIT" in d.continued:
            at = d.continued["READY_WAIT"]
        else:
            at = d.phase_started + datetime.timedelta(minutes=wait)
            if now < at:
                return False
            # Traffic was not rerouted in time: the deployment stops (DeploymentReadyOption).
            self._end(
                d,
                "Stopped",
                at,
                "TIMEOUT",
                f"Traffic was not rerouted within {wait} minutes: the deployment stopped (STOP_DEPLOYMENT).",
            )
            self._roll_back(d, at, "the ready wait ended without ContinueDeployment")
            return True
        d.status = "InProgress"
        d.deployment_overview["Ready"] = 0
        self._begin(d, "BeforeAllowTraffic", at)
        return True

    def _shift(self, d: EcsDeployment, now: datetime.datetime) -> bool:
        """AllowTraffic: each step of the deployment configuration whose time has come."""
        started = d.phase_started
        due = [(started + offset, share) for offset, share in d.steps if started + offset <= now]
        at, share = due[-1]
        if share != d.weight:
            d.weight = share
            self._route(d, at)
        if share < 100:
            return False
        event = d.event("AllowTraffic")
        # The replacement serves production now: ECS makes it the primary task set.
        self.ecs.update_service_primary_task_set(*self._service_key(d), d.replacement_task_set)
        self._finish_event(d, event, at)
        return True

    def _traffic_done(self, d: EcsDeployment, at: datetime.datetime) -> None:
        d.target_status, d.target_updated = "Succeeded", at
        d.deployment_overview["Succeeded"] = 1
        action, _ = self._termination(d)
        if action == "KEEP_ALIVE":
            self._end(d, "Succeeded", at)
            return
        d.phase, d.phase_started = "TERMINATION_WAIT", at
        d.instance_termination_wait_time_started = True

    def _termination_wait(self, d: EcsDeployment, now: datetime.datetime) -> bool:
        _, wait = self._termination(d)
        at = d.continued.get("TERMINATION_WAIT") or d.phase_started + datetime.timedelta(minutes=wait)
        if now < at:
            return False
        if d.original_task_set:
            self.ecs.delete_task_set(*self._service_key(d), d.original_task_set)
        self._end(d, "Succeeded", at)
        return True

    def _alarmed(self, d: EcsDeployment, now: datetime.datetime) -> bool:
        """An alarm of the group in ALARM stops the deployment (monitoring-create-alarms.html)."""
        config: Any = d.override_alarm_configuration or d.deployment_group.alarm_configuration or {}
        if not isinstance(config, dict) or not config.get("enabled") or d.phase == "Created":
            return False
        names = [a.get("name") for a in config.get("alarms", [])]
        firing = [a.name for a in self.cloudwatch.get_alarms_by_alarm_names(names) if a.state_value == "ALARM"]
        if not firing:
            return False
        self._end(
            d,
            "Stopped",
            now,
            "ALARM_ACTIVE",
            f"The deployment was stopped because the alarm {firing[0]} is in the ALARM state.",
        )
        if "DEPLOYMENT_STOP_ON_ALARM" in self._rollback_events(d):
            self._roll_back(d, now, f"the alarm {firing[0]} went into ALARM")
        return True

    def _fail(self, d: EcsDeployment, event: LifecycleEvent, at: datetime.datetime, code: str, message: str) -> None:
        event.status, event.end_time = "Failed", at
        self._end(d, "Failed", at, code, message)
        if "DEPLOYMENT_FAILURE" in self._rollback_events(d):
            self._roll_back(d, at, f"it failed at {event.name}")

    def _end(
        self, d: EcsDeployment, status: str, at: datetime.datetime, code: str | None = None, message: str = ""
    ) -> None:
        d.status, d.complete_time, d.phase = status, at, status
        if code:
            d.error_information = {"code": code, "message": message}
            d.target_status, d.target_updated = ("Failed" if status == "Failed" else "Stopped"), at
        for event in d.events:  # a lifecycle event is Pending, InProgress, Succeeded, Failed or Skipped
            if event.status == "InProgress":
                event.status, event.end_time = ("Failed" if status == "Failed" else "Skipped"), at
            elif event.status == "Pending":
                event.status = "Skipped"
        d.deployment_overview["Ready"] = 0

    def _roll_back(self, d: EcsDeployment, at: datetime.datetime, reason: str) -> None:
        """Traffic back to the original task set, the replacement removed, and the rollback
        recorded as a deployment of its own (deployments-rollback-and-redeploy.html)."""
        for arn, actions in d.listeners_before.items():
            self.elbv2.modify_listener(arn, certificates=[], actions=actions)
        d.weight = 0.0
        key = self._service_key(d)
        if d.original_task_set:
            self.ecs.update_service_primary_task_set(*key, d.original_task_set)
        if d.replacement_task_set:
            self.ecs.delete_task_set(*key, d.replacement_task_set)
        group = d.deployment_group
        original = list(self.ecs.describe_task_sets(*key, [d.original_task_set])) if d.original_task_set else []
        revision = {
            "revisionType": "AppSpecContent",
            "appSpecContent": {
                "content": dump(
                    {
                        "version": "0.0",
                        "Resources": [
                            {
                                "TargetService": {
                                    "Type": "AWS::ECS::Service",
                                    "Properties": {"TaskDefinition": original[0].task_definition if original else ""},
                                }
                            }
                        ],
                    }
                )
            },
        }
        rollback = EcsDeployment(
            d.application,
            group,
            revision,
            d.deployment_config_name,
            f"Rollback of {d.deployment_id}",
            None,
            None,
            None,
            None,
            None,
            None,
            "codeDeployRollback",
            hooks={},
            task_definition="",
            service_properties={},
            routing={},
            rollback_of=d.deployment_id,
        )
        rollback.create_time = rollback.start_time = rollback.complete_time = at
        rollback.status = rollback.phase = "Succeeded"
        rollback.target_status, rollback.target_updated = "Succeeded", at
        for event in rollback.events:
            event.status = "Succeeded" if event.name == "AllowTraffic" else "Skipped"
        self.deployments[rollback.deployment_id] = rollback
        d.rollback_info = {
            "rollbackDeploymentId": rollback.deployment_id,
            "rollbackMessage": f"Rolled back by {rollback.deployment_id}: {reason}.",
        }

    # --- ECS and ELB ---------------------------------------------------------------------------------------

    def _install(self, d: EcsDeployment) -> None:
        """The replacement task set, in the target group production does not use."""
        service = self._group_service(d.deployment_group)
        if service is None:
            raise InvalidECSServiceException("The deployment group's ECS service does not exist.")
        pair = self._pair(d.deployment_group)
        groups = [self._target_group_arn(t["name"]) for t in pair.get("targetGroups", [])]
        prod = self._route_listeners(d, "prodTrafficRoute")
        if len(groups) != 2 or not prod:
            raise InvalidECSServiceException("The deployment group needs two target groups and a production listener.")
        for arn in prod + self._route_listeners(d, "testTrafficRoute"):
            d.listeners_before[arn] = [dict(a.data) for a in self._listener(arn).default_actions]
        d.original_target_group = self._serving(prod[0], groups)
        d.replacement_target_group = next(g for g in groups if g != d.original_target_group)
        cluster, name = self._service_key(d)
        if not any(t.status == "PRIMARY" for t in service.task_sets):
            # A CODE_DEPLOY service runs its tasks in a task set: the one that serves now.
            original = self.ecs.create_task_set(
                name,
                cluster,
                service.task_definition,
                external_id=d.deployment_id,
                network_configuration=getattr(service, "network_configuration", None),
                load_balancers=service.load_balancers,
                launch_type="FARGATE",
                platform_version=service.platform_version,
            )
            self.ecs.update_service_primary_task_set(cluster, name, original.task_set_arn)
        d.original_task_set = next(t.task_set_arn for t in service.task_sets if t.status == "PRIMARY")
        balancer = self.service_properties_load_balancer(d)
        replacement = self.ecs.create_task_set(
            name,
            cluster,
            d.task_definition,
            external_id=d.deployment_id,
            network_configuration=d.service_properties.get("NetworkConfiguration"),
            load_balancers=[{**balancer, "targetGroupArn": d.replacement_target_group}],
            launch_type="FARGATE",
            platform_version=d.service_properties.get("PlatformVersion"),
        )
        d.replacement_task_set = replacement.task_set_arn

    @staticmethod
    def service_properties_load_balancer(d: EcsDeployment) -> dict[str, Any]:
        info = d.service_properties.get("LoadBalancerInfo", {})
        return {"containerName": info.get("ContainerName"), "containerPort": info.get("ContainerPort")}

    def _route(self, d: EcsDeployment, at: datetime.datetime) -> None:
        """Production traffic split as the deployment's weight says, on every production listener."""
        if d.original_target_group is None:
            return
        shares = [(d.original_target_group, 100.0 - d.weight), (d.replacement_target_group, d.weight)]
        for arn in self._route_listeners(d, "prodTrafficRoute"):
            self._forward(arn, shares)
        d.target_updated = at

    def _forward(self, listener_arn: str, shares: list[tuple[str | None, float]]) -> None:
        groups = [{"TargetGroupArn": arn, "Weight": round(share)} for arn, share in shares if arn]
        action: dict[str, Any] = {"Type": "forward", "ForwardConfig": {"TargetGroups": groups}}
        if len(groups) == 1:
            action["TargetGroupArn"] = groups[0]["TargetGroupArn"]
        self.elbv2.modify_listener(listener_arn, certificates=[], actions=[action])

    def _serving(self, listener_arn: str, groups: list[str]) -> str:
        """The target group a listener sends (most of) its traffic to."""
        weights: dict[str, float] = {}
        for action in self._listener(listener_arn).default_actions:
            data = action.data
            if data.get("ForwardConfig"):
                for group in data["ForwardConfig"].get("TargetGroups", []):
                    weights[group["TargetGroupArn"]] = weights.get(group["TargetGroupArn"], 0) + float(
                        group.get("Weight", 1)
                    )
            elif data.get("TargetGroupArn"):
                weights[data["TargetGroupArn"]] = weights.get(data["TargetGroupArn"], 0) + 1
        return max(groups, key=lambda g: weights.get(g, -1))

    def _listener(self, arn: str) -> Any:
        return self.elbv2.describe_listeners(load_balancer_arn=None, listener_arns=[arn])[0]

    def _target_group_arn(self, name: str) -> str:
        return str(
            self.elbv2.describe_target_groups(load_balancer_arn=None, target_group_arns=[], names=[name])[0].arn
        )

    @staticmethod
    def _pair(group: DeploymentGroup) -> dict[str, Any]:
        pairs = (group.load_balancer_info or {}).get("targetGroupPairInfoList", [])
        return dict(pairs[0]) if pairs else {}

    def _route_listeners(self, d: EcsDeployment, route: str) -> list[str]:
        return list(self._pair(d.deployment_group).get(route, {}).get("listenerArns", []))

    def _service_key(self, d: EcsDeployment) -> tuple[str, str]:
        (service,) = d.deployment_group.ecs_services[:1]
        return service["clusterName"], service["serviceName"]

    def _group_service(self, group: DeploymentGroup) -> Any:
        if not group.ecs_services:
            return None
        service = group.ecs_services[0]
        try:
            services, _ = self.ecs.describe_services(service["clusterName"], [service["serviceName"]])
        except Exception:  # moto's ClusterNotFoundException
            return None
        return services[0] if services else None

    @staticmethod
    def _ready_option(d: EcsDeployment) -> tuple[str, int]:
        option = d.deployment_group.blue_green_deployment_configuration.get("deploymentReadyOption", {})
        return option.get("actionOnTimeout", "CONTINUE_DEPLOYMENT"), int(option.get("waitTimeInMinutes", 0))

    @staticmethod
    def _termination(d: EcsDeployment) -> tuple[str, int]:
        option = d.deployment_group.blue_green_deployment_configuration.get(
            "terminateBlueInstancesOnDeploymentSuccess", {}
        )
        return option.get("action", "TERMINATE"), int(option.get("terminationWaitTimeInMinutes", 0))

    @staticmethod
    def _rollback_events(d: EcsDeployment) -> list[str]:
        config = d.auto_rollback_configuration or d.deployment_group.auto_rollback_configuration or {}
        return list(config.get("events", [])) if config.get("enabled") else []

    def running_deployments(self) -> Iterator[EcsDeployment]:
        for deployment in self.deployments.values():
            if isinstance(deployment, EcsDeployment) and deployment.status in ACTIVE:
                yield deployment


def _read_appspec(revision: dict[str, Any]) -> tuple[str, dict[str, Any], dict[str, str]]:
    """The task definition, the service's properties and the hooks of an ECS AppSpec (JSON or YAML,
    https://docs.aws.amazon.com/codedeploy/latest/userguide/reference-appspec-file-structure-resources.html#reference-appspec-file-structure-resources-ecs)."""
    content = (revision or {}).get("appSpecContent", {}).get("content")
    if (revision or {}).get("revisionType") != "AppSpecContent" or not content:
        raise InvalidRevisionException("An ECS deployment needs an AppSpecContent revision.")
    try:
        spec = yaml.safe_load(content)
        (resource,) = spec["Resources"]
        (target,) = resource.values()
        properties = target["Properties"]
        task_definition = properties["TaskDefinition"]
        info = properties["LoadBalancerInfo"]
        info["ContainerName"], info["ContainerPort"]
    except (yaml.YAMLError, KeyError, TypeError, ValueError, AttributeError) as error:
        raise InvalidRevisionException(f"The AppSpec is not one of an ECS service: {error!r}") from None
    hooks: dict[str, str] = {}
    for entry in spec.get("Hooks", []) or []:
        for event, function in entry.items():
            if event not in HOOKABLE:
                raise InvalidRevisionException(f"{event} is no lifecycle event an ECS AppSpec can hook.")
            hooks[event] = function
    return task_definition, properties, hooks


def dump(value: Any) -> str:
    return json.dumps(value, default=str)


codedeploy_backends = BackendDict(CodeDeployEcsBackend, "codedeploy")
