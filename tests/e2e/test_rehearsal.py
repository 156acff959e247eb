"""The README's rehearsal, run as it is written: its block from "The rehearsal, on CodeDeploy",
in bash, from a plain shell (not the virtualenv's), on a copy of the example app, with the one
change a test must make: a free port for the emulator instead of 4566. What no other test proves is
that the README's own steps work as a newcomer pastes them: the emulator started by `bluegreen
emulator`, the state bucket applied with its TLS-only policy and the service's state in it, and a
deploy that waits for approval, is approved, reaches its termination wait and is rolled back.
Each command must succeed; then AWS's state is read back through boto3."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
from pathlib import Path

import pytest
from emulator import CREDENTIALS
from paths import ROOT

pytestmark = pytest.mark.e2e

README = (ROOT / "README.md").read_text()
REGION = "ap-northeast-1"
VENV_BIN = ROOT / ".venv" / "bin"


def rehearsal() -> str:
    """The README's rehearsal block, as written."""
    section = README.split("The rehearsal, on CodeDeploy", 1)[1]
    return re.search(r"```sh\n(.*?)```", section, re.S).group(1)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def rehearsed(terraform, tmp_path_factory):
    folder = tmp_path_factory.mktemp("rehearsal")
    for name in ("main.py", "cdktf.json", "examples"):
        copy = shutil.copytree if (ROOT / name).is_dir() else shutil.copy
        copy(ROOT / name, folder / name)
    port = free_port()
    (folder / "examples" / "rehearsal.json").write_text(
        (ROOT / "examples" / "rehearsal.json").read_text().replace("4566", str(port))
    )
    script = rehearsal().replace("4566", str(port))
    # A plain shell: the virtualenv off PATH, Terraform (with its offline provider mirror) on it,
    # and pipenv pointed at the checkout's Pipfile, whose .venv it then uses, as from the checkout.
    env = {k: v for k, v in terraform.env().items() if k not in ("VIRTUAL_ENV", "PIPENV_ACTIVE", "PYTHONHOME")}
    path = [p for p in env.get("PATH", "").split(os.pathsep) if p and Path(p).resolve() != VENV_BIN.resolve()]
    env["PATH"] = os.pathsep.join([str(Path(terraform.binary).parent), *path])
    env["PIPENV_PIPFILE"] = str(ROOT / "Pipfile")
    env.pop("AWS_PROFILE", None)
    proc = subprocess.Popen(
        ["bash", "-e", "-c", script],
        cwd=folder,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        out, _ = proc.communicate(timeout=900)
        yield proc.returncode, out, port, folder
    finally:
        os.killpg(proc.pid, signal.SIGTERM)  # the block's emulator, started in the background
        proc.wait()


def client(port: int, service: str):
    import boto3

    return boto3.client(
        service,
        endpoint_url=f"http://127.0.0.1:{port}",
        region_name=REGION,
        aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
    )


def test_every_step_of_the_rehearsal_succeeds_as_written(rehearsed):
    code, out, _, folder = rehearsed
    log = (folder / "emulator.log").read_text() if (folder / "emulator.log").exists() else ""
    assert code == 0, out[-6000:] + "\n--- emulator.log ---\n" + log[-3000:]
    assert "reached approval" in out and "approved d-" in out and "reached bake" in out
    assert "stopped d-" in out and "with rollback" in out


def test_the_rehearsal_ends_rolled_back_with_production_on_the_original(rehearsed):
    code, _, port, _ = rehearsed
    assert code == 0
    codedeploy, elbv2 = client(port, "codedeploy"), client(port, "elbv2")
    ids = codedeploy.list_deployments(
        applicationName="rehearsal-codedeploy", deploymentGroupName="rehearsal-codedeploy"
    )["deployments"]
    infos = codedeploy.batch_get_deployments(deploymentIds=ids)["deploymentsInfo"]
    (deployed,) = [d for d in infos if d.get("creator") == "user"]
    assert deployed["status"] == "Stopped" and deployed["rollbackInfo"]["rollbackDeploymentId"]
    group = codedeploy.get_deployment_group(
        applicationName="rehearsal-codedeploy", deploymentGroupName="rehearsal-codedeploy"
    )["deploymentGroupInfo"]
    (pair,) = group["loadBalancerInfo"]["targetGroupPairInfoList"]
    (production,) = pair["prodTrafficRoute"]["listenerArns"]
    (listener,) = elbv2.describe_listeners(ListenerArns=[production])["Listeners"]
    (action,) = listener["DefaultActions"]
    groups = (action.get("ForwardConfig") or {}).get("TargetGroups") or [{"TargetGroupArn": action["TargetGroupArn"]}]
    serving = [g["TargetGroupArn"].split("/")[-2] for g in groups if g.get("Weight", 1)]
    assert serving == ["rehearsal-codedeploy-blue"], action
