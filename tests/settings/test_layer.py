"""The settings layer stands alone: it loads no CDK binding and starts no Node, its one walker
derives the check, the JSON path, the schema and the reference from a field's declaration, and
`bluegreen check` reads a settings file with it alone. Needs no synth."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, ClassVar

import pytest
from paths import ROOT

from ecs_bluegreen.settings import SettingsError, check_value
from ecs_bluegreen.settings.kinds import Props, PropsKind, read, settings_of
from ecs_bluegreen.settings.rules import Range

BINDINGS = ("jsii", "cdktf", "cdktn", "constructs", "cdktf_cdktf_provider_aws", "cdktn_provider_aws")


def _run(code: str, **env: str) -> dict:
    proc = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        env={"PATH": "/usr/bin:/bin", **env},
    )
    return json.loads(proc.stdout)


def test_reading_a_settings_file_loads_no_binding_and_leaves_node_alone():
    found = _run(
        "import json, os, sys; from pathlib import Path; import ecs_bluegreen.settings as s; "
        f"c = s.load_config(Path({str(ROOT / 'cdktf.json')!r})); s.environment_settings(c); "
        "s.bootstrap_settings(c); "
        f"print(json.dumps({{'loaded': [m for m in sys.modules if m.split('.')[0] in {BINDINGS!r}], "
        "'env': {k: os.environ.get(k) for k in ('NODE_OPTIONS', 'JSII_NODE')}}))",
        NODE_OPTIONS="--max-old-space-size=100",
    )
    assert found == {"loaded": [], "env": {"NODE_OPTIONS": "--max-old-space-size=100", "JSII_NODE": None}}


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="reads the Node process's environment in /proc")
def test_jsii_alone_gets_our_node_and_its_quiet_flag():
    """`import ecs_bluegreen` then the family's bindings: the Node jsii starts runs the bundled binary with
    DEP0044 hidden, while the process's own environment, which every other child inherits, stays
    the user's."""
    found = _run(
        "import json, os; import ecs_bluegreen; from ecs_bluegreen.constructs.bindings import bundled_node; "
        "import ecs_bluegreen.constructs.cdk, jsii; "
        "node = jsii.kernel.provider._process._process; "
        "child = dict(e.split('=', 1) for e in open(f'/proc/{node.pid}/environ').read().split('\\0') if '=' in e); "
        "print(json.dumps({'mine': os.environ.get('NODE_OPTIONS'), 'jsii': child.get('NODE_OPTIONS'), "
        "'exe': os.path.realpath(f'/proc/{node.pid}/exe') == os.path.realpath(str(bundled_node()))}))",
        NODE_OPTIONS="--max-old-space-size=1000",
    )
    assert found == {
        "mine": "--max-old-space-size=1000",
        "jsii": "--disable-warning=DEP0044 --max-old-space-size=1000",
        "exe": True,
    }


@dataclass(frozen=True, kw_only=True)
class _Scratch(Props):
    """A props class of one new setting, as a contributor adds one."""

    SETTING: ClassVar[str] = "scratch"

    max_tasks: Annotated[int, Range(1, 10)] = 5
    """Most tasks a deployment may add, 1 to 10. Default: 5."""


def test_one_declared_field_gives_the_check_the_json_path_the_schema_and_the_reference():
    with pytest.raises(SettingsError, match=r"^scratch\.max_tasks: invalid value 11\. Use a value from 1 to 10\.$"):
        _Scratch(max_tasks=11)
    with pytest.raises(SettingsError, match=r"^bluegreen\.defaults\.scratch\.max_tasks: invalid value 0\. "):
        read(_Scratch, {"max_tasks": 0}, "bluegreen.defaults.scratch")
    with pytest.raises(
        SettingsError, match=r"^bluegreen\.x\.max_tasks: invalid value '5'\. Expected a whole number\.$"
    ):
        read(_Scratch, {"max_tasks": "5"}, "bluegreen.x")
    defs: dict = {}
    PropsKind(cls=_Scratch).schema(defs)
    assert defs["_Scratch"]["properties"]["max_tasks"] == {
        "type": "integer",
        "minimum": 1,
        "maximum": 10,
        "default": 5,
        "description": "Most tasks a deployment may add, 1 to 10. Default: 5.",
    }
    (setting,) = settings_of(_Scratch)
    assert (setting.kind.python(), setting.python_default(), setting.kind.allowed()) == ("int", "5", "from 1 to 10")


def test_rules_on_an_optional_hold_wherever_it_stands():
    """`Annotated[X | None, rule]` keeps its rule as a field, and inside a list or a mapping too."""
    from ecs_bluegreen.settings.rules import Pattern

    optional = Annotated[str | None, Pattern("b+", "Use b.")]
    for hint, value, at in (
        (optional, "a", "x"),
        (tuple[optional, ...], ("b", "a"), r"x\[1\]"),
        (dict[str, optional], {"k": "a"}, r"x\.k"),
    ):
        with pytest.raises(SettingsError, match=rf"^{at}: invalid value 'a'\. Use b\.$"):
            check_value("x", value, hint)
        assert check_value("x", None, optional) is None


def test_a_hint_outside_the_grammar_is_refused_when_read():
    with pytest.raises(TypeError, match="a setting is one kind, or that kind or None"):
        check_value("x", 1, int | str)


def test_bluegreen_check_reads_the_settings_as_main_py_does(tmp_path):
    """`bluegreen check`: exit 0 naming the stacks a synth would make; a bad setting is the one
    line main.py would print, exit 2; --json for scripts."""
    import io

    from ecs_bluegreen import cli

    out, err = io.StringIO(), io.StringIO()
    assert cli.main(["check", str(ROOT / "cdktf.json")], out=out, err=err) == 0
    assert out.getvalue() == f"{ROOT / 'cdktf.json'}: valid: project web, stacks web-state, web-dev, web-prod\n"
    config = json.loads((ROOT / "cdktf.json").read_text())
    config["context"]["bluegreen"]["environments"]["prod"]["app"]["service"]["cpu"] = 300
    bad = tmp_path / "cdktf.json"
    bad.write_text(json.dumps(config))
    out, err = io.StringIO(), io.StringIO()
    assert cli.main(["check", str(bad)], out=out, err=err) == 2
    assert (out.getvalue(), err.getvalue()) == (
        "",
        "bluegreen: error: bluegreen.environments.prod.app.service.cpu: "
        "invalid value 300. Fargate offers these CPU units: 256, 512, 1024, "
        "2048, 4096, 8192, 16384.\n",
    )
    out = io.StringIO()
    assert cli.main(["check", str(ROOT / "cdktf.json"), "--json"], out=out, err=io.StringIO()) == 0
    assert json.loads(out.getvalue())["stacks"] == ["web-state", "web-dev", "web-prod"]
    err = io.StringIO()
    assert cli.main(["check", str(tmp_path / "none.json")], out=io.StringIO(), err=err) == 2
    assert "No such file; give a path to a JSON file." in err.getvalue()
