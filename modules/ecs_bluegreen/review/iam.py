"""IAM in a plan, as a security reviewer reads it: who may assume a role, and what a policy allows.

A policy document is read as a set of grants, one per effect, action, resource (or principal) and
condition, so that two versions compare exactly: what a change adds and what it removes, whatever
the statements' order or grouping. The grants are told back grouped, one line per statement-like
group: "Allow ssm:GetParameters on arn:aws:ssm:...:parameter/web/* when StringEquals
aws:SourceVpc = vpc-1". Light on purpose: no CDKTF, no boto3.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from .findings import Finding, FindingClass
from .plan import ResourceChange

KINDS = (
    "aws_iam_role",
    "aws_iam_role_policy",
    "aws_iam_policy",
    "aws_iam_role_policy_attachment",
    "aws_iam_policy_attachment",
)
"""The IAM resources whose changes say who may do what."""
IAM_MEANING = {
    (True, "created"): "these principals may assume the role and act with all its permissions",
    (True, "deleted"): "no one may assume the role any more",
    (True, "widened"): "more principals may assume the role, or on fewer conditions, and act with its permissions",
    (True, "narrowed"): "a principal that assumed the role before may be refused: what runs as it fails",
    (True, "changed"): "who may assume the role changes: check both sides",
    (False, "created"): "the role may do this from apply on",
    (False, "deleted"): "the role can no longer do what only this policy allowed: what relied on it fails",
    (False, "widened"): "the role may do what is added from apply on",
    (False, "narrowed"): "what relied on the removed grants fails from apply on",
    (False, "changed"): "what the role may do changes: check both sides",
}
"""What an IAM change means, by whether it is a trust policy and how it changed."""

Grant = tuple[str, str, str, str]
"""(effect, action, resource or principal, condition as canonical JSON, "" for none)."""


def _listed(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value] if isinstance(value, list) else []


def _statements(document: Any) -> list[Mapping[str, Any]] | None:
    """The statements of a policy document (JSON text), or None when it is none (unknown, not JSON)."""
    if not isinstance(document, str):
        return None
    try:
        policy = json.loads(document)
    except ValueError:
        return None
    found = policy.get("Statement") if isinstance(policy, dict) else None
    found = [found] if isinstance(found, dict) else found
    return [s for s in found if isinstance(s, dict)] if isinstance(found, list) else None


def _principals(statement: Mapping[str, Any]) -> list[str]:
    principal = statement.get("Principal")
    if principal == "*":
        return ["anyone (*)"]
    kinds = {
        "Service": "service",
        "AWS": "AWS principal",
        "Federated": "identity provider",
        "CanonicalUser": "canonical user",
    }
    pairs = sorted(principal.items()) if isinstance(principal, dict) else []
    found = [f"{kinds.get(kind, kind)} {who}" for kind, value in pairs for who in _listed(value)]
    return (
        found + [f"all but {who}" for who in _principals({"Principal": statement["NotPrincipal"]})]
        if "NotPrincipal" in statement
        else found
    )


def grants(document: Any, *, trust: bool = False) -> set[Grant] | None:
    """What a policy document allows and denies, one grant each; for a trust policy (`trust`), by
    principal instead of resource. None when the document cannot be read (known only after apply)."""
    statements = _statements(document)
    if statements is None:
        return None
    found: set[Grant] = set()
    for statement in statements:
        effect = str(statement.get("Effect", "Allow"))
        actions = _listed(statement.get("Action")) + [f"all but {a}" for a in _listed(statement.get("NotAction"))]
        targets = (
            _principals(statement)
            if trust
            else _listed(statement.get("Resource")) + [f"all but {r}" for r in _listed(statement.get("NotResource"))]
        )
        condition = json.dumps(statement["Condition"], sort_keys=True) if statement.get("Condition") else ""
        found |= {
            (effect, action, target, condition)
            for action in actions or ["(no action)"]
            for target in targets or ["(none)"]
        }
    return found


def _condition(text: str) -> str:
    if not text:
        return ""
    condition = json.loads(text)
    if not isinstance(condition, dict):
        return f" when {text}"
    parts = []
    for operator, keys in sorted(condition.items()):
        for key, values in sorted((keys or {}).items()) if isinstance(keys, dict) else ():
            parts.append(f"{operator} {key} = {', '.join(_listed(values)) or json.dumps(values)}")
    return " when " + "; ".join(parts)


def told(found: Iterable[Grant], *, trust: bool = False) -> list[str]:
    """The grants as lines, grouped: the actions on the same resources (or by the same principals)
    under the same condition make one line."""
    by_target: dict[tuple[str, str, str], set[str]] = {}
    for effect, action, target, condition in found:
        by_target.setdefault((effect, condition, target), set()).add(action)
    grouped: dict[tuple[str, str, tuple[str, ...]], list[str]] = {}
    for (effect, condition, target), actions in sorted(by_target.items()):
        grouped.setdefault((effect, condition, tuple(sorted(actions))), []).append(target)
    word = "by" if trust else "on"
    return [
        f"{effect} {', '.join(actions)} {word} {', '.join(targets)}{_condition(condition)}"
        for (effect, condition, actions), targets in sorted(grouped.items())
    ]


def policy_change(before: Any, after: Any, *, trust: bool = False, unknown: bool = False) -> tuple[str, bool]:
    """What a policy change does, for a reviewer: the grants created, added, removed or deleted; and
    whether it widens what is allowed (a grant added, or a Deny removed)."""
    old = grants(before, trust=trust) if before is not None else set()
    new = None if unknown else grants(after, trust=trust) if after is not None else set()
    if old is None or new is None:
        return "known only after apply: read the policy in the plan", True
    added, removed = new - old, old - new
    # A grant that only gains a condition narrows; any other Allow added, or Deny removed, widens.
    wider = any(g[0] == "Allow" and (*g[:3], "") not in old for g in added) or any(g[0] == "Deny" for g in removed)
    if before is None:
        return "; ".join(told(added, trust=trust)) or "empty", wider
    if after is None:
        return "removes " + ("; ".join(told(removed, trust=trust)) or "nothing"), wider
    parts = [f"adds {'; '.join(told(added, trust=trust))}"] if added else []
    parts += [f"removes {'; '.join(told(removed, trust=trust))}"] if removed else []
    return "; ".join(parts) or "the same grants, written differently", wider


def iam_finding(change: ResourceChange) -> Finding | None:
    """A role's trust (who may assume it), a policy's grants (added, removed), an attachment."""
    kind, actions, before, after = change.type, change.actions, change.before, change.after
    if kind in ("aws_iam_role_policy_attachment", "aws_iam_policy_attachment"):
        values = after or before
        role, was = values.get("role"), (before or {}).get("role")
        on = f" role {role}" if isinstance(role, str) else " a role this plan creates"
        verb = {"create": "attached to", "delete": "detached from"}.get("-".join(actions), "attached again to")
        if verb == "attached again to" and isinstance(was, str) and was != role:
            on += f" (was {was})"
        why = (
            "the role may do everything the managed policy allows, as AWS changes it"
            if "create" in actions
            else "the role can no longer do what only this policy allowed"
        )
        return Finding(
            change.address, kind, actions, FindingClass.REACH, f"{values.get('policy_arn')} {verb}{on}", why
        )
    attribute, trust = ("assume_role_policy", True) if kind == "aws_iam_role" else ("policy", False)
    if kind == "aws_iam_role" and actions == ["delete"]:
        return None  # the role in the traffic path says it
    old = before.get(attribute) if before else None
    new = after.get(attribute) if after else None
    if old == new and not change.unknown.get(attribute):
        return None
    said, wider = policy_change(old, new, trust=trust, unknown=bool(change.unknown.get(attribute)))
    subject = "trust" if trust else "permissions"
    verb = (
        "created"
        if not before
        else "deleted"
        if not after
        else "widened"
        if wider
        else "narrowed"
        if said.startswith("removes")
        else "changed"
    )
    role = (after or before).get("role") if not trust else None
    owner = f" of role {role}" if isinstance(role, str) else ""
    who = " (who may assume the role)" if trust else ""
    return Finding(
        change.address,
        kind,
        actions,
        FindingClass.REACH,
        f"{subject}{owner} {verb}{who}: {said}",
        IAM_MEANING[(trust, verb)],
    )
