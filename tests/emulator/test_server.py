"""The emulator's server (ecs_bluegreen.emulator.server, s3.py): what no other test proves is the
state bucket's TLS-only policy read with its condition, so that Terraform's state moves into the
bucket with the policy in place (e2e/test_bootstrap.py runs that with Terraform), while a policy
that denies outright still denies; and that the server is `bluegreen emulator`, started as a user
starts it, with its endpoints on loopback."""

from __future__ import annotations

import json
import subprocess
import sys

import botocore.exceptions
import pytest
from emulator import E2E_REGION, MotoServer
from handbuilt import api

pytestmark = pytest.mark.e2e  # a server on loopback


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    moto = MotoServer(tmp_path_factory.mktemp("emulator") / "moto_server.log")
    yield moto
    moto.stop()


def policy(bucket: str, **condition) -> str:
    statement = {
        "Sid": "Deny",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
    }
    return json.dumps({"Version": "2012-10-17", "Statement": [{**statement, **condition}]})


def bucket(server: MotoServer, name: str):
    s3 = server.client("s3", E2E_REGION)
    s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": E2E_REGION})
    return s3


def test_a_tls_only_bucket_policy_lets_requests_through_as_on_aws(server):
    s3 = bucket(server, "tls-only")
    s3.put_bucket_policy(
        Bucket="tls-only", Policy=policy("tls-only", Condition={"Bool": {"aws:SecureTransport": "false"}})
    )
    s3.put_object(Bucket="tls-only", Key="state", Body=b"{}")
    assert s3.get_object(Bucket="tls-only", Key="state")["Body"].read() == b"{}"


def test_a_policy_that_denies_outright_still_denies(server):
    s3 = bucket(server, "deny-all")
    s3.put_bucket_policy(Bucket="deny-all", Policy=policy("deny-all"))
    with pytest.raises(botocore.exceptions.ClientError, match="403"):
        s3.put_object(Bucket="deny-all", Key="state", Body=b"{}")


def test_the_clock_moves_forward_only(server):
    before = api(server.url, "clock")["now"]
    after = api(server.url, "clock", {"advance_seconds": 3600})["now"]
    assert after[:13] > before[:13]
    with pytest.raises(Exception, match="400"):
        api(server.url, "clock", {"advance_seconds": -1})
    with pytest.raises(Exception, match="404"):
        api(server.url, "nothing")


def test_bluegreen_emulator_says_what_it_is_and_how_to_install_it():
    done = subprocess.run(
        [sys.executable, "-m", "ecs_bluegreen.cli", "emulator", "--help"], capture_output=True, text=True, check=True
    )
    assert "pip install 'ecs-bluegreen[emulator]'" in done.stdout
    assert "python3 tools/install.py --emulator" in done.stdout.replace("\n", " ")


def test_without_moto_bluegreen_emulator_says_how_to_install_it():
    """The package installed without its [emulator] extra: one line, exit 2, and the command."""
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; sys.modules['moto'] = None\nfrom ecs_bluegreen.cli import main\nsys.exit(main(['emulator']))",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr == (
        "bluegreen: error: the emulator needs moto: pip install 'ecs-bluegreen[emulator]' (in a clone of the "
        "repository: python3 tools/install.py --emulator)\n"
    )
