"""`bluegreen review`: a Terraform plan, sorted by what each change means for a blue/green service.

The plan is Terraform's JSON (`terraform show -json PLANFILE`). Every change falls in one class:

1. interrupts traffic or deployments: the load balancer, a listener, a target group, the ECS
   service or cluster, the CodeDeploy application or group, a security group, a role CodeDeploy or
   the tasks assume, or the network under them, replaced or deleted;
2. changes who can reach what: ingress and egress rules, IAM trust and permissions, public IPs;
3. takes effect only at the next `bluegreen deploy`: a new task definition revision, and what
   reaches the service only through the AppSpec (the stack's AppSpec outputs);
4. safe in place: the rest, counted per resource type.

The rollout timeline comes from the same plan: the values before and after of the target groups,
the service and the deployment group, as lower bounds. Light on purpose: no CDKTF, no boto3.
"""

from __future__ import annotations

import ipaddress
import json
import math
from collections import Counter
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from ..contract import APPSPEC_OUTPUTS, PREDEFINED_SHIFTS

INTERRUPTS, REACH, NEXT_DEPLOY, IN_PLACE = 1, 2, 3, 4
CLASS_TITLES = {
    INTERRUPTS: "Interrupts traffic or deployments",
    REACH: "Changes who can reach what",
    NEXT_DEPLOY: "Takes effect only at the next `bluegreen deploy`",
    IN_PLACE: "Safe in place",
}

# What replacing or deleting each resource in the traffic path does to a blue/green service.
TRAFFIC_PATH = {
    "aws_lb": "downtime: the new load balancer has a new DNS name, and traffic to the old one fails",
    "aws_lb_listener": "downtime while the listener is recreated; a deployment in progress fails, since "
                       "CodeDeploy routes through the listener",
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
    "aws_ecr_repository": "the images go with it: a task that starts (scaling, a replaced task, a rollback) "
                          "cannot pull its image until it is pushed again",
}
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
        return [f for f in self.of_class(INTERRUPTS) if f.address not in allowed]


class PlanError(ValueError):
    """The input is no Terraform JSON plan."""


def load_plan(text: str, source: str) -> dict[str, Any]:
    try:
        plan = json.loads(text)
    except json.JSONDecodeError as err:
        raise PlanError(f"{source} is not JSON ({err}): give the output of `terraform show -json PLANFILE`") from None
    if not isinstance(plan, dict) or "format_version" not in plan or "resource_changes" not in plan \
            and "planned_values" not in plan:
        raise PlanError(f"{source} is not a Terraform plan: give the output of `terraform show -json PLANFILE` "
                        "(a plan file, not `terraform show -json` of the state)")
    return plan


def _verb(actions: list[str]) -> str:
    if actions == ["delete"]:
        return "deleted"
    if "delete" in actions and "create" in actions:
        return "replaced"
    return {"create": "created", "update": "updated in place"}.get(actions[0], actions[0])


def _one(value: Any) -> dict[str, Any]:
    """A nested block as the plan gives it (a list of one) or as the config gives it (an object)."""
    if isinstance(value, list):
        return value[0] if value and isinstance(value[0], dict) else {}
    return value if isinstance(value, dict) else {}


def _paths(change: Mapping[str, Any]) -> str:
    paths = change.get("replace_paths") or []
    return ", ".join(".".join(str(p) for p in path) for path in paths)


def _rule(values: Mapping[str, Any]) -> str:
    source = (values.get("cidr_ipv4") or values.get("cidr_ipv6") or values.get("referenced_security_group_id")
              or ", ".join(values.get("cidr_blocks") or []) or "another group")
    protocol = values.get("ip_protocol") or values.get("protocol") or "?"
    ports = values.get("from_port")
    if ports is None or protocol == "-1":
        return f"all traffic {source}"
    end = values.get("to_port")
    span = f"{ports}" if end in (None, ports) else f"{ports}-{end}"
    return f"{protocol}/{span} {source}"


