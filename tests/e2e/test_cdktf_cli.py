"""The real cdktf CLI (tools/cdktf-cli, on the virtualenv's Node) runs main.py through cdktf.json.

Both ways a user starts it: from a plain shell, as the README says (`python3 -m pipenv run cdktf`),
and with the virtualenv first on PATH (`pipenv shell`, or an activated venv), where `cdktf`,
`python3` and `node` all resolve to the virtualenv's. The four runs go in parallel: each pays the
CLI's start and a cold synth.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from paths import ROOT
from terraform import unavailable

pytestmark = pytest.mark.toolchain

VENV_BIN = ROOT / ".venv" / "bin"
STACKS = ["web-dev", "web-prod", "web-state"]
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def _plain_env() -> dict[str, str]:
    """The environment of a shell that has not activated the virtualenv (pytest runs inside it)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("VIRTUAL_ENV", "PIPENV_ACTIVE", "PYTHONHOME", "NODE_OPTIONS", "CHECKPOINT_DISABLE")
    }
    env["PATH"] = os.pathsep.join(
        p for p in env.get("PATH", "").split(os.pathsep) if p and Path(p).resolve() != VENV_BIN.resolve()
    )
    # Terraform warns of a CLI config file that TF_CLI_CONFIG_FILE names but that does not exist (as on
    # the machines that run CI); a user's shell has none, and the CLI would show it as an [ERROR].
    env.pop("TF_CLI_CONFIG_FILE", None)
    return env


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, tuple[subprocess.CompletedProcess[str], Path]]:
    if not (VENV_BIN / "cdktf").exists():
        unavailable("the cdktf CLI is not installed: run `python3 tools/install.py --cli`")
    plain = _plain_env()
    python3 = shutil.which("python3", path=plain["PATH"])
    if python3 is None:
        unavailable("no python3 on PATH outside the virtualenv")
    in_venv = dict(plain, PATH=f"{VENV_BIN}{os.pathsep}{plain['PATH']}")
    ways = {
        "plain": (plain, [python3, "-m", "pipenv", "run", "cdktf"]),
        "venv": (in_venv, ["cdktf"]),
    }
    started = {}
    for way, (env, cdktf) in ways.items():
        for command in ("synth", "list"):
            out = tmp_path_factory.mktemp(f"{way}-{command}")
            proc = subprocess.Popen(
                [*cdktf, command, "--output", str(out)],
                cwd=ROOT,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
            started[f"{way}-{command}"] = (proc, out)
    result = {}
    for name, (proc, out) in started.items():
        stdout, _ = proc.communicate(timeout=300)
        result[name] = (subprocess.CompletedProcess(proc.args, proc.returncode, ANSI.sub("", stdout)), out)
    return result


@pytest.mark.parametrize("way", ["plain", "venv"])
def test_synth_writes_every_stack_as_main_py_does(runs, synthesized, way):
    proc, out = runs[f"{way}-synth"]
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert f"Generated Terraform code for the stacks: {', '.join(STACKS)}" in proc.stdout
    for stack in STACKS:
        doc = json.loads((out / "stacks" / stack / "cdk.tf.json").read_text())
        assert doc == synthesized[f"main:{stack}"].doc, f"{stack} differs from main.py's own synth"


@pytest.mark.parametrize("way", ["plain", "venv"])
def test_list_names_every_stack(runs, way):
    proc, _ = runs[f"{way}-list"]
    assert proc.returncode == 0, proc.stdout[-3000:]
    table = proc.stdout.split("Stack name", 1)[-1].splitlines()[1:]
    listed = [row.split()[0] for row in table if row[:1].strip()]  # long paths wrap onto indented rows
    assert listed == STACKS, proc.stdout[-3000:]


@pytest.mark.parametrize("run", ["plain-synth", "plain-list", "venv-synth", "venv-list"])
def test_no_error_or_warning_lines(runs, run):
    """No checkpoint lookup (offline it fails on every command), no Node deprecation, no NODE_OPTIONS
    warning: the CLI prints each of those as an [ERROR] or [WARN] line."""
    proc, _ = runs[run]
    noise = [line for line in proc.stdout.splitlines() if re.search(r"\[(ERROR|WARN)\]|checkpoint|DEP0", line)]
    assert noise == [], proc.stdout[-3000:]
