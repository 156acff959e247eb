"""Which resource of a plan plays which part of a blue/green service, read from what the stack
declares, not guessed from names: its outputs (contract.py) reference the production and test
listeners, the blue and green target groups, the ECS service and the deployment group (or, on the
ECS-native engine, the listener rules ECS shifts traffic on), and
Terraform's plan keeps those references (`configuration`). A stack with several services gives
each its outputs under a prefix (`service_outputs(..., prefix="api_")`), so each service's parts
are found under its own prefix. Renaming a construct, or moving it with `move_from`, changes the
addresses but not the outputs, so the roles hold.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

ROLE_OUTPUTS = {
    "prod_listener": "prod_listener_arn",
    "test_listener": "test_listener_arn",
    "blue_target_group": "blue_target_group_name",
    "green_target_group": "green_target_group_name",
    "service": "service_name",
    "deployment_group": "codedeploy_group_name",
    "prod_listener_rule": "prod_listener_rule_arn",
    "test_listener_rule": "test_listener_rule_arn",
}
"""Each role, and the output (contract.py) that references its resource."""
OPTIONAL = ("deployment_group", "prod_listener_rule", "test_listener_rule")
"""Roles one engine has and the other not: CodeDeploy's group; the ECS-native engine's rules (on an
application load balancer)."""


@dataclass(frozen=True)
class ServiceRoles:
    """The addresses of one service's parts in a plan (None where the output names no resource,
    e.g. a cluster the stack does not own); `prefix` is its outputs' prefix."""

    prefix: str
    prod_listener: str | None
    test_listener: str | None
    blue_target_group: str | None
    green_target_group: str | None
    service: str | None
    deployment_group: str | None
    deployment_config: str | None
    prod_listener_rule: str | None = None
    test_listener_rule: str | None = None

    @property
    def listeners(self) -> tuple[str, ...]:
        return tuple(a for a in (self.prod_listener, self.test_listener) if a)


def _resource(expression: Mapping[str, Any]) -> str | None:
    """The resource an expression refers to: Terraform lists "type.name.attr", then "type.name"."""
    for reference in expression.get("references") or []:
        if isinstance(reference, str) and reference.count(".") == 1 and not reference.startswith(("var.", "local.")):
            return reference
    return None


def service_roles(plan: Mapping[str, Any]) -> list[ServiceRoles]:
    """Every service the plan's outputs describe, each with the addresses of its parts."""
    root = (plan.get("configuration") or {}).get("root_module") or {}
    outputs = {name: (body or {}).get("expression") or {} for name, body in (root.get("outputs") or {}).items()}
    configs = {
        r.get("address"): (r.get("expressions") or {}).get("deployment_config_name") or {}
        for r in root.get("resources") or []
        if r.get("type") == "aws_codedeploy_deployment_group"
    }
    suffix = ROLE_OUTPUTS["service"]
    required = [output for role, output in ROLE_OUTPUTS.items() if role not in OPTIONAL]
    prefixes = sorted(
        {
            name[: -len(suffix)]
            for name in outputs
            if name.endswith(suffix) and all(name[: -len(suffix)] + output in outputs for output in required)
        }
    )
    found = []
    for prefix in prefixes:
        parts = {
            role: _resource(outputs[prefix + output]) if prefix + output in outputs else None
            for role, output in ROLE_OUTPUTS.items()
        }
        group = parts["deployment_group"]
        config = _resource(configs.get(group) or {}) if group else None
        found.append(ServiceRoles(prefix=prefix, deployment_config=config, **parts))
    return found
