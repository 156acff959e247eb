"""The compatibility tiers: the unit tier of this suite, run again in each tier's virtualenv.

Each tier (tests/support/tiers.py) is its own virtualenv from its own lock (tools/tiers/<name>/), with the
library from this checkout installed editable. In it, pytest runs everything but the tests that
need Terraform with the tier-A provider (no 6.x provider binary can be had here), the emulator,
and the checks of the toolchain itself: every scenario and main.py synthesized (jsii accepts every
property), the checkov gate, two synths giving identical bytes, the fields ownership.py ignores
present in the provider's schema, the deploy command. Each tier also leaves out what it cannot
change (`selection` in tests/support/tiers.py): tiers B and C, which vary the family and the bindings, the
`family_free` tests (settings and validation, which never reach the bindings, as a counter of
jsii's requests checks in every run); the Python tiers, on tier A's bindings, the `bindings_alone`
ones (the eager import against the lazy one), and they prove their bytes are tier A's by its
snapshots instead. The four run in parallel, each on one process (`-n 0`).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest
from paths import ROOT, SUPPORT
from terraform import unavailable
from tiers import TIER_A_BINDINGS, TIERS, bindings, selection

pytestmark = pytest.mark.toolchain

PROBE = (
    "import json, sys; from ecs_bluegreen.constructs.family import FAMILY; from tiers import bindings; "
    "print(json.dumps({'family': FAMILY.name, 'bindings': bindings(), "
    "'python': '%d.%d' % sys.version_info[:2]}))"
)
EXPECTED = {
    "cdktf-aws6": {"family": "cdktf", "bindings": ["cdktf-cdktf-provider-aws", "21.22.1"]},
    "cdktn": {"family": "cdktn", "bindings": ["cdktn-provider-aws", "25.8.1"]},
    "py310": {"family": "cdktf", "bindings": list(TIER_A_BINDINGS)},
    "py313": {"family": "cdktf", "bindings": list(TIER_A_BINDINGS)},
}


def _env(venv: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PIPENV_ACTIVE", "PYTHONPATH")}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"  # jsii finds the tier's node here
    return env


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, tuple[dict, subprocess.CompletedProcess[str]]]:
    venvs = {name: ROOT / "tools" / "tiers" / name / ".venv" for name in TIERS}
    missing = [name for name, venv in venvs.items() if not (venv / "bin" / "python").exists()]
    if missing:
        unavailable(f"tier virtualenvs {', '.join(missing)} are not installed: run `python3 tools/install.py --tests`")
    started = {}
    for name, venv in venvs.items():
        python = str(venv / "bin" / "python")
        probe = subprocess.run(
            [python, "-c", PROBE], cwd=SUPPORT, env=_env(venv), capture_output=True, text=True, timeout=120
        )
        assert probe.returncode == 0, f"{name}: {probe.stderr[-2000:]}"
        basetemp = tmp_path_factory.mktemp(name)
        proc = subprocess.Popen(
            [
                python,
                "-m",
                "pytest",
                "-q",
                "-p",
                "no:cacheprovider",
                "-n",
                "0",
                "-m",
                selection(TIERS[name]),
                f"--basetemp={basetemp / 'tmp'}",
                f"--junitxml={basetemp / 'junit.xml'}",
            ],
            cwd=ROOT,
            env=_env(venv),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        started[name] = (json.loads(probe.stdout), proc, basetemp / "junit.xml")
    results = {}
    for name, (identity, proc, junit) in started.items():
        output, _ = proc.communicate(timeout=1800)
        results[name] = (
            identity,
            subprocess.CompletedProcess(proc.args, proc.returncode, output),
            _passed(junit) if junit.exists() else set(),
        )
    return results


def _passed(junit: Path) -> set[str]:
    """The tests that passed in a run, as folder/module::name below tests/ (its JUnit report)."""
    import xml.etree.ElementTree as ElementTree

    passed = set()
    for case in ElementTree.parse(junit).iter("testcase"):
        if not any(child.tag in ("failure", "error", "skipped") for child in case):
            module = case.get("classname", "").removeprefix("tests.").replace(".", "/")
            passed.add(f"{module}::{case.get('name', '').split('[', 1)[0]}")
    return passed


@pytest.mark.parametrize("tier", sorted(TIERS))
def test_the_tier_runs_the_family_bindings_and_python_it_names(runs, tier):
    identity, _, _ = runs[tier]
    assert identity == {**EXPECTED[tier], "python": TIERS[tier].python}


@pytest.mark.parametrize("tier", sorted(TIERS))
def test_the_unit_tier_passes(runs, tier):
    _, proc, _ = runs[tier]
    summary = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else ""
    assert proc.returncode == 0, f"{TIERS[tier].what}:\n{proc.stdout[-6000:]}"
    passed = re.search(r"(\d+) passed", summary)
    assert passed and int(passed.group(1)) > 300, summary
    assert not re.search(r"\d+ (failed|error|errors|skipped)\b", summary), summary


def test_tier_a_has_the_bindings_the_python_tiers_share():
    assert bindings() == TIER_A_BINDINGS


@pytest.mark.parametrize("tier", sorted(TIERS))
def test_each_tier_leaves_out_only_what_it_cannot_change(runs, tier):
    """One test of each kind a tier may leave out: it ran where it can differ, and only there."""
    _, _, passed = runs[tier]
    kinds = {
        "family_free": "settings/test_validation::test_error_message_has_field_value_and_fix",
        "snapshots": "constructs/test_snapshots::test_each_example_stack_matches_its_snapshot",
        "eager": "constructs/test_bindings::test_eager_import_synthesizes_the_same_bytes",
    }
    ran = {kind for kind, test in kinds.items() if test in passed}
    expected = {
        "cdktf-aws6": {"eager"},
        "cdktn": set(),
        "py310": {"family_free", "snapshots"},
        "py313": {"family_free", "snapshots"},
    }
    assert ran == expected[tier], tier


NATIVE_TIERS = {"cdktf-aws6", "cdktn"}
"""The tiers whose bindings have ECS-native blue/green (hashicorp/aws 6.21.0 on)."""


@pytest.mark.parametrize("tier", sorted(TIERS))
def test_each_tier_runs_the_engine_tests_its_bindings_allow(runs, tier):
    """ECS-native blue/green is proved on B and C only: there its tests, and the migration's, must
    have run and passed (conftest.py selects them by marker); elsewhere, the refusals."""
    _, _, passed = runs[tier]
    native = {
        "constructs/engines/test_ecs::test_the_traffic_settings_map_to_the_strategy_steps_and_bake_time",
        "constructs/engines/test_ecs::test_hooks_run_at_the_stages_of_their_events_with_a_role_that_may_invoke_"
        "exactly_them",
        "constructs/engines/test_migration::test_no_kept_resource_changes_an_argument_that_could_replace_it",
        "constructs/engines/test_migration::test_step_2_removes_codedeploy_and_nothing_else",
    }
    refusals = {
        "constructs/engines/test_ecs::test_bindings_without_the_engine_refuse_it_on_one_line",
        "constructs/engines/test_migration::test_bindings_without_the_engine_refuse_step_1_before_any_resource",
    }
    ran, refused = native & passed, refusals & passed
    assert (ran, refused) == ((native, set()) if tier in NATIVE_TIERS else (set(), refusals)), tier
