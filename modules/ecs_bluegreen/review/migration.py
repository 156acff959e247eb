"""A plan that moves a service from CodeDeploy to the ECS-native engine (README, "Migrate"), told as
such: step 1 hands the service to ECS in place; step 2 removes the CodeDeploy resources no service
deploys through any more, which interrupts nothing."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from . import iam
from .engines import by_codedeploy, by_ecs
from .plan import ResourceChange, block

CODEDEPLOY_KINDS = {
    "aws_codedeploy_app": "the CodeDeploy application",
    "aws_codedeploy_deployment_group": "a CodeDeploy deployment group",
    "aws_codedeploy_deployment_config": "a CodeDeploy deployment config",
}
"""CodeDeploy's resources, and what each is."""


def _trusts(values: Mapping[str, Any], service: str) -> bool:
    try:
        policy = json.loads(values.get("assume_role_policy") or "{}")
    except (TypeError, ValueError):
        return False
    statements = policy.get("Statement") if isinstance(policy, dict) else None
    for statement in statements if isinstance(statements, list) else []:
        principal = (statement.get("Principal") or {}).get("Service") if isinstance(statement, dict) else None
        if service in ([principal] if isinstance(principal, str) else principal or []):
            return True
    return False


def retired(changes: list[ResourceChange]) -> dict[str, str]:
    """The CodeDeploy resources a move to the ECS-native engine deletes (step 2 of the migration),
    each with what it was: the application, the deployment groups and configs, the roles trusted by
    codedeploy.amazonaws.com and their policies. Empty unless every ECS service the plan keeps is
    on the ECS-native engine after it: then no deployment goes through them any more."""
    services = [c for c in changes if c.type == "aws_ecs_service" and c.actions != ["delete"]]
    if not services or not all(by_ecs(c.after) for c in services):
        return {}
    deleted = [c for c in changes if c.actions == ["delete"]]
    found = {c.address: CODEDEPLOY_KINDS[c.type] for c in deleted if c.type in CODEDEPLOY_KINDS}
    roles = {
        c.before.get("name"): c.address
        for c in deleted
        if c.type == "aws_iam_role" and _trusts(c.before, "codedeploy.amazonaws.com")
    }
    found.update(dict.fromkeys(roles.values(), "CodeDeploy's role"))
    found.update(
        {
            c.address: "a policy of CodeDeploy's role"
            for c in deleted
            if c.type in iam.KINDS and c.type != "aws_iam_role" and c.before.get("role") in roles
        }
    )
    return found


def migration_notes(changes: list[ResourceChange], retired: Mapping[str, str]) -> list[str]:
    """What a plan of the migration to the ECS-native engine does, step by step: the service handed
    to ECS, and the CodeDeploy resources `retired` (`retired()`)."""
    notes = []
    for change in changes:
        if (
            change.type == "aws_ecs_service"
            and change.actions == ["update"]
            and by_codedeploy(change.before)
            and by_ecs(change.after)
        ):
            strategy = (block(change.after.get("deployment_configuration")) or {}).get("strategy")
            notes.append(
                f"{change.address}: handed from CodeDeploy to ECS-native blue/green ({strategy}), in "
                "place: the deployment controller, the alternate target group, the listener rules and the "
                "role ECS moves traffic with. Nothing in the traffic path is replaced; ECS rolls the running "
                "revision out once, as for any change of the load balancer block."
            )
    if retired:
        listed = "; ".join(f"{address} ({what})" for address, what in sorted(retired.items()))
        notes.append(
            f"Removes what CodeDeploy used, now that every service in the plan runs on ECS-native blue/"
            f"green: {listed}. No deployment goes through them any more, so traffic is not interrupted."
        )
    return notes
