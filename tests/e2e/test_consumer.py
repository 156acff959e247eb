"""The library as another project uses it: the built wheel, installed where the repo is invisible.

The wheel and the sdist are built from this checkout with the PEP 517 backend (hatchling). The
wheel goes into a fresh virtualenv with `pip install --no-index`: its dependencies come from this
project's virtualenv through a folder of links that leaves out our own editable install, so the
consumer sees only what the wheel holds, and nothing is downloaded. The consumer project
(tests/support/consumer: its own main.py, cdktf.json and `modules/` package) then synthesizes two services
sharing its VPC, a cross-stack reference, and, on the emulator, a stack that reads the example's
`web-dev` through S3 remote state and builds on its outputs: the outputs are a contract.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import zipfile
from pathlib import Path

import pytest
from emulator import E2E_BUCKET, E2E_REGION, E2E_STATE_KEY
from paths import ROOT, SUPPORT

from ecs_bluegreen.contract import APPSPEC_OUTPUTS, DEPLOY_OUTPUTS, TRAFFIC_OUTPUTS

pytestmark = pytest.mark.toolchain

CONSUMER = SUPPORT / "consumer"
OUTPUT_NAMES = set(DEPLOY_OUTPUTS + APPSPEC_OUTPUTS + TRAFFIC_OUTPUTS)
BUILD = "import sys, hatchling.build as b; print(b.build_wheel(sys.argv[1])); print(b.build_sdist(sys.argv[1]))"


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("dist")
    proc = subprocess.run(
        [sys.executable, "-c", BUILD, str(out)], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    wheel, sdist = proc.stdout.split()
    return {"wheel": out / wheel, "sdist": out / sdist}


def test_the_wheel_holds_the_package_its_entry_point_and_ranges(dist):
    with zipfile.ZipFile(dist["wheel"]) as wheel:
        names = wheel.namelist()
        info = next(n for n in names if n.endswith(".dist-info/METADATA"))
        metadata = wheel.read(info).decode()
        entry_points = wheel.read(info.replace("METADATA", "entry_points.txt")).decode()
    assert {n.split("/")[0] for n in names} == {"ecs_bluegreen", "ecs_bluegreen-0.1.0.dist-info"}
    for part in (
        "settings/kinds.py",
        "constructs/ecs.py",
        "constructs/stack.py",
        "constructs/bindings.py",
        "constructs/aws/__init__.py",
        "cli/__main__.py",
        "contract.py",
        "settings.schema.json",
        "hooks/smoke_test.py",
    ):  # the built-in hook's code
        assert f"ecs_bluegreen/{part}" in names
    assert "bluegreen = ecs_bluegreen.cli:main" in entry_points
    requires = [line.split(": ", 1)[1] for line in metadata.splitlines() if line.startswith("Requires-Dist: ")]
    assert requires == [
        "boto3<2,>=1.34",
        "constructs<11,>=10.4.2",
        "rich<16,>=13.7",
        "cdktf-cdktf-provider-aws<22,>=20; extra == 'cdktf'",
        "cdktf<0.22,>=0.21; extra == 'cdktf'",
        "cdktn-provider-aws<26,>=25; extra == 'cdktn'",
        "cdktn<0.25,>=0.24; extra == 'cdktn'",
        "moto[server]<5.3,>=5.2.5; extra == 'emulator'",
    ]
    assert "Requires-Python: >=3.10" in metadata


def test_the_sdist_builds_the_same_wheel(dist, tmp_path):
    with tarfile.open(dist["sdist"]) as sdist:
        sdist.extractall(tmp_path, filter="data")
    (source,) = tmp_path.iterdir()
    out = tmp_path / "rebuilt"
    proc = subprocess.run(
        [sys.executable, "-c", BUILD, str(out)], cwd=source, capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    with zipfile.ZipFile(dist["wheel"]) as first, zipfile.ZipFile(out / proc.stdout.split()[0]) as second:
        assert sorted(first.namelist()) == sorted(second.namelist())


def _dependencies_without_us(folder: Path) -> Path:
    """This virtualenv's packages, linked one by one, all but our own editable install."""
    folder.mkdir()
    for entry in Path(sysconfig.get_paths()["purelib"]).iterdir():
        if (
            not entry.name.lower()
            .replace("-", "_")
            .startswith(("ecs_bluegreen", "_editable_impl_ecs", "__editable__"))
        ):
            (folder / entry.name).symlink_to(entry)
    return folder


