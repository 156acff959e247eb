"""`bluegreen review`: a Terraform plan, sorted by what each change means for a blue/green service.

The plan is Terraform's JSON (`terraform show -json PLANFILE`), checked at the door
(plan_document.py). Every change falls in one class, by the first that applies, and some in two
(a replaced repository interrupts nothing but destroys its images):

1. interrupts traffic or deployments: the load balancer, a listener or listener rule, a target
   group, the ECS service or cluster, the CodeDeploy application or group, a security group, a role
   the engine or the tasks assume, or the network under them, replaced or deleted;
2. destroys data: a log group, a repository, a bucket, a table, a key or a secret replaced or
   deleted, with what is lost;
3. changes who can reach what: ingress and egress rules, IAM trust and permissions (the grants
   added and removed, the principals), public IPs and internet-facing load balancers, whatever the
   action (a load balancer made internet-facing is also replaced);
4. decides whether deployments succeed: the load balancer's health check and the service's grace
   period, before → after;
5. takes effect only at the next `bluegreen deploy`: a new task definition revision, and what
   reaches the service only through a deployment (the stack's AppSpec outputs), unless the plan
   creates the service anew, which starts with them;
6. replaced or deleted, outside the traffic path: each named, never counted;
7. safe in place: the rest, created or updated in place, counted per resource type.

Classes 1 and 2 block (exit 4) until each address is `--allow`ed.

A plan that moves a service to the ECS-native engine (README, "Migrate") is told as such: step 1
hands the service to ECS in place, step 2 removes the CodeDeploy resources no service deploys
through any more, which interrupts nothing (notes).

Which resource plays which part (the test listener, the blue target group, the service) comes from
the stack's outputs in the plan (roles.py), never from names; the rollout timeline (timeline.py)
from the same parts. A task definition's change is told by the differ `deploy` uses
(revisions.py): variables and secrets by name only. Light on purpose: no CDKTF, no boto3.
"""

from __future__ import annotations

import ipaddress
import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..contract import APPSPEC_OUTPUTS
from .exits import CommandError, Exit
from . import review_iam
from .plan_document import plan_problem
from .revisions import diff
from .roles import service_roles
from .timeline import block, rollout_timeline

INTERRUPTS, DESTROYS, REACH, HEALTH, NEXT_DEPLOY, RECREATED, IN_PLACE = 1, 2, 3, 4, 5, 6, 7
CLASS_TITLES = {
    INTERRUPTS: "Interrupts traffic or deployments",
    DESTROYS: "Destroys data",
    REACH: "Changes who can reach what",
    HEALTH: "Decides whether deployments succeed",
    NEXT_DEPLOY: "Takes effect only at the next `bluegreen deploy`",
    RECREATED: "Replaced or deleted, outside the traffic path",
    IN_PLACE: "Safe in place",
}
BLOCKING = (INTERRUPTS, DESTROYS)

