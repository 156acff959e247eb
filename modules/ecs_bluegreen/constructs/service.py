"""The Fargate service, under the controller of its engine (CODE_DEPLOY, or ECS's own for
ECS-native blue/green), and the security group of its tasks."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from constructs import Construct

from ..settings import ServiceProps
from .aws.ecs_service import (
    EcsService,
    EcsServiceDeploymentController,
    EcsServiceLoadBalancer,
    EcsServiceNetworkConfiguration,
)
from .aws.lb_target_group import LbTargetGroup
from .aws.security_group import SecurityGroup
from .aws.vpc_security_group_egress_rule import VpcSecurityGroupEgressRule
from .aws.vpc_security_group_ingress_rule import VpcSecurityGroupIngressRule
from .cdk import ITerraformDependable, TerraformResourceLifecycle
from .suppressions import suppress


@dataclass(frozen=True)
class ServiceBlocks:
    """What the ECS service takes from its engine."""

    controller: str
    """The deployment controller: CODE_DEPLOY, or ECS."""
    target_group: LbTargetGroup
    """The target group the service's first tasks register with (production's)."""
    ignore_changes: list[str]
    """The fields Terraform leaves to the engine's deployments (ownership.py)."""
    load_balancer: Mapping[str, Any] = field(default_factory=dict)
    """More arguments of the service's load_balancer block."""
    service: Mapping[str, Any] = field(default_factory=dict)
    """More arguments of the service."""
    depends_on: tuple[ITerraformDependable, ...] = ()
    """What the service must wait for, besides the listeners."""


def add_task_security_group(
    scope: Construct,
    *,
    name: str,
    vpc_id: str,
    port: int,
    health_check_port: int | None,
    load_balancer_security_group_id: str,
) -> SecurityGroup:
    """The tasks' security group: in from the load balancer's group only, on the traffic port (and
    the health check port, when the load balancer probes another), and out to anywhere."""
    group = SecurityGroup(
        scope,
        "sg",
        name=f"{name}-tasks",
        vpc_id=vpc_id,
        description=f"{name} tasks: traffic from the load balancer only",
        tags={"Name": f"{name}-tasks"},
    )
    openings = [("", "container port", port)]
    if health_check_port is not None and health_check_port != port:
        # The load balancer probes another port of the tasks (a sidecar's, say): open that one too.
        openings.append(("-health", "health check port", health_check_port))
    for suffix, what, opened in openings:
        from_lb = VpcSecurityGroupIngressRule(
            scope,
            f"from-lb{suffix}",
            security_group_id=group.id,
            description=f"{what} from the load balancer",
            referenced_security_group_id=load_balancer_security_group_id,
            ip_protocol="tcp",
            from_port=opened,
            to_port=opened,
        )
        if opened == 80 and not suffix:
            suppress(
                from_lb,
                "CKV_AWS_260",
                "False positive: the source is the load balancer's security group, not 0.0.0.0/0.",
            )
        VpcSecurityGroupEgressRule(
            scope,
            f"lb-to-tasks{suffix}",
            security_group_id=load_balancer_security_group_id,
            description=f"load balancer to the tasks' {what}",
            referenced_security_group_id=group.id,
            ip_protocol="tcp",
            from_port=opened,
            to_port=opened,
        )
    VpcSecurityGroupEgressRule(
        scope,
        "egress",
        security_group_id=group.id,
        description="tasks to image registries, logs and the services they call",
        cidr_ipv4="0.0.0.0/0",
        ip_protocol="-1",
    )
    return group


def add_service(
    scope: Construct,
    *,
    name: str,
    props: ServiceProps,
    cluster_name: str,
    task_definition_arn: str,
    engine: ServiceBlocks,
    subnet_ids: Sequence[str],
    security_group: SecurityGroup,
    depends_on: Sequence[ITerraformDependable],
) -> EcsService:
    """The service: Fargate, under its engine's controller, its first tasks behind the target group
    the engine names, with the engine's blocks. Terraform ignores what deployments own from the
    first one on (the engine's `ignore_changes`, ownership.py)."""
    load_balancer = EcsServiceLoadBalancer(
        target_group_arn=engine.target_group.arn,
        container_name=props.container_name,
        container_port=props.container_port,
        **engine.load_balancer,
    )
    service = EcsService(
        scope,
        "service",
        name=name,
        cluster=cluster_name,
        task_definition=task_definition_arn,
        desired_count=props.desired_count,
        launch_type="FARGATE",
        platform_version=props.platform_version,
        deployment_controller=EcsServiceDeploymentController(type=engine.controller),
        load_balancer=[load_balancer],
        **engine.service,
        network_configuration=EcsServiceNetworkConfiguration(
            subnets=list(subnet_ids), security_groups=[security_group.id], assign_public_ip=props.assign_public_ip
        ),
        health_check_grace_period_seconds=props.health_check_grace_period_seconds,
        propagate_tags="SERVICE",
        enable_ecs_managed_tags=True,
        enable_execute_command=True if props.execute_command is not None else None,
        lifecycle=TerraformResourceLifecycle(ignore_changes=list(engine.ignore_changes)),
        # ECS rejects a target group that no listener uses yet.
        depends_on=list(depends_on),
    )
    if props.platform_version != "LATEST":
        suppress(
            service,
            "CKV_AWS_332",
            f"Pinned to {props.platform_version} so the platform changes only when you say "
            "(service.platform_version), through a deployment.",
        )
    return service
