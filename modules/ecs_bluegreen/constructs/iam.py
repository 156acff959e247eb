"""IAM: the role CodeDeploy assumes, the task execution role and the optional task role."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Annotated, ClassVar, Literal

from constructs import Construct

from ..aws.iam_role import IamRole
from ..aws.iam_role_policy import IamRolePolicy
from ..aws.iam_role_policy_attachment import IamRolePolicyAttachment
from ..validation import ANY_REGION, SettingsError, check_arn, check_types, check_value, is_token, matches, parse_arn
from .provider import partition_of

CODEDEPLOY_ECS_POLICY = "policy/AWSCodeDeployRoleForECS"
TASK_EXECUTION_POLICY = "policy/service-role/AmazonECSTaskExecutionRolePolicy"


_ACTION = re.compile(r"[a-z0-9-]+:[A-Za-z0-9*?]+")
_CONDITION_OPERATOR = re.compile(r"(?:ForAllValues:|ForAnyValue:)?[A-Za-z]+?(?:IfExists)?")
_CONDITION_KEY = re.compile(r"[A-Za-z0-9:/_.*-]+")
_EVERYTHING = ("*", "*:*")


@dataclass(frozen=True, kw_only=True)
class PolicyStatementProps:
    """One statement of the task role's inline policy: what the application's code may call."""

    SETTING: ClassVar[str] = "policy_statement"
    """Where its settings sit, in the names of its errors."""

    actions: tuple[str, ...]
    """IAM actions, e.g. ("s3:GetObject", "s3:PutObject"); wildcards in the action name are allowed. Required."""
    resources: tuple[str, ...]
    """ARNs the actions apply to (wildcards allowed), or ("*",) for actions without resource types. Required."""
    effect: Literal["Allow", "Deny"] = "Allow"
    """"Allow", or "Deny" to carve out of what the role's other policies allow. Default: "Allow"."""
    conditions: Mapping[str, Mapping[str, tuple[str, ...]]] = field(default_factory=dict)
    """IAM conditions by operator and key, e.g. {"StringEquals": {"aws:ResourceTag/team": ("web",)}}. Default: {} (none)."""

    def __post_init__(self) -> None:
        check_types(self)
        for name, values in (("actions", self.actions), ("resources", self.resources)):
            if not values:
                raise SettingsError(f"policy_statement.{name}", values, "List at least one.")
            if len(set(values)) != len(values):
                raise SettingsError(f"policy_statement.{name}", values, "List each once.")
        for action in self.actions:
            if action not in _EVERYTHING and not matches(_ACTION, action):
                raise SettingsError("policy_statement.actions", action,
                                    "Name an IAM action as '<service>:<Action>', e.g. 's3:GetObject'.")
        for resource in self.resources:
            if resource != "*" and not is_token(resource) and parse_arn(resource.replace("*", "x")) is None:
                raise SettingsError("policy_statement.resources", resource,
                                    "Use an ARN (wildcards allowed, e.g. 'arn:aws:s3:::my-bucket/*'), or '*'.")
        if set(self.actions) & set(_EVERYTHING) and "*" in self.resources:
            raise SettingsError(
                "policy_statement.actions", self.actions,
                "Every action on every resource would make the task an administrator of the account, "
                "and any bug or dependency of the app with it: name the actions the app calls, or the "
                "resources it calls them on." if self.effect == "Allow" else
                "Denying every action on every resource leaves the task role nothing: name what to deny.",
            )
        for operator, keys in self.conditions.items():
            if not matches(_CONDITION_OPERATOR, operator):
                raise SettingsError("policy_statement.conditions", operator,
                                    "Use an IAM condition operator, e.g. 'StringEquals' or 'ArnLike'.")
            for key, values in keys.items():
                if not matches(_CONDITION_KEY, key) or not values:
                    raise SettingsError(f"policy_statement.conditions.{operator}", key,
                                        "Use a condition key such as 'aws:SourceVpc', with at least one value.")

    def render(self) -> dict:
        statement: dict = {"Effect": self.effect, "Action": list(self.actions), "Resource": list(self.resources)}
        if self.conditions:
            statement["Condition"] = {op: {k: list(v) for k, v in keys.items()} for op, keys in self.conditions.items()}
        return statement


@dataclass(frozen=True, kw_only=True)
class IamProps:
    """The roles the setup needs: each is created unless an existing role's ARN is given."""

    SETTING: ClassVar[str] = "iam"
    """Where its settings sit, in the names of its errors."""

    codedeploy_role_arn: str | None = None
    """Existing role CodeDeploy assumes (needs AWSCodeDeployRoleForECS, and lambda:InvokeFunction on the hooks' functions). Default: None (created)."""
    execution_role_arn: str | None = None
    """Existing ECS task execution role (pulls images, writes logs, reads the service's secrets: grant it those yourself). Default: None (created)."""
    task_role_arn: str | None = None
    """Existing role the application's code runs as. Default: None (no task role)."""
    create_task_role: bool = False
    """Create an empty task role for the application to grow. Default: False."""
    task_role_policy_arns: tuple[str, ...] = ()
    """Managed policies attached to a created task role. Default: () (none)."""
    task_role_statements: Annotated[tuple[PolicyStatementProps, ...], ANY_REGION] = ()
    """Statements of a created task role's inline policy (its resources may be in any region). Default: () (none)."""

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
        if self.task_role_statements and not self.create_task_role:
            raise SettingsError(
                "iam.task_role_statements", self.task_role_statements,
                "Statements go into a created task role: set create_task_role=True, or grant them in "
                "your own role.",
            )
        for arn in self.task_role_policy_arns:
            check_arn("iam.task_role_policy_arns", arn, "iam", "policy/")
        names = [arn.rsplit("/", 1)[-1] for arn in self.task_role_policy_arns]
        if len(set(names)) != len(names):
            raise SettingsError(
                "iam.task_role_policy_arns", self.task_role_policy_arns,
                "List each policy once; two policies with the same name cannot both be attached.",
            )


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
                assume_role_policy=assume_role_policy("ecs-tasks.amazonaws.com"),
            )
            self.task_role_arn = self.task_role.arn
            for arn in props.task_role_policy_arns:
                # Keyed by the policy name, so the order of the list does not matter.
                IamRolePolicyAttachment(self, f"task-{arn.rsplit('/', 1)[-1]}",
                                        role=self.task_role.name, policy_arn=arn)
            if props.task_role_statements:
                self.grant(self.task_role, "task-statements", [s.render() for s in props.task_role_statements])

    def grant(self, role: IamRole, id: str, statements: list[dict]) -> IamRolePolicy:
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
