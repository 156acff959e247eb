"""CloudWatch alarms that stop a deployment and roll it back when the new version misbehaves."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, ClassVar

from .kinds import Props
from .rules import Pattern, Range, Rule, Unique

MAX_DEPLOYMENT_GROUP_ALARMS = 10
"""CodeDeploy accepts at most ten alarms per deployment group."""


@dataclass(frozen=True)
class AlarmPeriod(Rule):
    """The periods CloudWatch alarms take: 10, 30 or a multiple of 60 seconds."""

    def check(self, value: Any) -> str | None:
        if value in (10, 30) or (value >= 60 and value % 60 == 0):
            return None
        return "CloudWatch alarms take 10, 30 or a multiple of 60 seconds."

    def schema(self) -> dict[str, Any]:
        return {"anyOf": [{"enum": [10, 30]}, {"minimum": 60, "multipleOf": 60}]}

    def describe(self) -> str:
        return "10, 30 or a multiple of 60"


@dataclass(frozen=True, kw_only=True)
class AlarmProps(Props):
    """Alarms on the blue and green target groups and on the load balancer. Any alarm in ALARM
    during a deployment stops it, and CodeDeploy rolls back. Set a threshold to None to skip
    that alarm. The HTTP alarms need an ALB; an NLB gets the unhealthy-host alarms only."""

    SETTING: ClassVar[str] = "deployment.alarms"

    http_5xx_count: Annotated[int | None, Range(1, fix="Use a positive count, or None for no such alarm.")] = 10
    """Target 5xx responses per period on either target group, 1 or more. Default: 10."""
    http_5xx_rate_percent: Annotated[
        float | None,
        Range(0, 100, above=True, fix="Use a percentage above 0 and at most 100, or None for no such alarm."),
    ] = 5.0
    """Target 5xx responses as a percentage of requests on the load balancer, above 0 up to 100. Default: 5.0."""
    unhealthy_hosts: Annotated[int | None, Range(1, fix="Use a positive count, or None for no such alarm.")] = 1
    """Unhealthy targets in either target group, 1 or more. Default: 1."""
    p99_latency_seconds: Annotated[
        float | None, Range(0, above=True, fix="Use a positive number of seconds, or None for no latency alarm.")
    ] = None
    """p99 target response time in seconds, above 0. Default: None (no latency alarm)."""
    period_seconds: Annotated[int, AlarmPeriod()] = 60
    """Length of one evaluation period: 10, 30 or a multiple of 60. Default: 60."""
    evaluation_periods: Annotated[int, Range(1, 60)] = 2
    """Consecutive breaching periods before an alarm fires, 1 to 60. Default: 2."""
    existing_alarm_names: Annotated[
        tuple[
            Annotated[str, Pattern(r"[^\x00-\x1f]{1,255}", "Give alarm names of 1 to 255 printable characters.")], ...
        ],
        Unique("List each alarm once."),
    ] = ()
    """Alarms you already have that should stop a deployment too. Default: () (none)."""
    ignore_poll_alarm_failure: bool = False
    """Deploy on even when CloudWatch cannot be asked for the alarms' state. Default: False."""

    def created_count(self, *, network: bool) -> int:
        per_group = [self.unhealthy_hosts] + ([] if network else [self.http_5xx_count, self.p99_latency_seconds])
        load_balancer = [] if network else [self.http_5xx_rate_percent]
        return 2 * sum(v is not None for v in per_group) + sum(v is not None for v in load_balancer)