@pytest.fixture(scope="module")
def consumer(dist, tmp_path_factory) -> dict:
    """A fresh virtualenv with the wheel installed offline, and the consumer project beside it."""
    base = tmp_path_factory.mktemp("consumer")
    venv = base / "venv"
    subprocess.run([Path(sys.base_prefix, "bin", "python3"), "-m", "venv", str(venv)], check=True, timeout=300)
    python = venv / "bin" / "python"
    site = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    # A plain path line: the folder joins sys.path, but no .pth file inside it runs.
    Path(site, "dependencies.pth").write_text(f"{_dependencies_without_us(base / 'dependencies')}\n")
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PIP_FIND_LINKS")}
    install = subprocess.run(
        [python, "-m", "pip", "install", "--no-index", "--disable-pip-version-check", f"{dist['wheel']}[cdktf]"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert install.returncode == 0, install.stdout[-3000:] + install.stderr[-3000:]
    listed = subprocess.run(
        [python, "-m", "pip", "list", "--disable-pip-version-check"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    ).stdout
    project = base / "project"
    shutil.copytree(CONSUMER, project)
    return {"python": python, "site": Path(site), "project": project, "env": env, "pip_list": listed}


def _synth(consumer: dict, outdir: Path, extra_env: dict[str, str] | None = None) -> dict:
    env = {**consumer["env"], "CDKTF_OUTDIR": str(outdir), **(extra_env or {})}
    proc = subprocess.run(
        [consumer["python"], "main.py"], cwd=consumer["project"], env=env, capture_output=True, text=True, timeout=600
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def synthesized(consumer, tmp_path_factory) -> dict:
    outdir = tmp_path_factory.mktemp("consumer-out")
    origins = _synth(consumer, outdir)
    stacks = {
        name: json.loads((outdir / "stacks" / name / "cdk.tf.json").read_text()) for name in ("shop", "shop-edge")
    }
    return {"origins": origins, "stacks": stacks, "outdir": outdir}


def test_pip_lists_the_distribution(consumer):
    assert "ecs-bluegreen" in consumer["pip_list"]
    line = next(line for line in consumer["pip_list"].splitlines() if line.startswith("ecs-bluegreen "))
    assert line.split() == ["ecs-bluegreen", "0.1.0"]  # a wheel install: no editable location


def test_the_library_comes_from_the_wheel_and_modules_from_the_consumer(consumer, synthesized):
    origins = synthesized["origins"]
    assert Path(origins["ecs_bluegreen"]).is_relative_to(consumer["site"])
    assert Path(origins["modules"]).is_relative_to(consumer["project"])
    assert not Path(origins["ecs_bluegreen"]).is_relative_to(ROOT)


def test_two_services_share_the_vpc_without_collisions(synthesized):
    shop = synthesized["stacks"]["shop"]
    (vpc,) = shop["resource"]["aws_vpc"]
    assert list(shop["resource"]["aws_vpc"]) == [vpc]  # the consumer's VPC only; the services made none
    for type_, bodies in shop["resource"].items():
        names = [b["name"] for b in bodies.values() if isinstance(b.get("name"), str)]
        assert len(names) == len(set(names)), f"{type_} names collide: {names}"
    for service in ("api", "web"):
        (lb,) = [b for b in shop["resource"]["aws_lb"].values() if b["name"] == f"shop-{service}-alb"]
        assert len(lb["subnets"]) == 2 and all("aws_subnet.shared_public-" in s for s in lb["subnets"])
    outputs = set(shop["output"])
    assert {f"api_{n}" for n in OUTPUT_NAMES} | {f"web_{n}" for n in OUTPUT_NAMES} <= outputs
    # A ReadableStack: every address is its construct path, the consumer's own resources included.
    addresses = [name for block in ("resource", "data") for bodies in shop.get(block, {}).values() for name in bodies]
    assert "api_ecs_service" in shop["resource"]["aws_ecs_service"] and "shared_vpc" in shop["resource"]["aws_vpc"]
    assert not [a for a in addresses if re.search(r"_[0-9A-F]{8}$", a)]


def test_the_second_stack_reads_the_first_through_a_cross_stack_reference(synthesized):
    edge = synthesized["stacks"]["shop-edge"]
    (remote,) = edge["data"]["terraform_remote_state"].values()
    assert remote["backend"] == "local"
    (parameter,) = edge["resource"]["aws_ssm_parameter"].values()
    assert "data.terraform_remote_state." in parameter["value"]
    shop_outputs = synthesized["stacks"]["shop"]["output"]
    assert any(k.startswith("cross-stack-output-") for k in shop_outputs)


@pytest.fixture(scope="module")
def consumer_diagnostics(synthesized, terraform):
    """Both consumer stacks validated at once (one Terraform process): each one's diagnostics."""
    stacks = {stack: synthesized["outdir"] / "stacks" / stack for stack in ("shop", "shop-edge")}
    return terraform.validate_together(stacks, synthesized["outdir"] / "validate")


@pytest.mark.parametrize("stack", ["shop", "shop-edge"])
def test_the_consumer_stacks_are_valid_terraform(consumer_diagnostics, stack):
    errors = [d for d in consumer_diagnostics[stack] + consumer_diagnostics.get(None, []) if d["severity"] == "error"]
    assert errors == [], json.dumps(errors, indent=2)


@pytest.mark.e2e
def test_a_stack_built_on_the_outputs_of_web_dev_applies_on_the_emulator(consumer, applied, tmp_path):
    state = {"bucket": E2E_BUCKET, "key": E2E_STATE_KEY, "region": E2E_REGION, "endpoint": applied.moto.url}
    _synth(consumer, tmp_path / "out", {"READ_STATE": json.dumps(state)})
    workdir = tmp_path / "out" / "stacks" / "web-reader"
    env = {**applied.env, "AWS_REGION": E2E_REGION}
    for args in (("init", "-input=false"), ("apply", "-input=false", "-auto-approve")):
        applied.terraform.run(workdir, *args, env=env)
    outputs = applied.outputs
    parameter = applied.client("ssm").get_parameter(Name="/reader/web-dev/prod-url")["Parameter"]
    assert parameter["Value"] == outputs["prod_url"]
    (alarm,) = applied.client("cloudwatch").describe_alarms(AlarmNames=["reader-web-dev-cpu-high"])["MetricAlarms"]
    assert {d["Name"]: d["Value"] for d in alarm["Dimensions"]} == {
        "ClusterName": outputs["cluster_name"],
        "ServiceName": outputs["service_name"],
    }
