"""Who can reach what, in a plan: security group rules (a range closed and another opened read as
one change, wider or narrower), and the attributes that open a resource to more callers (an
internet-facing load balancer, public IPs, a bucket's public access)."""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from .findings import Finding, FindingClass
from .plan import ResourceChange, block

KINDS = ("aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule", "aws_security_group_rule")
"""The rules of security groups."""
EXPOSURE: dict[str, list[tuple[tuple[str, ...], Any, str]]] = {
    "aws_lb": [(("internal",), False, "the load balancer is internet-facing")],
    "aws_subnet": [(("map_public_ip_on_launch",), True, "instances in the subnet get public IPs")],
    "aws_ecs_service": [(("network_configuration", "assign_public_ip"), True, "the tasks get public IPs")],
    "aws_s3_bucket_public_access_block": [
        ((name,), False, f"the bucket no longer has {name}")
        for name in ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets")
    ],
}
"""Attributes whose value opens a resource to more callers: (path, the exposing value, what it means)."""


def describe_rule(values: Mapping[str, Any], unknown: Mapping[str, Any] | None = None) -> str:
    """A rule as protocol/ports and its peer; a group known only at apply is "a group this plan creates"."""
    created = "a group this plan creates" if (unknown or {}).get("referenced_security_group_id") else None
    source = (
        values.get("cidr_ipv4")
        or values.get("cidr_ipv6")
        or values.get("referenced_security_group_id")
        or created
        or ", ".join(values.get("cidr_blocks") or [])
        or "another group"
    )
    protocol = values.get("ip_protocol") or values.get("protocol") or "?"
    ports = values.get("from_port")
    if ports is None or protocol == "-1":
        return f"all traffic {source}"
    end = values.get("to_port")
    span = f"{ports}" if end in (None, ports) else f"{ports}-{end}"
    return f"{protocol}/{span} {source}"


def rule_finding(change: ResourceChange, *, test_ports: set[Any], lb_groups: set[str]) -> Finding:
    """A rule opened, closed or changed; on the load balancer's test port, why that matters."""
    actions, before, after = change.actions, change.before, change.after
    values = after if "create" in actions or actions == ["update"] else before
    opened = "opened" if actions == ["create"] else "closed" if actions == ["delete"] else change.verb
    what = f"{describe_rule(values, change.unknown if values is after else None)}: {opened}"
    if actions != ["create"] and before and after and describe_rule(before) != describe_rule(after, change.unknown):
        what = f"{describe_rule(before)} → {describe_rule(after, change.unknown)}"
    on_lb = (
        values.get("security_group_id") in lb_groups if lb_groups else not values.get("referenced_security_group_id")
    )
    why = (
        "the test listener serves the new task set before production does"
        if values.get("from_port") in test_ports and "ingress" in change.type and on_lb
        else ""
    )
    return Finding(change.address, change.type, actions, FindingClass.REACH, what, why)


def _network(values: Mapping[str, Any]) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    try:
        return ipaddress.ip_network(values.get("cidr_ipv4") or values.get("cidr_ipv6") or "")
    except ValueError:
        return None


def pair_rules(rules: list[tuple[Finding, ResourceChange]]) -> list[Finding]:
    """The rules' findings, where a rule closed and another opened on the same group, port and
    protocol read as one change of range: "tcp/80 10.0.0.0/16 → 10.0.0.0/8: wider". The opened
    rule's finding says it; the closed one's is left out."""

    def key(values: Mapping[str, Any]) -> tuple[Any, ...]:
        return (
            values.get("security_group_id"),
            values.get("ip_protocol"),
            values.get("from_port"),
            values.get("to_port"),
        )

    closed = {
        key(change.before): (finding, change.before)
        for finding, change in rules
        if finding.actions == ["delete"] and _network(change.before)
    }
    paired: dict[int, Finding] = {}
    folded: set[int] = set()
    for finding, change in rules:
        new = _network(change.after)
        if finding.actions != ["create"] or key(change.after) not in closed or new is None:
            continue
        old_finding, before = closed.pop(key(change.after))
        old = _network(before)
        assert old is not None
        wider = old.version == new.version and old.subnet_of(new)  # type: ignore[arg-type]
        narrower = old.version == new.version and new.subnet_of(old)  # type: ignore[arg-type]
        size = "wider" if wider else "narrower" if narrower else "changed"
        why = finding.why
        if size != "changed":
            more = abs(new.num_addresses - old.num_addresses)
            why = " ".join(
                filter(
                    None, [f"{more:,} {'more' if size == 'wider' else 'fewer'} addresses can reach it.", finding.why]
                )
            )
        paired[id(finding)] = replace(
            finding,
            address=f"{old_finding.address} → {finding.address}",
            what=f"{describe_rule(before)} → {new}: {size}",
            why=why,
        )
        folded.add(id(old_finding))
    return [paired.get(id(finding), finding) for finding, _ in rules if id(finding) not in folded]


def _at(values: Mapping[str, Any], path: tuple[str, ...]) -> Any:
    """The value at `path`, through nested blocks."""
    for key in path[:-1]:
        values = block(values.get(key)) or {}
    return values.get(path[-1])


def exposure_findings(change: ResourceChange) -> list[Finding]:
    """Each attribute that now opens the resource to more callers, with its direction; whatever the
    action, so that a replacement does not hide it."""
    before, after = change.before, change.after
    found = []
    for path, exposed, meaning in EXPOSURE.get(change.type, []):
        old, new = (_at(before, path) if before else None), (_at(after, path) if after else None)
        if after and new == exposed and (not before or old != exposed):
            direction = f"{json.dumps(old)} → {json.dumps(new)}" if before else f"{json.dumps(new)} (created)"
            found.append(
                Finding(
                    change.address,
                    change.type,
                    change.actions,
                    FindingClass.REACH,
                    f"{'.'.join(path)} {direction}: {meaning}",
                )
            )
    return found