# What replacing or deleting each resource in the traffic path does to a blue/green service.
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
    "aws_codedeploy_deployment_group": "lost deployment history and rollback target; a deployment in "
                                       "progress fails",
    "aws_security_group": "connections through the group drop while it is recreated and reattached",
    "aws_iam_role": "a failed next deployment, or tasks that cannot start, while the role is recreated",
    "aws_vpc": "downtime: the network under the load balancer and the tasks is recreated",
    "aws_subnet": "downtime: the load balancer or the tasks lose their subnet",
    "aws_internet_gateway": "downtime: the load balancer is unreachable until the gateway is back",
    "aws_nat_gateway": "tasks lose outbound access (image pulls, logs) until the gateway is back",
    "aws_route_table": "traffic in the subnets has no routes until the table is back",
    "aws_route": "traffic in the subnets loses that route until it is back",
}
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
EXPOSURE: dict[str, list[tuple[tuple[str, ...], Any, str]]] = {
    "aws_lb": [(("internal",), False, "the load balancer is internet-facing")],
    "aws_subnet": [(("map_public_ip_on_launch",), True, "instances in the subnet get public IPs")],
    "aws_ecs_service": [(("network_configuration", "assign_public_ip"), True, "the tasks get public IPs")],
    "aws_s3_bucket_public_access_block": [((name,), False, f"the bucket no longer has {name}")
                                          for name in ("block_public_acls", "block_public_policy",
                                                       "ignore_public_acls", "restrict_public_buckets")],
}
"""Attributes whose value opens a resource to more callers: (path, the exposing value, what it means)."""
HEALTH_CHECKS = {
    "aws_lb_target_group": ("health_check", "the load balancer checks the running tasks with it from apply on, and "
                                            "a deployment's new tasks must pass it before traffic moves to them"),
    "aws_ecs_service": ("health_check_grace_period_seconds",
                        "how long ECS ignores a new task's failed checks: too short fails healthy slow starters, too "
                        "long keeps a broken revision"),
}
"""What decides whether a deployment's tasks count as healthy: the attribute, and why it matters."""
CODEDEPLOY_KINDS = {"aws_codedeploy_app": "the CodeDeploy application",
                    "aws_codedeploy_deployment_group": "a CodeDeploy deployment group",
                    "aws_codedeploy_deployment_config": "a CodeDeploy deployment config"}
NATIVE_STRATEGIES = ("BLUE_GREEN", "CANARY", "LINEAR")
RULES = ("aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule", "aws_security_group_rule")
IAM = ("aws_iam_role", "aws_iam_role_policy", "aws_iam_policy", "aws_iam_role_policy_attachment",
       "aws_iam_policy_attachment")


@dataclass
class Finding:
    address: str
    type: str
    actions: list[str]
    klass: int
    what: str
    why: str = ""


@dataclass
class Review:
    findings: list[Finding] = field(default_factory=list)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)  # class 4: type -> action -> count
    notes: list[str] = field(default_factory=list)
    timeline: list[dict[str, Any]] = field(default_factory=list)

    def of_class(self, klass: int) -> list[Finding]:
        return [f for f in self.findings if f.klass == klass]

    def blocking(self, allowed: set[str]) -> list[Finding]:
        """The findings of the blocking classes (interrupts, destroys data) not `--allow`ed."""
        return [f for f in self.findings if f.klass in BLOCKING and f.address not in allowed]


class PlanError(CommandError):
    """The input is no Terraform JSON plan."""

    def __init__(self, message: str) -> None:
        super().__init__(message, Exit.BAD_INPUT)


def load_plan(text: str, source: str) -> dict[str, Any]:
    try:
        plan = json.loads(text)
    except json.JSONDecodeError as err:
        raise PlanError(f"{source} is not JSON ({err}): give the output of `terraform show -json PLANFILE`") from None
    problem = plan_problem(plan)
    if problem:
        raise PlanError(f"{source} is not a Terraform plan ({problem}): give the output of "
                        "`terraform show -json PLANFILE`")
    return plan  # type: ignore[no-any-return]


def _verb(actions: list[str]) -> str:
    if actions == ["delete"]:
        return "deleted"
    if "delete" in actions and "create" in actions:
        return "replaced"
    return {"create": "created", "update": "updated in place"}.get(actions[0], actions[0])


def _paths(change: Mapping[str, Any]) -> str:
    paths = change.get("replace_paths") or []
    return ", ".join(".".join(str(p) for p in path) for path in paths)


def _rule(values: Mapping[str, Any], unknown: Mapping[str, Any] | None = None) -> str:
    """A rule as protocol/ports and its peer; a group known only at apply is "a group this plan creates"."""
    created = "a group this plan creates" if (unknown or {}).get("referenced_security_group_id") else None
    source = (values.get("cidr_ipv4") or values.get("cidr_ipv6") or values.get("referenced_security_group_id")
              or created or ", ".join(values.get("cidr_blocks") or []) or "another group")
    protocol = values.get("ip_protocol") or values.get("protocol") or "?"
    ports = values.get("from_port")
    if ports is None or protocol == "-1":
        return f"all traffic {source}"
    end = values.get("to_port")
    span = f"{ports}" if end in (None, ports) else f"{ports}-{end}"
    return f"{protocol}/{span} {source}"


