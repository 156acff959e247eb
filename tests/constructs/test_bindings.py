"""The provider bindings load lazily, and that changes no byte of output. cdktf's bindings need
ecs_bluegreen/constructs/bindings.py for it; cdktn's are lazy by themselves, and the finder steps aside."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import main
from ecs_bluegreen.constructs.family import FAMILY

ROOT = Path(main.__file__).resolve().parent


def test_unused_provider_submodules_are_not_imported(synthesized):
    # This process built every scenario stack; a resource type no stack uses stays unimported.
    assert FAMILY.provider in sys.modules
    assert f"{FAMILY.provider}.lb" in sys.modules
    assert f"{FAMILY.provider}.wafv2_web_acl" not in sys.modules
    loaded = [m for m in sys.modules if m.startswith(f"{FAMILY.provider}.")]
    assert len(loaded) < 100, len(loaded)


@pytest.mark.eager_bindings  # cdktn's bindings have no eager path: there both runs are one
@pytest.mark.bindings_alone  # the same bindings on another Python load the same classes
def test_eager_import_synthesizes_the_same_bytes(synthesized, tmp_path):
    # The eager path is the bindings' own __init__.py: the same stacks must come out of it.
    # It imports all 2,000 submodules, which install.py does not byte-compile (compile_used): let
    # Python keep what it compiles, as it does by default, so that no run but a fresh install's
    # first compiles them all again (this machine's PYTHONDONTWRITEBYTECODE would, on every run).
    env = {
        **{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
        "BLUEGREEN_EAGER_PROVIDER_IMPORT": "1",
        "CDKTF_OUTDIR": str(tmp_path),
    }
    # A guard, not a speed target (bench/ has those): a fresh install's first run compiles every
    # submodule, which took over 300 s on two cores under a whole run's load (2026-12-08).
    subprocess.run([sys.executable, main.__file__], cwd=ROOT, env=env, check=True, capture_output=True, timeout=900)
    for stack in ("web-state", "web-dev", "web-prod"):
        eager = (tmp_path / "stacks" / stack / "cdk.tf.json").read_text()
        lazy = (synthesized[f"main:{stack}"].workdir / "cdk.tf.json").read_text()
        assert eager == lazy, stack


# --- noise: what a run prints that nobody can act on -----------------------------------------------


def test_node_is_the_bundled_one_and_quiet_whatever_path_says(tmp_path):
    from ecs_bluegreen.constructs.bindings import QUIET, bundled_node, configure

    environ: dict[str, str] = {"NODE_OPTIONS": "--max-old-space-size=4096"}
    configure(environ)
    assert environ["JSII_NODE"] == str(bundled_node())
    assert environ["NODE_OPTIONS"] == f"{QUIET} --max-old-space-size=4096"
    # A Node the user chose (any path; configure only reads the setting) and their own options win.
    chosen = {"JSII_NODE": str(tmp_path / "my-node" / "bin" / "node"), "NODE_OPTIONS": "--disable-warning=DEP0044"}
    mine = dict(chosen)
    configure(mine)
    assert mine == chosen


def test_main_py_without_the_virtualenv_on_path_prints_only_its_own_lines(tmp_path):
    import os
    import subprocess
    import sys

    root = ROOT
    (tmp_path / "stacks" / "web-old").mkdir(parents=True)  # a stack folder an earlier synth left
    env = {
        "HOME": os.environ.get("HOME", "/tmp"),
        "PATH": "/usr/bin:/bin",
        "CDKTF_OUTDIR": str(tmp_path),
        "BLUEGREEN_ENVIRONMENTS": "dev",
    }
    proc = subprocess.run([sys.executable, "main.py"], cwd=root, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.splitlines() == [
        f"note: {tmp_path}/stacks/web-old is left from an earlier synth; this app has no stack 'web-old' any "
        "more: remove the folder"
    ]
