"""The AppSpec of an ECS blue/green deployment, and the lifecycle hooks it runs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..contract import HOOK_EVENTS, LAMBDA_FUNCTION
from .exits import CommandError, Exit
from .outputs import StackOutputs


def appspec(task_definition_arn: str, outputs: StackOutputs, hooks: Mapping[str, str]) -> dict[str, Any]:
    """The AppSpec CodeDeploy needs: the revision, the container and port traffic goes to, what
    Terraform leaves to CodeDeploy (platform version, task network), and the hooks in event order."""
    properties: dict[str, Any] = {
        "TaskDefinition": task_definition_arn,
        "LoadBalancerInfo": {"ContainerName": outputs.container_name, "ContainerPort": outputs.container_port},
    }
    if outputs.platform_version is not None:
        properties["PlatformVersion"] = outputs.platform_version
    if outputs.task_subnet_ids is not None and outputs.task_security_group_ids is not None:
        properties["NetworkConfiguration"] = {
            "AwsvpcConfiguration": {
                "Subnets": list(outputs.task_subnet_ids),
                "SecurityGroups": list(outputs.task_security_group_ids),
                "AssignPublicIp": "ENABLED" if outputs.assign_public_ip else "DISABLED",
            }
        }
    spec: dict[str, Any] = {
        "version": "0.0",
        "Resources": [{"TargetService": {"Type": "AWS::ECS::Service", "Properties": properties}}],
    }
    if hooks:
        spec["Hooks"] = [{event: hooks[event]} for event in HOOK_EVENTS if event in hooks]
    return spec


def hooks_of(outputs: StackOutputs, given: Mapping[str, str]) -> dict[str, str]:
    """The hooks of a deployment: the stack's (its output `hooks`), each event's replaced by one
    given with --hook; in the order the events happen."""
    stack = outputs.hooks or {}
    chosen = {event: given.get(event) or stack.get(event) for event in HOOK_EVENTS}
    return {event: function for event, function in chosen.items() if function}


def parse_hooks(values: list[str]) -> dict[str, str]:
    """--hook EVENT=FUNCTION, each event once."""
    hooks: dict[str, str] = {}
    for value in values:
        event, sep, function = value.partition("=")
        if not sep or event not in HOOK_EVENTS or not function:
            raise CommandError(
                f"--hook {value!r}: use EVENT=FUNCTION with EVENT one of {', '.join(HOOK_EVENTS)}", Exit.BAD_INPUT
            )
        if not LAMBDA_FUNCTION.fullmatch(function):
            raise CommandError(
                f"--hook {value!r}: {function!r} is no Lambda function name: use up to 64 letters, "
                "digits, '-' and '_' (optionally ':version' or ':alias'), or the function's ARN",
                Exit.BAD_INPUT,
            )
        if event in hooks:
            raise CommandError(f"--hook {event} is given twice", Exit.BAD_INPUT)
        hooks[event] = function
    return hooks
