"""Application Auto Scaling of a service's task count: on average CPU, and out on requests per task."""

from __future__ import annotations

from collections.abc import Sequence

from constructs import Construct

from ..settings import AutoscalingProps
from .aws.appautoscaling_policy import (
    AppautoscalingPolicy,
    AppautoscalingPolicyTargetTrackingScalingPolicyConfiguration,
    AppautoscalingPolicyTargetTrackingScalingPolicyConfigurationPredefinedMetricSpecification,
)
from .aws.appautoscaling_target import AppautoscalingTarget
from .aws.lb import Lb
from .aws.lb_target_group import LbTargetGroup


def _tracking(
    value: float, metric: str, *, resource_label: str | None = None, scale_in: bool = True
) -> AppautoscalingPolicyTargetTrackingScalingPolicyConfiguration:
    return AppautoscalingPolicyTargetTrackingScalingPolicyConfiguration(
        target_value=value,
        disable_scale_in=None if scale_in else True,
        predefined_metric_specification=AppautoscalingPolicyTargetTrackingScalingPolicyConfigurationPredefinedMetricSpecification(
            predefined_metric_type=metric, resource_label=resource_label
        ),
    )


def add_scaling(
    scope: Construct,
    *,
    name: str,
    props: AutoscalingProps,
    cluster_name: str,
    service_name: str,
    load_balancer: Lb,
    target_groups: Sequence[LbTargetGroup],
) -> AppautoscalingTarget:
    """The scalable target, a CPU policy, and with `requests_per_target` a request policy per target group."""
    target = AppautoscalingTarget(
        scope,
        "scaling-target",
        service_namespace="ecs",
        resource_id=f"service/{cluster_name}/{service_name}",
        scalable_dimension="ecs:service:DesiredCount",
        min_capacity=props.min_capacity,
        max_capacity=props.max_capacity,
    )

    def policy(
        id: str, policy_name: str, tracking: AppautoscalingPolicyTargetTrackingScalingPolicyConfiguration
    ) -> None:
        AppautoscalingPolicy(
            scope,
            id,
            name=policy_name,
            policy_type="TargetTrackingScaling",
            service_namespace=target.service_namespace,
            resource_id=target.resource_id,
            scalable_dimension=target.scalable_dimension,
            target_tracking_scaling_policy_configuration=tracking,
        )

    policy("scaling-cpu", f"{name}-cpu", _tracking(props.cpu_target_percent, "ECSServiceAverageCPUUtilization"))
    if props.requests_per_target is not None:
        # One policy per target group, since CodeDeploy moves the traffic between them at each
        # deployment. Both only scale out: the idle group reports no requests, which would block
        # every scale-in; the CPU policy scales in.
        for color, group in zip(("blue", "green"), target_groups, strict=True):
            policy(
                f"scaling-requests-{color}",
                f"{name}-requests-{color}",
                _tracking(
                    props.requests_per_target,
                    "ALBRequestCountPerTarget",
                    scale_in=False,
                    resource_label=f"{load_balancer.arn_suffix}/{group.arn_suffix}",
                ),
            )
    return target
