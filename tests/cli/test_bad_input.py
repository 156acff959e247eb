"""Bad input to the command, by class: every argument, output and option is either refused on one
line with its exit code, before any AWS call, or it is valid. Never a traceback. (The settings'
bad input: settings/test_bad_input.py.)"""

from __future__ import annotations

import json
import math
import re
from typing import Any

import pytest
from helpers import WRONG_KINDS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

OUTPUTS = {
    "region": "ap-northeast-1",
    "cluster_name": "web-dev",
    "service_name": "web-dev",
    "container_name": "nginx",
    "container_port": 80,
    "codedeploy_app_name": "web-dev",
    "codedeploy_group_name": "web-dev",
    "platform_version": "1.4.0",
    "task_subnet_ids": ["subnet-1", "subnet-2"],
    "task_security_group_ids": ["sg-1"],
    "assign_public_ip": False,
    "task_definition_arn": "arn:aws:ecs:ap-northeast-1:123456789012:task-definition/web-dev:3",
}


def _command(args: list[str], tmp_path, outputs: Any = OUTPUTS) -> tuple[int, str]:
    """bluegreen in this process; any AWS call fails the test: bad input must stop before one."""
    import io

    from ecs_bluegreen import cli

    def no_aws(_):
        raise AssertionError("an AWS client was made for bad input")

    path = tmp_path / "outputs.json"
    path.write_text(
        json.dumps({k: {"value": v} for k, v in outputs.items()}) if isinstance(outputs, dict) else outputs
    )
    err = io.StringIO()
    code = cli.main([*args, "--outputs", str(path)], clients=no_aws, out=io.StringIO(), err=err)
    return code, err.getvalue()


def _one_line(text: str) -> str:
    lines = text.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("bluegreen: error: "), text
    return lines[0]


@settings(
    max_examples=80,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    key=st.sampled_from(sorted(OUTPUTS)),
    wrong=st.sampled_from([*WRONG_KINDS, ("text with a newline", "web\n"), ("NaN", math.nan)]),
)
def test_an_output_of_the_wrong_kind_stops_before_any_aws_call(tmp_path, key, wrong):
    kind, value = wrong
    if type(value) is type(OUTPUTS[key]) and kind != "text with a newline":
        return
    if value is None and key not in (
        "region",
        "cluster_name",
        "service_name",
        "container_name",
        "container_port",
        "codedeploy_app_name",
        "codedeploy_group_name",
    ):
        return  # an optional output may be null
    code, err = _command(["status"], tmp_path, {**OUTPUTS, key: value})
    assert code == 2, err
    assert f"output {key}" in _one_line(err) or "lacks the outputs" in err


@pytest.mark.parametrize(
    "args,pattern",
    [
        (["deploy", "--image", "nginx:1.28\n"], r"--image: invalid value 'nginx:1\.28\\n'"),
        (["deploy", "--image", "nginx:1.28", "--hook", "BeforeInstall=my function"], r"is no Lambda function name"),
        (
            ["deploy", "--image", "nginx:1.28", "--hook", "AfterAllowTestTraffic=" + "f" * 65],
            r"is no Lambda function name",
        ),
    ],
)
def test_bad_deploy_input_is_one_line_before_any_aws_call(tmp_path, args, pattern):
    code, err = _command(args, tmp_path)
    assert code == 2 and re.search(pattern, _one_line(err)), err


@pytest.mark.parametrize(
    "region,pattern",
    [
        ("ap-northeast-9", r"output region: invalid value 'ap-northeast-9'\. Use an AWS region code .* Did you mean"),
        ("", r"output region: invalid value ''\. Use an AWS region code"),
    ],
)
def test_an_output_region_aws_does_not_have_is_named_with_a_fix(tmp_path, region, pattern):
    """botocore would say "Provided region_name ... doesn't match" or "You must specify a region."."""
    code, err = _command(["status"], tmp_path, {**OUTPUTS, "region": region})
    assert code == 2 and re.search(pattern, _one_line(err)), err


