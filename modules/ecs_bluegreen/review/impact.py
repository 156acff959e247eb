"""What a change does to the service itself: a resource in the traffic path replaced or deleted
(traffic or deployments interrupted), the routing a deployment engine owns rewritten in place
(its weights reset), a resource that holds data replaced or deleted (what is lost), and a health
check changed (whether a deployment's new tasks count as healthy)."""

from __future__ import annotations

import json
from collections.abc import Mapping

from .findings import Finding, FindingClass
from .plan import ResourceChange, block

TRAFFIC_PATH = {
    "aws_lb": "downtime: the new load balancer has a new DNS name, and traffic to the old one fails",
    "aws_lb_listener": "downtime while the listener is recreated; a deployment in progress fails, since "
    "CodeDeploy routes through the listener",
    "aws_lb_listener_rule": "the requests it matched fall to the listener's default action while it is "
    "recreated; on the ECS-native engine ECS shifts traffic on this rule, so a deployment in "
    "progress fails and the service names a rule that is gone",
    "aws_lb_target_group": "downtime: the service's target group is recreated and its tasks deregistered; "
    "a deployment in progress fails",
    "aws_ecs_service": "downtime: the service and its running tasks are deleted, then created anew, and "
    "its deployment history with CodeDeploy is lost",
    "aws_ecs_cluster": "downtime: every service in the cluster goes first",
    "aws_codedeploy_app": "lost deployment history; a deployment in progress fails",
    "aws_codedeploy_deployment_group": "lost deployment history and rollback target; a deployment in progress fails",
    "aws_security_group": "connections through the group drop while it is recreated and reattached",
    "aws_iam_role": "a failed next deployment, or tasks that cannot start, while the role is recreated",
    "aws_vpc": "downtime: the network under the load balancer and the tasks is recreated",
    "aws_subnet": "downtime: the load balancer or the tasks lose their subnet",
    "aws_internet_gateway": "downtime: the load balancer is unreachable until the gateway is back",
    "aws_nat_gateway": "tasks lose outbound access (image pulls, logs) until the gateway is back",
    "aws_route_table": "traffic in the subnets has no routes until the table is back",
    "aws_route": "traffic in the subnets loses that route until it is back",
}
"""What replacing or deleting each resource in the traffic path does to a blue/green service."""
DATA = {
    "aws_cloudwatch_log_group": "its log events: every line the tasks have logged to it so far",
    "aws_ecr_repository": "its images, every tag and digest: a task that starts (scaling, a replaced task, a "
    "rollback) cannot pull its image until it is pushed again",
    "aws_s3_bucket": "its objects and their versions (of the state bucket: the Terraform state of every stack in "
    "it); Terraform cannot delete a bucket that holds objects unless force_destroy is set",
    "aws_dynamodb_table": "its items (of the lock table: the locks held and the state checksums; a run that holds a "
    "lock loses it)",
    "aws_kms_key": "what it encrypts: logs, images, secrets and state encrypted with it cannot be read once its "
    "deletion window ends",
    "aws_secretsmanager_secret": "the secret's value and its versions, once its recovery window ends",
    "aws_ssm_parameter": "the parameter's value and its history",
    "aws_efs_file_system": "every file on it",
}
"""What replacing or deleting each resource that holds data loses."""
HEALTH_CHECKS = {
    "aws_lb_target_group": (
        "health_check",
        "the load balancer checks the running tasks with it from apply on, and "
        "a deployment's new tasks must pass it before traffic moves to them",
    ),
    "aws_ecs_service": (
        "health_check_grace_period_seconds",
        "how long ECS ignores a new task's failed checks: too short fails healthy slow starters, too "
        "long keeps a broken revision",
    ),
}
"""What decides whether a deployment's tasks count as healthy: the attribute, and why it matters."""


def loss_findings(change: ResourceChange) -> list[Finding]:
    """A resource in the traffic path, or one that holds data, replaced or deleted: what that does."""
    if not change.gone:
        return []
    forced = change.replace_paths
    verb = change.verb + (f", because {forced} cannot change in place" if forced else "")
    found = []
    if change.type in TRAFFIC_PATH:
        found.append(
            Finding(
                change.address, change.type, change.actions, FindingClass.INTERRUPTS, verb, TRAFFIC_PATH[change.type]
            )
        )
    if change.type in DATA:
        found.append(
            Finding(
                change.address, change.type, change.actions, FindingClass.DESTROYS, verb, f"lost: {DATA[change.type]}"
            )
        )
    return found


def recreated_finding(change: ResourceChange) -> Finding:
    """A change replaced or deleted that nothing else says: outside the traffic path, named."""
    forced = change.replace_paths
    verb = change.verb + (f", because {forced} cannot change in place" if forced else "")
    return Finding(change.address, change.type, change.actions, FindingClass.RECREATED, verb)


def health_finding(change: ResourceChange) -> Finding | None:
    """A changed health check, field by field (before → after)."""
    attribute, why = HEALTH_CHECKS.get(change.type, ("", ""))
    before, after = change.before, change.after
    if not attribute or not before or not after:
        return None
    old, new = before.get(attribute), after.get(attribute)
    old_block, new_block = block(old), block(new)
    if old_block is not None or new_block is not None:
        old_block, new_block = old_block or {}, new_block or {}
        fields = [
            f"{attribute}.{key} {json.dumps(old_block.get(key))} → {json.dumps(new_block.get(key))}"
            for key in sorted(old_block.keys() | new_block.keys())
            if old_block.get(key) != new_block.get(key)
        ]
    else:
        fields = [f"{attribute} {json.dumps(old)} → {json.dumps(new)}"] if old != new else []
    if not fields:
        return None
    return Finding(change.address, change.type, change.actions, FindingClass.HEALTH, "; ".join(fields), why)


ROUTING = {
    "aws_lb_listener": ("default_action", "CodeDeploy", "listener"),
    "aws_lb_listener_rule": ("action", "ECS", "rule"),
}
"""Where each engine shifts traffic, at every deployment: CodeDeploy on the production and test
listeners' default actions, ECS (the ECS-native engine) on the production and test listener rules'
actions. The attribute, who writes it, and what it is."""


def routing_finding(change: ResourceChange, routed: Mapping[str, str]) -> Finding | None:
    """The routing a deployment engine owns (`routed`: the addresses of the production and test
    listeners or rules, each with its part), rewritten in place by an apply: it resets the weights
    the engine set (aws-cdk #36649, containers-roadmap #2853)."""
    attribute, engine, kind = ROUTING.get(change.type, ("", "", ""))
    if not attribute or change.address not in routed or change.gone or "update" not in change.actions:
        return None
    if change.before.get(attribute) == change.after.get(attribute):
        return None
    return Finding(
        change.address,
        change.type,
        change.actions,
        FindingClass.INTERRUPTS,
        f"{attribute} rewritten in place, on the {routed[change.address]} {kind}",
        f"{engine} sets this {kind}'s weights at every deployment, and the apply writes back the configuration's: "
        "after a deployment that sends traffic to the target group the engine emptied, and during one it undoes "
        f"the shift. Apply it with the weights the {kind} has now, or keep {attribute} in ignore_changes, as the "
        "stacks do",
    )
