"""The style gate: ruff's formatter and linter pass on the package, the tests and the tools, as
pyproject.toml's [tool.ruff] sets them (which rules, and why, is said there). What no other test
proves: that the code reads one way, and the mistakes a linter finds are not in it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from paths import ROOT

pytestmark = pytest.mark.toolchain  # one check of the code, the same on every tier

RUFF = Path(sys.executable).parent / "ruff"


@pytest.mark.parametrize("command", [["format", "--check"], ["check"]], ids=["format", "lint"])
def test_ruff_passes(command):
    proc = subprocess.run(
        [str(RUFF), *command, "--no-cache", "."], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, (
        f"`ruff {' '.join(command)}` (fix with `ruff format` and `ruff check --fix`):\n"
        f"{proc.stdout[-6000:]}{proc.stderr[-2000:]}"
    )
