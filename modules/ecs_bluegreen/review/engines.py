"""Which engine runs an ECS service of the plan, read from its values: CodeDeploy (the CODE_DEPLOY
controller), or ECS itself (its own controller, with a blue/green strategy)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .plan import ResourceChange, block

NATIVE_STRATEGIES = ("BLUE_GREEN", "CANARY", "LINEAR")
"""The strategies of ECS-native blue/green (deployment_configuration.strategy)."""


def controller(values: Mapping[str, Any]) -> str | None:
    return (block(values.get("deployment_controller")) or {}).get("type")


def by_codedeploy(values: Mapping[str, Any]) -> bool:
    """An ECS service CodeDeploy deploys (the CODE_DEPLOY controller)."""
    return controller(values) == "CODE_DEPLOY"


def by_ecs(values: Mapping[str, Any]) -> bool:
    """An ECS service under ECS's own controller with a blue/green strategy (ECS-native engine)."""
    strategy = (block(values.get("deployment_configuration")) or {}).get("strategy")
    return controller(values) in (None, "ECS") and strategy in NATIVE_STRATEGIES


def blue_green_service(change: ResourceChange) -> bool:
    """An ECS service deployed blue/green, by CodeDeploy or by ECS, by what the plan says of it."""
    if change.type != "aws_ecs_service":
        return False
    return any(by_codedeploy(side) or by_ecs(side) for side in (change.before, change.after))
