"""The cdktn CLI (tools/cdktn-cli, on tier C's Node) runs an app on cdktn built on the library:
synth, list, deploy and diff, against the emulator through the S3 backend.

What no other test proves: that cdktn's own CLI, not cdktf-cli, drives an app of the cdktn family
(tests/support/cdktn_app.py: main.py's stacks, on tier C's virtualenv) from synth to a deployed stack, and
that its diff after the deploy is empty. One synth, one apply (about 100 s, the load balancer).
"""

from __future__ import annotations

import json
import re
import subprocess

import pytest
from emulator import E2E_REGION, e2e_config, tolerate_emulator_gaps
from paths import ROOT, SUPPORT
from terraform import unavailable

pytestmark = pytest.mark.toolchain

TIER_C = ROOT / "tools" / "tiers" / "cdktn" / ".venv" / "bin"
BUCKET = "cdktn-tfstate"
STACKS = ["tn-dev", "tn-state"]
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


@pytest.fixture(scope="module")
def project(moto, terraform, tmp_path_factory) -> dict:
    """A folder with the app's cdktf.json, and the environment the CLI runs in."""
    if not (TIER_C / "cdktn").exists():
        unavailable("the cdktn CLI is not installed: run `python3 tools/install.py --tests`")
    folder = tmp_path_factory.mktemp("cdktn-app")
    config = e2e_config(moto)
    config["project"] = "tn"
    config["defaults"]["backend"]["bucket"] = BUCKET
    config["environments"] = {"dev": config["environments"]["dev"]}
    (folder / "settings.json").write_text(json.dumps(config))
    (folder / "cdktf.json").write_text(
        json.dumps(
            {
                "language": "python",
                "app": f"{TIER_C / 'python'} {SUPPORT / 'cdktn_app.py'}",
                "sendCrashReports": "false",
                "terraformProviders": [],
                "terraformModules": [],
            }
        )
    )
    env = {k: v for k, v in terraform.env(moto.env).items() if k not in ("VIRTUAL_ENV", "PIPENV_ACTIVE", "PYTHONPATH")}
    env.update(BLUEGREEN_CONFIG=str(folder / "settings.json"), BLUEGREEN_ENVIRONMENTS="dev")
    return {"folder": folder, "env": env, "moto": moto}


def cdktn(project: dict, *args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [str(TIER_C / "cdktn"), *args, "--output", "out"],
        cwd=project["folder"],
        env=project["env"],
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    return subprocess.CompletedProcess(proc.args, proc.returncode, ANSI.sub("", proc.stdout + proc.stderr))


@pytest.fixture(scope="module")
def synthesized_by_cdktn(project) -> subprocess.CompletedProcess[str]:
    return cdktn(project, "synth")


@pytest.fixture(scope="module")
def deployed(project, synthesized_by_cdktn) -> subprocess.CompletedProcess[str]:
    assert synthesized_by_cdktn.returncode == 0, synthesized_by_cdktn.stdout[-3000:]
    tolerate_emulator_gaps(project["folder"] / "out" / "stacks" / "tn-dev" / "cdk.tf.json")
    project["moto"].client("s3", E2E_REGION).create_bucket(
        Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": E2E_REGION}
    )
    # Offline, `terraform providers lock` cannot reach the registry for the other platforms' checksums:
    # --skip-provider-lock leaves the lock to `terraform init`, which reads the mirror.
    return cdktn(project, "deploy", "tn-dev", "--auto-approve", "--skip-synth", "--skip-provider-lock")


def test_synth_writes_each_stack_on_the_cdktn_family(project, synthesized_by_cdktn):
    proc = synthesized_by_cdktn
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert f"Generated Terraform code for the stacks: {', '.join(STACKS)}" in proc.stdout
    for stack in STACKS:
        doc = json.loads((project["folder"] / "out" / "stacks" / stack / "cdk.tf.json").read_text())
        assert doc["//"]["metadata"]["version"] == "0.24.0", stack  # written by cdktn 0.24, not cdktf
        assert doc["terraform"]["required_providers"]["aws"] == {"source": "hashicorp/aws", "version": "5.100.0"}


def test_list_names_every_stack(project, synthesized_by_cdktn):
    proc = cdktn(project, "list")
    assert proc.returncode == 0, proc.stdout[-3000:]
    table = proc.stdout.split("Stack name", 1)[-1].splitlines()[1:]
    assert [row.split()[0] for row in table if row[:1].strip()] == STACKS, proc.stdout[-3000:]


def test_deploy_applies_the_stack_through_the_s3_backend(project, deployed):
    assert deployed.returncode == 0, deployed.stdout[-4000:]
    ecs = project["moto"].client("ecs", E2E_REGION)
    (service,) = ecs.describe_services(cluster="tn-dev", services=["tn-dev"])["services"]
    assert service["deploymentController"]["type"] == "CODE_DEPLOY"
    state = project["moto"].client("s3", E2E_REGION).list_objects_v2(Bucket=BUCKET)["Contents"]
    assert [o["Key"] for o in state if o["Key"].endswith(".tfstate")] == ["tn/dev/terraform.tfstate"]


def test_diff_after_the_deploy_has_no_changes(project, deployed):
    assert deployed.returncode == 0, deployed.stdout[-4000:]
    proc = cdktn(project, "diff", "tn-dev", "--skip-synth", "--skip-provider-lock")
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert "No changes" in proc.stdout, proc.stdout[-3000:]
