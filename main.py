"""The example app: one blue/green stack per environment, from the settings in cdktf.json.

Environment variables:
    BLUEGREEN_CONFIG=path.json      read settings from that file instead of cdktf.json's context
    BLUEGREEN_ENVIRONMENTS=dev,prod synthesize only these environments (default: all)
    BLUEGREEN_HCL=1                 also write each stack in HCL, to <outdir>/hcl/<stack>/main.tf
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from ecs_bluegreen import (
    BlueGreenStack,
    SettingsError,
    StateBootstrapStack,
    bootstrap_settings,
    environment_settings,
    load_config,
)
from ecs_bluegreen.constructs.cdk import App, TerraformStack
from ecs_bluegreen.constructs.hcl import write_hcl

HERE = Path(__file__).resolve().parent


def build(app: App, config_path: Path, selected: list[str] | None) -> list[TerraformStack]:
    """The state bootstrap stack "<project>-state", then one stack per selected environment."""
    config = load_config(config_path)
    bootstrap = bootstrap_settings(config)
    stacks: list[TerraformStack] = [StateBootstrapStack(app, f"{config['project']}-state", settings=bootstrap)]
    stacks += [
        BlueGreenStack(app, settings.app.name, settings=settings)
        for settings in environment_settings(config, selected).values()
    ]
    return stacks


def main(outdir: str | None = None) -> int:
    config_path = Path(os.environ.get("BLUEGREEN_CONFIG") or HERE / "cdktf.json")
    selected = [e.strip() for e in os.environ.get("BLUEGREEN_ENVIRONMENTS", "").split(",") if e.strip()]
    # The cdktf CLI passes its output folder as CDKTF_OUTDIR, which App reads by itself.
    app = App(outdir=outdir) if outdir else App()
    try:
        stacks = build(app, config_path, selected or None)
    except SettingsError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    app.synth()
    for stack in stacks:
        print(f"synthesized {stack.node.id} -> {app.outdir}/stacks/{stack.node.id}/cdk.tf.json")
    if os.environ.get("BLUEGREEN_HCL", "") not in ("", "0"):
        for path in write_hcl(stacks, app.outdir):
            print(f"wrote {path.parent.name} in HCL -> {path}")
    # cdktf keeps the folders of stacks the app no longer has; they may hold local state, so say
    # so rather than delete them (`bluegreen --stack-dir` refuses them).
    current = {stack.node.id for stack in stacks}
    for folder in sorted(Path(app.outdir, "stacks").iterdir()):
        if folder.is_dir() and folder.name not in current:
            print(
                f"note: {folder} is left from an earlier synth; this app has no stack {folder.name!r} "
                "any more: remove the folder",
                file=sys.stderr,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
