"""Where a deployment is, as one snapshot read from AWS, in words both engines share.

A snapshot holds what an operator looks at in the console's deployment page: the status (in the
engine's own words), each lifecycle event or stage and its hook function, the traffic each listener
sends to each target group or revision, the task sets or revisions, the wait the deployment is in
(against AWS's clock), and the rollback alarms. Each engine (engines/) reads AWS into one; the
commands, the renderers and the loop that follows a deployment read only this.

Imports nothing else of the command: it is the model every other module stands on.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any


class Ending(Enum):
    """How a deployment ended, whatever its engine calls it."""

    SUCCEEDED = "succeeded"
    FAILED = "failed"  # failed, stopped, or rolled back


class Stage(Enum):
    """How far a deployment has got, in words both engines share (`watch --until`), in order. Each
    engine maps its own: CodeDeploy's lifecycle events and waits, ECS's lifecycle stages and hooks."""

    TEST_TRAFFIC = "test-traffic"  # the new revision takes the test listener's traffic
    APPROVAL = "approval"  # it waits for approval, before production traffic moves
    PRODUCTION_TRAFFIC = "production-traffic"  # production traffic moves to it, or has moved
    BAKE = "bake"  # production is on it; the original is kept for rollback (termination wait, bake time)
    SUCCEEDED = "succeeded"

    @property
    def order(self) -> int:
        return list(Stage).index(self)


@dataclass(frozen=True)
class Step:
    """A lifecycle event (BeforeInstall, AllowTraffic, ...) or stage, and the hook function it runs."""

    name: str
    status: str  # Pending, InProgress, Succeeded, Failed or Skipped, on both engines
    hook: str | None = None
    message: str | None = None


@dataclass(frozen=True)
class Route:
    """Where a listener sends its traffic: the share of each target group (or revision), in percent."""

    listener: str  # "production" or "test"
    port: int  # 0 where the engine reports shares, not a listener's port
    weights: tuple[tuple[str, float], ...]


@dataclass(frozen=True)
class TaskSet:
    label: str  # "Blue" (the original) or "Green" (the replacement); "source" or "target" on ECS
    status: str
    target_group: str
    weight: float
    running: int
    desired: int


@dataclass(frozen=True)
class Wait:
    """A wait the deployment is in, in its engine's word (`kind`: "approval" or "termination" on
    CodeDeploy; "approval", "pause" or "bake" on ECS), until `ends`; `left` is what remained when the
    snapshot was taken. `after_traffic`: production is on the replacement already, and the original
    is kept for rollback until the wait ends. `then`: what happens when it ends unanswered, where
    the engine says ("ROLLBACK" or "CONTINUE", a pause hook's timeout action)."""

    kind: str
    ends: datetime.datetime
    left: datetime.timedelta
    after_traffic: bool
    then: str | None = None
    hook_id: str | None = None  # the pause hook that waits, on ECS: what approve and rollback answer


@dataclass(frozen=True)
class Snapshot:
    """A deployment as its engine reported it at `at`. `error` and `rollback` are AWS's own records
    (shown as they are with --json); `rolled_back` says in a few words where a rollback took
    traffic ("rolled back by d-…", "rolled back to web:3")."""

    deployment_id: str
    group: str  # the deployment group, or the ECS service
    status: str
    steps: tuple[Step, ...]
    routes: tuple[Route, ...]
    task_sets: tuple[TaskSet, ...]
    wait: Wait | None
    alarms: tuple[tuple[str, str], ...]
    error: Mapping[str, Any]
    rollback: Mapping[str, Any]
    at: datetime.datetime
    ending: Ending | None = None  # None while it runs
    rolled_back: str | None = None
    stage: Stage | None = None  # how far it has got (None: not as far as test traffic)

    @property
    def ended(self) -> bool:
        return self.ending is not None

    @property
    def succeeded(self) -> bool:
        return self.ending is Ending.SUCCEEDED

    @property
    def current(self) -> Step | None:
        """The lifecycle event under way (or the last one that ran)."""
        going = [s for s in self.steps if s.status == "InProgress"]
        done = [s for s in self.steps if s.status not in ("Pending", "Skipped")]
        found = going or done
        return found[-1] if found else None

    @property
    def traffic_moved(self) -> bool:
        """Production is on the replacement, and the original is kept until the wait ends
        (CodeDeploy's termination wait, ECS's bake time)."""
        return self.wait is not None and self.wait.after_traffic

    def as_json(self) -> dict[str, Any]:
        return {
            "deploymentId": self.deployment_id,
            "status": self.status,
            "lifecycleEvents": [
                {"name": s.name, "status": s.status, "hook": s.hook, "message": s.message} for s in self.steps
            ],
            "traffic": [
                {
                    "listener": r.listener,
                    "port": r.port,
                    "targetGroups": [{"name": n, "weight": w} for n, w in r.weights],
                }
                for r in self.routes
            ],
            "taskSets": [
                {
                    "label": t.label,
                    "status": t.status,
                    "targetGroup": t.target_group,
                    "weight": t.weight,
                    "runningCount": t.running,
                    "desiredCount": t.desired,
                }
                for t in self.task_sets
            ],
            "wait": None
            if self.wait is None
            else {
                "kind": self.wait.kind,
                "ends": self.wait.ends.isoformat(),
                "secondsLeft": int(self.wait.left.total_seconds()),
                "then": self.wait.then,
            },
            "stage": None if self.stage is None else self.stage.value,
            "alarms": [{"name": n, "state": s} for n, s in self.alarms],
            "error": dict(self.error) or None,
            "rollback": dict(self.rollback) or None,
        }


@dataclass(frozen=True)
class Listed:
    """One deployment in `status`'s list, newest first."""

    deployment_id: str
    status: str
    created: Any  # a datetime from botocore, or what AWS gave
    completed: Any
    description: str
    error: str | None

    def as_json(self) -> dict[str, Any]:
        return {
            "deploymentId": self.deployment_id,
            "status": self.status,
            "created": self.created,
            "completed": self.completed,
            "description": self.description,
            "error": self.error,
        }


def utc(moment: datetime.datetime) -> datetime.datetime:
    """A time from AWS, in UTC: botocore gives aware times, a Date header without a zone naive."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=datetime.timezone.utc)
    return moment.astimezone(datetime.timezone.utc)