@pytest.mark.parametrize(
    "args,pattern",
    [
        (
            ["rollback", "--deployment-id", "xyz"],
            r"--deployment-id: invalid value 'xyz': give a CodeDeploy deployment ID",
        ),
        (
            ["status", "--output-prefix", "api "],
            r"--output-prefix: invalid value 'api ': give the prefix service_outputs",
        ),
        (["status", "--limit", "0"], r"--limit: invalid value '0': give a whole number from 1 to 1000"),
    ],
)
def test_bad_options_are_one_line_before_any_aws_call(tmp_path, args, pattern, capsys):
    with pytest.raises(SystemExit) as exit_:
        _command(args, tmp_path)
    err = capsys.readouterr().err
    assert exit_.value.code == 2 and re.search(pattern, err.strip().splitlines()[-1]), err


@pytest.mark.parametrize(
    "option,value",
    [
        ("--poll", "0"),
        ("--poll", "-1"),
        ("--poll", "nan"),
        ("--timeout", "0"),
        ("--timeout", "-5"),
        ("--timeout", "inf"),
        ("--poll", "soon"),
    ],
)
def test_timeout_and_poll_take_positive_finite_numbers(tmp_path, option, value):
    import subprocess
    import sys

    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "ecs_bluegreen.cli",
            "deploy",
            "--image",
            "nginx:1.28",
            "--wait",
            option,
            value,
            "--outputs",
            "x",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert f"argument {option}: invalid value '{value}': give a number of at least" in proc.stderr


def test_an_outputs_path_that_is_a_folder_is_one_line(tmp_path):
    import io

    from ecs_bluegreen import cli

    err = io.StringIO()
    assert cli.main(["status", "--outputs", str(tmp_path)], err=err, out=io.StringIO()) == 2
    assert "is a folder: pass the file `terraform output -json` wrote" in _one_line(err.getvalue())


def test_a_stack_folder_left_from_an_earlier_synth_is_refused(tmp_path):
    import io

    from ecs_bluegreen import cli

    for name in ("web-dev", "web-old"):
        (tmp_path / "stacks" / name).mkdir(parents=True)
        (tmp_path / "stacks" / name / "cdk.tf.json").write_text("{}")
    (tmp_path / "manifest.json").write_text(json.dumps({"stacks": {"web-dev": {}}}))
    err = io.StringIO()
    assert cli.main(["status", "--stack-dir", str(tmp_path / "stacks" / "web-old")], err=err, out=io.StringIO()) == 2
    assert "is left from an earlier synth" in _one_line(err.getvalue())


def test_an_endpoint_url_that_is_no_url_is_one_line(tmp_path, monkeypatch):
    import io

    from ecs_bluegreen import cli

    path = tmp_path / "outputs.json"
    path.write_text(json.dumps(OUTPUTS))
    monkeypatch.setenv("AWS_ENDPOINT_URL", "not a url")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "x")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "x")
    err = io.StringIO()
    assert cli.main(["status", "--outputs", str(path)], err=err, out=io.StringIO()) == 2
    assert "set AWS_ENDPOINT_URL to a URL such as http://127.0.0.1:4566" in _one_line(err.getvalue())


@pytest.mark.toolchain  # 25 s of waiting, the same on every tier: once is enough
def test_a_silent_endpoint_fails_within_30_seconds(tmp_path):
    """A server on loopback that takes the connection and never answers."""
    import socket
    import subprocess
    import sys
    import time

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    path = tmp_path / "outputs.json"
    path.write_text(json.dumps(OUTPUTS))
    env = {
        **__import__("os").environ,
        "AWS_ENDPOINT_URL": f"http://127.0.0.1:{server.getsockname()[1]}",
        "AWS_ACCESS_KEY_ID": "x",
        "AWS_SECRET_ACCESS_KEY": "x",
        "AWS_EC2_METADATA_DISABLED": "true",
    }
    started = time.monotonic()
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "ecs_bluegreen.cli", "status", "--outputs", str(path)],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
    finally:
        server.close()
    elapsed = time.monotonic() - started
    assert proc.returncode == 1 and elapsed < 30, (elapsed, proc.stderr)
    assert "gave no answer in 10 s, twice. Check AWS_ENDPOINT_URL (is the emulator running?)" in _one_line(proc.stderr)
