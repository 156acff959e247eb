"""Snapshots of the example environments' synthesized Terraform, kept in tests/snapshots.

Every change to the generated Terraform then shows in the pull request's diff, line by line, and
tests/test_snapshots.py fails until the snapshots are updated with it:

    python3 -m pipenv run python tools/snapshots.py
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SNAPSHOTS = ROOT / "tests" / "snapshots"
sys.path.insert(0, str(ROOT))


def snapshot_name(stack_id: str) -> str:
    return f"{stack_id}.tf.json"


def as_in_the_checkout(workdir: Path) -> str:
    """A stack's cdk.tf.json as `cdktf synth` writes it into cdktf.out/stacks/<id> here. A local
    backend's path is relative to the stack's folder, so a stack synthesized elsewhere has it
    re-aimed from there."""
    text = (workdir / "cdk.tf.json").read_text()
    local = json.loads(text).get("terraform", {}).get("backend", {}).get("local", {}).get("path")
    if local is None:
        return text
    target = os.path.normpath(workdir / local)
    canonical = os.path.relpath(target, ROOT / "cdktf.out" / "stacks" / workdir.name)
    return text.replace(f'"path": {json.dumps(local)}', f'"path": {json.dumps(canonical)}', 1)


def synthesize(outdir: Path) -> dict[str, str]:
    """main.py's stacks from cdktf.json, as `cdktf synth` writes them: stack id -> cdk.tf.json."""
    import main
    from ecs_bluegreen.constructs.cdk import App

    app = App(outdir=str(outdir))
    stacks = main.build(app, ROOT / "cdktf.json", None)
    app.synth()
    return {stack.node.id: as_in_the_checkout(outdir / "stacks" / stack.node.id) for stack in stacks}


def update() -> list[str]:
    """Write the snapshots afresh, drop those of stacks no longer made; the names of changed files."""
    with tempfile.TemporaryDirectory() as outdir:
        current = synthesize(Path(outdir))
    SNAPSHOTS.mkdir(exist_ok=True)
    changed = []
    wanted = {snapshot_name(stack_id): text for stack_id, text in current.items()}
    for stale in sorted(p for p in SNAPSHOTS.glob("*.tf.json") if p.name not in wanted):
        stale.unlink()
        changed.append(f"removed {stale.relative_to(ROOT)}")
    for name, text in sorted(wanted.items()):
        path = SNAPSHOTS / name
        if not path.exists() or path.read_text() != text:
            path.write_text(text)
            changed.append(f"wrote {path.relative_to(ROOT)}")
    return changed


if __name__ == "__main__":
    for line in update() or ["the snapshots are up to date"]:
        print(line)
