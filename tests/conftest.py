"""Shared fixtures. Loading the AWS bindings costs seconds per process, so every stack the unit and
Terraform tests read is synthesized once per test run, in one App, by the `synthesized` fixture."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from ecs_bluegreen import BlueGreenStack, BootstrapSettings, StateBootstrapStack
from ecs_bluegreen.constructs.cdk import App
from emulator import (
    E2E_BUCKET,
    E2E_REGION,
    Applied,
    MotoServer,
    e2e_config,
    synth_example,
    tolerate_emulator_gaps,
)
from scenarios import SCENARIOS
from terraform import Terraform, terraform_or_skip

import main

ROOT = Path(main.__file__).resolve().parent


def deploys_on_the_shared_stack(item: pytest.Item) -> bool:
    """Whether the test's module runs deployments on the shared `applied` stack (it says so with
    DEPLOYS_ON_THE_SHARED_STACK = True): the emulator's CodeDeploy moves the stack's listeners and
    replaces its service's task set, as AWS would."""
    return bool(getattr(getattr(item, "module", None), "DEPLOYS_ON_THE_SHARED_STACK", False))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that needs Terraform and the tier-A provider, so that the other tiers
    (tests/test_tiers.py), which have no provider binary, can leave them out by marker. Then run
    the modules that deploy on the shared stack after all the others, which check it as Terraform
    applied it: whole modules, in their order (a stable sort), so that no module's fixtures are
    set up twice."""
    for item in items:
        if {"terraform", "applied", "moto"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.terraform)
    items.sort(key=deploys_on_the_shared_stack)


@dataclass(frozen=True)
class Synthesized:
    """One synthesized stack: its parsed cdk.tf.json and the folder Terraform can run in."""

    doc: dict[str, Any]
    workdir: Path


def _synth_all(outdir: Path) -> dict[str, Synthesized]:
    app = App(outdir=str(outdir))
    ids = {name: f"t-{name}" for name in SCENARIOS}
    for name, settings in SCENARIOS.items():
        stack = StateBootstrapStack if isinstance(settings, BootstrapSettings) else BlueGreenStack
        stack(app, ids[name], settings=settings)
    for stack in main.build(app, ROOT / "cdktf.json", None):
        ids[f"main:{stack.node.id}"] = stack.node.id
    app.synth()
    result = {}
    for name, stack_id in ids.items():
        workdir = outdir / "stacks" / stack_id
        result[name] = Synthesized(json.loads((workdir / "cdk.tf.json").read_text()), workdir)
    return result


@pytest.fixture(scope="session")
def synthesized(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Synthesized]:
    return _synth_all(tmp_path_factory.mktemp("cdktf.out"))


@pytest.fixture(scope="session")
def terraform(tmp_path_factory: pytest.TempPathFactory) -> Terraform:
    return terraform_or_skip(tmp_path_factory.mktemp("terraform"))


@pytest.fixture(scope="session")
def moto(tmp_path_factory: pytest.TempPathFactory):
    server = MotoServer(tmp_path_factory.mktemp("moto") / "moto_server.log")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def applied(moto, terraform, tmp_path_factory) -> Applied:
    """The example `dev` stack applied on the emulator: once per test run, and never destroyed (the
    server, and all it holds, is stopped at the end of the run instead)."""
    workdir = synth_example(e2e_config(moto), tmp_path_factory.mktemp("e2e")) / "web-dev"
    tolerate_emulator_gaps(workdir / "cdk.tf.json")

    run = Applied(moto, terraform, workdir)
    run.client("s3").create_bucket(Bucket=E2E_BUCKET, CreateBucketConfiguration={"LocationConstraint": E2E_REGION})
    run.tf("init", "-input=false")
    run.tf("plan", "-input=false", "-out=tfplan")
    run.tf("apply", "-input=false", "tfplan")
    run.outputs = {k: v["value"] for k, v in json.loads(run.tf("output", "-json").stdout).items()}
    return run
