"""The settings: every props class, the stacks' settings, the JSON loader and the schema.

Each setting is declared once, as a typed field with its docstring and its rules (rules.py); one
walker (kinds.py) derives from that the check, the reading of JSON, the JSON Schema and the
reference. This package imports neither the CDK bindings nor Node: reading and checking a settings
file costs a fraction of a second (`bluegreen check`).
"""

from __future__ import annotations

from .alarms import AlarmProps
from .blue_green import BlueGreenServiceProps
from .containers import ContainerHealthCheckProps, ContainerProps, LogProps, SecretProps
from .deployment import PREDEFINED_ECS_CONFIGS, DeploymentProps, MigrationProps, PauseProps, TrafficShiftProps
from .errors import MISSING, SettingsError
from .iam import IamProps, PolicyStatementProps
from .kinds import check_value
from .load_balancer import HealthCheckProps, LoadBalancerProps
from .loader import bootstrap_settings, environment_settings, from_mapping, load_config
from .network import NetworkProps
from .notifications import NotificationProps
from .repository import RepositoryProps
from .rules import ANY_REGION, FREE_TEXT
from .service import AutoscalingProps, ExecuteCommandProps, ServiceProps
from .stack import BootstrapSettings, StackSettings
from .state import CustomEndpointProps, StateBackendProps, StateBucketProps
from .test_hook import TestTrafficHookProps

__all__ = [
    "ANY_REGION",
    "FREE_TEXT",
    "MISSING",
    "PREDEFINED_ECS_CONFIGS",
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
    "check_value",
    "environment_settings",
    "from_mapping",
    "load_config",
]
