"""Property-based: any settings, as JSON or as Python values, either fail with our SettingsError
before synth, or synthesize a stack; never a jsii error, a TypeError or a KeyError. A sample of
the stacks that synthesize goes through `terraform validate`.

Deterministic (derandomize) and bounded (max_examples), so CI runs the same inputs in bounded time.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecs_bluegreen import (
    BlueGreenServiceProps,
    BlueGreenStack,
    SettingsError,
    StackSettings,
    StateBackendProps,
    from_mapping,
)
from ecs_bluegreen.constructs.cdk import App

EXAMPLES = 150
TERRAFORM_SAMPLE = 6
_valid_workdirs: list[Path] = []
_outcomes = {"invalid": 0, "synthesized": 0}


def _maybe(strategy):
    return st.one_of(strategy, st.none())


def mostly(valid, invalid):
    """Valid values most of the time, so that whole settings are often valid too."""
    return st.one_of(valid, valid, valid, valid, invalid)


ports = mostly(
    st.sampled_from([80, 443, 8080, 8000, 9000]), st.one_of(st.integers(-2, 70000), st.just("80"), st.booleans())
)
cidrs = st.lists(
    mostly(
        st.sampled_from(["0.0.0.0/0", "10.0.0.0/8", "2001:db8::/32", "203.0.113.0/24"]),
        st.sampled_from(["10.0.0.1/8", "office", "192.168.1.0/33"]),
    ),
    max_size=3,
    unique=True,
)
names = mostly(
    st.from_regex(r"[a-z][a-z0-9-]{0,20}[a-z0-9]", fullmatch=True),
    st.one_of(st.text(alphabet="abcxyz019-_A", max_size=30), st.sampled_from(["internal-web", "a" * 27, "web-"])),
)
images = mostly(
    st.sampled_from(
        [
            "nginx:1.27",
            "public.ecr.aws/nginx/nginx:1.27",
            "123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/app@sha256:" + "a" * 64,
        ]
    ),
    st.sampled_from(["not an image", "", "UPPER:1"]),
)
counts = mostly(st.integers(1, 12), st.integers(-2, 0))

service = st.fixed_dictionaries(
    {"image": images},
    optional={
        "container_name": st.sampled_from(["app", "web", "bad name", ""]),
        "container_port": ports,
        "cpu": st.sampled_from([256, 512, 1024, 300, "256"]),
        "memory": st.sampled_from([512, 1024, 2048, 4096, 3000]),
        "desired_count": counts,
        "environment": st.dictionaries(
            st.sampled_from(["A", "LOG_LEVEL", "1BAD"]), st.sampled_from(["x", 1]), max_size=2
        ),
        "platform_version": mostly(st.sampled_from(["1.4.0", "LATEST"]), st.sampled_from(["v1", "1.3.0"])),
        "log_retention_days": st.sampled_from([1, 30, 365, 13, 0]),
        "autoscaling": _maybe(
            st.fixed_dictionaries(
                {},
                optional={
                    "min_capacity": counts,
                    "max_capacity": counts,
                    "cpu_target_percent": st.integers(0, 100),
                    "requests_per_target": _maybe(st.integers(-1, 2000)),
                },
            )
        ),
    },
)
load_balancer = st.fixed_dictionaries(
    {},
    optional={
        "type": st.sampled_from(["application", "network", "classic"]),
        "prod_port": _maybe(ports),
        "test_port": ports,
        "prod_ingress_cidrs": cidrs,
        "test_ingress_cidrs": cidrs,
        "certificate_arn": _maybe(
            st.sampled_from(
                ["arn:aws:acm:ap-northeast-1:123456789012:certificate/abc-123", "arn:aws:iam::1:cert", "x"]
            )
        ),
        "test_listener_https": st.booleans(),
        "redirect_http": st.booleans(),
        "deregistration_delay_seconds": st.integers(-1, 4000),
        "idle_timeout_seconds": st.integers(0, 4001),
        "health_check": st.fixed_dictionaries(
            {},
            optional={
                "protocol": st.sampled_from(["HTTP", "TCP"]),
                "path": st.sampled_from(["/", "/healthz", "health"]),
                "interval_seconds": st.integers(0, 301),
                "timeout_seconds": st.integers(0, 121),
            },
        ),
    },
)
deployment = st.fixed_dictionaries(
    {},
    optional={
        "deployment_config_name": st.sampled_from(
            [
                "CodeDeployDefault.ECSAllAtOnce",
                "CodeDeployDefault.ECSCanary10Percent5Minutes",
                "CodeDeployDefault.OneAtATime",
                "my-config",
                "bad name!",
            ]
        ),
        "ready_action": st.sampled_from(["CONTINUE_DEPLOYMENT", "STOP_DEPLOYMENT", "WAIT"]),
        "approval_wait_minutes": st.integers(-1, 3000),
        "termination_wait_minutes": st.integers(-1, 3000),
        "auto_rollback": st.booleans(),
        "traffic_shift": _maybe(
            st.fixed_dictionaries(
                {
                    "type": st.sampled_from(["canary", "linear", "bogus"]),
                    "percentage": st.integers(-1, 101),
                    "interval_minutes": st.integers(-1, 3000),
                }
            )
        ),
        "alarms": _maybe(
            st.fixed_dictionaries(
                {},
                optional={
                    "http_5xx_count": _maybe(counts),
                    "unhealthy_hosts": _maybe(counts),
                    "http_5xx_rate_percent": _maybe(st.floats(-10, 200, allow_nan=False)),
                    "p99_latency_seconds": _maybe(st.floats(-1, 10, allow_nan=False)),
                    "period_seconds": st.sampled_from([10, 30, 45, 60, 120]),
                    "existing_alarm_names": st.lists(st.sampled_from(["a", "b", "c", "d", "e"]), max_size=5),
                },
            )
        ),
        "notifications": _maybe(
            st.fixed_dictionaries(
                {},
                optional={
                    "events": st.lists(
                        st.sampled_from(["DeploymentFailure", "DeploymentStop", "InstanceStart"]), max_size=3
                    )
                },
            )
        ),
    },
)
network = st.fixed_dictionaries(
    {},
    optional={
        "vpc_cidr": st.sampled_from(["10.0.0.0/16", "10.1.0.0/20", "10.0.0.0/24", "10.0.0.0/8", "10.0.0/16"]),
        "az_count": st.integers(0, 5),
        "nat_gateway": st.booleans(),
    },
)
app_settings = st.fixed_dictionaries(
    {"name": names, "service": service},
    optional={
        "load_balancer": load_balancer,
        "deployment": deployment,
        "network": network,
        "unknown_setting": st.just(1),
    },
)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    return tmp_path_factory.mktemp("properties")


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=app_settings)
def test_any_settings_fail_clearly_or_synthesize(workspace, data):
    try:
        props = from_mapping(BlueGreenServiceProps, data, "app")
    except SettingsError as error:
        # Our error, and a message that names the setting, shows the value and says what to do.
        assert re.match(r"^[\w.\[\]-]+: invalid (?:value|name) .+\. \S", str(error)), str(error)  # noqa: PT017
        _outcomes["invalid"] += 1
        return
    outdir = workspace / f"example-{_outcomes['synthesized']}"
    app = App(outdir=str(outdir))
    BlueGreenStack(
        app,
        "prop",
        settings=StackSettings(
            app=props, backend=StateBackendProps(bucket="prop-state", key="prop/terraform.tfstate")
        ),
    )
    app.synth()
    workdir = outdir / "stacks" / "prop"
    assert json.loads((workdir / "cdk.tf.json").read_text())["resource"]["aws_ecs_service"]
    _outcomes["synthesized"] += 1
    if len(_valid_workdirs) < TERRAFORM_SAMPLE:
        _valid_workdirs.append(workdir)


def test_generated_inputs_reach_both_outcomes():
    # A generator that only ever produced bad (or only good) settings would prove little.
    assert sum(_outcomes.values()) >= EXAMPLES
    assert _outcomes["invalid"] >= 20 and _outcomes["synthesized"] >= 20, _outcomes
    print(f"\nproperty inputs: {_outcomes['synthesized']} synthesized, {_outcomes['invalid']} rejected clearly")


@pytest.fixture(scope="module")
def sample_diagnostics(terraform, tmp_path_factory):
    """The sample validated at once (one Terraform process): each stack's diagnostics."""
    assert len(_valid_workdirs) == TERRAFORM_SAMPLE, "the property test runs first and fills the sample"
    return terraform.validate_together(
        {str(index): workdir for index, workdir in enumerate(_valid_workdirs)}, tmp_path_factory.mktemp("validate")
    )


@pytest.mark.parametrize("index", range(TERRAFORM_SAMPLE))
def test_sample_of_generated_stacks_is_valid_terraform(index, sample_diagnostics):
    errors = [d for d in sample_diagnostics[str(index)] + sample_diagnostics.get(None, []) if d["severity"] == "error"]
    assert errors == [], errors
