"""The rollout timeline of a service, from the values of its parts: when new tasks can first count
as healthy, the approval wait, the traffic steps, the drain, the rollback window. Lower bounds."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..contract import PREDEFINED_SHIFTS
from .engines import NATIVE_STRATEGIES, by_codedeploy
from .plan import block, managed_changes
from .roles import ServiceRoles, service_roles

LOWER_BOUND = "Lower bounds from the settings, not a promise: slow starts, failing checks and alarms add time."
Values = Mapping[str, Any]


@dataclass(frozen=True)
class Timeline:
    healthy_seconds: int | None
    grace_seconds: int | None
    approval_minutes: int | None  # None: traffic moves at once
    shift: tuple[str, int, int] | None  # (kind, percent, interval minutes); None: a config not in the plan
    config_name: str | None
    drain_seconds: int | None
    termination_minutes: int | None
    strategy: str | None = None  # ECS-native: BLUE_GREEN, CANARY or LINEAR; None on CodeDeploy

    @property
    def shift_minutes(self) -> int:
        if self.shift is None or self.shift[0] == "all-at-once":
            return 0
        kind, percent, interval = self.shift
        return interval if kind == "canary" or percent <= 0 else (math.ceil(100 / percent) - 1) * interval

    def lines(self) -> dict[str, str]:
        healthy = (
            "unknown"
            if self.healthy_seconds is None
            else f"≥ {self.healthy_seconds} s after a task starts (healthy threshold × check interval)"
        )
        if self.grace_seconds:
            healthy += f"; ECS ignores failed checks for the first {self.grace_seconds} s (grace period)"
        approval = (
            "none: traffic moves once the new tasks are healthy"
            if self.approval_minutes is None
            else f"waits up to {self.approval_minutes} min for `aws deploy continue-deployment`, then stops and rolls "
            "back"
        )
        drain = "unknown" if self.drain_seconds is None else f"{self.drain_seconds} s (deregistration delay)"
        kept = "the old revision is kept (bake time)" if self.strategy else "the old task set is kept"
        window = (
            "unknown"
            if self.termination_minutes is None
            else f"{self.termination_minutes} min after traffic has moved: {kept}, rollback is instant"
        )
        total = (self.healthy_seconds or 0) / 60 + self.shift_minutes + (self.termination_minutes or 0)
        if self.strategy:
            approval = "none: a hook at POST_TEST_TRAFFIC_SHIFT decides whether production traffic moves"
        lines = {"engine": f"ECS-native blue/green, strategy {self.strategy}"} if self.strategy else {}
        return {
            **lines,
            "new tasks healthy": healthy,
            "approval": approval,
            "traffic shift": self._traffic(),
            "old tasks drain": drain,
            "rollback window": window,
            (
                "old revision gone" if self.strategy else "old task set gone"
            ): f"≥ {total:.0f} min after the deployment starts"
            + ("" if self.strategy else " (without the approval wait)"),
        }

    def _traffic(self) -> str:
        if self.shift is None:
            return f"as deployment config {self.config_name} says (not in this plan)"
        kind, percent, interval = self.shift
        if kind == "all-at-once":
            return "all at once"
        if kind == "canary":
            return f"{percent}% first, the other {100 - percent}% after {interval} min"
        return (
            f"{percent}% every {interval} min: {math.ceil(100 / percent)} steps, 100% after {self.shift_minutes} min"
            if percent > 0
            else f"a step every {interval} min (its percent is not in this plan)"
        )


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _one(value: Any) -> dict[str, Any]:
    return block(value) or {}


def _shift(group: Values, config: Values) -> tuple[tuple[str, int, int] | None, Any]:
    """How traffic moves: a predefined config by its name, or the custom config's routing."""
    name = group.get("deployment_config_name")
    shift: tuple[str, int, int] | None = PREDEFINED_SHIFTS.get(name) if isinstance(name, str) else None
    if shift is None and config:
        routing = _one(config.get("traffic_routing_config"))
        kind = routing.get("type")
        if kind in ("TimeBasedCanary", "TimeBasedLinear"):
            step = _one(routing.get("time_based_canary" if kind == "TimeBasedCanary" else "time_based_linear"))
            shift = (
                "canary" if kind == "TimeBasedCanary" else "linear",
                _int(step.get("percentage")) or 0,
                _int(step.get("interval")) or 0,
            )
        elif kind == "AllAtOnce":
            shift = ("all-at-once", 100, 0)
        name = config.get("deployment_config_name") or name
    return shift, name


