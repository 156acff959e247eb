"""The provider bindings load lazily, and that changes no byte of output. cdktf's bindings need
ecs_bluegreen/constructs/bindings.py for it; cdktn's are lazy by themselves, and the finder steps aside."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from ecs_bluegreen.constructs.family import FAMILY

import main

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
    env = {**{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
           "BLUEGREEN_EAGER_PROVIDER_IMPORT": "1", "CDKTF_OUTDIR": str(tmp_path)}
    subprocess.run([sys.executable, main.__file__], cwd=ROOT, env=env, check=True, capture_output=True, timeout=300)
    for stack in ("web-state", "web-dev", "web-prod"):
        eager = (tmp_path / "stacks" / stack / "cdk.tf.json").read_text()
        lazy = (synthesized[f"main:{stack}"].workdir / "cdk.tf.json").read_text()
        assert eager == lazy, stack
