"""Shared fixtures. Loading the AWS bindings costs seconds per process, so every stack the unit and
Terraform tests read is synthesized once per test run, in one App, by the `synthesized` fixture."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
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
from tiers import TIER_A_BINDINGS, bindings, native_engine

import main
from ecs_bluegreen import BlueGreenStack, BootstrapSettings, StateBootstrapStack
from ecs_bluegreen.constructs.bindings import PROVIDER as EAGER_PROVIDER
from ecs_bluegreen.constructs.cdk import App
from ecs_bluegreen.constructs.family import FAMILY

ROOT = Path(main.__file__).resolve().parent

# Terraform and the AWS provider are Go programs, and each of the provider's starts (three per
# plan) builds the whole schema, which Go's default GOGC=100 collects over and over. At 400, a plan
# of the applied stack took 9.3-11.7 CPU-s instead of 12.9-15.4 (about 30 % less), and a
# provider's peak memory went from 620 to 760 MB; review/test_review.py took 210 CPU-s instead of 265.
# Every child of the run inherits it (Terraform run directly and through the cdktf and cdktn
# CLIs); a GOGC already set wins. The users' own runs are not affected.
os.environ.setdefault("GOGC", "400")


STACK_GROUPS = {
    "tests/cli/test_main.py": "deploys",
    "tests/e2e/test_lifecycle.py": "deploys",
    "tests/e2e/test_consumer.py": "applied",
    "tests/e2e/test_apply.py": "applied",
    "tests/review/test_review.py": "applied",
}
"""The modules on one applied stack, which one pytest-xdist worker runs together so that the stack
is applied once: "deploys" (on `deployable`) and "applied". Every other module is a group of its
own, so that no module fixture is set up twice. xdist's scheduler sees test ids only, so the
groups are written here; each worker checks them against the fixtures the tests use."""
GROUPS_FIRST = ("deploys", "applied", "tests/repo/test_tiers.py")
"""The groups that take longest, which the three workers (`-n 3`, pytest.ini) start with, one each:
the two emulator stacks (an apply each, then the modules on it) and the tiers (four runs of the
unit tier). A worker takes its next group when two tests of its last are left."""


def module_of(nodeid: str) -> str:
    return nodeid.split("::", 1)[0]


def group_of(nodeid: str) -> str:
    return STACK_GROUPS.get(module_of(nodeid), module_of(nodeid))


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log):
    """xdist's scheduler by module, with the groups above (`--dist loadgroup` cannot carry them on
    pytest 9: it renames a test id that pytest no longer reads)."""
    from xdist.scheduler import LoadScopeScheduling

    class ByGroup(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return group_of(nodeid)

    return ByGroup(config, log)


def check_stack_groups(items: list[pytest.Item], some_tests_only: bool) -> None:
    """Each module that uses an applied stack is in its group, and no other module is (which only
    the whole module can tell: not when some of its tests were picked by id)."""
    fixtures: dict[str, set[str]] = {}
    for item in items:
        fixtures.setdefault(module_of(item.nodeid), set()).update(getattr(item, "fixturenames", ()))
    for module, names in sorted(fixtures.items()):
        wanted = "deploys" if "deployable" in names else "applied" if "applied" in names else None
        if STACK_GROUPS.get(module) != wanted and (wanted or not some_tests_only):
            fix = f"give it the group {wanted!r}" if wanted else "leave it out"
            raise pytest.UsageError(
                f"{module} uses {f'the {wanted} stack' if wanted else 'no applied stack'}: "
                f"{fix} in STACK_GROUPS (tests/conftest.py)"
            )


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test that needs Terraform and the tier-A provider, so that the other tiers
    (tests/repo/test_tiers.py), which have no provider binary, can leave them out by marker. Keep the
    tests whose needs (`NEEDS`) these bindings meet, and check that no `family_free` test uses a
    fixture the bindings made. Then check the
    xdist groups (`STACK_GROUPS`) and put the longest first (`GROUPS_FIRST`), each group's tests in
    their order (a stable sort)."""
    for item in items:
        if {"terraform", "applied", "deployable", "moto"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.terraform)
    # Each test that needs something of the bindings runs where they have it, and is deselected,
    # not skipped, elsewhere, so that a tier's "no skips" keeps its meaning.
    unmet = [marker for marker, met in NEEDS.items() if not met()]
    deselected = [item for item in items if any(item.get_closest_marker(marker) for marker in unmet)]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if item not in deselected]
    for item in items:
        used = FAMILY_FREE_FIXTURES & set(getattr(item, "fixturenames", ()))
        if item.get_closest_marker("family_free") and used:
            raise pytest.UsageError(
                f"{item.nodeid} is marked family_free but uses {', '.join(sorted(used))}, "
                "which the bindings made: remove the marker"
            )
    check_stack_groups(items, some_tests_only=any("::" in arg for arg in config.args))
    rank = {name: i for i, name in enumerate(GROUPS_FIRST)}
    items.sort(key=lambda item: rank.get(group_of(item.nodeid), len(rank)))


