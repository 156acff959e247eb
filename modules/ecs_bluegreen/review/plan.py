"""A Terraform JSON plan at the door, checked once before the review reads any of it; and its
resource changes, as the readers take them.

The shape is the part of Terraform's JSON output format (`terraform show -json PLANFILE`,
"format_version" 1.x) that the review, the roles and the timeline read, declared once below: the
envelope (resource and output changes, the configuration's output references), and the kinds of
the attributes whose values they use as more than text. A document that does not have it is
refused on one line, naming the first place that differs and what was expected there; whatever
passes, the readers can take as Terraform wrote it. Light on purpose: no CDKTF, no boto3.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

ACTIONS = frozenset({"no-op", "create", "read", "update", "delete", "forget"})
"""The actions Terraform plans for a resource or an output."""

Check = Callable[[Any, str], "str | None"]
"""A check of one value at one place: why it is not what the plan format has there, or None."""


def _kind(value: Any) -> str:
    return {dict: "an object", list: "an array", str: "a string", bool: "a boolean", type(None): "null"}.get(
        type(value), "a number"
    )


def text(value: Any, where: str) -> str | None:
    return None if isinstance(value, str) else f"{where} is {_kind(value)}, not a string"


def scalar(value: Any, where: str) -> str | None:
    """A string, number, boolean or null: what the readers compare and collect."""
    return None if not isinstance(value, (dict, list)) else f"{where} is {_kind(value)}, not a single value"


def anything(value: Any, where: str) -> str | None:
    return None


def array(item: Check, *, non_empty: bool = False) -> Check:
    def check(value: Any, where: str) -> str | None:
        if not isinstance(value, list):
            return f"{where} is {_kind(value)}, not an array"
        if non_empty and not value:
            return f"{where} is an empty array"
        return next(filter(None, (item(v, f"{where}[{i}]") for i, v in enumerate(value))), None)

    return check


def nullable(inner: Check) -> Check:
    return lambda value, where: None if value is None else inner(value, where)


def one_of(values: frozenset[str]) -> Check:
    return lambda value, where: (
        None
        if isinstance(value, str) and value in values
        else f"{where} is {json.dumps(value)}, not one of {', '.join(sorted(values))}"
    )


def json_array_of_objects(value: Any, where: str) -> str | None:
    """A string holding a JSON array of objects (a task definition's container definitions)."""
    if not isinstance(value, str):
        return f"{where} is {_kind(value)}, not a string of JSON"
    try:
        parsed = json.loads(value)
    except ValueError:
        return None  # the review says the containers cannot be compared
    return array(obj())(parsed, f"{where} (parsed)")


@dataclass(frozen=True)
class obj:
    """An object with `required` and optional keys (`optional`), each with its check; other keys pass
    (`values`, when given, checks each of them: a map)."""

    required: Mapping[str, Check] | None = None
    optional: Mapping[str, Check] | None = None
    values: Check | None = None

    def __call__(self, value: Any, where: str) -> str | None:
        if not isinstance(value, dict):
            return f"{where} is {_kind(value)}, not an object"
        missing = [key for key in self.required or {} if key not in value]
        if missing:
            return f"{where} has no {json.dumps(missing[0])}"
        known = {**(self.optional or {}), **(self.required or {})}
        for key, item in value.items():
            check = known.get(key, self.values)
            problem = check(item, f"{where}.{key}" if where != "it" else key) if check is not None else None
            if problem:
                return problem
        return None


ATTRIBUTES: dict[str, Check] = {
    "cidr_blocks": nullable(array(text)),
    "security_groups": nullable(array(text)),
    "subnets": nullable(array(text)),
    "role": nullable(text),
    "name": nullable(scalar),
    "port": scalar,
    "security_group_id": scalar,
    "ip_protocol": scalar,
    "protocol": scalar,
    "from_port": scalar,
    "to_port": scalar,
    "cidr_ipv4": scalar,
    "cidr_ipv6": scalar,
    "referenced_security_group_id": scalar,
    "policy": nullable(text),
    "assume_role_policy": nullable(text),
    "container_definitions": nullable(json_array_of_objects),
}
"""The attributes whose values the readers use as more than text (collect, join, parse), with
the kind the AWS provider gives them; the others are only compared and shown."""

VALUES = nullable(obj(optional=ATTRIBUTES))
"""A resource's attribute values before or after the change (null: it does not exist)."""

REFERENCES = obj(optional={"references": array(anything)})
"""An expression in the configuration: what it refers to."""

PLAN = obj(
    required={"format_version": text},
    optional={
        "resource_changes": array(
            obj(
                required={
                    "address": text,
                    "type": text,
                    "change": obj(
                        required={"actions": array(one_of(ACTIONS), non_empty=True)},
                        optional={
                            "before": VALUES,
                            "after": VALUES,
                            "after_unknown": nullable(obj()),
                            "replace_paths": array(array(scalar)),
                        },
                    ),
                },
                optional={"mode": text},
            )
        ),
        "output_changes": obj(values=obj(required={"actions": array(one_of(ACTIONS), non_empty=True)})),
        "configuration": obj(
            optional={
                "root_module": obj(
                    optional={
                        "outputs": obj(values=obj(optional={"expression": REFERENCES})),
                        "resources": array(
                            obj(
                                optional={
                                    "address": scalar,
                                    "type": scalar,
                                    "expressions": obj(optional={"deployment_config_name": REFERENCES}),
                                }
                            )
                        ),
                    }
                )
            }
        ),
    },
)
"""What the review reads of a plan."""


def plan_problem(document: Any) -> str | None:
    """Why `document` is not a Terraform JSON plan the review can read, or None."""
    if isinstance(document, dict) and "resource_changes" not in document and "planned_values" not in document:
        return "it has neither resource_changes nor planned_values (is it `terraform show -json` of the state?)"
    return PLAN(document, "it")


class PlanError(ValueError):
    """The input is no Terraform JSON plan the review can read: one line, what it is and what to give."""


def load_plan(text: str, source: str) -> dict[str, Any]:
    """The plan in `text` (from `source`, for the message), checked."""
    try:
        plan = json.loads(text)
    except json.JSONDecodeError as err:
        raise PlanError(f"{source} is not JSON ({err}): give the output of `terraform show -json PLANFILE`") from None
    problem = plan_problem(plan)
    if problem:
        raise PlanError(
            f"{source} is not a Terraform plan ({problem}): give the output of `terraform show -json PLANFILE`"
        )
    return plan  # type: ignore[no-any-return]


def block(value: Any) -> dict[str, Any] | None:
    """A nested block as the plan gives it (a list of one) or as the config gives it (an object);
    None for a value that is no block."""
    if isinstance(value, list):
        value = value[0] if value else None
    return value if isinstance(value, dict) else None


def managed_changes(plan: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The plan's changes of managed resources (data sources are read, never changed)."""
    return [c for c in plan.get("resource_changes") or [] if c.get("mode", "managed") == "managed"]


@dataclass(frozen=True)
class ResourceChange:
    """One resource's change in the plan, as every reading of it takes it."""

    address: str
    type: str
    actions: list[str]
    before: Mapping[str, Any]  # {} when the resource does not exist before
    after: Mapping[str, Any]  # {} when it does not exist after
    unknown: Mapping[str, Any]  # what is known only after apply
    replace_paths: str  # the attributes that force a replacement, "a.b, c"

    @classmethod
    def of(cls, change: Mapping[str, Any]) -> ResourceChange:
        body = change["change"]
        paths = body.get("replace_paths") or []
        return cls(
            change["address"],
            change["type"],
            body["actions"],
            body.get("before") or {},
            body.get("after") or {},
            body.get("after_unknown") or {},
            ", ".join(".".join(str(p) for p in path) for path in paths),
        )

    @property
    def gone(self) -> bool:
        """Replaced or deleted."""
        return "delete" in self.actions

    @property
    def verb(self) -> str:
        return verb(self.actions)


def verb(actions: list[str]) -> str:
    if actions == ["delete"]:
        return "deleted"
    if "delete" in actions and "create" in actions:
        return "replaced"
    return {"create": "created", "update": "updated in place"}.get(actions[0], actions[0])
