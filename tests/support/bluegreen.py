"""The `bluegreen` command run as a user runs it: a process of its own, in a folder that is no stack."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from ecs_bluegreen import cli

WORKDIR = Path(cli.__file__).resolve().parent.parent
"""Where it runs: the package's folder, so that nothing of this checkout's top is read by accident."""


def run_cli(
    *args: str, env: dict[str, str] | None = None, unset: tuple[str, ...] = ()
) -> subprocess.CompletedProcess[str]:
    """`bluegreen ARGS`, with the environment plus `env`, less `unset`; its output and exit code."""
    full_env = {k: v for k, v in os.environ.items() if k not in unset}
    return subprocess.run(
        [sys.executable, "-m", "ecs_bluegreen.cli", *args],
        cwd=WORKDIR,
        env={**full_env, **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
    )
