"""Terraform state in S3: encrypted, with S3-native locking (and DynamoDB for teams still on it)."""

from __future__ import annotations

from ..settings import CustomEndpointProps, StateBackendProps
from .cdk import S3Backend, S3BackendEndpointConfig, TerraformStack


def add_s3_backend(
    stack: TerraformStack,
    props: StateBackendProps,
    *,
    region: str,
    endpoint: CustomEndpointProps | None = None,
) -> S3Backend:
    """Configure the stack's S3 backend. Only a stack calls this; constructs never do. With an
    emulator, every call goes to it, path-style, with no credential or region check (settings a
    real backend leaves unset); the account is asked of the emulator's STS, as of AWS's."""
    emulated = True if endpoint is not None else None
    backend = S3Backend(
        stack,
        bucket=props.bucket,
        key=props.key,
        region=props.region or region,
        encrypt=True,
        dynamodb_table=props.dynamodb_table,
        endpoints=S3BackendEndpointConfig(s3=endpoint.url, dynamodb=endpoint.url, iam=endpoint.url, sts=endpoint.url)
        if endpoint is not None
        else None,
        use_path_style=emulated,
        skip_credentials_validation=emulated,
        skip_metadata_api_check=emulated,
        skip_region_validation=emulated,
        max_retries=endpoint.max_retries if endpoint is not None else None,
    )
    if props.use_lockfile:
        # cdktf 0.21's S3Backend predates `use_lockfile`; Terraform 1.10+ reads it from the block.
        stack.add_override("terraform.backend.s3.use_lockfile", True)
    return backend
