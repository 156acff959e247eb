"""CloudWatch alarms that stop a deployment and roll it back when the new version misbehaves."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar

from constructs import Construct

from ..aws.cloudwatch_metric_alarm import (
    CloudwatchMetricAlarm,
    CloudwatchMetricAlarmMetricQuery,
    CloudwatchMetricAlarmMetricQueryMetric,
)
from ..aws.lb import Lb
from ..aws.lb_target_group import LbTargetGroup
from ..validation import SettingsError, check_range, check_types, check_value, matches

MAX_DEPLOYMENT_GROUP_ALARMS = 10
"""CodeDeploy accepts at most ten alarms per deployment group."""
_ALARM_NAME = re.compile(r"[^\x00-\x1f]{1,255}")


@dataclass(frozen=True, kw_only=True)
class AlarmProps:
    """Alarms on the blue and green target groups and on the load balancer. Any alarm in ALARM
    during a deployment stops it, and CodeDeploy rolls back. Set a threshold to None to skip
    that alarm. The HTTP alarms need an ALB; an NLB gets the unhealthy-host alarms only."""

    SETTING: ClassVar[str] = "deployment.alarms"
    """Where its settings sit, in the names of its errors."""

    http_5xx_count: int | None = 10
    """Target 5xx responses per period on either target group, 1 or more. Default: 10."""
    http_5xx_rate_percent: float | None = 5.0
    """Target 5xx responses as a percentage of requests on the load balancer, above 0 up to 100. Default: 5.0."""
    unhealthy_hosts: int | None = 1
    """Unhealthy targets in either target group, 1 or more. Default: 1."""
    p99_latency_seconds: float | None = None
    """p99 target response time in seconds, above 0. Default: None (no latency alarm)."""
    period_seconds: int = 60
    """Length of one evaluation period: 10, 30 or a multiple of 60. Default: 60."""
    evaluation_periods: int = 2
    """Consecutive breaching periods before an alarm fires, 1 to 60. Default: 2."""
    existing_alarm_names: tuple[str, ...] = ()
    """Alarms you already have that should stop a deployment too. Default: () (none)."""
    ignore_poll_alarm_failure: bool = False
    """Deploy on even when CloudWatch cannot be asked for the alarms' state. Default: False."""

    def __post_init__(self) -> None:
        check_types(self)
        for name, value in (("http_5xx_count", self.http_5xx_count), ("unhealthy_hosts", self.unhealthy_hosts)):
            if value is not None and value < 1:
                raise SettingsError(f"deployment.alarms.{name}", value,
                                    "Use a positive count, or None for no such alarm.")
        if self.http_5xx_rate_percent is not None and not 0 < self.http_5xx_rate_percent <= 100:
            raise SettingsError("deployment.alarms.http_5xx_rate_percent", self.http_5xx_rate_percent,
                                "Use a percentage above 0 and at most 100, or None for no such alarm.")
        if self.p99_latency_seconds is not None and self.p99_latency_seconds <= 0:
            raise SettingsError("deployment.alarms.p99_latency_seconds", self.p99_latency_seconds,
                                "Use a positive number of seconds, or None for no latency alarm.")
        if self.period_seconds not in (10, 30) and (self.period_seconds < 60 or self.period_seconds % 60):
            raise SettingsError("deployment.alarms.period_seconds", self.period_seconds,
                                "CloudWatch alarms take 10, 30 or a multiple of 60 seconds.")
        check_range("deployment.alarms.evaluation_periods", self.evaluation_periods, 1, 60)
        for alarm in self.existing_alarm_names:
            if not matches(_ALARM_NAME, alarm):
                raise SettingsError("deployment.alarms.existing_alarm_names", alarm,
                                    "Give alarm names of 1 to 255 printable characters.")
        if len(set(self.existing_alarm_names)) != len(self.existing_alarm_names):
            raise SettingsError("deployment.alarms.existing_alarm_names", self.existing_alarm_names,
                                "List each alarm once.")

    def created_count(self, *, network: bool) -> int:
        per_group = [self.unhealthy_hosts] + ([] if network else [self.http_5xx_count, self.p99_latency_seconds])
        load_balancer = [] if network else [self.http_5xx_rate_percent]
        return 2 * sum(v is not None for v in per_group) + sum(v is not None for v in load_balancer)


