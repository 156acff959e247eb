"""ECS: the Fargate service blue/green deployments replace, composed of its cluster, task definition, service
and scaling, each in a module of its own."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from constructs import Construct

from ..settings import ServiceProps, check_value
from .aws.appautoscaling_target import AppautoscalingTarget
from .aws.ecs_cluster import EcsCluster
from .aws.lb import Lb
from .aws.lb_target_group import LbTargetGroup
from .cdk import ITerraformDependable
from .cluster import add_cluster
from .logs import add_log_group
from .part import Part
from .provider import account_of, partition_of, region_of
from .scaling import add_scaling
from .service import ServiceBlocks, add_service, add_task_security_group
from .task_definition import add_task_definition

EXEC_CHANNELS = (
    "ssmmessages:CreateControlChannel",
    "ssmmessages:CreateDataChannel",
    "ssmmessages:OpenControlChannel",
    "ssmmessages:OpenDataChannel",
)
"""What the SSM agent in a task needs for ECS Exec. These actions have no resource types in IAM,
so their resource can only be "*"."""


class FargateService(Part):
    """A Fargate service under its engine's deployment controller (`engine`, what the service takes
    from it), with its cluster, task definition, log group, security group and (optionally)
    autoscaling."""

    autoscaling_target: AppautoscalingTarget | None = None

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        name: str,
        props: ServiceProps,
        vpc_id: str,
        subnet_ids: Sequence[str],
        load_balancer_security_group_id: str,
        target_groups: tuple[LbTargetGroup, LbTargetGroup],
        load_balancer: Lb,
        execution_role_arn: str,
        task_role_arn: str | None,
        depends_on: Sequence[ITerraformDependable],
        engine: ServiceBlocks,
        health_check_port: int | None = None,
    ) -> None:
        check_value("props", props, ServiceProps)
        super().__init__(scope, id)
        self.props = props
        cluster = add_cluster(self, name=name, props=props)
        self.cluster: EcsCluster | None = cluster.cluster
        self.cluster_name: str = cluster.name
        self.exec_log_group = cluster.exec_log_group
        self.log_group = add_log_group(self, "logs", f"/ecs/{name}", props.log_retention_days)
        self.region = region_of(self)
        self.task_definition = add_task_definition(
            self,
            name=name,
            props=props,
            log_group=self.log_group,
            region=self.region,
            execution_role_arn=execution_role_arn,
            task_role_arn=task_role_arn,
        )
        self.security_group = add_task_security_group(
            self,
            name=name,
            vpc_id=vpc_id,
            port=props.container_port,
            health_check_port=health_check_port,
            load_balancer_security_group_id=load_balancer_security_group_id,
        )
        self.service = add_service(
            self,
            name=name,
            props=props,
            cluster_name=self.cluster_name,
            task_definition_arn=self.task_definition.arn,
            engine=engine,
            subnet_ids=subnet_ids,
            security_group=self.security_group,
            depends_on=depends_on,
        )
        if props.autoscaling is not None:
            self.autoscaling_target = add_scaling(
                self,
                name=name,
                props=props.autoscaling,
                cluster_name=self.cluster_name,
                service_name=self.service.name,
                load_balancer=load_balancer,
                target_groups=target_groups,
            )

    def execute_command_statements(self) -> list[dict[str, Any]]:
        """The task role's grants for ECS Exec: the SSM channels; writing the session logs to
        their log group only; decrypting with the sessions' key only."""
        exec_ = self.props.execute_command
        if exec_ is None:
            return []
        statements: list[dict[str, Any]] = [
            {"Sid": "ExecChannels", "Effect": "Allow", "Action": list(EXEC_CHANNELS), "Resource": "*"}
        ]
        if self.exec_log_group is not None:
            account, partition = account_of(self), partition_of(self)
            statements += [
                # The agent looks the group up before it writes: in this account and region only.
                {
                    "Sid": "ExecFindLogGroup",
                    "Effect": "Allow",
                    "Action": "logs:DescribeLogGroups",
                    "Resource": f"arn:{partition.partition}:logs:{self.region.name}:{account.account_id}:log-group:*",
                },
                {
                    "Sid": "ExecWriteLogs",
                    "Effect": "Allow",
                    "Action": ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"],
                    "Resource": f"{self.exec_log_group.arn}:*",
                },
            ]
        if exec_.kms_key_arn is not None:
            statements.append(
                {"Sid": "ExecDecrypt", "Effect": "Allow", "Action": "kms:Decrypt", "Resource": exec_.kms_key_arn}
            )
        return statements
