"""Deployment notifications: CodeDeploy events published to an SNS topic."""

from __future__ import annotations

from constructs import Construct

from ..settings import NotificationProps, check_value
from .aws.sns_topic import SnsTopic
from .part import Part


class DeploymentTopic(Part):
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
