"""What the review says of a plan: each change's finding in one class, the notes, the counts of
what is safe in place, and the rollout timelines."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any


class FindingClass(Enum):
    """What a change means for a blue/green service, most serious first. Every change falls in one
    class, by the first that applies, and some in two (a replaced repository interrupts nothing but
    destroys its images). The classes that `block` fail the review (exit 4) until each of their
    addresses is `--allow`ed."""

    INTERRUPTS = (
        1,
        "Interrupts traffic or deployments",
        True,
        "the load balancer, a listener or listener rule, a target group, the ECS service or cluster, the "
        "CodeDeploy application or group, a security group, a role the engine or the tasks assume, or the "
        "network under them, replaced or deleted; and the weights a deployment engine sets on its listeners or "
        "rules, rewritten by an apply",
    )
    DESTROYS = (
        2,
        "Destroys data",
        True,
        "a log group, a repository, a bucket, a table, a key or a secret replaced or deleted, with what is lost",
    )
    REACH = (
        3,
        "Changes who can reach what",
        False,
        "ingress and egress rules, IAM trust and permissions (the grants added and removed, the principals), "
        "public IPs and internet-facing load balancers, whatever the action",
    )
    HEALTH = (
        4,
        "Decides whether deployments succeed",
        False,
        "the load balancer's health check and the service's grace period, before → after",
    )
    NEXT_DEPLOY = (
        5,
        "Takes effect only at the next `bluegreen deploy`",
        False,
        "a new task definition revision, and what reaches the service only through a deployment (the "
        "stack's AppSpec outputs), unless the plan creates the service anew, which starts with them",
    )
    RECREATED = (6, "Replaced or deleted, outside the traffic path", False, "each named, never counted")
    IN_PLACE = (7, "Safe in place", False, "the rest, created or updated in place, counted per resource type")

    def __init__(self, number: int, title: str, blocks: bool, meaning: str) -> None:
        self.number = number
        self.title = title
        self.blocks = blocks
        self.meaning = meaning


@dataclass(frozen=True)
class Finding:
    address: str
    type: str
    actions: list[str]
    klass: FindingClass
    what: str
    why: str = ""

    def as_json(self) -> dict[str, Any]:
        return {
            "address": self.address,
            "type": self.type,
            "actions": self.actions,
            "klass": self.klass.number,
            "what": self.what,
            "why": self.why,
        }


@dataclass(frozen=True)
class Found:
    """What one reading of a change found: its findings, and the notes that tell it instead (a change
    a note tells is neither a finding nor counted as safe in place)."""

    findings: tuple[Finding, ...] = ()
    notes: tuple[str, ...] = ()
    told: bool = False  # a note of the whole plan tells it

    def __add__(self, other: Found) -> Found:
        return Found(self.findings + other.findings, self.notes + other.notes, self.told or other.told)

    @property
    def nothing(self) -> bool:
        """Nothing to say of the change: it is safe in place."""
        return not (self.findings or self.notes or self.told)


@dataclass(frozen=True)
class Review:
    findings: tuple[Finding, ...] = ()
    counts: dict[str, dict[str, int]] = field(default_factory=dict)  # safe in place: type -> action -> count
    notes: tuple[str, ...] = ()
    timeline: tuple[dict[str, Any], ...] = ()

    def of_class(self, klass: FindingClass) -> list[Finding]:
        return [f for f in self.findings if f.klass is klass]

    def blocking(self, allowed: set[str]) -> list[Finding]:
        """The findings of the classes that block (interrupts, destroys data), not `--allow`ed."""
        return [f for f in self.findings if f.klass.blocks and f.address not in allowed]
