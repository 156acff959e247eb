"""The state bootstrap stack and the emulator endpoint option."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from helpers import assert_subset, ref, resource, resources

from ecs_bluegreen import BootstrapSettings, CustomEndpointProps, SettingsError, StateBucketProps, bootstrap_settings
from ecs_bluegreen.constructs.provider import EMULATED_SERVICES


@pytest.fixture(scope="module")
def doc(synthesized):
    return synthesized["bootstrap"].doc


def test_bucket_is_created_and_protected_from_destroy(doc):
    bucket = resource(doc, "aws_s3_bucket", "state/bucket")
    assert bucket["bucket"] == "tests-tfstate"
    assert bucket["lifecycle"] == {"prevent_destroy": True}
    assert "force_destroy" not in bucket


def test_bucket_is_versioned(doc):
    versioning = resource(doc, "aws_s3_bucket_versioning", "state/versioning")
    assert versioning["versioning_configuration"] == {"status": "Enabled"}
    assert versioning["bucket"] == ref(doc, "aws_s3_bucket", "state/bucket", "id")


def test_bucket_is_encrypted_with_s3_managed_keys_by_default(doc):
    sse = resource(doc, "aws_s3_bucket_server_side_encryption_configuration", "state/encryption")
    assert sse["rule"] == [{"apply_server_side_encryption_by_default": {"sse_algorithm": "AES256"}}]


def test_bucket_blocks_every_kind_of_public_access(doc):
    block = resource(doc, "aws_s3_bucket_public_access_block", "state/public-access-block")
    assert_subset(
        block,
        {
            "block_public_acls": True,
            "block_public_policy": True,
            "ignore_public_acls": True,
            "restrict_public_buckets": True,
        },
    )
    ownership = resource(doc, "aws_s3_bucket_ownership_controls", "state/ownership")
    assert ownership["rule"] == {"object_ownership": "BucketOwnerEnforced"}


def test_bucket_policy_denies_non_tls_access(doc):
    policy = json.loads(resource(doc, "aws_s3_bucket_policy", "state/policy")["policy"])
    arn = ref(doc, "aws_s3_bucket", "state/bucket", "arn")
    assert policy["Statement"] == [
        {
            "Sid": "DenyInsecureTransport",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": [arn, f"{arn}/*"],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        }
    ]


def test_old_state_versions_expire(doc):
    lifecycle = resource(doc, "aws_s3_bucket_lifecycle_configuration", "state/lifecycle")
    assert lifecycle["rule"] == [
        {
            "id": "expire-old-state-versions",
            "status": "Enabled",
            "filter": [{"prefix": ""}],
            "noncurrent_version_expiration": [{"noncurrent_days": 90}],
            "abort_incomplete_multipart_upload": [{"days_after_initiation": 7}],
        }
    ]


def test_no_lock_table_unless_asked(doc):
    assert resources(doc, "aws_dynamodb_table") == {}
    assert list(doc["output"]) == ["state_bucket_name"]


def test_local_state_before_migration_is_relative_to_the_stack_folder(synthesized):
    # cdktf's default would be an absolute path: the checkout's location in the JSON.
    path = synthesized["bootstrap"].doc["terraform"]["backend"]["local"]["path"]
    assert not os.path.isabs(path)
    assert (
        Path(os.path.normpath(synthesized["bootstrap"].workdir / path)) == Path.cwd() / "terraform.t-bootstrap.tfstate"
    )


def test_migrated_bootstrap_keeps_its_state_in_its_own_bucket(synthesized):
    doc = synthesized["bootstrap-migrated"].doc
    assert_subset(
        doc["terraform"]["backend"]["s3"],
        {
            "bucket": "tests-tfstate",
            "key": "bootstrap/terraform.tfstate",
            "region": "eu-west-1",
            "encrypt": True,
            "use_lockfile": True,
        },
    )


def test_lock_table_and_kms_key(synthesized):
    doc = synthesized["bootstrap-migrated"].doc
    table = resource(doc, "aws_dynamodb_table", "state/lock-table")
    assert_subset(
        table,
        {
            "name": "terraform-locks",
            "billing_mode": "PAY_PER_REQUEST",
            "hash_key": "LockID",
            "attribute": [{"name": "LockID", "type": "S"}],
            "server_side_encryption": {"enabled": True},
            "point_in_time_recovery": {"enabled": True},
            "lifecycle": {"prevent_destroy": True},
        },
    )
    sse = resource(doc, "aws_s3_bucket_server_side_encryption_configuration", "state/encryption")
    assert sse["rule"][0]["apply_server_side_encryption_by_default"]["sse_algorithm"] == "aws:kms"
    assert sse["rule"][0]["bucket_key_enabled"] is True
    assert doc["output"]["lock_table_name"]["value"] == ref(doc, "aws_dynamodb_table", "state/lock-table", "name")


def test_endpoint_points_every_service_and_skips_aws_only_checks(synthesized):
    (provider,) = synthesized["emulator"].doc["provider"]["aws"]
    assert provider["endpoints"] == [dict.fromkeys(EMULATED_SERVICES, "http://127.0.0.1:4566")]
    assert_subset(
        provider,
        {
            "s3_use_path_style": True,
            "skip_credentials_validation": True,
            "skip_metadata_api_check": "true",
            "max_retries": 2,
        },
    )
    # The account is asked of the emulator's STS: skipped, the provider tags CodeDeploy's resources
    # at ARNs with no account and reads its own security groups as another account's.
    assert "skip_requesting_account_id" not in provider
    assert "access_key" not in provider and "secret_key" not in provider


# The AWS API behind each resource type the stacks create. A type missing here fails the test
# below: whoever adds it must say which service it calls, and that service must be emulated.
SERVICE_OF_TYPE_PREFIX = {
    "aws_vpc": "ec2",
    "aws_default_security_group": "ec2",
    "aws_subnet": "ec2",
    "aws_route": "ec2",
    "aws_internet_gateway": "ec2",
    "aws_nat_gateway": "ec2",
    "aws_eip": "ec2",
    "aws_security_group": "ec2",
    "aws_availability_zones": "ec2",
    "aws_lb": "elbv2",
    "aws_iam_role": "iam",
    "aws_partition": None,
    "aws_region": None,  # answered from the provider's configuration
    "aws_caller_identity": "sts",
    "aws_ecr": "ecr",
    "aws_lambda": "lambda",
    "aws_ecs": "ecs",
    "aws_codedeploy": "codedeploy",
    "aws_cloudwatch_log_group": "cloudwatchlogs",
    "aws_cloudwatch_metric_alarm": "cloudwatch",
    "aws_sns": "sns",
    "aws_s3": "s3",
    "aws_dynamodb": "dynamodb",
    "aws_appautoscaling": "applicationautoscaling",
}


def test_endpoint_covers_every_service_the_stacks_use(synthesized):
    # A resource type whose service the emulator list misses would call real AWS.
    types = {t for s in synthesized.values() for section in ("resource", "data") for t in s.doc.get(section, {})}
    for type_ in types:
        prefixes = [p for p in SERVICE_OF_TYPE_PREFIX if type_ == p or type_.startswith(p + "_")]
        assert prefixes, f"{type_}: add its service to SERVICE_OF_TYPE_PREFIX"
        service = SERVICE_OF_TYPE_PREFIX[max(prefixes, key=len)]
        assert service is None or service in EMULATED_SERVICES, type_


def test_endpoint_reaches_the_backend(synthesized):
    backend = synthesized["emulator"].doc["terraform"]["backend"]["s3"]
    assert_subset(
        backend,
        {
            "endpoints": {
                "s3": "http://127.0.0.1:4566",
                "dynamodb": "http://127.0.0.1:4566",
                "iam": "http://127.0.0.1:4566",
                "sts": "http://127.0.0.1:4566",
            },
            "use_path_style": True,
            "skip_credentials_validation": True,
            "skip_metadata_api_check": True,
            "max_retries": 2,
        },
    )
    assert "skip_requesting_account_id" not in backend


def test_no_endpoint_settings_without_the_option(synthesized):
    doc = synthesized["defaults"].doc
    (provider,) = doc["provider"]["aws"]
    assert set(provider) == {"region"}
    assert set(doc["terraform"]["backend"]["s3"]) == {"bucket", "key", "region", "encrypt", "use_lockfile"}


def test_bootstrap_from_config_uses_the_environments_bucket_and_region():
    settings = bootstrap_settings(
        {
            "project": "shop",
            "defaults": {"region": "eu-west-1", "backend": {"bucket": "shop-state"}},
            "environments": {"dev": {}},
            "bootstrap": {"state": {"lock_table": "shop-locks"}},
        }
    )
    assert settings == BootstrapSettings(
        state=StateBucketProps(bucket="shop-state", lock_table="shop-locks"),
        region="eu-west-1",
        state_key="shop/bootstrap/terraform.tfstate",
        default_tags={"Project": "shop"},
    )


@pytest.mark.parametrize(
    "build,pattern",
    [
        (lambda: CustomEndpointProps(url="localhost:4566"), r"endpoint\.url: .*http\(s\) URL"),
        (lambda: CustomEndpointProps(url="http://127.0.0.1:4566", max_retries=-1), r"endpoint\.max_retries"),
        (lambda: StateBucketProps(bucket="Bad_Bucket"), r"state\.bucket: .*'Bad_Bucket'"),
        (lambda: StateBucketProps(bucket="state", lock_table="x"), r"state\.lock_table: .*'x'"),
        (lambda: StateBucketProps(bucket="state", kms_key_arn="alias/terraform"), r"state\.kms_key_arn: .*full ARN"),
        (
            lambda: BootstrapSettings(state=StateBucketProps(bucket="state"), state_key="/abs"),
            r"^state_key: invalid value ./abs.",
        ),
        (
            lambda: bootstrap_settings({"project": "p", "defaults": {}, "environments": {"dev": {}}}),
            r"^bluegreen\.defaults\.backend\.bucket: not set\. "
            r"This setting is required: name of the bucket to create\.$",
        ),
    ],
)
def test_bad_bootstrap_and_endpoint_settings(build, pattern):
    with pytest.raises(SettingsError, match=pattern):
        build()
