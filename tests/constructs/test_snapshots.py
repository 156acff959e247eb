"""The example environments' synthesized Terraform is kept in tests/snapshots, so that a pull
request that changes it shows the change in its diff. This test fails until the snapshots are
updated: `python3 -m pipenv run python tools/snapshots.py`."""

from __future__ import annotations

import difflib
import sys

import pytest
from paths import ROOT

sys.path.insert(0, str(ROOT / "tools"))
import snapshots

# The snapshots pin tier A's versions (cdktf 0.21, provider 5.100.0): the Python tiers, on the same
# bindings, must give the same bytes; tiers B and C differ in them.
pytestmark = pytest.mark.tier_a_bindings


def test_each_example_stack_matches_its_snapshot(synthesized):
    stacks = {name.split(":", 1)[1]: s for name, s in synthesized.items() if name.startswith("main:")}
    assert sorted(p.name for p in snapshots.SNAPSHOTS.glob("*.tf.json")) == sorted(
        snapshots.snapshot_name(stack_id) for stack_id in stacks
    ), "run: python3 -m pipenv run python tools/snapshots.py"
    for stack_id, stack in stacks.items():
        synthesized_text = snapshots.as_in_the_checkout(stack.workdir)
        kept = (snapshots.SNAPSHOTS / snapshots.snapshot_name(stack_id)).read_text()
        if synthesized_text != kept:
            diff = "".join(
                list(
                    difflib.unified_diff(
                        kept.splitlines(True),
                        synthesized_text.splitlines(True),
                        f"snapshot {stack_id}",
                        f"synthesized {stack_id}",
                    )
                )[:40]
            )
            pytest.fail(
                f"{stack_id} differs from its snapshot; if the change is meant, run "
                f"`python3 -m pipenv run python tools/snapshots.py` and commit the snapshot:\n{diff}"
            )
