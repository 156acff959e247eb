"""The README stays in step with the code and with CI: its two commands are CI's, every Python
block in it runs as written, and every setting's docstring (which the reference and the schema
show) states its default."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from paths import ROOT

import ecs_bluegreen as lib

README = (ROOT / "README.md").read_text()
PROPS = [
    lib.BlueGreenServiceProps,
    lib.RepositoryProps,
    lib.ServiceProps,
    lib.ExecuteCommandProps,
    lib.SecretProps,
    lib.ContainerProps,
    lib.ContainerHealthCheckProps,
    lib.LogProps,
    lib.PolicyStatementProps,
    lib.AutoscalingProps,
    lib.NetworkProps,
    lib.LoadBalancerProps,
    lib.HealthCheckProps,
    lib.IamProps,
    lib.DeploymentProps,
    lib.TestTrafficHookProps,
    lib.TrafficShiftProps,
    lib.PauseProps,
    lib.AlarmProps,
    lib.NotificationProps,
    lib.StateBackendProps,
    lib.StackSettings,
    lib.CustomEndpointProps,
    lib.BootstrapSettings,
    lib.StateBucketProps,
]
# Runs each block in a namespace of its own, as a reader pastes it; the one-value snippets of
# "Common overrides" get the library's names, as that section says.
RUN_BLOCKS = """
import json, sys
import ecs_bluegreen
names = {name: getattr(ecs_bluegreen, name) for name in ecs_bluegreen.__all__}
for index, block in enumerate(json.load(sys.stdin)):
    try:
        exec(compile(block, f"README block {index}", "exec"), dict(names))
    except Exception as error:
        print(f"README block {index} failed: {type(error).__name__}: {error}\\n{block}")
        sys.exit(1)
"""


@pytest.mark.parametrize("cls", PROPS, ids=lambda c: c.__name__)
def test_every_field_docstring_states_its_default(cls):
    from ecs_bluegreen.settings.kinds import settings_of

    for setting in settings_of(cls):
        assert setting.doc, f"{cls.__name__}.{setting.name} has no docstring"
        assert re.search(r"(Default: .+|Required)\.$", setting.doc), (cls.__name__, setting.name, setting.doc)


def test_ci_runs_the_readme_commands():
    commands = README.split("```sh\n", 1)[1].split("```", 1)[0].strip().splitlines()
    assert len(commands) == 2
    ci = (ROOT / ".ci" / "run").read_text()
    for command in commands:
        assert command in ci, f"CI does not run the README command: {command}"


def test_the_first_screen_says_what_it_is_how_to_install_it_and_shows_an_example():
    first_screen = "\n".join(README.splitlines()[:55])
    for part in (
        "**What it is.**",
        "pip install 'ecs-bluegreen[cdktf]'",
        "```python",
        "app.synth()",
        "python3 -m pipenv run pytest",
    ):
        assert part in first_screen, part


@pytest.mark.toolchain  # the blocks import cdktf: tier A's family
def test_every_python_block_runs_as_written(tmp_path):
    """Every example defines every name it uses, and what it builds synthesizes."""
    import json

    blocks = re.findall(r"```python\n(.*?)```", README, re.S)
    assert len(blocks) > 10
    proc = subprocess.run(
        [sys.executable, "-c", RUN_BLOCKS],
        input=json.dumps(blocks),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (tmp_path / "cdktf.out" / "stacks" / "shop" / "cdk.tf.json").is_file()
