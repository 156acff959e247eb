"""ECS blue/green deployments with CodeDeploy, as CDK for Terraform constructs.

Import the composite into your own stack::

    from modules import EcsBlueGreen, BlueGreenServiceProps, ServiceProps

    EcsBlueGreen(stack, "web", props=BlueGreenServiceProps(
        name="web-dev", service=ServiceProps(image="public.ecr.aws/nginx/nginx:1.27")))

Names are imported on first use: `python -m modules.cli` (which needs only boto3) must not pay
the seconds it takes to load the AWS provider bindings.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from . import fast_import

fast_import.install()

_EXPORTS = {
    "AlarmProps": "alarms",
    "DeploymentAlarms": "alarms",
    "DeploymentTopic": "notifications",
    "NotificationProps": "notifications",
    "TrafficShiftProps": "codedeploy",
    "AutoscalingProps": "ecs",
    "BlueGreenDeployment": "codedeploy",
    "BlueGreenLoadBalancer": "load_balancer",
    "BlueGreenServiceProps": "blue_green",
    "BlueGreenStack": "stack",
    "BootstrapSettings": "stack",
    "CustomEndpointProps": "provider",
    "DeploymentProps": "codedeploy",
    "EcsBlueGreen": "blue_green",
    "FargateService": "ecs",
    "HealthCheckProps": "load_balancer",
    "IamProps": "iam",
    "LoadBalancerProps": "load_balancer",
    "Network": "network",
    "NetworkProps": "network",
    "PREDEFINED_ECS_CONFIGS": "codedeploy",
    "ServiceProps": "ecs",
    "ServiceRoles": "iam",
    "SettingsError": "validation",
    "StackSettings": "stack",
    "StateBackendProps": "backend",
    "StateBootstrapStack": "stack",
    "StateBucket": "state_bucket",
    "StateBucketProps": "state_bucket",
    "add_s3_backend": "backend",
    "bootstrap_settings": "config",
    "environment_settings": "config",
    "from_mapping": "config",
    "load_config": "config",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
    globals()[name] = value
    return value


if TYPE_CHECKING:
    from .alarms import AlarmProps, DeploymentAlarms
    from .backend import StateBackendProps, add_s3_backend
    from .blue_green import BlueGreenServiceProps, EcsBlueGreen
    from .codedeploy import PREDEFINED_ECS_CONFIGS, BlueGreenDeployment, DeploymentProps, TrafficShiftProps
    from .config import bootstrap_settings, environment_settings, from_mapping, load_config
    from .ecs import AutoscalingProps, FargateService, ServiceProps
    from .iam import IamProps, ServiceRoles
    from .load_balancer import BlueGreenLoadBalancer, HealthCheckProps, LoadBalancerProps
    from .network import Network, NetworkProps
    from .notifications import DeploymentTopic, NotificationProps
    from .provider import CustomEndpointProps
    from .stack import BlueGreenStack, BootstrapSettings, StackSettings, StateBootstrapStack
    from .state_bucket import StateBucket, StateBucketProps
    from .validation import SettingsError
