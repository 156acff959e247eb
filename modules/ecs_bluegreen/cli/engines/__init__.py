"""The engines that run a service's blue/green deployments, one module each, behind one interface
(base.py): CodeDeploy's (codedeploy.py) and ECS's own (ecs.py). The engine is chosen here, once,
from the stack's outputs (`engine`); no command asks which one it runs on."""

from __future__ import annotations

from ...contract import Engine as EngineName
from ..aws import Clients
from ..outputs import StackOutputs
from ..service import LiveService
from .base import Engine
from .codedeploy import CodeDeployEngine
from .ecs import EcsNativeEngine

ENGINES: dict[EngineName, type[Engine]] = {engine.NAME: engine for engine in (CodeDeployEngine, EcsNativeEngine)}


def engine_for(outputs: StackOutputs, clients: Clients) -> Engine:
    """The engine the stack's outputs say its service runs on, with the stack's service and clients."""
    return ENGINES[outputs.engine](LiveService(outputs, clients))


__all__ = ["ENGINES", "CodeDeployEngine", "EcsNativeEngine", "Engine", "engine_for"]
