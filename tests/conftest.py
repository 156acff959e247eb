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
from scenarios import MIGRATION, NATIVE_SCENARIOS, SCENARIOS
from terraform import Terraform, terraform_or_skip
from tiers import native_engine

import main

ROOT = Path(main.__file__).resolve().parent


def deploys_on_the_shared_stack(item: pytest.Item) -> bool:
    """Whether the test's module runs deployments on the shared `applied` stack (it says so with
    DEPLOYS_ON_THE_SHARED_STACK = True): the emulator's CodeDeploy moves the stack's listeners and
    replaces its service's task set, as AWS would."""
    return bool(getattr(getattr(item, "module", None), "DEPLOYS_ON_THE_SHARED_STACK", False))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test that needs Terraform and the tier-A provider, so that the other tiers
    (tests/test_tiers.py), which have no provider binary, can leave them out by marker. Keep the
    ECS-native tests or their refusals, as the bindings have the engine or not. Then run
    the modules that deploy on the shared stack after all the others, which check it as Terraform
    applied it: whole modules, in their order (a stable sort), so that no module's fixtures are
    set up twice."""
    for item in items:
        if {"terraform", "applied", "moto"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.terraform)
    # The ECS-native tests run where the bindings have the engine, the refusals where they have not:
    # the other kind is deselected, not skipped, so that a tier's "no skips" keeps its meaning.
    other = "without_native" if native_engine() else "native"
    deselected = [item for item in items if item.get_closest_marker(other)]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if not item.get_closest_marker(other)]
    items.sort(key=deploys_on_the_shared_stack)


@dataclass(frozen=True)
class Synthesized:
    """One synthesized stack: its parsed cdk.tf.json and the folder Terraform can run in."""

    doc: dict[str, Any]
    workdir: Path


def scenarios() -> dict[str, object]:
    """Every scenario these bindings can synthesize: the ECS-native ones (and the migration's steps
    on that engine) only where the bindings have the engine."""
    migration = {f"migration:{step}": settings for step, settings in MIGRATION.items()
                 if step == "codedeploy" or native_engine()}
    return {**SCENARIOS, **(NATIVE_SCENARIOS if native_engine() else {}), **migration}


def _synth_all(outdir: Path) -> dict[str, Synthesized]:
    app = App(outdir=str(outdir))
    every = scenarios()
    ids = {name: f"t-{name.replace(':', '-')}" for name in every}
    for name, settings in every.items():
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
