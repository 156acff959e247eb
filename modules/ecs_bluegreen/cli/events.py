"""What a command reports, as typed events: a renderer (render.py) turns them into text for a
person or into one JSON document for a program. Events carry facts, never prose."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .plan import DeployPlan


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
class StatusChanged(Event):
    status: str


@dataclass(frozen=True)
class WaitingForApproval(Event):
    deployment_id: str


@dataclass(frozen=True)
class LifecycleChanged(Event):
    """A lifecycle event (BeforeInstall, AllowTraffic, ...) reached a new status."""

    name: str
    status: str


@dataclass(frozen=True)
class TrafficShifted(Event):
    """The share of traffic on each task set, by its label (Blue, Green)."""

    weights: dict[str, float]


@dataclass(frozen=True)
class Ended(Event):
    """The followed deployment ended, or the wait for it did (`timed_out`)."""

    deployment_id: str
    status: str
    error: dict[str, Any]
    rollback: dict[str, Any]
    timed_out: bool = False


@dataclass(frozen=True)
class Stopped(Event):
    """A deployment was stopped with rollback."""

    deployment_id: str
    status: str | None
    message: str


@dataclass(frozen=True)
class StatusReported(Event):
    """The deployment group, whether Terraform's revision is live, and the latest deployments."""

    application: str
    deployment_group: str
    terraform: dict[str, Any] | None
    deployments: list[dict[str, Any]]


@dataclass(frozen=True)
class SettingsChecked(Event):
    """A settings file that passed every check."""

    file: str
    project: str
    environments: list[str]
    stacks: list[str]
