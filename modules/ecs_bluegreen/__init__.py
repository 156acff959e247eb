"""ECS blue/green deployments with CodeDeploy, as CDK for Terraform constructs (cdktf or cdktn).

Import the composite into your own stack::

    from ecs_bluegreen import EcsBlueGreen, BlueGreenServiceProps, ServiceProps

    EcsBlueGreen(stack, "web", props=BlueGreenServiceProps(
        name="web-dev", service=ServiceProps(image="public.ecr.aws/nginx/nginx:1.27")))

The parts: `constructs/` (one module per AWS concept, and the composite), `app/` (the settings,
the stacks and their outputs), `cli/` (the `bluegreen` command). Names are imported on first use:
the command needs only boto3 and must not pay the seconds it takes to load the provider bindings.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from . import fast_import, node

fast_import.install()
node.configure()

_EXPORTS = {
    "AlarmProps": "constructs.alarms",
    "DeploymentAlarms": "constructs.alarms",
    "DeploymentTopic": "constructs.notifications",
    "NotificationProps": "constructs.notifications",
    "TrafficShiftProps": "constructs.codedeploy",
    "AutoscalingProps": "constructs.ecs",
    "ContainerHealthCheckProps": "constructs.containers",
    "ContainerProps": "constructs.containers",
    "ExecuteCommandProps": "constructs.ecs",
    "LogProps": "constructs.containers",
    "PolicyStatementProps": "constructs.iam",
    "SecretProps": "constructs.containers",
    "BlueGreenDeployment": "constructs.codedeploy",
    "BlueGreenLoadBalancer": "constructs.load_balancer",
    "BlueGreenServiceProps": "constructs.blue_green",
    "BlueGreenStack": "app.stack",
    "BootstrapSettings": "app.stack",
    "CustomEndpointProps": "constructs.provider",
    "DeploymentProps": "constructs.codedeploy",
    "EcsBlueGreen": "constructs.blue_green",
    "FargateService": "constructs.ecs",
    "HealthCheckProps": "constructs.load_balancer",
    "IamProps": "constructs.iam",
    "LoadBalancerProps": "constructs.load_balancer",
    "Network": "constructs.network",
    "NetworkProps": "constructs.network",
    "PREDEFINED_ECS_CONFIGS": "constructs.codedeploy",
    "ReadableStack": "constructs.addresses",
    "TestTrafficHook": "constructs.test_hook",
    "TestTrafficHookProps": "constructs.test_hook",
    "ImageRepository": "constructs.repository",
    "RepositoryProps": "constructs.repository",
    "move_from": "constructs.addresses",
    "ServiceProps": "constructs.ecs",
    "ServiceRoles": "constructs.iam",
    "SettingsError": "validation",
    "StackSettings": "app.stack",
    "service_outputs": "app.stack",
    "StateBackendProps": "constructs.backend",
    "StateBootstrapStack": "app.stack",
    "StateBucket": "constructs.state_bucket",
    "StateBucketProps": "constructs.state_bucket",
    "add_s3_backend": "constructs.backend",
    "bootstrap_settings": "app.config",
    "environment_settings": "app.config",
    "from_mapping": "app.config",
    "load_config": "app.config",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
    globals()[name] = value
    return value


if TYPE_CHECKING:
    from .app.config import bootstrap_settings, environment_settings, from_mapping, load_config
    from .constructs.addresses import ReadableStack, move_from
    from .app.stack import BlueGreenStack, BootstrapSettings, StackSettings, StateBootstrapStack, service_outputs
    from .constructs.alarms import AlarmProps, DeploymentAlarms
    from .constructs.backend import StateBackendProps, add_s3_backend
    from .constructs.blue_green import BlueGreenServiceProps, EcsBlueGreen
    from .constructs.codedeploy import PREDEFINED_ECS_CONFIGS, BlueGreenDeployment, DeploymentProps, TrafficShiftProps
    from .constructs.containers import ContainerHealthCheckProps, ContainerProps, LogProps, SecretProps
    from .constructs.ecs import AutoscalingProps, ExecuteCommandProps, FargateService, ServiceProps
    from .constructs.iam import IamProps, PolicyStatementProps, ServiceRoles
    from .constructs.load_balancer import BlueGreenLoadBalancer, HealthCheckProps, LoadBalancerProps
    from .constructs.network import Network, NetworkProps
    from .constructs.notifications import DeploymentTopic, NotificationProps
    from .constructs.provider import CustomEndpointProps
    from .constructs.repository import ImageRepository, RepositoryProps
    from .constructs.test_hook import TestTrafficHook, TestTrafficHookProps
    from .constructs.state_bucket import StateBucket, StateBucketProps
    from .validation import SettingsError
