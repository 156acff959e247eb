"""Terraform state in S3: encrypted, with S3-native locking (and DynamoDB for teams still on it)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar

from ..cdk import S3Backend, S3BackendEndpointConfig, TerraformStack
from ..validation import SettingsError, check_bucket_name, check_region, check_table_name, check_types, matches
from .provider import CustomEndpointProps

_KEY = re.compile(r"[A-Za-z0-9!_.*'()/-]{1,1024}")


@dataclass(frozen=True, kw_only=True)
class StateBackendProps:
    """Where Terraform keeps this stack's state. The bucket must exist before `terraform init`."""

    SETTING: ClassVar[str] = "backend"
    """Where its settings sit, in the names of its errors."""

    bucket: str
    """Name of the existing S3 bucket that holds the state. Required."""
    key: str
    """Object key of this stack's state; give each environment its own. Required."""
    region: str | None = None
    """Region of the bucket. Default: None (the stack's region)."""
    use_lockfile: bool = True
    """Lock the state with an S3 lock object (Terraform 1.10+). Default: True."""
    dynamodb_table: str | None = None
    """DynamoDB lock table, for teams migrating from one. Default: None (S3 locking only)."""

    def __post_init__(self) -> None:
        check_types(self)
        check_bucket_name("backend.bucket", self.bucket)
        check_state_key("backend.key", self.key)
        if self.region is not None:
            check_region("backend.region", self.region)
        check_table_name("backend.dynamodb_table", self.dynamodb_table)
        if not self.use_lockfile and self.dynamodb_table is None:
            raise SettingsError(
                "backend.use_lockfile", False,
                "Without a lock, two runs can corrupt the state: keep use_lockfile=True, or name "
                "a dynamodb_table.",
            )


def check_state_key(field: str, key: str) -> None:
    """An S3 object key for a state file: relative, no empty segment (`a//b`), no dot segment."""
    segments = key.split("/")
    if not matches(_KEY, key) or "" in segments or "." in segments or ".." in segments:
        raise SettingsError(field, key, "Use a relative object key of non-empty parts, such as "
                                        "'ecs-bluegreen/dev/terraform.tfstate'.")


def add_s3_backend(
    stack: TerraformStack,
    props: StateBackendProps,
    *,
    region: str,
    endpoint: CustomEndpointProps | None = None,
) -> S3Backend:
    """Configure the stack's S3 backend. Only a stack calls this; constructs never do."""
    emulator: dict[str, object] = {}
    if endpoint is not None:
        emulator = {
            "endpoints": S3BackendEndpointConfig(
                s3=endpoint.url, dynamodb=endpoint.url, iam=endpoint.url, sts=endpoint.url),
            "use_path_style": True,
            "skip_credentials_validation": True,
            "skip_requesting_account_id": True,
            "skip_metadata_api_check": True,
            "skip_region_validation": True,
            "max_retries": endpoint.max_retries,
        }
    backend = S3Backend(
        stack,
        bucket=props.bucket,
        key=props.key,
        region=props.region or region,
        encrypt=True,
        dynamodb_table=props.dynamodb_table,
        **emulator,
    )
    if props.use_lockfile:
        # cdktf 0.21's S3Backend predates `use_lockfile`; Terraform 1.10+ reads it from the block.
        stack.add_override("terraform.backend.s3.use_lockfile", True)
    return backend
