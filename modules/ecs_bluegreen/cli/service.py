"""One stack's ECS service as both engines see it: the revision that runs, task definitions read
and registered, and the state of its listeners and alarms. The AWS calls, nothing else."""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from email.utils import parsedate_to_datetime
from typing import Any

from .aws import Clients
from .exits import CommandError
from .outputs import StackOutputs


class LiveService:
    """The service the stack's outputs name (cluster, service, container), and its AWS clients."""

    def __init__(self, outputs: StackOutputs, clients: Clients) -> None:
        self.outputs = outputs
        self.clients = clients
        self.ecs = clients.ecs
        self._described: dict[str, dict[str, Any]] = {}

    def current_task_definition(self) -> str:
        services = self.ecs.describe_services(cluster=self.outputs.cluster_name, services=[self.outputs.service_name])[
            "services"
        ]
        if not services:
            raise CommandError(f"service {self.outputs.service_name} not found in cluster {self.outputs.cluster_name}")
        return str(services[0]["taskDefinition"])

    def describe(self, arn: str) -> dict[str, Any]:
        """describe_task_definition with the tags, once per revision."""
        if arn not in self._described:
            self._described[arn] = self.ecs.describe_task_definition(taskDefinition=arn, include=["TAGS"])
        return self._described[arn]

    def register(self, request: Mapping[str, Any]) -> str:
        return str(self.ecs.register_task_definition(**request)["taskDefinition"]["taskDefinitionArn"])

    def listeners(self, arns: Sequence[str]) -> dict[str, dict[str, Any]]:
        """Each listener (its port and default actions), by its ARN."""
        if not arns or self.clients.elbv2 is None:
            return {}
        found = self.clients.elbv2.describe_listeners(ListenerArns=list(arns)).get("Listeners", [])
        return {listener["ListenerArn"]: listener for listener in found}

    def rules(self, arns: Sequence[str]) -> dict[str, dict[str, Any]]:
        """Each listener rule (its actions), by its ARN."""
        if not arns or self.clients.elbv2 is None:
            return {}
        found = self.clients.elbv2.describe_rules(RuleArns=list(arns)).get("Rules", [])
        return {rule["RuleArn"]: rule for rule in found}

    def alarm_states(self, names: Sequence[str]) -> dict[str, str]:
        """The state of each alarm (OK, ALARM, INSUFFICIENT_DATA), by name; a missing one is absent."""
        if not names or self.clients.cloudwatch is None:
            return {}
        found = self.clients.cloudwatch.describe_alarms(AlarmNames=list(names)).get("MetricAlarms", [])
        return {alarm["AlarmName"]: str(alarm["StateValue"]) for alarm in found}


def forward_weights(actions: Sequence[Mapping[str, Any]]) -> tuple[tuple[str, float], ...]:
    """Each target group's share of a listener's or rule's forward action, in percent, by name."""
    raw: dict[str, float] = {}
    for action in actions:
        if action.get("Type") != "forward":
            continue
        groups = (action.get("ForwardConfig") or {}).get("TargetGroups") or []
        if groups:
            for entry in groups:
                raw[entry["TargetGroupArn"]] = raw.get(entry["TargetGroupArn"], 0.0) + float(entry.get("Weight", 1))
        elif action.get("TargetGroupArn"):
            raw[action["TargetGroupArn"]] = raw.get(action["TargetGroupArn"], 0.0) + 1.0
    total = sum(raw.values())
    return tuple(
        (target_group_name(arn), round(100.0 * weight / total, 1) if total else 0.0)
        for arn, weight in sorted(raw.items(), key=lambda item: target_group_name(item[0]))
    )


def target_group_name(arn: str) -> str:
    """A target group's name, from its ARN (…:targetgroup/<name>/<id>)."""
    return arn.split(":targetgroup/", 1)[-1].split("/", 1)[0]


def answered_at(answer: Mapping[str, Any]) -> datetime.datetime:
    """When AWS answered (its Date header): waits are counted down against AWS's clock, not this
    machine's; this machine's when the header is missing or unreadable."""
    date = answer.get("ResponseMetadata", {}).get("HTTPHeaders", {}).get("date")
    try:
        now = parsedate_to_datetime(date) if date else None
    except (TypeError, ValueError):
        now = None
    return now or datetime.datetime.now(datetime.timezone.utc)
