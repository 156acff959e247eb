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
