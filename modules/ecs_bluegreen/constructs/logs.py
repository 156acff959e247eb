"""CloudWatch log groups of a service: its containers' output, and its ECS Exec sessions."""

from __future__ import annotations

from constructs import Construct

from .aws.cloudwatch_log_group import CloudwatchLogGroup
from .suppressions import suppress


def add_log_group(scope: Construct, id: str, name: str, retention_days: int) -> CloudwatchLogGroup:
    """A log group kept `retention_days` (service.log_retention_days)."""
    group = CloudwatchLogGroup(scope, id, name=name, retention_in_days=retention_days)
    suppress(
        group,
        "CKV_AWS_158",
        "Encrypted at rest by CloudWatch Logs; a customer-managed KMS key costs and "
        "needs a key policy granting the logs service.",
    )
    if retention_days < 365:
        suppress(group, "CKV_AWS_338", f"Kept {retention_days} days, a cost choice: raise service.log_retention_days.")
    return group