def timeline_of(
    *, group: Values, target_group: Values | None = None, service: Values | None = None, config: Values | None = None
) -> Timeline:
    """The timeline of one service, from the values of its deployment group, a target group, the
    ECS service and the custom deployment config (as a plan's before or after gives them)."""
    target_group, service, config = target_group or {}, service or {}, config or {}
    check = _one(target_group.get("health_check"))
    interval, threshold = _int(check.get("interval")), _int(check.get("healthy_threshold"))
    blue_green = _one(group.get("blue_green_deployment_config"))
    ready = _one(blue_green.get("deployment_ready_option"))
    terminate = _one(blue_green.get("terminate_blue_instances_on_deployment_success"))
    shift, name = _shift(group, config)
    waits = ready.get("action_on_timeout") == "STOP_DEPLOYMENT"
    return Timeline(
        healthy_seconds=interval * threshold if interval and threshold else None,
        grace_seconds=_int(service.get("health_check_grace_period_seconds")),
        approval_minutes=_int(ready.get("wait_time_in_minutes")) if waits else None,
        shift=shift,
        config_name=name if isinstance(name, str) and not name.startswith("${") else None,
        drain_seconds=_int(target_group.get("deregistration_delay")),
        termination_minutes=_int(terminate.get("termination_wait_time_in_minutes")),
    )


def native_timeline_of(*, service: Values, target_group: Values | None = None) -> Timeline | None:
    """The timeline of a service on the ECS-native engine, from its deployment configuration
    (strategy, steps, bake time) and a target group; None for a service without a blue/green one."""
    config = _one(service.get("deployment_configuration"))
    strategy = config.get("strategy")
    if strategy not in NATIVE_STRATEGIES:
        return None
    check = _one((target_group or {}).get("health_check"))
    interval, threshold = _int(check.get("interval")), _int(check.get("healthy_threshold"))
    shift: tuple[str, int, int] = ("all-at-once", 100, 0)
    if strategy == "CANARY":
        step = _one(config.get("canary_configuration"))
        shift = ("canary", _int(step.get("canary_percent")) or 0, _int(step.get("canary_bake_time_in_minutes")) or 0)
    elif strategy == "LINEAR":
        step = _one(config.get("linear_configuration"))
        shift = ("linear", _int(step.get("step_percent")) or 0, _int(step.get("step_bake_time_in_minutes")) or 0)
    return Timeline(
        healthy_seconds=interval * threshold if interval and threshold else None,
        grace_seconds=_int(service.get("health_check_grace_period_seconds")),
        approval_minutes=None,
        shift=shift,
        config_name=None,
        drain_seconds=_int((target_group or {}).get("deregistration_delay")),
        termination_minutes=_int(config.get("bake_time_in_minutes")),
        strategy=strategy,
    )


def _of(roles: ServiceRoles, values: Mapping[str, Values]) -> Timeline | None:
    group = values.get(roles.deployment_group or "")
    service = values.get(roles.service or "")
    if service and not by_codedeploy(service):
        native = native_timeline_of(service=service, target_group=values.get(roles.blue_target_group or ""))
        if native is not None:
            return native
    if not group:
        return None
    return timeline_of(
        group=group,
        target_group=values.get(roles.blue_target_group or ""),
        service=values.get(roles.service or ""),
        config=values.get(roles.deployment_config or ""),
    )


def rollout_timeline(plan: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Per service the plan's outputs describe (roles.py): the timeline after the plan, and before
    it where the plan changes it. Named by the ECS service's name."""
    changes = managed_changes(plan)
    before = {c["address"]: c["change"].get("before") for c in changes if c["change"].get("before")}
    after = {c["address"]: c["change"].get("after") for c in changes if c["change"].get("after")}
    result = []
    for roles in service_roles(plan):
        new = _of(roles, after)
        if new is None:
            continue
        old = _of(roles, before)
        old_lines = old.lines() if old else {}
        name = (after.get(roles.service or "") or {}).get("name")
        entry: dict[str, Any] = {
            "service": name if isinstance(name, str) else roles.prefix.rstrip("_") or "(the stack's)",
            "lines": [],
        }
        for step, text in new.lines().items():
            was = old_lines.get(step)
            entry["lines"].append({"step": step, "after": text, "before": was if was not in (None, text) else None})
        result.append(entry)
    return result
