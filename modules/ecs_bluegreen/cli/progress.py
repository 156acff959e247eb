"""Where a deployment is, read from AWS as one snapshot (Progress), and a deployment followed as it
goes: a snapshot at every poll, until it ends.

A snapshot holds what an operator looks at in the console's deployment page: the status, each
lifecycle event and its hook function, the traffic each listener sends to each target group (its
weights, read from ELB, not CodeDeploy's summary), the task sets, the time left in the approval
wait or the termination wait (against AWS's clock, from its Date header), and the rollback alarms.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any

from .deployments import ENDED_STATUSES, Deployments
from .events import Ended, Event, Progressed


@dataclass(frozen=True)
class Step:
    """A lifecycle event (BeforeInstall, AllowTraffic, ...), and the hook function it runs, if any."""

    name: str
    status: str
    hook: str | None = None
    message: str | None = None


@dataclass(frozen=True)
class Route:
    """Where a listener sends its traffic: the share of each target group, in percent."""

    listener: str  # "production" or "test"
    port: int
    weights: tuple[tuple[str, float], ...]


@dataclass(frozen=True)
class TaskSet:
    label: str  # "Blue" (the original) or "Green" (the replacement)
    status: str
    target_group: str
    weight: float
    running: int
    desired: int


@dataclass(frozen=True)
class Wait:
    """A wait the deployment is in: for approval (the ready wait) or before the original task set
    is terminated; `left` is what remains of it when the snapshot was taken."""

    kind: str  # "approval" or "termination" (CodeDeploy), "bake" (ECS-native)
    ends: datetime.datetime
    left: datetime.timedelta


@dataclass(frozen=True)
class Progress:
    deployment_id: str
    group: str
    status: str
    steps: tuple[Step, ...]
    routes: tuple[Route, ...]
    task_sets: tuple[TaskSet, ...]
    wait: Wait | None
    alarms: tuple[tuple[str, str], ...]
    error: Mapping[str, Any]
    rollback: Mapping[str, Any]
    at: datetime.datetime

    @property
    def ended(self) -> bool:
        return self.status in ENDED_STATUSES

    @property
    def current(self) -> Step | None:
        """The lifecycle event under way (or the last one that ran)."""
        going = [s for s in self.steps if s.status == "InProgress"]
        done = [s for s in self.steps if s.status not in ("Pending", "Skipped")]
        found = going or done
        return found[-1] if found else None

    @property
    def traffic_moved(self) -> bool:
        """Production is on the replacement task set, and the original is kept until the wait ends
        (CodeDeploy's termination wait, ECS's bake time)."""
        return self.wait is not None and self.wait.kind in ("termination", "bake")

    def without_time(self) -> Progress:
        """The same, but for the time: what changed, apart from a countdown."""
        wait = replace(self.wait, left=datetime.timedelta()) if self.wait else None
        return replace(self, wait=wait, at=datetime.datetime.min)

    def as_json(self) -> dict[str, Any]:
        return {
            "deploymentId": self.deployment_id, "status": self.status,
            "lifecycleEvents": [{"name": s.name, "status": s.status, "hook": s.hook, "message": s.message}
                                for s in self.steps],
            "traffic": [{"listener": r.listener, "port": r.port,
                         "targetGroups": [{"name": n, "weight": w} for n, w in r.weights]} for r in self.routes],
            "taskSets": [{"label": t.label, "status": t.status, "targetGroup": t.target_group, "weight": t.weight,
                          "runningCount": t.running, "desiredCount": t.desired} for t in self.task_sets],
            "wait": None if self.wait is None else {"kind": self.wait.kind, "ends": self.wait.ends.isoformat(),
                                                     "secondsLeft": int(self.wait.left.total_seconds())},
            "alarms": [{"name": n, "state": s} for n, s in self.alarms],
            "error": dict(self.error) or None, "rollback": dict(self.rollback) or None,
        }


def progress(deployments: Deployments, deployment_id: str) -> Progress:
    """Where the deployment is now."""
    if deployments.native:
        from .native import NativeDeployments, native_progress

        assert isinstance(deployments, NativeDeployments)
        return native_progress(deployments, deployment_id)
    info, at = deployments.get_at(deployment_id)
    now = utc(at)
    group = deployments.group_info()
    status = str(info["status"])
    targets = deployments.targets(deployment_id) if status not in ("Created", "Queued") else []
    target = targets[0] if targets else {}
    hooks = _hooks(info)
    steps = tuple(Step(e["lifecycleEventName"], e["status"], hooks.get(e["lifecycleEventName"]),
                       (e.get("diagnostics") or {}).get("message"))
                  for e in target.get("lifecycleEvents", []))
    task_sets = tuple(TaskSet(t.get("taskSetLabel", "?"), t.get("status", ""), (t.get("targetGroup") or {}).get("name", ""),
                              float(t.get("trafficWeight", 0.0)), int(t.get("runningCount", 0)),
                              int(t.get("desiredCount", 0)))
                      for t in target.get("taskSetsInfo", []))
    return Progress(deployment_id, group.get("deploymentGroupName", ""), status, steps, _routes(deployments, group),
                    task_sets, _wait(info, group, target, now), _alarms(deployments, group),
                    info.get("errorInformation", {}), info.get("rollbackInfo", {}), now)


def follow(deployments: Deployments, deployment_id: str, *, poll_seconds: float, timeout_seconds: float,
           sleep: Callable[[float], None], clock: Callable[[], float]) -> Iterator[Event]:
    """A snapshot of the deployment at every poll, until it ends (the last event is Ended) or the
    timeout passes (Ended with timed_out)."""
    deadline = clock() + timeout_seconds
    while True:
        now = progress(deployments, deployment_id)
        yield Progressed(now)
        timed_out = not now.ended and clock() >= deadline
        if now.ended or timed_out:
            yield Ended(deployment_id, now.status, dict(now.error), dict(now.rollback), timed_out)
            return
        sleep(poll_seconds)


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


def _routes(deployments: Deployments, group: Mapping[str, Any]) -> tuple[Route, ...]:
    pair = _pair(group)
    wanted = [("production", arn) for arn in (pair.get("prodTrafficRoute") or {}).get("listenerArns", [])]
    wanted += [("test", arn) for arn in (pair.get("testTrafficRoute") or {}).get("listenerArns", [])]
    listeners = deployments.listeners([arn for _, arn in wanted])
    routes = []
    for kind, arn in wanted:
        if arn in listeners:
            listener = listeners[arn]
            routes.append(Route(kind, int(listener.get("Port", 0)), _weights(listener.get("DefaultActions", []))))
    return tuple(routes)


def _weights(actions: list[Mapping[str, Any]]) -> tuple[tuple[str, float], ...]:
    """Each target group's share of a listener's forward action, in percent."""
    raw: dict[str, float] = {}
    for action in actions:
        if action.get("Type") != "forward":
            continue
        groups = (action.get("ForwardConfig") or {}).get("TargetGroups") or []
        if groups:
            for entry in groups:
                raw[entry["TargetGroupArn"]] = raw.get(entry["TargetGroupArn"], 0.0) + float(entry.get("Weight", 1))
        elif action.get("TargetGroupArn"):
            raw[action["TargetGroupArn"]] = raw.get(action["TargetGroupArn"], 0.0) + 1.0
    total = sum(raw.values())
    return tuple((_name(arn), round(100.0 * weight / total, 1) if total else 0.0) for arn, weight in sorted(
        raw.items(), key=lambda item: _name(item[0])))


def _name(target_group_arn: str) -> str:
    """A target group's name, from its ARN (…:targetgroup/<name>/<id>)."""
    return target_group_arn.split(":targetgroup/", 1)[-1].split("/", 1)[0]


