"""An ECS-native stack on the emulator, as far as the project's Terraform can take it.

No hashicorp/aws 6.x binary can be had on these machines, and only 6.x knows the native service's
arguments (its deployment_configuration and the load balancer's advanced_configuration). So:

1. the stack is synthesized on tier C (cdktn-provider-aws 25.8.1, aws 6.69.1), which has them all,
   pause hooks included;
2. Terraform, with tier A's provider (5.100.0), applies everything but the `aws_ecs_service`: the
   network, the load balancer and its rules, the roles, the cluster, the task definition, the
   alarms; the stack's one reference to the service (the output service_name, its `name`) is its
   configured name, as the provider's read of it gives;
3. the service is created through ECS's API from the synthesized `aws_ecs_service`, its references
   resolved from Terraform's state, by `create_service_input`: one translation that follows the
   provider's own (terraform-provider-aws, internal/service/ecs/service.go, resourceServiceCreate
   and its expand functions; cited on each line below).

What is left out: the provider-only arguments (wait_for_steady_state, triggers, force_*), which
send nothing to ECS, and the service's lifecycle ignore_changes, which only a later plan reads.
"""

from __future__ import annotations

import contextlib
import json
import re
import subprocess
from pathlib import Path
from typing import Any

from paths import ROOT
from terraform import unavailable

TIER_C = ROOT / "tools" / "tiers" / "cdktn" / ".venv" / "bin" / "python"
SERVICE = "aws_ecs_service"
TIER_A_PROVIDER = {"source": "hashicorp/aws", "version": "5.100.0"}
REFERENCE = re.compile(r"\$\{((?:data\.)?[a-z0-9_]+)\.([A-Za-z0-9_-]+)\.([a-z_]+)\}")
"""A reference to a resource's (or a data source's) attribute: ${type.name.attribute}."""

SYNTH = """
import json, sys
from pathlib import Path
sys.path[:0] = [sys.argv[1], sys.argv[1] + "/tests/support"]
import main
from ecs_bluegreen.constructs.cdk import App
folder = Path(sys.argv[2])
app = App(outdir=str(folder / "cdktf.out"))
main.build(app, folder / "settings.json", [sys.argv[3]])
app.synth()
"""


def synth_native(config: dict, folder: Path, environment: str) -> Path:
    """main.py's stacks from `config`, synthesized on tier C: the environment's stack folder."""
    if not TIER_C.exists():
        unavailable("tier C's virtualenv (tools/tiers/cdktn) is not installed: run `python3 tools/install.py --tests`")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "settings.json").write_text(json.dumps(config))
    subprocess.run(
        [str(TIER_C), "-c", SYNTH, str(ROOT), str(folder), environment], check=True, capture_output=True, text=True
    )
    name = f"{config['project']}-{environment}"
    return folder / "cdktf.out" / "stacks" / name


def set_service_aside(stack: Path) -> dict[str, dict[str, Any]]:
    """Take the aws_ecs_service out of the stack's JSON for Terraform 5.100 (the provider pinned
    to tier A's, the output that names the service given its configured name); the services, by
    their Terraform name."""
    path = stack / "cdk.tf.json"
    doc = json.loads(path.read_text())
    services = doc["resource"].pop(SERVICE)
    doc["terraform"]["required_providers"]["aws"] = dict(TIER_A_PROVIDER)
    for output in doc.get("output", {}).values():
        match = REFERENCE.fullmatch(str(output.get("value")))
        if match and match.group(1) == SERVICE:
            output["value"] = services[match.group(2)][match.group(3)]
    path.write_text(json.dumps(doc, indent=2))
    return dict(services)


def resolve(value: Any, state: dict[str, dict[str, Any]]) -> Any:
    """`value` with each ${type.name.attribute} read from Terraform's state (`state`: each
    resource's values, by address)."""
    if isinstance(value, dict):
        return {k: resolve(v, state) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve(v, state) for v in value]
    if not isinstance(value, str):
        return value
    whole = REFERENCE.fullmatch(value)
    if whole:
        return state[f"{whole.group(1)}.{whole.group(2)}"][whole.group(3)]
    return REFERENCE.sub(lambda m: str(state[f"{m.group(1)}.{m.group(2)}"][m.group(3)]), value)


