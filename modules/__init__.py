"""ECS blue/green deployments with CodeDeploy, as CDK for Terraform constructs.

Import the composite into your own stack::

    from modules import EcsBlueGreen, BlueGreenServiceProps, ServiceProps

    EcsBlueGreen(stack, "web", props=BlueGreenServiceProps(
        name="web-dev", service=ServiceProps(image="public.ecr.aws/nginx/nginx:1.27")))
"""

from .backend import StateBackendProps, add_s3_backend
from .blue_green import BlueGreenServiceProps, EcsBlueGreen
from .codedeploy import PREDEFINED_ECS_CONFIGS, BlueGreenDeployment, DeploymentProps
from .config import bootstrap_settings, environment_settings, from_mapping, load_config
from .ecs import AutoscalingProps, FargateService, ServiceProps
from .iam import IamProps, ServiceRoles
from .load_balancer import BlueGreenLoadBalancer, HealthCheckProps, LoadBalancerProps
from .network import Network, NetworkProps
from .provider import CustomEndpointProps
from .stack import BlueGreenStack, BootstrapSettings, StackSettings, StateBootstrapStack
from .state_bucket import StateBucket, StateBucketProps
from .validation import SettingsError

__all__ = [
    "AutoscalingProps",
    "BlueGreenDeployment",
    "BlueGreenLoadBalancer",
    "BlueGreenServiceProps",
    "BlueGreenStack",
    "BootstrapSettings",
    "CustomEndpointProps",
    "DeploymentProps",
    "EcsBlueGreen",
    "FargateService",
    "HealthCheckProps",
    "IamProps",
    "LoadBalancerProps",
    "Network",
    "NetworkProps",
    "PREDEFINED_ECS_CONFIGS",
    "ServiceProps",
    "ServiceRoles",
    "SettingsError",
    "StackSettings",
    "StateBackendProps",
    "StateBootstrapStack",
    "StateBucket",
    "StateBucketProps",
    "add_s3_backend",
    "bootstrap_settings",
    "environment_settings",
    "from_mapping",
    "load_config",
]