def _wait(info: Mapping[str, Any], group: Mapping[str, Any], target: Mapping[str, Any],
          now: datetime.datetime) -> Wait | None:
    """The approval wait (status Ready) or the termination wait (traffic moved, the original task
    set kept), with when it ends: its length in the group, from the end of the event before it."""
    config = group.get("blueGreenDeploymentConfiguration") or {}
    status = info.get("status")
    if status == "Ready":
        kind, minutes = "approval", (config.get("deploymentReadyOption") or {}).get("waitTimeInMinutes", 0)
    elif status == "InProgress" and info.get("instanceTerminationWaitTimeStarted"):
        kind = "termination"
        minutes = (config.get("terminateBlueInstancesOnDeploymentSuccess") or {}).get("terminationWaitTimeInMinutes", 0)
    else:
        return None
    ended = [utc(e["endTime"]) for e in target.get("lifecycleEvents", []) if e.get("endTime")]
    started = max(ended) if ended else now
    ends = started + datetime.timedelta(minutes=int(minutes or 0))
    return Wait(kind, ends, max(ends - now, datetime.timedelta()))


def utc(moment: datetime.datetime) -> datetime.datetime:
    """A time from AWS, in UTC: botocore gives aware times, a Date header without a zone naive."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=datetime.timezone.utc)
    return moment.astimezone(datetime.timezone.utc)


def _alarms(deployments: Deployments, group: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    config = group.get("alarmConfiguration") or {}
    if not config.get("enabled"):
        return ()
    names = [a["name"] for a in config.get("alarms", []) if a.get("name")]
    states = deployments.alarm_states(names)
    return tuple((name, states.get(name, "MISSING")) for name in sorted(names))
