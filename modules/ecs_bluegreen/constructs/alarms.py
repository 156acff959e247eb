"""CloudWatch alarms that stop a deployment and roll it back when the new version misbehaves."""

from __future__ import annotations

from constructs import Construct

from ..settings import AlarmProps, check_value
from .aws.cloudwatch_metric_alarm import (
    CloudwatchMetricAlarm,
    CloudwatchMetricAlarmMetricQuery,
    CloudwatchMetricAlarmMetricQueryMetric,
)
from .aws.lb import Lb
from .aws.lb_target_group import LbTargetGroup
from .part import Part


class DeploymentAlarms(Part):
    """The alarms of :class:`AlarmProps`, created on both target groups and the load balancer.
    ``alarm_names`` lists every alarm the deployment group watches, created or existing."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        name: str,
        props: AlarmProps,
        load_balancer: Lb,
        target_groups: dict[str, LbTargetGroup],
        network: bool,
    ) -> None:
        check_value("props", props, AlarmProps)
        super().__init__(scope, id)
        self.props = props
        self.namespace = "AWS/NetworkELB" if network else "AWS/ApplicationELB"
        self.alarms: list[CloudwatchMetricAlarm] = []
        self.alarm_names: list[str] = []
        for color, group in target_groups.items():
            dimensions = {"LoadBalancer": load_balancer.arn_suffix, "TargetGroup": group.arn_suffix}
            if props.unhealthy_hosts is not None:
                self._alarm(
                    f"{color}-unhealthy",
                    f"{name}-{color}-unhealthy-hosts",
                    f"Unhealthy targets in {color} target group",
                    props.unhealthy_hosts,
                    metric=("UnHealthyHostCount", "Maximum", dimensions),
                )
            if network:
                continue
            if props.http_5xx_count is not None:
                self._alarm(
                    f"{color}-5xx",
                    f"{name}-{color}-5xx",
                    f"Target 5xx responses of {color} target group",
                    props.http_5xx_count,
                    metric=("HTTPCode_Target_5XX_Count", "Sum", dimensions),
                )
            if props.p99_latency_seconds is not None:
                self._alarm(
                    f"{color}-p99",
                    f"{name}-{color}-p99-latency",
                    f"p99 response time of {color} target group",
                    props.p99_latency_seconds,
                    metric=("TargetResponseTime", "p99", dimensions),
                )
        if not network and props.http_5xx_rate_percent is not None:
            lb = {"LoadBalancer": load_balancer.arn_suffix}
            self._alarm(
                "5xx-rate",
                f"{name}-5xx-rate",
                "Target 5xx responses as a percentage of requests",
                props.http_5xx_rate_percent,
                query=[
                    self._sum("errors", "HTTPCode_Target_5XX_Count", lb),
                    self._sum("requests", "RequestCount", lb),
                    CloudwatchMetricAlarmMetricQuery(
                        id="rate", expression="100 * errors / requests", label="5xx rate (%)", return_data=True
                    ),
                ],
            )
        self.alarm_names += props.existing_alarm_names

    def _sum(self, id_: str, metric_name: str, dimensions: dict[str, str]) -> CloudwatchMetricAlarmMetricQuery:
        return CloudwatchMetricAlarmMetricQuery(
            id=id_,
            metric=CloudwatchMetricAlarmMetricQueryMetric(
                namespace=self.namespace,
                metric_name=metric_name,
                stat="Sum",
                period=self.props.period_seconds,
                dimensions=dimensions,
            ),
        )

    def _alarm(
        self,
        id_: str,
        alarm_name: str,
        description: str,
        threshold: float,
        *,
        metric: tuple[str, str, dict[str, str]] | None = None,
        query: list[CloudwatchMetricAlarmMetricQuery] | None = None,
    ) -> None:
        """An alarm on one metric (name, statistic or percentile, dimensions) or on a metric query."""
        metric_name, statistic, dimensions = metric if metric is not None else (None, None, None)
        percentile = statistic is not None and statistic.startswith("p")
        self.alarm_names.append(alarm_name)
        self.alarms.append(
            CloudwatchMetricAlarm(
                self,
                id_,
                alarm_name=alarm_name,
                alarm_description=f"{description}: stops a deployment and rolls back",
                comparison_operator="GreaterThanOrEqualToThreshold",
                threshold=threshold,
                evaluation_periods=self.props.evaluation_periods,
                treat_missing_data="notBreaching",
                metric_name=metric_name,
                statistic=None if percentile else statistic,
                extended_statistic=statistic if percentile else None,
                dimensions=dimensions,
                period=self.props.period_seconds if metric is not None else None,
                namespace=self.namespace if metric is not None else None,
                metric_query=query,
            )
        )