NEEDS = {
    "native": native_engine,
    "without_native": lambda: not native_engine(),
    "tier_a_bindings": lambda: bindings() == TIER_A_BINDINGS,
    "eager_bindings": lambda: FAMILY.provider == EAGER_PROVIDER,
}
"""What a test marked so needs of the bindings (pytest.ini says each); it runs only where they have
it: ECS-native blue/green or its refusal, tier A's bindings (its snapshots), or bindings whose
`__init__.py` imports every submodule at once (cdktf's, which the lazy finder rewrites)."""
FAMILY_FREE_FIXTURES = {"synthesized", "terraform", "applied", "deployable", "moto"}
"""Fixtures that hold what the bindings made: a test that uses one is not family-free."""


class JsiiCalls:
    """How many requests this process has sent to jsii's kernel (its Node): counted at the one
    door every call of the bindings goes through, so that a `family_free` test that reaches the
    bindings fails, in every run of it, instead of being left out of the tiers that need it."""

    sent = 0

    @classmethod
    def install(cls) -> None:
        from jsii._kernel.providers.process import _NodeProcess

        if getattr(_NodeProcess.send, "counted", False):
            return
        send = _NodeProcess.send

        def counted_send(self, *args, **kwargs):
            cls.sent += 1
            return send(self, *args, **kwargs)

        counted_send.counted = True  # type: ignore[attr-defined]
        _NodeProcess.send = counted_send  # type: ignore[method-assign]


def pytest_configure(config: pytest.Config) -> None:
    JsiiCalls.install()


def _family_free_check(item: pytest.Item, phase: str):
    """Around a phase of a `family_free` test: fail it if jsii's kernel was called meanwhile."""
    before = JsiiCalls.sent
    result = yield
    if item.get_closest_marker("family_free") and JsiiCalls.sent != before:
        raise AssertionError(
            f"{item.nodeid} is marked family_free, but its {phase} called the CDK bindings "
            f"({JsiiCalls.sent - before} jsii requests): remove the marker, or the bindings from the test"
        )
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item):
    return (yield from _family_free_check(item, "setup"))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item):
    return (yield from _family_free_check(item, "call"))


@dataclass(frozen=True)
class Synthesized:
    """One synthesized stack: its parsed cdk.tf.json and the folder Terraform can run in."""

    doc: dict[str, Any]
    workdir: Path


def scenarios() -> dict[str, object]:
    """Every scenario these bindings can synthesize: the ECS-native ones (and the migration's steps
    on that engine) only where the bindings have the engine."""
    migration = {
        f"migration:{step}": settings
        for step, settings in MIGRATION.items()
        if step == "codedeploy" or native_engine()
    }
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


def apply_example(moto: MotoServer, terraform: Terraform, tmp: pytest.TempPathFactory) -> Applied:
    """The example `dev` stack, synthesized for the emulator and applied on it with the S3 backend."""
    workdir = synth_example(e2e_config(moto), tmp.mktemp("e2e")) / "web-dev"
    tolerate_emulator_gaps(workdir / "cdk.tf.json")

    run = Applied(moto, terraform, workdir)
    run.client("s3").create_bucket(Bucket=E2E_BUCKET, CreateBucketConfiguration={"LocationConstraint": E2E_REGION})
    run.tf("init", "-input=false")
    run.tf("plan", "-input=false", "-out=tfplan")
    run.tf("apply", "-input=false", "tfplan")
    run.outputs = {k: v["value"] for k, v in json.loads(run.tf("output", "-json").stdout).items()}
    return run


@pytest.fixture(scope="session")
def applied(moto, terraform, tmp_path_factory) -> Applied:
    """The example `dev` stack applied on the emulator, as Terraform left it: once per test run (per
    xdist worker that runs the "applied" group), and never destroyed (the server, and all it holds,
    is stopped at the end of the run instead). No deployment runs on it: see `deployable`."""
    return apply_example(moto, terraform, tmp_path_factory)


@pytest.fixture(scope="session")
def deployable(terraform, tmp_path_factory):
    """The same stack on an emulator of its own, for the modules that run deployments on it
    (cli/test_main.py, e2e/test_lifecycle.py): the emulator's CodeDeploy moves its listeners and replaces its
    service's task set, as AWS would, and no other module sees it, whatever the order of the run."""
    server = MotoServer(tmp_path_factory.mktemp("moto-deploys") / "moto_server.log")
    try:
        yield apply_example(server, terraform, tmp_path_factory)
    finally:
        server.stop()
