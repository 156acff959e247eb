"""Deployment notifications: CodeDeploy events published to an SNS topic."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from constructs import Construct

from ..aws.sns_topic import SnsTopic
from ..validation import SettingsError, check_arn, check_types, check_value

TRIGGER_EVENTS = ("DeploymentStart", "DeploymentSuccess", "DeploymentFailure", "DeploymentStop",
                  "DeploymentRollback", "DeploymentReady")
"""The deployment-level events CodeDeploy can publish (the instance-level ones do not apply to ECS)."""


@dataclass(frozen=True, kw_only=True)
class NotificationProps:
    """Where CodeDeploy publishes deployment events, and which ones."""

    SETTING: ClassVar[str] = "deployment.notifications"
    """Where its settings sit, in the names of its errors."""

    topic_arn: str | None = None
    """Existing SNS topic. Default: None (a topic "<name>-deployments" is created, encrypted)."""
    events: tuple[str, ...] = ("DeploymentFailure", "DeploymentStop", "DeploymentRollback", "DeploymentSuccess")
    """Events to publish. Default: ("DeploymentFailure", "DeploymentStop", "DeploymentRollback", "DeploymentSuccess")."""

    def __post_init__(self) -> None:
        check_types(self)
        check_arn("deployment.notifications.topic_arn", self.topic_arn, "sns")
        if not self.events:
            raise SettingsError("deployment.notifications.events", self.events,
                                f"Pick at least one of {', '.join(TRIGGER_EVENTS)}.")
        for event in self.events:
            if event not in TRIGGER_EVENTS:
                raise SettingsError("deployment.notifications.events", event,
                                    f"Use events from: {', '.join(TRIGGER_EVENTS)}.")
        if len(set(self.events)) != len(self.events):
            raise SettingsError("deployment.notifications.events", self.events, "List each event once.")


class DeploymentTopic(Construct):
    """The SNS topic deployment events go to: the one given, or a new encrypted one."""

    topic: SnsTopic | None = None

    def __init__(self, scope: Construct, id: str, *, name: str, props: NotificationProps) -> None:
        check_value("props", props, NotificationProps)
        super().__init__(scope, id)
        if props.topic_arn is not None:
            self.topic_arn: str = props.topic_arn
            return
        # Encrypted with the AWS-managed SNS key: free, and nothing to grant to CodeDeploy.
        self.topic = SnsTopic(self, "topic", name=f"{name}-deployments", kms_master_key_id="alias/aws/sns")
        self.topic_arn = self.topic.arn
