"""The ECS cluster a service runs in: the one the stack creates (with ECS Exec's session logging),
or one named in the settings."""

from __future__ import annotations

from dataclasses import dataclass

from constructs import Construct

from ..settings import ServiceProps
from .aws.cloudwatch_log_group import CloudwatchLogGroup
from .aws.ecs_cluster import (
    EcsCluster,
    EcsClusterConfiguration,
    EcsClusterConfigurationExecuteCommandConfiguration,
    EcsClusterConfigurationExecuteCommandConfigurationLogConfiguration,
    EcsClusterSetting,
)
from .logs import add_log_group
from .suppressions import suppress


@dataclass(frozen=True)
class Cluster:
    """The cluster's name, and what the stack created for it (None for a cluster it does not own)."""

    name: str
    cluster: EcsCluster | None
    exec_log_group: CloudwatchLogGroup | None


def add_cluster(scope: Construct, *, name: str, props: ServiceProps) -> Cluster:
    """The cluster `props.cluster_name`, or a new one named `name` with Container Insights and,
    with ECS Exec, its sessions logged to "/ecs/<name>/exec" and encrypted with its key."""
    exec_ = props.execute_command
    exec_log_group = None
    if exec_ is not None and exec_.log_sessions:
        exec_log_group = add_log_group(scope, "exec-logs", f"/ecs/{name}/exec", props.log_retention_days)
    if props.cluster_name is not None:
        return Cluster(props.cluster_name, None, exec_log_group)
    configuration = None
    if exec_ is not None and (exec_.log_sessions or exec_.kms_key_arn):
        configuration = EcsClusterConfiguration(
            execute_command_configuration=EcsClusterConfigurationExecuteCommandConfiguration(
                kms_key_id=exec_.kms_key_arn,
                logging="OVERRIDE" if exec_.log_sessions else "DEFAULT",
                log_configuration=EcsClusterConfigurationExecuteCommandConfigurationLogConfiguration(
                    cloud_watch_log_group_name=exec_log_group.name,
                )
                if exec_log_group is not None
                else None,
            ),
        )
    cluster = EcsCluster(
        scope,
        "cluster",
        name=name,
        setting=[
            EcsClusterSetting(name="containerInsights", value="enabled" if props.container_insights else "disabled")
        ],
        configuration=configuration,
    )
    if configuration is not None:
        suppress(
            cluster,
            "CKV_AWS_224",
            "Sessions are logged to a log group CloudWatch Logs encrypts at rest (see "
            "CKV_AWS_158 on it); the channel uses execute_command.kms_key_arn when given.",
        )
    if not props.container_insights:
        suppress(cluster, "CKV_AWS_65", "Turned off on request (service.container_insights=False).")
    return Cluster(cluster.name, cluster, exec_log_group)
