"""An app on cdktn built on the library, for tests/e2e/test_cdktn_cli.py: main.py's stacks from the
settings file BLUEGREEN_CONFIG names, with hashicorp/aws pinned to 5.100.0.

Tier C's bindings pin 6.69.1, and no 6.x binary can be had on these machines; the stacks use only
arguments both versions have (the CodeDeploy engine), so the mirror's 5.100.0 plans and applies
them. The pin is this test app's, not the library's."""

import os
import sys
from pathlib import Path

import ecs_bluegreen  # noqa: F401  first: the bindings then load only what the stacks use

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # main.py of this checkout

import main
from ecs_bluegreen.constructs.cdk import App

app = App()
selected = [e for e in os.environ.get("BLUEGREEN_ENVIRONMENTS", "").split(",") if e]
for stack in main.build(app, Path(os.environ["BLUEGREEN_CONFIG"]), selected or None):
    stack.add_override("terraform.required_providers.aws.version", "5.100.0")
app.synth()
