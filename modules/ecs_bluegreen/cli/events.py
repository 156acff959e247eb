"""What a command reports, as typed events: a renderer (render.py) turns them into text for a
person or into one JSON document for a program. Events carry facts, never prose."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .plan import DeployPlan
    from .snapshot import Listed, Snapshot, Stage


@dataclass(frozen=True)
class Event:
    """Something a command reports."""


@dataclass(frozen=True)
class Planned(Event):
    """What `deploy` would roll out, against what runs now."""

    plan: DeployPlan
    dry_run: bool


@dataclass(frozen=True)
class Registered(Event):
    """A new task definition revision, registered for the deployment."""

    task_definition_arn: str


@dataclass(frozen=True)
class Started(Event):
    """A deployment was created."""

    deployment_id: str
    task_definition_arn: str
    registered: bool
    hooks: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Progressed(Event):
    """Where a followed deployment is now (a new snapshot at every poll)."""

    snapshot: Snapshot


@dataclass(frozen=True)
class Ended(Event):
    """The followed deployment ended, or the wait for it did (`timed_out`): its last snapshot."""

    snapshot: Snapshot
    timed_out: bool = False


@dataclass(frozen=True)
class Reached(Event):
    """The followed deployment reached the stage it was followed until (--until): it goes on."""

    snapshot: Snapshot
    stage: Stage


@dataclass(frozen=True)
class Stopped(Event):
    """A deployment was stopped with rollback."""

    deployment_id: str
    status: str | None
    message: str
    unit: str = "task set"


@dataclass(frozen=True)
class Continued(Event):
    """A deployment was let go on: approved (the ready wait ended), or finished (the original task
    set terminated now, instead of at the end of the termination wait)."""

    deployment_id: str
    wait_type: str  # READY_WAIT or TERMINATION_WAIT
    unit: str = "task set"  # what runs a version, in the engine's word: "task set", or "revision" on ECS


@dataclass(frozen=True)
class Watching(Event):
    """`watch` follows this deployment."""

    deployment_id: str
    description: str


@dataclass(frozen=True)
class StatusReported(Event):
    """The deployment group (None on the ECS-native engine), where the deployments are listed
    (`where`), whether Terraform's revision is live, where production's traffic goes, and the
    latest deployments."""

    application: str | None
    deployment_group: str | None
    terraform: dict[str, Any] | None
    deployments: list[Listed]
    where: str
    engine: str
    production: tuple[tuple[str, float], ...] = ()  # each target group's share of production now


@dataclass(frozen=True)
class SettingsChecked(Event):
    """A settings file that passed every check."""

    file: str
    project: str
    environments: list[str]
    stacks: list[str]
