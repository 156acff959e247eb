"""Snapshots of the example environments' synthesized Terraform, kept in tests/snapshots.

Every change to the generated Terraform then shows in the pull request's diff, line by line, and
tests/constructs/test_snapshots.py fails until the snapshots are updated with it:

    python3 -m pipenv run python tools/snapshots.py

The ECS-native scenarios (tests/support/scenarios.py) need bindings of hashicorp/aws 6.x, so their
snapshots are kept per bindings, in tests/snapshots/native/<bindings>-<version>/, and written by
the tier's own Python (constructs/engines/test_ecs.py checks them there):

    tools/tiers/cdktf-aws6/.venv/bin/python tools/snapshots.py
    tools/tiers/cdktn/.venv/bin/python tools/snapshots.py
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
sys.path.insert(1, str(ROOT / "tests"))


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


def native_stacks() -> dict[str, object]:
    """The ECS-native scenarios and the migration's steps on that engine, by the stack id the
    suite synthesizes them under (conftest.py): t-<name>."""
    from scenarios import MIGRATION, NATIVE_SCENARIOS

    stacks = {f"t-{name}": settings for name, settings in NATIVE_SCENARIOS.items()}
    stacks.update({f"t-migration-{step}": settings for step, settings in MIGRATION.items() if step != "codedeploy"})
    return stacks


def native_folder() -> Path:
    """Where the ECS-native snapshots of these bindings are kept."""
    import importlib.metadata

    from ecs_bluegreen.constructs.family import FAMILY

    dist = FAMILY.provider.replace("_", "-")
    return SNAPSHOTS / "native" / f"{dist}-{importlib.metadata.version(dist)}"


def synthesize_native(outdir: Path) -> dict[str, str]:
    from ecs_bluegreen import BlueGreenStack
    from ecs_bluegreen.constructs.cdk import App

    app = App(outdir=str(outdir))
    stacks = native_stacks()
    for stack_id, settings in stacks.items():
        BlueGreenStack(app, stack_id, settings=settings)
    app.synth()
    return {stack_id: as_in_the_checkout(outdir / "stacks" / stack_id) for stack_id in stacks}


def _write(folder: Path, current: dict[str, str]) -> list[str]:
    """Write the snapshots afresh, drop those of stacks no longer made; the names of changed files."""
    folder.mkdir(parents=True, exist_ok=True)
    changed = []
    wanted = {snapshot_name(stack_id): text for stack_id, text in current.items()}
    for stale in sorted(p for p in folder.glob("*.tf.json") if p.name not in wanted):
        stale.unlink()
        changed.append(f"removed {stale.relative_to(ROOT)}")
    for name, text in sorted(wanted.items()):
        path = folder / name
        if not path.exists() or path.read_text() != text:
            path.write_text(text)
            changed.append(f"wrote {path.relative_to(ROOT)}")
    return changed


def update() -> list[str]:
    """The example stacks' snapshots on tier A's bindings; the ECS-native scenarios' on bindings
    that have the engine (a tier's Python)."""
    from tiers import native_engine

    with tempfile.TemporaryDirectory() as outdir:
        if native_engine():
            return _write(native_folder(), synthesize_native(Path(outdir)))
        return _write(SNAPSHOTS, synthesize(Path(outdir)))


if __name__ == "__main__":
    for line in update() or ["the snapshots are up to date"]:
        print(line)
