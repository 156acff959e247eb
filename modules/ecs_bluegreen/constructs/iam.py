"""IAM: the role CodeDeploy assumes, the task execution role and the optional task role."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from constructs import Construct

from ..settings import IamProps, check_value
from .aws.iam_role import IamRole
from .aws.iam_role_policy import IamRolePolicy
from .aws.iam_role_policy_attachment import IamRolePolicyAttachment
from .provider import partition_of

CODEDEPLOY_ECS_POLICY = "policy/AWSCodeDeployRoleForECS"
TASK_EXECUTION_POLICY = "policy/service-role/AmazonECSTaskExecutionRolePolicy"


def assume_role_policy(service: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}
            ],
        },
        sort_keys=True,
    )


class ServiceRoles(Construct):
    """The IAM roles of one blue/green service. ``*_role`` is None where an ARN was passed in."""

    codedeploy_role: IamRole | None = None
    execution_role: IamRole | None = None
    task_role: IamRole | None = None

    def __init__(self, scope: Construct, id: str, *, name: str, props: IamProps) -> None:
        check_value("props", props, IamProps)
        super().__init__(scope, id)

        self.codedeploy_role_arn: str = props.codedeploy_role_arn or ""
        if props.codedeploy_role_arn is None:
            self.codedeploy_role = role = self._role("codedeploy", f"{name}-codedeploy", "codedeploy.amazonaws.com",
                                                     CODEDEPLOY_ECS_POLICY)
            self.codedeploy_role_arn = role.arn
        self.execution_role_arn: str = props.execution_role_arn or ""
        if props.execution_role_arn is None:
            self.execution_role = role = self._role("execution", f"{name}-task-execution", "ecs-tasks.amazonaws.com",
                                                    TASK_EXECUTION_POLICY)
            self.execution_role_arn = role.arn

        self.task_role_arn: str | None = props.task_role_arn
        if props.create_task_role:
            self.task_role = IamRole(
                self, "task", name=f"{name}-task",
                assume_role_policy=assume_role_policy("ecs-tasks.amazonaws.com"),
            )
            self.task_role_arn = self.task_role.arn
            for arn in props.task_role_policy_arns:
                # Keyed by the policy name, so the order of the list does not matter.
                IamRolePolicyAttachment(self, f"task-{arn.rsplit('/', 1)[-1]}",
                                        role=self.task_role.name, policy_arn=arn)
            if props.task_role_statements:
                self.grant(self.task_role, "task-statements", [s.render() for s in props.task_role_statements])

    def grant(self, role: IamRole, id: str, statements: Sequence[Mapping[str, Any]]) -> IamRolePolicy:
        """An inline policy of `role` with exactly `statements`, named after the role and `id`."""
        return IamRolePolicy(self, id, name=id, role=role.name, policy=json.dumps(
            {"Version": "2012-10-17", "Statement": statements}, sort_keys=True))

    def aws_managed(self, policy: str) -> str:
        """The ARN of an AWS-managed policy ("policy/..."), in the stack's partition."""
        return f"arn:{partition_of(self).partition}:iam::aws:{policy}"

    def _role(self, id: str, role_name: str, service: str, managed_policy: str) -> IamRole:
        role = IamRole(self, id, name=role_name, assume_role_policy=assume_role_policy(service))
        IamRolePolicyAttachment(self, f"{id}-policy", role=role.name,
                                policy_arn=self.aws_managed(managed_policy))
        return role
