"""The Fargate task definition: its containers (the app and its sidecars, mapped by one function),
its shape, and what its execution role needs to start it (the secrets)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from constructs import Construct

from ..contract import BY_TERRAFORM, REGISTERED_BY
from ..settings import ContainerProps, ServiceProps
from ..settings.containers import SECRETS_MANAGER_READ, SSM_READ
from .aws.cloudwatch_log_group import CloudwatchLogGroup
from .aws.data_aws_region import DataAwsRegion
from .aws.ecs_task_definition import (
    EcsTaskDefinition,
    EcsTaskDefinitionEphemeralStorage,
    EcsTaskDefinitionRuntimePlatform,
)

_SIDS = {SECRETS_MANAGER_READ: "ReadSecrets", SSM_READ: "ReadParameters"}


def container_definition(
    container: ContainerProps, *, log_options: Mapping[str, str], stop_timeout: int
) -> dict[str, Any]:
    """One container definition, as ECS reads it back: the empty lists it returns are written out,
    and the fields it leaves out unless set are written only when set (no diff on every plan)."""
    log = container.log
    if log.driver == "awslogs":
        logging = {
            "logDriver": "awslogs",
            "options": {**log_options, "awslogs-stream-prefix": container.name, **log.options},
        }
    else:
        logging = {"logDriver": "awsfirelens", **({"options": dict(log.options)} if log.options else {})}
    definition: dict[str, Any] = {
        "name": container.name,
        "image": container.image,
        "essential": container.essential,
        "portMappings": [{"containerPort": p, "hostPort": p, "protocol": "tcp"} for p in container.ports],
        "environment": [{"name": k, "value": v} for k, v in sorted(container.environment.items())],
        "logConfiguration": logging,
        "mountPoints": [],
        "volumesFrom": [],
        "systemControls": [],
    }
    if container.command:
        definition["command"] = list(container.command)
    if container.secrets:
        definition["secrets"] = [{"name": k, "valueFrom": v.value_from} for k, v in sorted(container.secrets.items())]
    if container.depends_on:
        definition["dependsOn"] = [
            {"containerName": k, "condition": v} for k, v in sorted(container.depends_on.items())
        ]
    if container.health_check is not None:
        definition["healthCheck"] = container.health_check.render()
    if container.firelens is not None:
        definition["firelensConfiguration"] = {"type": container.firelens}
    # Only what differs from ECS's own defaults, so that the default task shape stays as it was.
    if container.readonly_root_filesystem:
        definition["readonlyRootFilesystem"] = True
    if stop_timeout != 30:
        definition["stopTimeout"] = stop_timeout
    return definition


def add_task_definition(
    scope: Construct,
    *,
    name: str,
    props: ServiceProps,
    log_group: CloudwatchLogGroup,
    region: DataAwsRegion,
    execution_role_arn: str,
    task_role_arn: str | None,
) -> EcsTaskDefinition:
    """The task definition "<name>": the app container first, then the sidecars, logging to
    `log_group` unless they use FireLens; tagged as Terraform's, for `bluegreen deploy`."""
    log_options = {"awslogs-group": log_group.name, "awslogs-region": region.name}
    containers = [
        container_definition(c, log_options=log_options, stop_timeout=props.stop_timeout_seconds)
        for _, c in props.containers
    ]
    shape: dict[str, Any] = {}
    if props.cpu_architecture != "X86_64":
        shape["runtime_platform"] = EcsTaskDefinitionRuntimePlatform(
            operating_system_family="LINUX", cpu_architecture=props.cpu_architecture
        )
    if props.ephemeral_storage_gib != 20:
        shape["ephemeral_storage"] = EcsTaskDefinitionEphemeralStorage(size_in_gib=props.ephemeral_storage_gib)
    return EcsTaskDefinition(
        scope,
        "task",
        family=name,
        requires_compatibilities=["FARGATE"],
        network_mode="awsvpc",
        cpu=str(props.cpu),
        memory=str(props.memory),
        execution_role_arn=execution_role_arn,
        task_role_arn=task_role_arn,
        container_definitions=json.dumps(containers, sort_keys=True),
        # Who registered a revision: `bluegreen deploy` tells its own revisions from Terraform's,
        # and from ones made by hand (revisions.py).
        tags={REGISTERED_BY: BY_TERRAFORM},
        **shape,
    )


def secret_grants(props: ServiceProps) -> list[dict[str, Any]]:
    """The execution role's statements for the task's secrets: each read action on exactly the
    ARNs that need it, and kms:Decrypt on the one key named. In a fixed order, so the policy is the
    same on every synth. Empty when no container has secrets."""
    by_action: dict[str, list[str]] = {}
    for _, container in props.containers:
        for secret in container.secrets.values():
            for action in secret.actions:
                arns = by_action.setdefault(action, [])
                if secret.arn not in arns:
                    arns.append(secret.arn)
    statements: list[dict[str, Any]] = [
        {"Sid": _SIDS[action], "Effect": "Allow", "Action": action, "Resource": sorted(arns)}
        for action, arns in sorted(by_action.items())
    ]
    if statements and props.secrets_kms_key_arn is not None:
        statements.append(
            {"Sid": "KmsDecrypt", "Effect": "Allow", "Action": "kms:Decrypt", "Resource": props.secrets_kms_key_arn}
        )
    return statements