def _containers(values: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    try:
        return {c["name"]: c for c in json.loads(values.get("container_definitions") or "[]")}
    except (ValueError, TypeError, KeyError):
        return {}


def _task_definition_change(before: Mapping[str, Any], after: Mapping[str, Any],
                            unknown: Mapping[str, Any]) -> tuple[list[str], bool]:
    """What differs between two revisions, for a reviewer; and whether it is the image alone.
    An attribute known only after apply (`unknown`) is not a difference; "" and null are alike."""
    changes = [f"{key} {before.get(key) or '(none)'} → {after.get(key) or '(none)'}"
               for key in ("cpu", "memory", "execution_role_arn", "task_role_arn", "network_mode")
               if not unknown.get(key) and (before.get(key) or None) != (after.get(key) or None)]
    old, new = _containers(before), _containers(after)
    image_only = not changes and set(old) == set(new)
    for name in sorted(set(old) | set(new)):
        if name not in old or name not in new:
            changes.append(f"container {name} {'added' if name in new else 'removed'}")
            image_only = False
            continue
        a, b = old[name], new[name]
        for key in sorted(set(a) | set(b)):
            if a.get(key) == b.get(key):
                continue
            if key == "environment":
                env_a = {e["name"]: e.get("value") for e in a.get(key) or []}
                env_b = {e["name"]: e.get("value") for e in b.get(key) or []}
                parts = [f"+{k}" for k in sorted(set(env_b) - set(env_a))] + \
                    [f"-{k}" for k in sorted(set(env_a) - set(env_b))] + \
                    [f"~{k}" for k in sorted(set(env_a) & set(env_b)) if env_a[k] != env_b[k]]
                changes.append(f"{name} environment {' '.join(parts)}")
            else:
                changes.append(f"{name} {key} {json.dumps(a.get(key))} → {json.dumps(b.get(key))}")
            if key != "image":
                image_only = False
    return changes, image_only and bool(changes)


def _network(values: Mapping[str, Any]) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    try:
        return ipaddress.ip_network(values.get("cidr_ipv4") or values.get("cidr_ipv6") or "")
    except ValueError:
        return None


def _pair_rules(rules: list[tuple[Finding, Mapping[str, Any], Mapping[str, Any]]]) -> None:
    """A rule closed and another opened on the same group, port and protocol read as one change of
    range: "tcp/80 10.0.0.0/16 → 10.0.0.0/8: wider". The opened rule's finding says it; the closed
    one's is dropped."""
    def key(values: Mapping[str, Any]) -> tuple:
        return (values.get("security_group_id"), values.get("ip_protocol"), values.get("from_port"),
                values.get("to_port"))

    closed = {key(b): (f, b) for f, b, _ in rules if f.actions == ["delete"] and _network(b)}
    for finding, _, after in rules:
        if finding.actions != ["create"] or key(after) not in closed or not _network(after):
            continue
        old_finding, before = closed.pop(key(after))
        old, new = _network(before), _network(after)
        size = ("wider" if old.version == new.version and old.subnet_of(new) else
                "narrower" if old.version == new.version and new.subnet_of(old) else "changed")
        finding.what = f"{_rule(before)} → {new}: {size}"
        if size != "changed":
            more = abs(new.num_addresses - old.num_addresses)
            finding.why = " ".join(filter(None, [f"{more:,} {'more' if size == 'wider' else 'fewer'} addresses can "
                                                 "reach it.", finding.why]))
        finding.address = f"{old_finding.address} → {finding.address}"
        old_finding.klass = 0  # folded into the opened rule's finding


def review(plan: Mapping[str, Any]) -> Review:
    result = Review()
    counts: dict[str, Counter] = {}
    changes = [c for c in plan.get("resource_changes") or [] if c.get("mode", "managed") == "managed"]
    by_type: dict[str, list[Mapping[str, Any]]] = {}
    for change in changes:
        by_type.setdefault(change["type"], []).append(change)
    service_exists = any("create" not in c["change"]["actions"] for c in by_type.get("aws_ecs_service", []))
    test_ports = {(c["change"].get("after") or {}).get("port") for c in by_type.get("aws_lb_listener", [])
                  if "test" in c["address"].rsplit(".", 1)[-1]}
    lb_groups = {group for c in by_type.get("aws_lb", []) for side in ("before", "after")
                 for group in (c["change"].get(side) or {}).get("security_groups") or []}

    rules: list[tuple[Finding, Mapping[str, Any], Mapping[str, Any]]] = []
    for change in changes:
        actions, kind, address = change["change"]["actions"], change["type"], change["address"]
        if actions in (["no-op"], ["read"]):
            continue
        before, after = change["change"].get("before") or {}, change["change"].get("after") or {}
        verb = _verb(actions)
        finding = None
        if "delete" in actions and kind in TRAFFIC_PATH:
            forced = _paths(change["change"])
            why = f"{TRAFFIC_PATH[kind]}"
            what = f"{verb}" + (f", because {forced} cannot change in place" if forced else "")
            finding = Finding(address, kind, actions, INTERRUPTS, what, why)
        elif kind in RULES:
            values = after if "create" in actions or actions == ["update"] else before
            port = values.get("from_port")
            opened = "opened" if actions == ["create"] else "closed" if actions == ["delete"] else verb
            what = f"{_rule(values)}: {opened}"
            if actions != ["create"] and before and after and _rule(before) != _rule(after):
                what = f"{_rule(before)} → {_rule(after)}"
            on_lb = values.get("security_group_id") in lb_groups if lb_groups else not values.get(
                "referenced_security_group_id")
            why = ("the test listener serves the new task set before production does" if port in test_ports
                   and "ingress" in kind and on_lb else "")
            finding = Finding(address, kind, actions, REACH, what, why)
            rules.append((finding, before, after))
        elif kind in IAM and actions != ["delete"]:
            if kind == "aws_iam_role" and actions == ["update"] and \
                    before.get("assume_role_policy") == after.get("assume_role_policy"):
                finding = None
            else:
                trust = kind == "aws_iam_role" and before.get("assume_role_policy") != after.get("assume_role_policy")
                what = ("trust policy " if trust else "permissions ") + verb
                detail = after.get("policy_arn") or ""
                finding = Finding(address, kind, actions, REACH, what + (f": {detail}" if detail else ""))
        elif kind == "aws_lb" and before.get("internal") is True and after.get("internal") is False:
            finding = Finding(address, kind, actions, REACH, "the load balancer becomes internet-facing")
        elif kind == "aws_subnet" and not before.get("map_public_ip_on_launch") and after.get("map_public_ip_on_launch"):
            finding = Finding(address, kind, actions, REACH, "instances in the subnet get public IPs")
        elif kind == "aws_ecs_task_definition" and service_exists:
            described, image_only = _task_definition_change(before, after,
                                                            change["change"].get("after_unknown") or {})
            if image_only:
                result.notes.append(
                    f"{address}: only the image differs ({'; '.join(described)}). Nothing to review: the "
                    "image is CodeDeploy's. `bluegreen deploy` rolls out the image that runs now unless "
                    "given --image, and Terraform's plan never shows the image a deployment set.")
                continue
            family = after.get("family") or before.get("family") or ""
            what = f"a new revision of {family}" + (f": {'; '.join(described)}" if described else "")
            finding = Finding(address, kind, actions, NEXT_DEPLOY, what,
                              "registered now, but the running tasks keep their revision until `bluegreen deploy`")
        if finding is not None:
            result.findings.append(finding)
        else:
            counts.setdefault(kind, Counter())[verb] += 1

    _pair_rules(rules)
    for name, change in sorted((plan.get("output_changes") or {}).items()):
        actions = change.get("actions") or []
        key = next((k for k in APPSPEC_OUTPUTS if name.endswith(k)), None)
        if key is None or key == "task_definition_arn" or actions in (["no-op"], ["create"]):
            continue
        shown_after = "(known after apply)" if change.get("after_unknown") else json.dumps(change.get("after"))
        what = f"{key} {json.dumps(change.get('before'))} → {shown_after}"
        why = "ECS takes it only from the AppSpec, so it reaches the service at the next `bluegreen deploy`"
        if key == "assign_public_ip" and change.get("after") is True:
            result.findings.append(Finding(f"output.{name}", "output", actions, REACH, f"tasks get public IPs: {what}",
                                           why))
        else:
            result.findings.append(Finding(f"output.{name}", "output", actions, NEXT_DEPLOY, what, why))

    result.findings = [f for f in result.findings if f.klass]
    result.counts = {kind: dict(sorted(c.items())) for kind, c in sorted(counts.items())}
    result.findings.sort(key=lambda f: (f.klass, f.address))
    result.timeline = rollout_timeline(plan)
    return result


# --- the rollout timeline ----------------------------------------------------------------------

@dataclass(frozen=True)
class Timeline:
    healthy_seconds: int | None
    grace_seconds: int | None
    approval_minutes: int | None  # None: traffic moves at once
    shift: tuple[str, int, int] | None  # (kind, percent, interval minutes); None: a config not in the plan
    config_name: str | None
    drain_seconds: int | None
    termination_minutes: int | None

    @property
    def shift_minutes(self) -> int:
        if self.shift is None or self.shift[0] == "all-at-once":
            return 0
        kind, percent, interval = self.shift
        return interval if kind == "canary" else (math.ceil(100 / percent) - 1) * interval

    def lines(self) -> dict[str, str]:
        healthy = "unknown" if self.healthy_seconds is None else \
            f"≥ {self.healthy_seconds} s after a task starts (healthy threshold × check interval)"
        if self.grace_seconds:
            healthy += f"; ECS ignores failed checks for the first {self.grace_seconds} s (grace period)"
        approval = "none: traffic moves once the new tasks are healthy" if self.approval_minutes is None else \
            f"waits up to {self.approval_minutes} min for `aws deploy continue-deployment`, then stops and rolls back"
        if self.shift is None:
            traffic = f"as deployment config {self.config_name} says (not in this plan)"
        elif self.shift[0] == "all-at-once":
            traffic = "all at once"
        elif self.shift[0] == "canary":
            traffic = f"{self.shift[1]}% first, the other {100 - self.shift[1]}% after {self.shift[2]} min"
        else:
            steps = math.ceil(100 / self.shift[1])
            traffic = f"{self.shift[1]}% every {self.shift[2]} min: {steps} steps, 100% after {self.shift_minutes} min"
        drain = "unknown" if self.drain_seconds is None else f"{self.drain_seconds} s (deregistration delay)"
        window = "unknown" if self.termination_minutes is None else \
            f"{self.termination_minutes} min after traffic has moved: the old task set is kept, rollback is instant"
        total = (self.healthy_seconds or 0) / 60 + self.shift_minutes + (self.termination_minutes or 0)
        return {
            "new tasks healthy": healthy,
            "approval": approval,
            "traffic shift": traffic,
            "old tasks drain": drain,
            "rollback window": window,
            "old task set gone": f"≥ {total:.0f} min after the deployment starts (without the approval wait)",
        }


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def timeline_from(resources: Mapping[str, Mapping[str, Any]]) -> Timeline | None:
    """The timeline of one service, from the values of its resources: address -> values, as a plan's
    before or after, or a synthesized stack's resource bodies."""
    def first(kind: str, hint: str = "") -> Mapping[str, Any]:
        found = [v for a, v in sorted(resources.items()) if a.split(".")[-2] == kind and hint in a]
        return found[0] if found else {}

    group = first("aws_codedeploy_deployment_group")
    if not group:
        return None
    groups = first("aws_lb_target_group", "blue") or first("aws_lb_target_group")
    check = _one(groups.get("health_check"))
    interval, threshold = _int(check.get("interval")), _int(check.get("healthy_threshold"))
    service = first("aws_ecs_service")
    blue_green = _one(group.get("blue_green_deployment_config"))
    ready = _one(blue_green.get("deployment_ready_option"))
    terminate = _one(blue_green.get("terminate_blue_instances_on_deployment_success"))
    name = group.get("deployment_config_name")
    shift: tuple[str, int, int] | None = PREDEFINED_SHIFTS.get(name) if isinstance(name, str) else None
    config = first("aws_codedeploy_deployment_config")
    if shift is None and config:
        routing = _one(config.get("traffic_routing_config"))
        kind = routing.get("type")
        if kind == "TimeBasedCanary":
            canary = _one(routing.get("time_based_canary"))
            shift = ("canary", _int(canary.get("percentage")) or 0, _int(canary.get("interval")) or 0)
        elif kind == "TimeBasedLinear":
            linear = _one(routing.get("time_based_linear"))
            shift = ("linear", _int(linear.get("percentage")) or 0, _int(linear.get("interval")) or 0)
        elif kind == "AllAtOnce":
            shift = ("all-at-once", 100, 0)
        name = config.get("deployment_config_name") or name
    waits = ready.get("action_on_timeout") == "STOP_DEPLOYMENT"
    return Timeline(
        healthy_seconds=interval * threshold if interval and threshold else None,
        grace_seconds=_int(service.get("health_check_grace_period_seconds")),
        approval_minutes=_int(ready.get("wait_time_in_minutes")) if waits else None,
        shift=shift,
        config_name=name if isinstance(name, str) and not name.startswith("${") else None,
        drain_seconds=_int(groups.get("deregistration_delay")),
        termination_minutes=_int(terminate.get("termination_wait_time_in_minutes")),
    )


def _services(addresses: list[str]) -> dict[str, list[str]]:
    """Addresses per service: a readable address starts with the service's construct path."""
    prefixes = sorted({a.split(".")[-1][: -len("_ecs_service")] for a in addresses
                       if a.split(".")[-2] == "aws_ecs_service" and a.endswith("_ecs_service")})
    if len(prefixes) <= 1:
        return {prefixes[0] if prefixes else "": addresses}
    return {p: [a for a in addresses if a.split(".")[-1].startswith(p + "_")] for p in prefixes}


def rollout_timeline(plan: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Per service: the timeline after the plan, and before it where the plan changes it."""
    changes = [c for c in plan.get("resource_changes") or [] if c.get("mode", "managed") == "managed"]
    before = {c["address"]: c["change"].get("before") for c in changes if c["change"].get("before")}
    after = {c["address"]: c["change"].get("after") for c in changes if c["change"].get("after")}
    result = []
    for service, addresses in sorted(_services(sorted(set(before) | set(after))).items()):
        new = timeline_from({a: after[a] for a in addresses if a in after})
        if new is None:
            continue
        old = timeline_from({a: before[a] for a in addresses if a in before})
        old_lines = old.lines() if old else {}
        entry = {"service": service or "(the stack's)", "lines": []}
        for label, text in new.lines().items():
            was = old_lines.get(label)
            entry["lines"].append({"step": label, "after": text, "before": was if was not in (None, text) else None})
        result.append(entry)
    return result


# --- output ---------------------------------------------------------------------------------------

LOWER_BOUND = "Lower bounds from the settings, not a promise: slow starts, failing checks and alarms add time."


def as_json(result: Review, allowed: set[str]) -> str:
    return json.dumps({
        "classes": {str(k): CLASS_TITLES[k] for k in CLASS_TITLES},
        "findings": [asdict(f) for f in result.findings],
        "in_place": result.counts,
        "notes": result.notes,
        "timeline": result.timeline,
        "blocking": [f.address for f in result.blocking(allowed)],
    }, indent=2, ensure_ascii=False) + "\n"


def _count_line(counts: Mapping[str, Mapping[str, int]]) -> list[str]:
    return [f"{kind}: " + ", ".join(f"{n} {verb}" for verb, n in actions.items()) for kind, actions in counts.items()]


def as_text(result: Review, allowed: set[str]) -> str:
    out = []
    for klass, title in CLASS_TITLES.items():
        findings = result.of_class(klass)
        if klass == IN_PLACE:
            lines = _count_line(result.counts)
            out.append(f"{klass}. {title}:" + ("" if lines else " nothing"))
            out += [f"   {line}" for line in lines]
            continue
        out.append(f"{klass}. {title}: {len(findings) or 'nothing'}")
        for f in findings:
            mark = " (allowed)" if klass == INTERRUPTS and f.address in allowed else ""
            out.append(f"   {f.address}{mark}: {f.what}")
            if f.why:
                out.append(f"      {f.why}")
    out += [f"note: {note}" for note in result.notes]
    if not result.findings and not result.counts:
        out.insert(0, "No changes to review.")
    for entry in result.timeline:
        out.append(f"Rollout timeline of {entry['service']} ({LOWER_BOUND})")
        for line in entry["lines"]:
            change = f" (was: {line['before']})" if line["before"] else ""
            out.append(f"   {line['step']:<18} {line['after']}{change}")
    blocking = result.blocking(allowed)
    if blocking:
        out.append(f"{len(blocking)} change(s) interrupt traffic or deployments; allow each with --allow ADDRESS")
    return "\n".join(out) + "\n"


def as_markdown(result: Review, allowed: set[str]) -> str:
    blocking = result.blocking(allowed)
    verdict = (f"**{len(blocking)} change(s) interrupt traffic or deployments.**" if blocking else
               "No change interrupts traffic or deployments." if not result.of_class(INTERRUPTS) else
               "Every change that interrupts traffic or deployments is allowed.")
    out = ["### Blue/green plan review", "", verdict, ""]
    for klass, title in CLASS_TITLES.items():
        findings = result.of_class(klass)
        if klass == IN_PLACE:
            if result.counts:
                out += [f"#### {klass}. {title}", "", "| resource type | changes |", "|---|---|"]
                out += [f"| `{kind}` | {', '.join(f'{n} {v}' for v, n in actions.items())} |"
                        for kind, actions in result.counts.items()]
                out.append("")
            continue
        if not findings:
            continue
        out += [f"#### {klass}. {title}", "", "| address | change | what it means |", "|---|---|---|"]
        for f in findings:
            mark = " (allowed)" if klass == INTERRUPTS and f.address in allowed else ""
            out.append(f"| `{f.address}`{mark} | {f.what.replace('|', '/')} | {f.why.replace('|', '/')} |")
        out.append("")
    for note in result.notes:
        out += [f"> {note}", ""]
    for entry in result.timeline:
        out += [f"#### Rollout timeline of {entry['service']}", "", f"_{LOWER_BOUND}_", "",
                "| step | after this plan | before |", "|---|---|---|"]
        out += [f"| {line['step']} | {line['after']} | {line['before'] or 'same'} |" for line in entry["lines"]]
        out.append("")
    return "\n".join(out)
