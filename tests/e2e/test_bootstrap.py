"""End to end: the state bootstrap, as the README tells a team to run it. Apply the bucket stack
with local state on moto_server, check the bucket with boto3, then migrate the stack's own state
into the bucket it created, its TLS-only policy in place."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from emulator import example_config, synth_example

pytestmark = pytest.mark.e2e

REGION = "ap-northeast-1"
BUCKET = "bootstrap-tfstate"
LOCK_TABLE = "bootstrap-locks"
OWN_STATE_KEY = "web/bootstrap/terraform.tfstate"
TIMEOUT = 300


@pytest.fixture(scope="module")
def bootstrap(moto, terraform, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("bootstrap")
    config = example_config(moto, BUCKET)
    config["bootstrap"] = {"state": {"lock_table": LOCK_TABLE}}
    env = moto.env

    def synth(migrated: bool) -> Path:
        config["bootstrap"]["migrated"] = migrated
        return synth_example(config, tmp) / "web-state"

    def tf(workdir: Path, *args: str, check: bool = True):
        return terraform.run(workdir, *args, env=env, check=check, timeout=TIMEOUT)

    # The local state file is resolved against the working directory at synth time.
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(tmp)
        workdir = synth(migrated=False)
        tf(workdir, "init", "-input=false")
        tf(workdir, "apply", "-input=false", "-auto-approve")
        local_state = tmp / "terraform.web-state.tfstate"
        assert json.loads(local_state.read_text())["resources"], "the first apply keeps local state"

        s3 = moto.client("s3", REGION)
        checks = {
            "versioning": s3.get_bucket_versioning(Bucket=BUCKET),
            "encryption": s3.get_bucket_encryption(Bucket=BUCKET),
            "public_access": s3.get_public_access_block(Bucket=BUCKET),
            "policy": json.loads(s3.get_bucket_policy(Bucket=BUCKET)["Policy"]),
            "ownership": s3.get_bucket_ownership_controls(Bucket=BUCKET),
            "table": moto.client("dynamodb", REGION).describe_table(TableName=LOCK_TABLE)["Table"],
        }

        # The bucket keeps its TLS-only policy: the emulator reads its condition as S3 does
        # (emulator/s3.py), so the state moves in with nothing deleted by hand.
        # Step two of the README: set "migrated", synth again, move the state into the bucket.
        workdir = synth(migrated=True)
        tf(workdir, "init", "-input=false", "-migrate-state", "-force-copy")
        checks["objects"] = [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])]
        checks["own_state"] = json.loads(s3.get_object(Bucket=BUCKET, Key=OWN_STATE_KEY)["Body"].read())
        checks["plan"] = tf(workdir, "plan", "-input=false", "-detailed-exitcode", "-out=tfplan", check=False)
        checks["changes"] = [
            (change["type"], change["change"]["actions"])
            for change in json.loads(tf(workdir, "show", "-json", "tfplan").stdout)["resource_changes"]
            if change["change"]["actions"] != ["no-op"]
        ]
    return checks


def test_bucket_is_versioned(bootstrap):
    assert bootstrap["versioning"]["Status"] == "Enabled"


def test_bucket_is_encrypted(bootstrap):
    (rule,) = bootstrap["encryption"]["ServerSideEncryptionConfiguration"]["Rules"]
    assert rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"


def test_bucket_blocks_public_access(bootstrap):
    assert bootstrap["public_access"]["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "IgnorePublicAcls": True,
        "BlockPublicPolicy": True,
        "RestrictPublicBuckets": True,
    }
    assert bootstrap["ownership"]["OwnershipControls"]["Rules"] == [{"ObjectOwnership": "BucketOwnerEnforced"}]


def test_bucket_denies_non_tls_access(bootstrap):
    (statement,) = bootstrap["policy"]["Statement"]
    assert (statement["Effect"], statement["Condition"]) == ("Deny", {"Bool": {"aws:SecureTransport": "false"}})
    assert statement["Resource"] == [f"arn:aws:s3:::{BUCKET}", f"arn:aws:s3:::{BUCKET}/*"]


def test_lock_table_has_the_key_terraform_uses(bootstrap):
    table = bootstrap["table"]
    assert table["KeySchema"] == [{"AttributeName": "LockID", "KeyType": "HASH"}]
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"


def test_migrated_state_lives_in_the_bucket_it_created(bootstrap):
    assert bootstrap["objects"] == [OWN_STATE_KEY]
    types = sorted({r["type"] for r in bootstrap["own_state"]["resources"]})
    assert "aws_s3_bucket" in types and "aws_dynamodb_table" in types


def test_after_migration_terraform_plans_no_change(bootstrap):
    """The state moved intact, into a bucket whose TLS-only policy stayed in place throughout."""
    plan = bootstrap["plan"]
    assert plan.returncode == 0, plan.stdout[-4000:] + plan.stderr
    assert bootstrap["changes"] == []
