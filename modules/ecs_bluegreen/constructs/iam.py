"""IAM: the role CodeDeploy assumes, the task execution role and the optional task role."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import ClassVar

from constructs import Construct

from ..aws.data_aws_partition import DataAwsPartition
from ..aws.iam_role import IamRole
from ..aws.iam_role_policy_attachment import IamRolePolicyAttachment
from ..validation import SettingsError, check_arn, check_types, check_value

CODEDEPLOY_ECS_POLICY = "policy/AWSCodeDeployRoleForECS"
TASK_EXECUTION_POLICY = "policy/service-role/AmazonECSTaskExecutionRolePolicy"


@dataclass(frozen=True, kw_only=True)
class IamProps:
    """The roles the setup needs: each is created unless an existing role's ARN is given."""

    SETTING: ClassVar[str] = "iam"
    """Where its settings sit, in the names of its errors."""

    codedeploy_role_arn: str | None = None
    """Existing role CodeDeploy assumes (needs AWSCodeDeployRoleForECS). Default: None (created)."""
    execution_role_arn: str | None = None
    """Existing ECS task execution role (pulls images, writes logs). Default: None (created)."""
    task_role_arn: str | None = None
    """Existing role the application's code runs as. Default: None (no task role)."""
    create_task_role: bool = False
    """Create an empty task role for the application to grow. Default: False."""
    task_role_policy_arns: tuple[str, ...] = ()
    """Managed policies attached to a created task role. Default: () (none)."""

    def __post_init__(self) -> None:
        check_types(self)
        check_arn("iam.codedeploy_role_arn", self.codedeploy_role_arn, "iam", "role/")
        check_arn("iam.execution_role_arn", self.execution_role_arn, "iam", "role/")
        check_arn("iam.task_role_arn", self.task_role_arn, "iam", "role/")
        if self.task_role_arn is not None and self.create_task_role:
            raise SettingsError(
                "iam.create_task_role", True,
                "task_role_arn already names a task role: set one of the two, not both.",
            )
        if self.task_role_policy_arns and not self.create_task_role:
            raise SettingsError(
                "iam.task_role_policy_arns", self.task_role_policy_arns,
                "Policies are attached only to a created task role: set create_task_role=True, "
                "or attach them to your own role.",
            )
        for arn in self.task_role_policy_arns:
            check_arn("iam.task_role_policy_arns", arn, "iam", "policy/")
        names = [arn.rsplit("/", 1)[-1] for arn in self.task_role_policy_arns]
        if len(set(names)) != len(names):
            raise SettingsError(
                "iam.task_role_policy_arns", self.task_role_policy_arns,
                "List each policy once; two policies with the same name cannot both be attached.",
            )


def _assume_role_policy(service: str) -> str:
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
        self._partition: DataAwsPartition | None = None

        if props.codedeploy_role_arn is None:
            self.codedeploy_role = self._role("codedeploy", f"{name}-codedeploy",
                                              "codedeploy.amazonaws.com", CODEDEPLOY_ECS_POLICY)
        self.codedeploy_role_arn: str = props.codedeploy_role_arn or self.codedeploy_role.arn

        if props.execution_role_arn is None:
            self.execution_role = self._role("execution", f"{name}-task-execution",
                                             "ecs-tasks.amazonaws.com", TASK_EXECUTION_POLICY)
        self.execution_role_arn: str = props.execution_role_arn or self.execution_role.arn

        self.task_role_arn: str | None = props.task_role_arn
        if props.create_task_role:
            self.task_role = IamRole(
                self, "task", name=f"{name}-task",
                assume_role_policy=_assume_role_policy("ecs-tasks.amazonaws.com"),
            )
            self.task_role_arn = self.task_role.arn
            for arn in props.task_role_policy_arns:
                # Keyed by the policy name, so the order of the list does not matter.
                IamRolePolicyAttachment(self, f"task-{arn.rsplit('/', 1)[-1]}",
                                        role=self.task_role.name, policy_arn=arn)

    def _aws_managed(self, policy: str) -> str:
        if self._partition is None:
            self._partition = DataAwsPartition(self, "partition")
        return f"arn:{self._partition.partition}:iam::aws:{policy}"

    def _role(self, id: str, role_name: str, service: str, managed_policy: str) -> IamRole:
        role = IamRole(self, id, name=role_name, assume_role_policy=_assume_role_policy(service))
        IamRolePolicyAttachment(self, f"{id}-policy", role=role.name,
                                policy_arn=self._aws_managed(managed_policy))
        return role
