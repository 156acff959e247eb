"""The engines that run a service's blue/green deployments, each one part of the composite behind
one interface (base.py): CodeDeploy's (codedeploy.py) and ECS's own (ecs.py). The composite picks
its part here, once, by deployment.engine."""

from __future__ import annotations

from ...contract import Engine
from ...settings import BlueGreenServiceProps
from .base import BlueGreenService, EnginePart, Outputs
from .codedeploy import CodeDeployPart
from .ecs import EcsNativePart

ENGINE_PARTS: dict[Engine, type[EnginePart]] = {part.NAME: part for part in (CodeDeployPart, EcsNativePart)}


def engine_part(props: BlueGreenServiceProps) -> EnginePart:
    """The part of the engine the settings name; an engine these bindings lack is refused here,
    before any resource is made."""
    return ENGINE_PARTS[props.deployment.engine](props)


__all__ = [
    "ENGINE_PARTS",
    "BlueGreenService",
    "CodeDeployPart",
    "EcsNativePart",
    "EnginePart",
    "Outputs",
    "engine_part",
]