def state_values(show: dict) -> dict[str, dict[str, Any]]:
    """Each resource's values in `terraform show -json`, by address."""
    return {r["address"]: r["values"] for r in show.get("values", {}).get("root_module", {}).get("resources", [])}


def _one(block: Any) -> dict[str, Any]:
    """A single nested block, which the JSON gives as an object or a list of one."""
    if isinstance(block, list):
        return dict(block[0]) if block else {}
    return dict(block or {})


def _minutes(value: Any) -> int:
    """A duration the provider's schema holds as a string (bake_time_in_minutes, ...), parsed as
    expandBakeTimeInMinutes parses it."""
    return int(value)


def create_service_input(block: dict[str, Any]) -> dict[str, Any]:
    """CreateService's input for a resolved aws_ecs_service block, as resourceServiceCreate builds
    it (service.go lines 1373-1575 at the version read; the expand functions it calls)."""
    request: dict[str, Any] = {
        "serviceName": block["name"],  # always
        "schedulingStrategy": block.get("scheduling_strategy", "REPLICA"),  # always, default REPLICA
        "enableECSManagedTags": bool(block.get("enable_ecs_managed_tags", False)),  # always
        "enableExecuteCommand": bool(block.get("enable_execute_command", False)),  # always
    }
    for key, name in (
        ("cluster", "cluster"),
        ("task_definition", "taskDefinition"),
        ("platform_version", "platformVersion"),
        ("propagate_tags", "propagateTags"),
        ("availability_zone_rebalancing", "availabilityZoneRebalancing"),
        ("launch_type", "launchType"),
        ("iam_role", "role"),
    ):
        if block.get(key):  # each only when set (GetOk)
            request[name] = block[key]
    if block.get("health_check_grace_period_seconds"):  # only when non-zero
        request["healthCheckGracePeriodSeconds"] = int(block["health_check_grace_period_seconds"])
    configuration: dict[str, Any] = {}
    if request["schedulingStrategy"] == "REPLICA":  # desired count and both percents, REPLICA only
        request["desiredCount"] = int(block.get("desired_count", 0))
        configuration["maximumPercent"] = int(block.get("deployment_maximum_percent", 200))
        configuration["minimumHealthyPercent"] = int(block.get("deployment_minimum_healthy_percent", 100))
    controller = _one(block.get("deployment_controller"))
    if controller:  # expandDeploymentController: only with the block
        request["deploymentController"] = {"type": controller.get("type", "ECS")}
    breaker = _one(block.get("deployment_circuit_breaker"))
    if breaker:  # expandDeploymentCircuitBreaker
        configuration["deploymentCircuitBreaker"] = {
            "enable": bool(breaker["enable"]),
            "rollback": bool(breaker["rollback"]),
        }
    alarms = _one(block.get("alarms"))
    if alarms:  # expandAlarms: the names only when there are some
        configuration["alarms"] = {"enable": bool(alarms.get("enable")), "rollback": bool(alarms.get("rollback"))}
        if alarms.get("alarm_names"):
            configuration["alarms"]["alarmNames"] = list(alarms["alarm_names"])
    deployment = _one(block.get("deployment_configuration"))
    if deployment.get("strategy"):  # everything below only with a strategy (lines 1420-1468)
        configuration["strategy"] = deployment["strategy"]
        if deployment.get("bake_time_in_minutes") not in (None, ""):
            configuration["bakeTimeInMinutes"] = _minutes(deployment["bake_time_in_minutes"])
        linear = _one(deployment.get("linear_configuration"))
        if deployment["strategy"] == "LINEAR" and linear:  # expandLinearConfiguration
            configuration["linearConfiguration"] = {"stepPercent": float(linear["step_percent"])}
            if linear.get("step_bake_time_in_minutes") not in (None, ""):
                configuration["linearConfiguration"]["stepBakeTimeInMinutes"] = _minutes(
                    linear["step_bake_time_in_minutes"]
                )
        canary = _one(deployment.get("canary_configuration"))
        if deployment["strategy"] == "CANARY" and canary:  # expandCanaryConfiguration
            configuration["canaryConfiguration"] = {"canaryPercent": float(canary["canary_percent"])}
            if canary.get("canary_bake_time_in_minutes") not in (None, ""):
                configuration["canaryConfiguration"]["canaryBakeTimeInMinutes"] = _minutes(
                    canary["canary_bake_time_in_minutes"]
                )
        hooks = [_lifecycle_hook(h) for h in deployment.get("lifecycle_hook") or []]
        if hooks:  # expandLifecycleHooks
            configuration["lifecycleHooks"] = hooks
    request["deploymentConfiguration"] = configuration
    network = _one(block.get("network_configuration"))
    if network:  # expandNetworkConfiguration: assign_public_ip as ENABLED or DISABLED, always
        request["networkConfiguration"] = {
            "awsvpcConfiguration": {
                "subnets": list(network.get("subnets") or []),
                "securityGroups": list(network.get("security_groups") or []),
                "assignPublicIp": "ENABLED" if network.get("assign_public_ip") else "DISABLED",
            }
        }
    balancers = [_load_balancer(b) for b in block.get("load_balancer") or []]
    if balancers:  # expandServiceLoadBalancers
        request["loadBalancers"] = balancers
    tags = block.get("tags") or {}
    if tags:  # getTagsIn: the resource's tags (the stacks set no default_tags)
        request["tags"] = [{"key": k, "value": v} for k, v in sorted(tags.items())]
    return request


