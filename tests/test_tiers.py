"""The compatibility tiers: the unit tier of this suite, run again in each tier's virtualenv.

Each tier (tests/tiers.py) is its own virtualenv from its own lock (tools/tiers/<name>/), with the
library from this checkout installed editable. In it, pytest runs everything but the tests that
need Terraform with the tier-A provider (no 6.x provider binary can be had here), the emulator,
and the checks of the toolchain itself: every scenario and main.py synthesized (jsii accepts every
property), the checkov gate, two synths giving identical bytes, the fields ownership.py ignores
present in the provider's schema, validation, the deploy command. The four run in parallel.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest
from terraform import unavailable
from tiers import TIERS

pytestmark = pytest.mark.toolchain

ROOT = Path(__file__).resolve().parent.parent
SELECTION = "not e2e and not terraform and not toolchain"
PROBE = ("import json, sys; from ecs_bluegreen.constructs.family import FAMILY; from tiers import bindings; "
         "print(json.dumps({'family': FAMILY.name, 'bindings': bindings(), "
         "'python': '%d.%d' % sys.version_info[:2]}))")
EXPECTED = {
    "cdktf-aws6": {"family": "cdktf", "bindings": ["cdktf-cdktf-provider-aws", "21.22.1"]},
    "cdktn": {"family": "cdktn", "bindings": ["cdktn-provider-aws", "25.8.1"]},
    "py310": {"family": "cdktf", "bindings": ["cdktf-cdktf-provider-aws", "20.1.0"]},
    "py313": {"family": "cdktf", "bindings": ["cdktf-cdktf-provider-aws", "20.1.0"]},
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
        unavailable(f"tier virtualenvs {', '.join(missing)} are not installed: run `python3 tools/install.py`")
    started = {}
    for name, venv in venvs.items():
        python = str(venv / "bin" / "python")
        probe = subprocess.run([python, "-c", PROBE], cwd=ROOT / "tests", env=_env(venv),
                               capture_output=True, text=True, timeout=120)
        assert probe.returncode == 0, f"{name}: {probe.stderr[-2000:]}"
        basetemp = tmp_path_factory.mktemp(name)
        proc = subprocess.Popen(
            [python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", SELECTION,
             f"--basetemp={basetemp / 'tmp'}"],
            cwd=ROOT, env=_env(venv), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        started[name] = (json.loads(probe.stdout), proc)
    results = {}
    for name, (identity, proc) in started.items():
        output, _ = proc.communicate(timeout=1800)
        results[name] = (identity, subprocess.CompletedProcess(proc.args, proc.returncode, output))
    return results


@pytest.mark.parametrize("tier", sorted(TIERS))
def test_the_tier_runs_the_family_bindings_and_python_it_names(runs, tier):
    identity, _ = runs[tier]
    assert identity == {**EXPECTED[tier], "python": TIERS[tier].python}


@pytest.mark.parametrize("tier", sorted(TIERS))
def test_the_unit_tier_passes(runs, tier):
    _, proc = runs[tier]
    summary = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else ""
    assert proc.returncode == 0, f"{TIERS[tier].what}:\n{proc.stdout[-6000:]}"
    passed = re.search(r"(\d+) passed", summary)
    assert passed and int(passed.group(1)) > 300, summary
    assert not re.search(r"\d+ (failed|error|errors|skipped)\b", summary), summary