_REVISION = {"family": "family", "cpu": "cpu", "memory": "memory", "execution_role_arn": "executionRoleArn",
             "task_role_arn": "taskRoleArn", "network_mode": "networkMode",
             "requires_compatibilities": "requiresCompatibilities", "ephemeral_storage": "ephemeralStorage",
             "runtime_platform": "runtimePlatform"}
"""A task definition's attributes in the plan, and their names in a revision (revisions.py)."""


def _camel(key: str) -> str:
    head, *rest = key.split("_")
    return head + "".join("GiB" if part == "gib" else part.title() for part in rest)


def _revisions(before: Mapping[str, Any], after: Mapping[str, Any],
               unknown: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """The two revisions of a planned task definition change, shaped as ECS describes them, without
    what is known only after apply (not a difference to review); None when the containers are."""
    if unknown.get("container_definitions"):
        return None
    shaped = []
    for values in (before, after):
        revision: dict[str, Any] = {}
        for key, name in _REVISION.items():
            value = values.get(key)
            if unknown.get(key) or value in (None, "", []):
                continue
            nested = block(value)
            revision[name] = {_camel(k): v for k, v in nested.items()} if nested is not None else value
        try:
            revision["containerDefinitions"] = json.loads(values.get("container_definitions") or "[]")
        except ValueError:
            return None
        shaped.append(revision)
    return shaped[0], shaped[1]


def _task_definition_change(before: Mapping[str, Any], after: Mapping[str, Any],
                            unknown: Mapping[str, Any]) -> tuple[list[str], bool]:
    """What differs between two revisions, for a reviewer (the differ `deploy` uses: variables and
    secrets by name only); and whether it is an image alone."""
    revisions = _revisions(before, after, unknown)
    if revisions is None:
        return ["container definitions known only after apply"], False
    changes = diff(*revisions)
    image_only = bool(changes) and all(c.field.endswith(".image") and c.field.count(".") == 1 for c in changes)
    return [c.summary for c in changes], image_only


def _network(values: Mapping[str, Any]) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    try:
        return ipaddress.ip_network(values.get("cidr_ipv4") or values.get("cidr_ipv6") or "")
    except ValueError:
        return None


Rule = tuple[Finding, Mapping[str, Any], Mapping[str, Any]]


def _pair_rules(rules: list[Rule]) -> None:
    """A rule closed and another opened on the same group, port and protocol read as one change of
    range: "tcp/80 10.0.0.0/16 → 10.0.0.0/8: wider". The opened rule's finding says it; the closed
    one's is dropped."""
    def key(values: Mapping[str, Any]) -> tuple[Any, ...]:
        return (values.get("security_group_id"), values.get("ip_protocol"), values.get("from_port"),
                values.get("to_port"))

    closed = {key(b): (f, b) for f, b, _ in rules if f.actions == ["delete"] and _network(b)}
    for finding, _, after in rules:
        new = _network(after)
        if finding.actions != ["create"] or key(after) not in closed or new is None:
            continue
        old_finding, before = closed.pop(key(after))
        old = _network(before)
        assert old is not None
        wider = old.version == new.version and old.subnet_of(new)  # type: ignore[arg-type]
        narrower = old.version == new.version and new.subnet_of(old)  # type: ignore[arg-type]
        size = "wider" if wider else "narrower" if narrower else "changed"
        finding.what = f"{_rule(before)} → {new}: {size}"
        if size != "changed":
            more = abs(new.num_addresses - old.num_addresses)
            finding.why = " ".join(filter(None, [f"{more:,} {'more' if size == 'wider' else 'fewer'} addresses can "
                                                 "reach it.", finding.why]))
        finding.address = f"{old_finding.address} → {finding.address}"
        old_finding.klass = 0  # folded into the opened rule's finding


@dataclass
class _Plan:
    """What the classification of one change needs to know of the whole plan."""

    service_exists: bool  # a blue/green service the plan keeps: a new revision waits for a deployment
    test_ports: set[Any]
    lb_groups: set[str]
    retired: dict[str, str] = field(default_factory=dict)  # CodeDeploy resources a migration removes


def _controller(values: Mapping[str, Any]) -> str | None:
    return (block(values.get("deployment_controller")) or {}).get("type")


def _native(values: Mapping[str, Any]) -> bool:
    """An ECS service under ECS's own controller with a blue/green strategy (ECS-native engine)."""
    strategy = (block(values.get("deployment_configuration")) or {}).get("strategy")
    return _controller(values) in (None, "ECS") and strategy in NATIVE_STRATEGIES


def _blue_green_service(change: Mapping[str, Any]) -> bool:
    """An ECS service deployed blue/green, by CodeDeploy or by ECS, by what the plan says of it."""
    if change["type"] != "aws_ecs_service":
        return False
    sides = (change["change"].get("before") or {}, change["change"].get("after") or {})
    return any(_controller(side) == "CODE_DEPLOY" or _native(side) for side in sides)


def _trusts(values: Mapping[str, Any], service: str) -> bool:
    try:
        policy = json.loads(values.get("assume_role_policy") or "{}")
    except (TypeError, ValueError):
        return False
    statements = policy.get("Statement") if isinstance(policy, dict) else None
    for statement in statements if isinstance(statements, list) else []:
        principal = (statement.get("Principal") or {}).get("Service") if isinstance(statement, dict) else None
        if service in ([principal] if isinstance(principal, str) else principal or []):
            return True
    return False


def _retired(changes: list[Mapping[str, Any]]) -> dict[str, str]:
    """The CodeDeploy resources a move to the ECS-native engine deletes (step 2 of the migration),
    each with what it was: the application, the deployment groups and configs, the roles trusted by
    codedeploy.amazonaws.com and their policies. Empty unless every ECS service the plan keeps is
    on the ECS-native engine after it: then no deployment goes through them any more."""
    services = [c for c in changes if c["type"] == "aws_ecs_service" and c["change"]["actions"] != ["delete"]]
    if not services or not all(_native(c["change"].get("after") or {}) for c in services):
        return {}
    deleted = [c for c in changes if c["change"]["actions"] == ["delete"]]
    found = {c["address"]: CODEDEPLOY_KINDS[c["type"]] for c in deleted if c["type"] in CODEDEPLOY_KINDS}
    roles = {(c["change"].get("before") or {}).get("name"): c["address"] for c in deleted
             if c["type"] == "aws_iam_role" and _trusts(c["change"].get("before") or {}, "codedeploy.amazonaws.com")}
    found.update({address: "CodeDeploy's role" for address in roles.values()})
    found.update({c["address"]: "a policy of CodeDeploy's role" for c in deleted
                  if c["type"] in IAM and c["type"] != "aws_iam_role"
                  and (c["change"].get("before") or {}).get("role") in roles})
    return found


def _context(plan: Mapping[str, Any], changes: list[Mapping[str, Any]]) -> _Plan:
    test_listeners = {r.test_listener for r in service_roles(plan)}
    return _Plan(
        service_exists=any("create" not in c["change"]["actions"] for c in changes if _blue_green_service(c)),
        test_ports={(c["change"].get("after") or {}).get("port") for c in changes if c["address"] in test_listeners},
        lb_groups={group for c in changes if c["type"] == "aws_lb" for side in ("before", "after")
                   for group in (c["change"].get(side) or {}).get("security_groups") or []},
        retired=_retired(changes),
    )


def _migration_notes(changes: list[Mapping[str, Any]], plan: _Plan) -> list[str]:
    """What a plan of the migration to the ECS-native engine does, step by step."""
    notes = []
    for change in changes:
        before, after = change["change"].get("before") or {}, change["change"].get("after") or {}
        if change["type"] == "aws_ecs_service" and change["change"]["actions"] == ["update"] \
                and _controller(before) == "CODE_DEPLOY" and _native(after):
            strategy = (block(after.get("deployment_configuration")) or {}).get("strategy")
            notes.append(f"{change['address']}: handed from CodeDeploy to ECS-native blue/green ({strategy}), in "
                         "place: the deployment controller, the alternate target group, the listener rules and the "
                         "role ECS moves traffic with. Nothing in the traffic path is replaced; ECS rolls the running "
                         "revision out once, as for any change of the load balancer block.")
    if plan.retired:
        listed = "; ".join(f"{address} ({what})" for address, what in sorted(plan.retired.items()))
        notes.append(f"Removes what CodeDeploy used, now that every service in the plan runs on ECS-native blue/"
                     f"green: {listed}. No deployment goes through them any more, so traffic is not interrupted.")
    return notes


def _rule_finding(address: str, kind: str, actions: list[str], before: Mapping[str, Any], after: Mapping[str, Any],
                  plan: _Plan, unknown: Mapping[str, Any]) -> Finding:
    values = after if "create" in actions or actions == ["update"] else before
    opened = "opened" if actions == ["create"] else "closed" if actions == ["delete"] else _verb(actions)
    what = f"{_rule(values, unknown if values is after else None)}: {opened}"
    if actions != ["create"] and before and after and _rule(before) != _rule(after, unknown):
        what = f"{_rule(before)} → {_rule(after, unknown)}"
    on_lb = values.get("security_group_id") in plan.lb_groups if plan.lb_groups else \
        not values.get("referenced_security_group_id")
    why = ("the test listener serves the new task set before production does"
           if values.get("from_port") in plan.test_ports and "ingress" in kind and on_lb else "")
    return Finding(address, kind, actions, REACH, what, why)


IAM_MEANING = {
    (True, "created"): "these principals may assume the role and act with all its permissions",
    (True, "deleted"): "no one may assume the role any more",
    (True, "widened"): "more principals may assume the role, or on fewer conditions, and act with its permissions",
    (True, "narrowed"): "a principal that assumed the role before may be refused: what runs as it fails",
    (True, "changed"): "who may assume the role changes: check both sides",
    (False, "created"): "the role may do this from apply on",
    (False, "deleted"): "the role can no longer do what only this policy allowed: what relied on it fails",
    (False, "widened"): "the role may do what is added from apply on",
    (False, "narrowed"): "what relied on the removed grants fails from apply on",
    (False, "changed"): "what the role may do changes: check both sides",
}
"""What an IAM change means, by whether it is a trust policy and how it changed."""


def _iam_finding(address: str, kind: str, actions: list[str], before: Mapping[str, Any],
                 after: Mapping[str, Any], unknown: Mapping[str, Any]) -> Finding | None:
    """A role's trust (who may assume it), a policy's grants (added, removed), an attachment."""
    if kind in ("aws_iam_role_policy_attachment", "aws_iam_policy_attachment"):
        values = after or before
        role, was = values.get("role"), (before or {}).get("role")
        on = f" role {role}" if isinstance(role, str) else " a role this plan creates"
        verb = {"create": "attached to", "delete": "detached from"}.get("-".join(actions), "attached again to")
        if verb == "attached again to" and isinstance(was, str) and was != role:
            on += f" (was {was})"
        why = ("the role may do everything the managed policy allows, as AWS changes it" if "create" in actions
               else "the role can no longer do what only this policy allowed")
        return Finding(address, kind, actions, REACH, f"{values.get('policy_arn')} {verb}{on}", why)
    attribute, trust = ("assume_role_policy", True) if kind == "aws_iam_role" else ("policy", False)
    if kind == "aws_iam_role" and actions == ["delete"]:
        return None  # the role in the traffic path says it
    old = before.get(attribute) if before else None
    new = after.get(attribute) if after else None
    if old == new and not unknown.get(attribute):
        return None
    told, wider = review_iam.change(old, new, trust=trust, unknown=bool(unknown.get(attribute)))
    subject = "trust" if trust else "permissions"
    verb = ("created" if not before else "deleted" if not after else
            "widened" if wider else "narrowed" if told.startswith("removes") else "changed")
    role = (after or before).get("role") if not trust else None
    owner = f" of role {role}" if isinstance(role, str) else ""
    who = " (who may assume the role)" if trust else ""
    why = IAM_MEANING[(trust, verb)]
    return Finding(address, kind, actions, REACH, f"{subject}{owner} {verb}{who}: {told}", why)


def _at(values: Mapping[str, Any], path: tuple[str, ...]) -> Any:
    """The value at `path`, through nested blocks."""
    for key in path[:-1]:
        values = block(values.get(key)) or {}
    return values.get(path[-1])


def _exposure_findings(address: str, kind: str, actions: list[str], before: Mapping[str, Any],
                       after: Mapping[str, Any]) -> list[Finding]:
    """Each attribute that now opens the resource to more callers, with its direction; whatever the
    action, so that a replacement does not hide it."""
    found = []
    for path, exposed, meaning in EXPOSURE.get(kind, []):
        old, new = (_at(before, path) if before else None), (_at(after, path) if after else None)
        if after and new == exposed and (not before or old != exposed):
            direction = f"{json.dumps(old)} → {json.dumps(new)}" if before else f"{json.dumps(new)} (created)"
            found.append(Finding(address, kind, actions, REACH, f"{'.'.join(path)} {direction}: {meaning}"))
    return found


def _health_finding(address: str, kind: str, actions: list[str], before: Mapping[str, Any],
                    after: Mapping[str, Any]) -> Finding | None:
    """A changed health check, field by field (before → after)."""
    attribute, why = HEALTH_CHECKS.get(kind, ("", ""))
    if not attribute or not before or not after:
        return None
    old, new = before.get(attribute), after.get(attribute)
    old_block, new_block = block(old), block(new)
    if old_block is not None or new_block is not None:
        old_block, new_block = old_block or {}, new_block or {}
        fields = [f"{attribute}.{key} {json.dumps(old_block.get(key))} → {json.dumps(new_block.get(key))}"
                  for key in sorted(old_block.keys() | new_block.keys()) if old_block.get(key) != new_block.get(key)]
    else:
        fields = [f"{attribute} {json.dumps(old)} → {json.dumps(new)}"] if old != new else []
    return Finding(address, kind, actions, HEALTH, "; ".join(fields), why) if fields else None


def _findings(change: Mapping[str, Any], plan: _Plan, result: Review) -> list[Finding]:
    """The findings of one resource change: none for one that is safe in place; a change that is
    replaced or deleted always has one."""
    actions, kind, address = change["change"]["actions"], change["type"], change["address"]
    before, after = change["change"].get("before") or {}, change["change"].get("after") or {}
    unknown = change["change"].get("after_unknown") or {}
    if address in plan.retired:
        return [Finding(address, kind, actions, 0, "")]  # told in the migration's note
    gone = "delete" in actions
    forced = _paths(change["change"])
    verb = _verb(actions) + (f", because {forced} cannot change in place" if forced and gone else "")
    found = []
    if gone and kind in TRAFFIC_PATH:
        found.append(Finding(address, kind, actions, INTERRUPTS, verb, TRAFFIC_PATH[kind]))
    if gone and kind in DATA:
        found.append(Finding(address, kind, actions, DESTROYS, verb, f"lost: {DATA[kind]}"))
    found += _exposure_findings(address, kind, actions, before, after)
    if kind in RULES:
        found.append(_rule_finding(address, kind, actions, before, after, plan, unknown))
    elif kind in IAM:
        found += filter(None, [_iam_finding(address, kind, actions, before, after, unknown)])
    found += filter(None, [_health_finding(address, kind, actions, before, after)])
    if kind == "aws_ecs_task_definition" and plan.service_exists:
        found.append(_task_definition_finding(address, kind, actions, before, after, unknown, result))
    if not found and gone:
        found.append(Finding(address, kind, actions, RECREATED, verb))
    return found


def _task_definition_finding(address: str, kind: str, actions: list[str], before: Mapping[str, Any],
                             after: Mapping[str, Any], unknown: Mapping[str, Any], result: Review) -> Finding:
    described, image_only = _task_definition_change(before, after, unknown)
    if image_only:
        result.notes.append(
            f"{address}: only the image differs ({'; '.join(described)}). Nothing to review: the image is "
            "the deployment's. `bluegreen deploy` rolls out the image that runs now unless given --image, and "
            "Terraform's plan never shows the image a deployment set.")
        return Finding(address, kind, actions, 0, "")
    family = after.get("family") or before.get("family") or ""
    what = f"a new revision of {family}" + (f": {'; '.join(described)}" if described else "")
    return Finding(address, kind, actions, NEXT_DEPLOY, what,
                   "registered now, but the running tasks keep their revision until `bluegreen deploy`")


def _created_anew(plan: Mapping[str, Any], changes: list[Mapping[str, Any]]) -> set[str]:
    """The output prefixes of the services the plan creates or replaces: they start with the plan's
    values at apply, not at a deployment."""
    actions = {c["address"]: c["change"]["actions"] for c in changes}
    return {roles.prefix for roles in service_roles(plan) if "create" in actions.get(roles.service or "", [])}


def _output_findings(plan: Mapping[str, Any], changes: list[Mapping[str, Any]]) -> list[Finding]:
    """The AppSpec outputs a plan changes: ECS takes them only from a deployment, unless the plan
    creates the service anew (as it does with the task definition)."""
    findings = []
    anew = _created_anew(plan, changes)
    for name, change in sorted((plan.get("output_changes") or {}).items()):
        actions = change.get("actions") or []
        key = next((k for k in APPSPEC_OUTPUTS if name.endswith(k)), None)
        if key is None or key == "task_definition_arn" or actions in (["no-op"], ["create"]):
            continue
        shown_after = "(known after apply)" if change.get("after_unknown") else json.dumps(change.get("after"))
        what = f"{key} {json.dumps(change.get('before'))} → {shown_after}"
        fresh = name[:-len(key)] in anew
        why = ("the service is created anew with it at apply" if fresh else
               "ECS takes it only from a deployment (the AppSpec, or UpdateService on the ECS-native engine), "
               "so it reaches the service at the next `bluegreen deploy`")
        if key == "assign_public_ip" and change.get("after") is True:
            findings.append(Finding(f"output.{name}", "output", actions, REACH, f"tasks get public IPs: {what}", why))
        elif not fresh:
            findings.append(Finding(f"output.{name}", "output", actions, NEXT_DEPLOY, what, why))
    return findings


def review(plan: Mapping[str, Any]) -> Review:
    result = Review()
    counts: dict[str, Counter[str]] = {}
    changes = [c for c in plan.get("resource_changes") or [] if c.get("mode", "managed") == "managed"]
    context = _context(plan, changes)
    rules: list[Rule] = []
    for change in changes:
        actions = change["change"]["actions"]
        if actions in (["no-op"], ["read"]):
            continue
        found = _findings(change, context, result)
        if not found:
            counts.setdefault(change["type"], Counter())[_verb(actions)] += 1
            continue
        result.findings += found
        if change["type"] in RULES:
            rule = next(f for f in found if f.klass == REACH)  # a rule's one finding
            rules.append((rule, change["change"].get("before") or {}, change["change"].get("after") or {}))
    _pair_rules(rules)
    result.findings += _output_findings(plan, changes)
    result.notes += _migration_notes(changes, context)
    result.findings = sorted((f for f in result.findings if f.klass), key=lambda f: (f.klass, f.address))
    result.counts = {kind: dict(sorted(c.items())) for kind, c in sorted(counts.items())}
    result.timeline = rollout_timeline(plan)
    if changes and not service_roles(plan):
        result.notes.append("The plan's outputs describe no blue/green service (the stack calls no service_outputs), "
                            "so the review cannot tell the test listener from the production one, and gives no "
                            "rollout timeline.")
    return result