def _lifecycle_hook(hook: dict[str, Any]) -> dict[str, Any]:
    """expandLifecycleHooks (lines 2801-2842), with #48128's target_type and timeout_configuration
    (the timeout a string in the schema, parsed as the bake time is)."""
    found: dict[str, Any] = {}
    if hook.get("hook_target_arn"):
        found["hookTargetArn"] = hook["hook_target_arn"]
    if hook.get("role_arn"):
        found["roleArn"] = hook["role_arn"]
    if hook.get("lifecycle_stages"):
        found["lifecycleStages"] = [s for s in hook["lifecycle_stages"] if s]
    if hook.get("hook_details"):
        with contextlib.suppress(ValueError):  # invalid JSON is dropped, as the provider drops it
            found["hookDetails"] = json.loads(hook["hook_details"])
    if hook.get("target_type"):
        found["targetType"] = hook["target_type"]
    timeout = _one(hook.get("timeout_configuration"))
    if timeout:
        found["timeoutConfiguration"] = {
            "timeoutInMinutes": _minutes(timeout["timeout_in_minutes"]),
            "action": timeout.get("action", "ROLLBACK"),
        }
    return found


def _load_balancer(balancer: dict[str, Any]) -> dict[str, Any]:
    """expandServiceLoadBalancers (lines 3261-3298): the container always; the target group and
    the ELB name when set; the advanced configuration's test rule only when set."""
    found: dict[str, Any] = {
        "containerName": balancer["container_name"],
        "containerPort": int(balancer["container_port"]),
    }
    if balancer.get("target_group_arn"):
        found["targetGroupArn"] = balancer["target_group_arn"]
    if balancer.get("elb_name"):
        found["loadBalancerName"] = balancer["elb_name"]
    advanced = _one(balancer.get("advanced_configuration"))
    if advanced:
        found["advancedConfiguration"] = {
            "alternateTargetGroupArn": advanced["alternate_target_group_arn"],
            "productionListenerRule": advanced["production_listener_rule"],
            "roleArn": advanced["role_arn"],
        }
        if advanced.get("test_listener_rule"):
            found["advancedConfiguration"]["testListenerRule"] = advanced["test_listener_rule"]
    return found
