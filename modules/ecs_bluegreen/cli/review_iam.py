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
    kinds = {"Service": "service", "AWS": "AWS principal", "Federated": "identity provider",
             "CanonicalUser": "canonical user"}
    pairs = sorted(principal.items()) if isinstance(principal, dict) else []
    found = [f"{kinds.get(kind, kind)} {who}" for kind, value in pairs for who in _listed(value)]
    return found + [f"all but {who}" for who in _principals({"Principal": statement["NotPrincipal"]})] \
        if "NotPrincipal" in statement else found


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
        targets = _principals(statement) if trust else \
            _listed(statement.get("Resource")) + [f"all but {r}" for r in _listed(statement.get("NotResource"))]
        condition = json.dumps(statement["Condition"], sort_keys=True) if statement.get("Condition") else ""
        found |= {(effect, action, target, condition) for action in actions or ["(no action)"]
                  for target in targets or ["(none)"]}
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
    return [f"{effect} {', '.join(actions)} {word} {', '.join(targets)}{_condition(condition)}"
            for (effect, condition, actions), targets in sorted(grouped.items())]


def change(before: Any, after: Any, *, trust: bool = False, unknown: bool = False) -> tuple[str, bool]:
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
