"""What takes effect only at the next `bluegreen deploy`: a new task definition revision (told
with the differ `deploy` uses, variables and secrets by name only), and the AppSpec outputs ECS
takes only from a deployment; unless the plan creates the service anew, which starts with them."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ..contract import APPSPEC_OUTPUTS
from ..revisions import diff
from .findings import Finding, FindingClass, Found
from .plan import ResourceChange, block
from .roles import service_roles

_REVISION = {
    "family": "family",
    "cpu": "cpu",
    "memory": "memory",
    "execution_role_arn": "executionRoleArn",
    "task_role_arn": "taskRoleArn",
    "network_mode": "networkMode",
    "requires_compatibilities": "requiresCompatibilities",
    "ephemeral_storage": "ephemeralStorage",
    "runtime_platform": "runtimePlatform",
}
"""A task definition's attributes in the plan, and their names in a revision (revisions.py)."""


def _camel(key: str) -> str:
    head, *rest = key.split("_")
    return head + "".join("GiB" if part == "gib" else part.title() for part in rest)


def _revisions(
    before: Mapping[str, Any], after: Mapping[str, Any], unknown: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """The two revisions of a planned task definition change, shaped as ECS describes them, without
    what is known only after apply (not a difference to review); None when the containers are."""
    if unknown.get("container_definitions"):
        return None
    shaped = []
    for values in (before, after):
        revision: dict[str, Any] = {}
        for key, name in _REVISION.items():
            value = values.get(key)
            if unknown.get(key) or value in (None, "", []):
                continue
            nested = block(value)
            revision[name] = {_camel(k): v for k, v in nested.items()} if nested is not None else value
        try:
            revision["containerDefinitions"] = json.loads(values.get("container_definitions") or "[]")
        except ValueError:
            return None
        shaped.append(revision)
    return shaped[0], shaped[1]


def _task_definition_change(
    before: Mapping[str, Any], after: Mapping[str, Any], unknown: Mapping[str, Any]
) -> tuple[list[str], bool]:
    """What differs between two revisions, for a reviewer (the differ `deploy` uses: variables and
    secrets by name only); and whether it is an image alone."""
    revisions = _revisions(before, after, unknown)
    if revisions is None:
        return ["container definitions known only after apply"], False
    changes = diff(*revisions)
    image_only = bool(changes) and all(c.field.endswith(".image") and c.field.count(".") == 1 for c in changes)
    return [c.summary for c in changes], image_only


def task_definition_found(change: ResourceChange) -> Found:
    """A new revision of a service the plan keeps: what differs, or a note when it is the image alone
    (the deployment's, never Terraform's to review)."""
    described, image_only = _task_definition_change(change.before, change.after, change.unknown)
    if image_only:
        return Found(
            notes=(
                f"{change.address}: only the image differs ({'; '.join(described)}). Nothing to review: the image is "
                "the deployment's. `bluegreen deploy` rolls out the image that runs now unless given --image, and "
                "Terraform's plan never shows the image a deployment set.",
            )
        )
    family = change.after.get("family") or change.before.get("family") or ""
    what = f"a new revision of {family}" + (f": {'; '.join(described)}" if described else "")
    return Found(
        (
            Finding(
                change.address,
                change.type,
                change.actions,
                FindingClass.NEXT_DEPLOY,
                what,
                "registered now, but the running tasks keep their revision until `bluegreen deploy`",
            ),
        )
    )


def _created_anew(plan: Mapping[str, Any], changes: list[ResourceChange]) -> set[str]:
    """The output prefixes of the services the plan creates or replaces: they start with the plan's
    values at apply, not at a deployment."""
    actions = {c.address: c.actions for c in changes}
    return {roles.prefix for roles in service_roles(plan) if "create" in actions.get(roles.service or "", [])}


def output_findings(plan: Mapping[str, Any], changes: list[ResourceChange]) -> list[Finding]:
    """The AppSpec outputs a plan changes: ECS takes them only from a deployment, unless the plan
    creates the service anew (as it does with the task definition)."""
    findings = []
    anew = _created_anew(plan, changes)
    for name, change in sorted((plan.get("output_changes") or {}).items()):
        actions = change.get("actions") or []
        key = next((k for k in APPSPEC_OUTPUTS if name.endswith(k)), None)
        if key is None or key == "task_definition_arn" or actions in (["no-op"], ["create"]):
            continue
        shown_after = "(known after apply)" if change.get("after_unknown") else json.dumps(change.get("after"))
        what = f"{key} {json.dumps(change.get('before'))} → {shown_after}"
        fresh = name[: -len(key)] in anew
        why = (
            "the service is created anew with it at apply"
            if fresh
            else "ECS takes it only from a deployment (the AppSpec, or UpdateService on the ECS-native engine), "
            "so it reaches the service at the next `bluegreen deploy`"
        )
        if key == "assign_public_ip" and change.get("after") is True:
            findings.append(
                Finding(f"output.{name}", "output", actions, FindingClass.REACH, f"tasks get public IPs: {what}", why)
            )
        elif not fresh:
            findings.append(Finding(f"output.{name}", "output", actions, FindingClass.NEXT_DEPLOY, what, why))
    return findings
