"""Every change of a plan read by each concern, and what they found put together: the findings
by class, the notes, the counts of what is safe in place, and the rollout timelines."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from . import iam, impact, network
from .deploys import output_findings, task_definition_found
from .engines import blue_green_service
from .findings import Finding, Found, Review
from .migration import migration_notes, retired
from .plan import ResourceChange, managed_changes
from .roles import service_roles
from .timeline import rollout_timeline


@dataclass(frozen=True)
class _Plan:
    """What the reading of one change needs to know of the whole plan."""

    service_exists: bool  # a blue/green service the plan keeps: a new revision waits for a deployment
    test_ports: set[Any]
    lb_groups: set[str]
    retired: Mapping[str, str]  # CodeDeploy resources a migration removes, told in its note
    routed: Mapping[str, str]  # the listeners (CodeDeploy) or rules (ECS) the engine shifts: production or test


def _routed(plan: Mapping[str, Any]) -> dict[str, str]:
    """Where each service's engine shifts traffic: ECS on the listener rules, where the stack has
    them; CodeDeploy on the listeners."""
    routed: dict[str, str] = {}
    for roles in service_roles(plan):
        if roles.prod_listener_rule or roles.test_listener_rule:
            parts = {"production": roles.prod_listener_rule, "test": roles.test_listener_rule}
        else:
            parts = {"production": roles.prod_listener, "test": roles.test_listener}
        routed.update({address: part for part, address in parts.items() if address})
    return routed


def _context(plan: Mapping[str, Any], changes: list[ResourceChange]) -> _Plan:
    test_listeners = {r.test_listener for r in service_roles(plan)}
    return _Plan(
        service_exists=any("create" not in c.actions for c in changes if blue_green_service(c)),
        test_ports={c.after.get("port") for c in changes if c.address in test_listeners},
        lb_groups={
            group
            for c in changes
            if c.type == "aws_lb"
            for side in (c.before, c.after)
            for group in side.get("security_groups") or []
        },
        retired=retired(changes),
        routed=_routed(plan),
    )


def _read(change: ResourceChange, plan: _Plan) -> Found:
    """What one resource change means: nothing for one that is safe in place; a change that is
    replaced or deleted always has a finding or a note."""
    if change.address in plan.retired:
        return Found(told=True)
    found = Found((*impact.loss_findings(change), *network.exposure_findings(change)))
    if change.type in network.KINDS:
        found += Found((network.rule_finding(change, test_ports=plan.test_ports, lb_groups=plan.lb_groups),))
    elif change.type in iam.KINDS:
        found += Found(tuple(filter(None, [iam.iam_finding(change)])))
    found += Found(tuple(filter(None, [impact.health_finding(change), impact.routing_finding(change, plan.routed)])))
    if change.type == "aws_ecs_task_definition" and plan.service_exists:
        found += task_definition_found(change)
    if found.nothing and change.gone:
        found += Found((impact.recreated_finding(change),))
    return found


def review(plan: Mapping[str, Any]) -> Review:
    """The review of a checked plan (plan.load_plan)."""
    changes = [ResourceChange.of(c) for c in managed_changes(plan)]
    context = _context(plan, changes)
    findings: list[Finding] = []
    notes: list[str] = []
    rules: list[tuple[Finding, ResourceChange]] = []
    counts: dict[str, Counter[str]] = {}
    for change in changes:
        if change.actions in (["no-op"], ["read"]):
            continue
        found = _read(change, context)
        notes += found.notes
        if found.nothing:
            counts.setdefault(change.type, Counter())[change.verb] += 1
        elif change.type in network.KINDS:
            rules += [(finding, change) for finding in found.findings]
        else:
            findings += found.findings
    findings += network.pair_rules(rules)
    findings += output_findings(plan, changes)
    notes += migration_notes(changes, context.retired)
    if changes and not service_roles(plan):
        notes.append(
            "The plan's outputs describe no blue/green service (the stack calls no service_outputs), so the "
            "review cannot tell the test listener from the production one, and gives no rollout timeline."
        )
    return Review(
        findings=tuple(sorted(findings, key=lambda f: (f.klass.number, f.address))),
        counts={kind: dict(sorted(c.items())) for kind, c in sorted(counts.items())},
        notes=tuple(notes),
        timeline=tuple(rollout_timeline(plan)),
    )
