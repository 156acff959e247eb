"""The state bucket's policy, read as S3 reads it.

The state stack denies every request to its bucket that does not come over TLS: a statement that
denies s3:* on the condition `"Bool": {"aws:SecureTransport": "false"}`. moto 5.2.5 applies a
bucket policy's statements but not their conditions (its put_bucket_policy says so), so it denies
every request, and `terraform init` of a stack whose state is in that bucket gets 403 Forbidden.

The emulator stands in for AWS's endpoints, which are reached over TLS only; its own loopback
transport is no choice of the client's. So it reads aws:SecureTransport as true, and a statement
with any condition it cannot read is left as moto leaves it (applied). S3's page on the condition:
https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html#transit.
"""

from __future__ import annotations

import json
from typing import Any

KNOWN = {"aws:securetransport": "true"}
"""The condition keys the emulator can read, and their values for any request it answers."""


def applies(statement: dict[str, Any]) -> bool:
    """Whether a statement's condition holds for a request to the emulator: a Bool condition on
    the keys it knows is evaluated; any other condition counts as holding."""
    condition = statement.get("Condition") or {}
    for operator, tests in condition.items():
        if operator not in ("Bool", "BoolIfExists") or not isinstance(tests, dict):
            continue
        for key, wanted in tests.items():
            if key.lower() not in KNOWN:
                continue
            values = wanted if isinstance(wanted, list) else [wanted]
            if KNOWN[key.lower()] not in [str(v).lower() for v in values]:
                return False
    return True


def install() -> None:
    """A bucket's permission check reads only the statements whose condition holds."""
    from moto.iam.access_control import IAMPolicy, PermissionResult
    from moto.s3.models import FakeBucket

    def get_permission(self: Any, action: str, resource: str) -> Any:
        if self.policy is None:
            return PermissionResult.NEUTRAL
        document = json.loads(self.policy.decode())
        statements = document.get("Statement", [])
        if isinstance(statements, dict):
            statements = [statements]
        document["Statement"] = [s for s in statements if applies(s)]
        return IAMPolicy(json.dumps(document)).is_action_permitted(action, resource)

    FakeBucket.get_permission = get_permission  # type: ignore[method-assign]
