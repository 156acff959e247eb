"""ECS blue/green deployments, by CodeDeploy or by ECS itself, as CDK for Terraform constructs (cdktf or cdktn).

Import the composite into your own stack::

    from ecs_bluegreen import EcsBlueGreen, BlueGreenServiceProps, ServiceProps

    EcsBlueGreen(stack, "web", props=BlueGreenServiceProps(
        name="web-dev", service=ServiceProps(image="public.ecr.aws/nginx/nginx:1.27")))

Four parts: `settings/` (every props class, the JSON loader, the schema; no CDK, no Node),
`constructs/` (one module per AWS concept, the composite, the stacks, and one part per engine in
`constructs/engines/`), `cli/` (the `bluegreen` command, boto3 only, one module per engine in
`cli/engines/`) and `review/` (the plan review `bluegreen review` runs; no boto3, no CDK).
Constructs and the command both stand on the settings and on `contract.py` (the outputs and tags
the stacks and their readers share), and neither imports the other; the command and the review
share `revisions.py` (task definition revisions compared). Names are imported on first use, so
the command and a settings check never load the provider bindings.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .constructs import bindings

bindings.install()

_SETTINGS = (
    "AlarmProps",
    "AutoscalingProps",
    "BlueGreenServiceProps",
    "BootstrapSettings",
    "ContainerHealthCheckProps",
    "ContainerProps",
    "CustomEndpointProps",
    "DeploymentProps",
    "ExecuteCommandProps",
    "HealthCheckProps",
    "IamProps",
    "LoadBalancerProps",
    "LogProps",
    "MigrationProps",
    "NetworkProps",
    "NotificationProps",
    "PauseProps",
    "PolicyStatementProps",
    "PREDEFINED_ECS_CONFIGS",
    "RepositoryProps",
    "SecretProps",
    "ServiceProps",
    "SettingsError",
    "StackSettings",
    "StateBackendProps",
    "StateBucketProps",
    "TestTrafficHookProps",
    "TrafficShiftProps",
    "bootstrap_settings",
    "environment_settings",
    "from_mapping",
    "load_config",
)
_EXPORTS = {
    **dict.fromkeys(_SETTINGS, "settings"),
    "BlueGreenLoadBalancer": "constructs.load_balancer",
    "BlueGreenStack": "constructs.stack",
    "CodeDeployBlueGreen": "constructs.codedeploy",
    "DeploymentAlarms": "constructs.alarms",
    "DeploymentTopic": "constructs.notifications",
    "EcsBlueGreen": "constructs.blue_green",
    "EcsNativeBlueGreen": "constructs.ecs_native",
    "FargateService": "constructs.ecs",
    "ImageRepository": "constructs.repository",
    "Network": "constructs.network",
    "ReadableStack": "constructs.addresses",
    "ServiceRoles": "constructs.iam",
    "StateBootstrapStack": "constructs.stack",
    "StateBucket": "constructs.state_bucket",
    "TestTrafficHook": "constructs.test_hook",
    "add_s3_backend": "constructs.backend",
    "move_from": "constructs.addresses",
    "service_outputs": "constructs.stack",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
    globals()[name] = value
    return value


if TYPE_CHECKING:
    from .constructs.addresses import ReadableStack, move_from
    from .constructs.alarms import DeploymentAlarms
    from .constructs.backend import add_s3_backend
    from .constructs.blue_green import EcsBlueGreen
    from .constructs.codedeploy import CodeDeployBlueGreen
    from .constructs.ecs import FargateService
    from .constructs.ecs_native import EcsNativeBlueGreen
    from .constructs.iam import ServiceRoles
    from .constructs.load_balancer import BlueGreenLoadBalancer
    from .constructs.network import Network
    from .constructs.notifications import DeploymentTopic
    from .constructs.repository import ImageRepository
    from .constructs.stack import BlueGreenStack, StateBootstrapStack, service_outputs
    from .constructs.state_bucket import StateBucket
    from .constructs.test_hook import TestTrafficHook
    from .settings import (
        PREDEFINED_ECS_CONFIGS,
        AlarmProps,
        AutoscalingProps,
        BlueGreenServiceProps,
        BootstrapSettings,
        ContainerHealthCheckProps,
        ContainerProps,
        CustomEndpointProps,
        DeploymentProps,
        ExecuteCommandProps,
        HealthCheckProps,
        IamProps,
        LoadBalancerProps,
        LogProps,
        MigrationProps,
        NetworkProps,
        NotificationProps,
        PauseProps,
        PolicyStatementProps,
        RepositoryProps,
        SecretProps,
        ServiceProps,
        SettingsError,
        StackSettings,
        StateBackendProps,
        StateBucketProps,
        TestTrafficHookProps,
        TrafficShiftProps,
        bootstrap_settings,
        environment_settings,
        from_mapping,
        load_config,
    )
