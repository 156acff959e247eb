"""Deployment notifications: which CodeDeploy events go to which SNS topic."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, ClassVar, Literal, get_args

from .kinds import Props
from .rules import Arn, Fix, NonEmpty, Unique

TriggerEvent = Literal[
    "DeploymentStart",
    "DeploymentSuccess",
    "DeploymentFailure",
    "DeploymentStop",
    "DeploymentRollback",
    "DeploymentReady",
]
"""The deployment-level events CodeDeploy can publish (the instance-level ones do not apply to ECS)."""
TRIGGER_EVENTS = get_args(TriggerEvent)


@dataclass(frozen=True, kw_only=True)
class NotificationProps(Props):
    """Where CodeDeploy publishes deployment events, and which ones."""

    SETTING: ClassVar[str] = "deployment.notifications"

    topic_arn: Annotated[str | None, Arn("sns")] = None
    """Existing SNS topic. Default: None (a topic "<name>-deployments" is created, encrypted)."""
    events: Annotated[
        tuple[Annotated[TriggerEvent, Fix("Use events from: {choices}.")], ...],
        NonEmpty(f"Pick at least one of {', '.join(TRIGGER_EVENTS)}."),
        Unique("List each event once."),
    ] = ("DeploymentFailure", "DeploymentStop", "DeploymentRollback", "DeploymentSuccess")
    """Events to publish. Default: ("DeploymentFailure", "DeploymentStop", "DeploymentRollback",
    "DeploymentSuccess")."""
