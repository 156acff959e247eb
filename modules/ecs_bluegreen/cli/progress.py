"""A deployment followed as it goes: each change of its status, lifecycle events and traffic, as
an event (events.py), until it ends."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from .deployments import ENDED_STATUSES, Deployments
from .events import Ended, Event, LifecycleChanged, StatusChanged, TrafficShifted, WaitingForApproval


def follow(deployments: Deployments, deployment_id: str, *, poll_seconds: float, timeout_seconds: float,
           sleep: Callable[[float], None], clock: Callable[[], float]) -> Iterator[Event]:
    """Each change of the deployment as an event, until it ends (the last is Ended) or the timeout
    passes (Ended with timed_out)."""
    deadline = clock() + timeout_seconds
    seen: set[tuple[Any, ...]] = set()
    while True:
        info = deployments.get(deployment_id)
        status = info["status"]
        if ("status", status) not in seen:
            seen.add(("status", status))
            yield StatusChanged(status)
            if status == "Ready":
                yield WaitingForApproval(deployment_id)
        for target in deployments.targets(deployment_id) if status not in ("Created", "Queued") else []:
            yield from _changes(target, seen)
        timed_out = status not in ENDED_STATUSES and clock() >= deadline
        if status in ENDED_STATUSES or timed_out:
            yield Ended(deployment_id, status, info.get("errorInformation", {}), info.get("rollbackInfo", {}), timed_out)
            return
        sleep(poll_seconds)


def _changes(target: Mapping[str, Any], seen: set[tuple[Any, ...]]) -> Iterator[Event]:
    for event in target.get("lifecycleEvents", []):
        key = ("event", event["lifecycleEventName"], event["status"])
        if key not in seen and event["status"] != "Pending":
            seen.add(key)
            yield LifecycleChanged(event["lifecycleEventName"], event["status"])
    traffic = tuple(sorted((s.get("taskSetLabel", "?"), s.get("trafficWeight", 0.0)) for s in target.get("taskSetsInfo", [])))
    if traffic and ("traffic", traffic) not in seen:
        seen.add(("traffic", traffic))
        yield TrafficShifted(dict(traffic))
