"""What an engine adds to a blue/green service, as one part of the composite (blue_green.py).

An engine is who runs the service's blue/green deployments: CodeDeploy (codedeploy.py) or ECS
itself (ecs.py). Its part supplies, in two steps around the ECS service, everything that differs:
before the service, the blocks the service takes from it (the deployment controller, the target
group production starts on, the load balancer's and the deployment's settings, and the fields its
deployments own, which Terraform ignores) and what they name; after the service, what names it
(CodeDeploy's deployment group). Each part asks for the roles its engine assumes where it needs
them (iam.ServiceRoles). Then the outputs a deployment on it reads.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import ClassVar, Protocol

from constructs import Construct

from ...contract import Engine
from ...settings import BlueGreenServiceProps
from ..alarms import DeploymentAlarms
from ..codedeploy import CodeDeployBlueGreen
from ..ecs import FargateService
from ..ecs_native import EcsNativeBlueGreen
from ..iam import ServiceRoles
from ..load_balancer import BlueGreenLoadBalancer
from ..notifications import DeploymentTopic
from ..service import ServiceBlocks

Outputs = dict[str, tuple[object, str]]
"""A service's outputs in order: each one's value and description (stack.service_outputs)."""


class BlueGreenService(Protocol):
    """What an engine's part reads of the service it is a part of (the composite, EcsBlueGreen): the
    parts built before it, and the test-traffic hook, made when the engine needs it. The part sets
    the attributes of its own constructs."""

    props: BlueGreenServiceProps
    roles: ServiceRoles
    load_balancer: BlueGreenLoadBalancer
    alarms: DeploymentAlarms | None
    ecs: FargateService
    notifications: DeploymentTopic | None
    codedeploy: CodeDeployBlueGreen | None
    ecs_native: EcsNativeBlueGreen | None

    def test_traffic_hooks(self, *, reports_to: str | None = None) -> dict[str, str]: ...


class EnginePart(ABC):
    """One engine's part of a blue/green service; EcsBlueGreen picks it once, by deployment.engine."""

    NAME: ClassVar[Engine]
    SERVICE_DEPLOYED_BY: ClassVar[str]
    """The description of the output service_name: who deploys the service."""

    def __init__(self, props: BlueGreenServiceProps) -> None:
        self.props = props

    @abstractmethod
    def service_blocks(self, scope: Construct, service: BlueGreenService) -> ServiceBlocks:
        """Once the roles, the load balancer and the alarms exist, before the ECS service: create what
        the service names (in `scope`, the composite), and say what it takes."""

    @abstractmethod
    def complete(self, scope: Construct, service: BlueGreenService) -> None:
        """Once the ECS service exists: create what names it."""

    @abstractmethod
    def outputs(self, service: BlueGreenService, values: Outputs) -> Outputs:
        """The service's outputs (`values`, those of every engine) with this engine's own."""


def after(values: Outputs, key: str, more: Outputs) -> Outputs:
    """`values` with `more` inserted after `key`: the outputs keep one order on both engines."""
    items = list(values.items())
    at = [k for k, _ in items].index(key) + 1
    return dict(items[:at] + list(more.items()) + items[at:])
