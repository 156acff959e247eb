"""The README's settings tables and commands stay in step with the code and with CI."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import ecs_bluegreen as lib
import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()
PROPS = [lib.BlueGreenServiceProps, lib.RepositoryProps, lib.ServiceProps, lib.ExecuteCommandProps, lib.SecretProps, lib.ContainerProps,
         lib.ContainerHealthCheckProps, lib.LogProps, lib.PolicyStatementProps, lib.AutoscalingProps, lib.NetworkProps,
         lib.LoadBalancerProps, lib.HealthCheckProps, lib.IamProps, lib.DeploymentProps, lib.TestTrafficHookProps,
         lib.TrafficShiftProps, lib.AlarmProps, lib.NotificationProps, lib.StateBackendProps,
         lib.StackSettings, lib.CustomEndpointProps, lib.BootstrapSettings, lib.StateBucketProps]


def _table(cls_name: str) -> list[tuple[str, str]]:
    section = README.split(f"#### `{cls_name}`", 1)[1].split("\n\n", 2)[1]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    cells = [re.split(r"(?<!\\)\|", row) for row in rows]  # "\|" inside a cell is not a separator
    return [(c[1].strip().strip("`"), c[3].strip().strip("`")) for c in cells]


def _default(f: dataclasses.Field) -> str:
    if f.default is not dataclasses.MISSING:
        return repr(f.default)
    if f.default_factory is not dataclasses.MISSING:
        value = f.default_factory()
        return f"{type(value).__name__}()" if dataclasses.is_dataclass(value) else repr(value)
    return "required"


@pytest.mark.parametrize("cls", PROPS, ids=lambda c: c.__name__)
def test_settings_table_matches_the_props(cls):
    assert _table(cls.__name__) == [(f.name, _default(f)) for f in dataclasses.fields(cls)]


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