class DeploymentAlarms(Construct):
    """The alarms of :class:`AlarmProps`, created on both target groups and the load balancer.
    ``alarm_names`` lists every alarm the deployment group watches, created or existing."""

    def __init__(self, scope: Construct, id: str, *, name: str, props: AlarmProps, load_balancer: Lb,
                 target_groups: dict[str, LbTargetGroup], network: bool) -> None:
        check_value("props", props, AlarmProps)
        super().__init__(scope, id)
        namespace = "AWS/NetworkELB" if network else "AWS/ApplicationELB"
        common = {"period": props.period_seconds, "evaluation_periods": props.evaluation_periods,
                  "treat_missing_data": "notBreaching", "namespace": namespace}
        self.alarms: list[CloudwatchMetricAlarm] = []
        self.alarm_names: list[str] = []

        for color, group in target_groups.items():
            dimensions = {"LoadBalancer": load_balancer.arn_suffix, "TargetGroup": group.arn_suffix}
            if props.unhealthy_hosts is not None:
                self._alarm(f"{color}-unhealthy", f"{name}-{color}-unhealthy-hosts",
                            f"Unhealthy targets in {color} target group", metric_name="UnHealthyHostCount",
                            statistic="Maximum", threshold=props.unhealthy_hosts, dimensions=dimensions, **common)
            if network:
                continue
            if props.http_5xx_count is not None:
                self._alarm(f"{color}-5xx", f"{name}-{color}-5xx", f"Target 5xx responses of {color} target group",
                            metric_name="HTTPCode_Target_5XX_Count", statistic="Sum",
                            threshold=props.http_5xx_count, dimensions=dimensions, **common)
            if props.p99_latency_seconds is not None:
                self._alarm(f"{color}-p99", f"{name}-{color}-p99-latency", f"p99 response time of {color} target group",
                            metric_name="TargetResponseTime", extended_statistic="p99",
                            threshold=props.p99_latency_seconds, dimensions=dimensions, **common)

        if not network and props.http_5xx_rate_percent is not None:
            lb_dimensions = {"LoadBalancer": load_balancer.arn_suffix}

            def metric(id_: str, metric_name: str) -> CloudwatchMetricAlarmMetricQuery:
                return CloudwatchMetricAlarmMetricQuery(id=id_, metric=CloudwatchMetricAlarmMetricQueryMetric(
                    namespace=namespace, metric_name=metric_name, stat="Sum", period=props.period_seconds,
                    dimensions=lb_dimensions))

            self._alarm(
                "5xx-rate", f"{name}-5xx-rate", "Target 5xx responses as a percentage of requests",
                threshold=props.http_5xx_rate_percent, evaluation_periods=props.evaluation_periods,
                treat_missing_data="notBreaching",
                metric_query=[
                    metric("errors", "HTTPCode_Target_5XX_Count"),
                    metric("requests", "RequestCount"),
                    CloudwatchMetricAlarmMetricQuery(id="rate", expression="100 * errors / requests",
                                                     label="5xx rate (%)", return_data=True),
                ],
            )
        self.alarm_names += props.existing_alarm_names

    def _alarm(self, id_: str, alarm_name: str, description: str, **config: object) -> None:
        self.alarm_names.append(alarm_name)
        self.alarms.append(CloudwatchMetricAlarm(
            self, id_, alarm_name=alarm_name, alarm_description=f"{description}: stops a deployment and rolls back",
            comparison_operator="GreaterThanOrEqualToThreshold", **config))
