"""IAM: the role the engine assumes (CodeDeploy's, or ECS's infrastructure role and its hook role),
the task execution role and the optional task role."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from constructs import Construct

from ..contract import HOOK_EVENTS, HookEvent
from ..settings import IamProps, check_value
from ..settings.aws import is_token
from .aws.iam_role import IamRole
from .aws.iam_role_policy import IamRolePolicy
from .aws.iam_role_policy_attachment import IamRolePolicyAttachment
from .part import Part
from .provider import account_of, partition_of, region_of

CODEDEPLOY_ECS_POLICY = "policy/AWSCodeDeployRoleForECS"
TASK_EXECUTION_POLICY = "policy/service-role/AmazonECSTaskExecutionRolePolicy"
INFRASTRUCTURE_POLICY = "policy/AmazonECSInfrastructureRolePolicyForLoadBalancers"
"""What ECS-native blue/green needs to move traffic: the listener rules' weights, the target groups."""


def function_arn(scope: Construct, function: str) -> str:
    """The ARN of a hook's function: the ARN as given, or one made from a name (and qualifier) in
    the stack's account and region. IAM matches it, and ECS's lifecycle hooks take only ARNs."""
    if function.startswith("arn:") or is_token(function):
        return function
    return (
        f"arn:{partition_of(scope).partition}:lambda:{region_of(scope).name}:{account_of(scope).account_id}"
        f":function:{function}"
    )


def hook_arns(
    scope: Construct, hooks: Mapping[HookEvent, str], created: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The function ARN of each lifecycle event, in the order the events happen: `hooks` (names or
    ARNs, deployment.hooks) and `created`, the ARNs of functions the stack creates."""
    # One ARN per function: an ARN made of tokens is a new string each time it is made.
    arn_of = {function: function_arn(scope, function) for function in dict.fromkeys(hooks.values())}
    by_event: dict[str, str] = {**{event: arn_of[function] for event, function in hooks.items()}, **(created or {})}
    return {event: by_event[event] for event in HOOK_EVENTS if event in by_event}


def invoke_statements(arns_by_event: Mapping[str, str]) -> list[dict[str, Any]]:
    """A grant to invoke exactly the hooks' functions, each once, in the order their events happen
    (a token sorts before an ARN, and resolves after)."""
    if not arns_by_event:
        return []
    arns = list(dict.fromkeys(arns_by_event.values()))
    return [{"Sid": "InvokeHooks", "Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": arns}]


def assume_role_policy(service: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}],
        },
        sort_keys=True,
    )


class ServiceRoles(Part):
    """The IAM roles of one blue/green service: the task's, and the one each engine assumes, which
    its part asks for (:meth:`add_codedeploy_role`, :meth:`add_infrastructure_role` and
    :meth:`native_hook_role`). ``*_role`` is None where an ARN was passed in, or where the engine
    does not use it."""

    codedeploy_role: IamRole | None = None
    infrastructure_role: IamRole | None = None
    hook_role: IamRole | None = None
    execution_role: IamRole | None = None
    task_role: IamRole | None = None

    def __init__(self, scope: Construct, id: str, *, name: str, props: IamProps) -> None:
        check_value("props", props, IamProps)
        super().__init__(scope, id)
        self.name = name
        self.props = props
        self.codedeploy_role_arn: str = props.codedeploy_role_arn or ""
        self.infrastructure_role_arn: str = props.infrastructure_role_arn or ""
        self.execution_role_arn: str = props.execution_role_arn or ""
        if props.execution_role_arn is None:
            self.execution_role = role = self._role(
                "execution", f"{name}-task-execution", "ecs-tasks.amazonaws.com", TASK_EXECUTION_POLICY
            )
            self.execution_role_arn = role.arn

        self.task_role_arn: str | None = props.task_role_arn
        if props.create_task_role:
            self.task_role = IamRole(
                self,
                "task",
                name=f"{name}-task",
                assume_role_policy=assume_role_policy("ecs-tasks.amazonaws.com"),
            )
            self.task_role_arn = self.task_role.arn
            for arn in props.task_role_policy_arns:
                # Keyed by the policy name, so the order of the list does not matter.
                IamRolePolicyAttachment(
                    self, f"task-{arn.rsplit('/', 1)[-1]}", role=self.task_role.name, policy_arn=arn
                )
            if props.task_role_statements:
                self.grant(self.task_role, "task-statements", [s.render() for s in props.task_role_statements])

    def add_codedeploy_role(self) -> str:
        """The role CodeDeploy assumes to act on ECS: the one given (iam.codedeploy_role_arn), or one
        created with AWSCodeDeployRoleForECS (once). Its ARN."""
        if self.props.codedeploy_role_arn is None and self.codedeploy_role is None:
            self.codedeploy_role = role = self._role(
                "codedeploy", f"{self.name}-codedeploy", "codedeploy.amazonaws.com", CODEDEPLOY_ECS_POLICY
            )
            self.codedeploy_role_arn = role.arn
        return self.codedeploy_role_arn

    def add_infrastructure_role(self) -> str:
        """The role ECS assumes to move traffic on the ECS-native engine: the one given
        (iam.infrastructure_role_arn), or one created with its managed policy (once). Its ARN."""
        if self.props.infrastructure_role_arn is None and self.infrastructure_role is None:
            self.infrastructure_role = role = self._role(
                "infrastructure", f"{self.name}-ecs-infrastructure", "ecs.amazonaws.com", INFRASTRUCTURE_POLICY
            )
            self.infrastructure_role_arn = role.arn
        return self.infrastructure_role_arn

    def native_hook_role(self, arns_by_event: Mapping[str, str]) -> str:
        """The role ECS assumes to run the lifecycle hooks (ECS-native): it may invoke exactly
        their functions. Its ARN."""
        self.hook_role = IamRole(
            self,
            "ecs-hooks",
            name=f"{self.name}-ecs-hooks",
            assume_role_policy=assume_role_policy("ecs.amazonaws.com"),
        )
        self.grant(self.hook_role, "ecs-hooks-invoke", invoke_statements(arns_by_event))
        return self.hook_role.arn

    def grant(self, role: IamRole, id: str, statements: Sequence[Mapping[str, Any]]) -> IamRolePolicy:
        """An inline policy of `role` with exactly `statements`, named after the role and `id`."""
        return IamRolePolicy(
            self,
            id,
            name=id,
            role=role.name,
            policy=json.dumps({"Version": "2012-10-17", "Statement": statements}, sort_keys=True),
        )

    def aws_managed(self, policy: str) -> str:
        """The ARN of an AWS-managed policy ("policy/..."), in the stack's partition."""
        return f"arn:{partition_of(self).partition}:iam::aws:{policy}"

    def _role(self, id: str, role_name: str, service: str, managed_policy: str) -> IamRole:
        role = IamRole(self, id, name=role_name, assume_role_policy=assume_role_policy(service))
        IamRolePolicyAttachment(self, f"{id}-policy", role=role.name, policy_arn=self.aws_managed(managed_policy))
        return role
