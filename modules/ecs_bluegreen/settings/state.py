"""Terraform state: the S3 backend of a stack, the bucket that holds it, and an emulator's endpoint."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, ClassVar

from .errors import SettingsError
from .kinds import Props
from .rules import Arn, BucketName, Pattern, Range, Region, StateKey

TABLE = Pattern(r"[A-Za-z0-9_.-]{3,255}", "DynamoDB table names have 3 to 255 letters, digits, '_', '-' and '.'.")


@dataclass(frozen=True, kw_only=True)
class StateBackendProps(Props):
    """Where Terraform keeps this stack's state. The bucket must exist before `terraform init`."""

    SETTING: ClassVar[str] = "backend"

    bucket: Annotated[str, BucketName()]
    """Name of the existing S3 bucket that holds the state. Required."""
    key: Annotated[str, StateKey()]
    """Object key of this stack's state; give each environment its own. Required."""
    region: Annotated[str | None, Region()] = None
    """Region of the bucket. Default: None (the stack's region)."""
    use_lockfile: bool = True
    """Lock the state with an S3 lock object (Terraform 1.10+). Default: True."""
    dynamodb_table: Annotated[str | None, TABLE] = None
    """DynamoDB lock table, for teams migrating from one. Default: None (S3 locking only)."""

    def check(self) -> None:
        if not self.use_lockfile and self.dynamodb_table is None:
            raise SettingsError(
                "use_lockfile",
                False,
                "Without a lock, two runs can corrupt the state: keep use_lockfile=True, or name a dynamodb_table.",
            )


@dataclass(frozen=True, kw_only=True)
class StateBucketProps(Props):
    """The state bucket: versioned, encrypted, private, TLS only."""

    SETTING: ClassVar[str] = "state"

    bucket: Annotated[str, BucketName()]
    """Name of the bucket to create. Required."""
    lock_table: Annotated[str | None, TABLE] = None
    """Also create this DynamoDB lock table (LockID key), for teams still on one. Default: None."""
    kms_key_arn: Annotated[str | None, Arn("kms", ("key/", "alias/"))] = None
    """Encrypt with this KMS key instead of S3-managed keys (SSE-S3). Default: None."""
    noncurrent_version_days: Annotated[int, Range(1, 3650, "days")] = 90
    """Days an overwritten state version is kept before it expires, 1 to 3650. Default: 90."""


@dataclass(frozen=True, kw_only=True)
class CustomEndpointProps(Props):
    """Send every AWS call of the provider and of the S3 backend to one URL instead of AWS.

    For LocalStack or moto_server. Credentials still come from the environment (for an emulator,
    any dummy AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY); nothing secret goes into the JSON.
    """

    SETTING: ClassVar[str] = "endpoint"

    url: Annotated[
        str,
        Pattern(
            r"https?://[A-Za-z0-9.-]+(?::[0-9]{1,5})?(?:/\S*)?", "Use an http(s) URL such as 'http://127.0.0.1:4566'."
        ),
    ]
    """Base URL of the emulator, e.g. "http://127.0.0.1:4566". Required."""
    max_retries: Annotated[int, Range(0, 25)] = 2
    """Retries per failed call; low, so an emulator gap fails fast. Default: 2."""
