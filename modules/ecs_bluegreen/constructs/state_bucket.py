"""The S3 bucket (and optional DynamoDB table) that hold Terraform state, created once per team."""

from __future__ import annotations

import json

from constructs import Construct

from ..settings import StateBucketProps, check_value
from .aws.dynamodb_table import (
    DynamodbTable,
    DynamodbTableAttribute,
    DynamodbTablePointInTimeRecovery,
    DynamodbTableServerSideEncryption,
)
from .aws.s3_bucket import S3Bucket
from .aws.s3_bucket_lifecycle_configuration import (
    S3BucketLifecycleConfiguration,
    S3BucketLifecycleConfigurationRule,
    S3BucketLifecycleConfigurationRuleAbortIncompleteMultipartUpload,
    S3BucketLifecycleConfigurationRuleFilter,
    S3BucketLifecycleConfigurationRuleNoncurrentVersionExpiration,
)
from .aws.s3_bucket_ownership_controls import (
    S3BucketOwnershipControls,
    S3BucketOwnershipControlsRule,
)
from .aws.s3_bucket_policy import S3BucketPolicy
from .aws.s3_bucket_public_access_block import S3BucketPublicAccessBlock
from .aws.s3_bucket_server_side_encryption_configuration import (
    S3BucketServerSideEncryptionConfigurationA,
    S3BucketServerSideEncryptionConfigurationRuleA,
    S3BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultA,
)
from .aws.s3_bucket_versioning import (
    S3BucketVersioningA,
    S3BucketVersioningVersioningConfiguration,
)
from .cdk import TerraformResourceLifecycle
from .part import Part
from .suppressions import suppress


class StateBucket(Part):
    """An S3 bucket fit to hold Terraform state, and optionally a DynamoDB lock table.

    The bucket is protected by `prevent_destroy`: losing it loses every stack's state.
    """

    lock_table: DynamodbTable | None = None

    def __init__(self, scope: Construct, id: str, *, props: StateBucketProps) -> None:
        check_value("props", props, StateBucketProps)
        super().__init__(scope, id)
        self.bucket = S3Bucket(
            self, "bucket", bucket=props.bucket, lifecycle=TerraformResourceLifecycle(prevent_destroy=True)
        )
        suppress(
            self.bucket,
            "CKV_AWS_144",
            "Replication costs a second bucket in another region; versioning already guards against mistakes.",
        )
        suppress(
            self.bucket,
            "CKV_AWS_18",
            "Server access logs need another bucket; CloudTrail data events audit state access better.",
        )
        suppress(self.bucket, "CKV2_AWS_62", "Nothing consumes events from a state bucket.")
        if props.kms_key_arn is None:
            suppress(
                self.bucket,
                "CKV_AWS_145",
                "SSE-S3 by default (free, no key policy to manage); set state.kms_key_arn for SSE-KMS.",
            )
        self._keep_versions(props.noncurrent_version_days)
        self._encrypt(props.kms_key_arn)
        self._keep_private()
        if props.lock_table is not None:
            self.lock_table = DynamodbTable(
                self,
                "lock-table",
                name=props.lock_table,
                billing_mode="PAY_PER_REQUEST",
                hash_key="LockID",
                attribute=[DynamodbTableAttribute(name="LockID", type="S")],
                server_side_encryption=DynamodbTableServerSideEncryption(enabled=True),
                point_in_time_recovery=DynamodbTablePointInTimeRecovery(enabled=True),
                lifecycle=TerraformResourceLifecycle(prevent_destroy=True),
            )
            suppress(
                self.lock_table,
                "CKV_AWS_119",
                "Encrypted with the AWS-owned key; a customer-managed key costs and only guards lock entries.",
            )

    def _keep_versions(self, days: int) -> None:
        """Every state write is kept, so a broken apply can be rolled back to the previous version;
        old versions expire after `days`, so the bucket does not grow forever."""
        S3BucketVersioningA(
            self,
            "versioning",
            bucket=self.bucket.id,
            versioning_configuration=S3BucketVersioningVersioningConfiguration(status="Enabled"),
        )
        S3BucketLifecycleConfiguration(
            self,
            "lifecycle",
            bucket=self.bucket.id,
            rule=[
                S3BucketLifecycleConfigurationRule(
                    id="expire-old-state-versions",
                    status="Enabled",
                    filter=[S3BucketLifecycleConfigurationRuleFilter(prefix="")],
                    noncurrent_version_expiration=[
                        S3BucketLifecycleConfigurationRuleNoncurrentVersionExpiration(noncurrent_days=days)
                    ],
                    abort_incomplete_multipart_upload=[
                        S3BucketLifecycleConfigurationRuleAbortIncompleteMultipartUpload(days_after_initiation=7)
                    ],
                )
            ],
        )

    def _encrypt(self, kms_key_arn: str | None) -> None:
        S3BucketServerSideEncryptionConfigurationA(
            self,
            "encryption",
            bucket=self.bucket.id,
            rule=[
                S3BucketServerSideEncryptionConfigurationRuleA(
                    apply_server_side_encryption_by_default=(
                        S3BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultA(
                            sse_algorithm="aws:kms" if kms_key_arn else "AES256",
                            kms_master_key_id=kms_key_arn,
                        )
                    ),
                    bucket_key_enabled=True if kms_key_arn else None,
                )
            ],
        )

    def _keep_private(self) -> None:
        """No public access, objects owned by the bucket's owner, and TLS only."""
        S3BucketPublicAccessBlock(
            self,
            "public-access-block",
            bucket=self.bucket.id,
            block_public_acls=True,
            block_public_policy=True,
            ignore_public_acls=True,
            restrict_public_buckets=True,
        )
        S3BucketOwnershipControls(
            self,
            "ownership",
            bucket=self.bucket.id,
            rule=S3BucketOwnershipControlsRule(object_ownership="BucketOwnerEnforced"),
        )
        self.policy = S3BucketPolicy(
            self,
            "policy",
            bucket=self.bucket.id,
            policy=json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Sid": "DenyInsecureTransport",
                            "Effect": "Deny",
                            "Principal": "*",
                            "Action": "s3:*",
                            "Resource": [self.bucket.arn, f"{self.bucket.arn}/*"],
                            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                        }
                    ],
                },
                sort_keys=True,
            ),
        )
