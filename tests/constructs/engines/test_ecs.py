"""ECS-native blue/green (deployment.engine "ecs"), read from the stacks the bindings synthesize.

What no other test proves: that each traffic setting means on this engine what it means on
CodeDeploy (strategy, steps, bake time, hooks at their stages, alarms, the test listener), that the
stack makes the listener rules and the two roles the engine needs and no CodeDeploy resource, and
that bindings without the engine refuse it on one line before any resource is made. No 6.x
provider binary can be had here, so this runs on tiers B and C (tests/repo/test_tiers.py checks
that it ran there); tier A runs the refusal. conftest.py deselects the other kind by marker.
checkov scans these stacks with every other (constructs/test_security.py), and the migration
between the engines is constructs/engines/test_migration.py's.
"""

from __future__ import annotations

import json
import sys

import pytest
from helpers import ref, resource, resources
from paths import ROOT
from scenarios import ACCOUNT, NATIVE_SCENARIOS, _settings
from tiers import bindings

from ecs_bluegreen import BlueGreenStack, DeploymentProps, PauseProps, SettingsError
from ecs_bluegreen.constructs.cdk import App

needs_native = pytest.mark.native  # deselected on tier A (conftest.py)

CODEDEPLOY_TYPES = ("aws_codedeploy_app", "aws_codedeploy_deployment_group", "aws_codedeploy_deployment_config")


def _service(doc):
    return resource(doc, "aws_ecs_service", "ecs/service")


@pytest.mark.without_native
@pytest.mark.parametrize("name", sorted(NATIVE_SCENARIOS))
def test_bindings_without_the_engine_refuse_it_on_one_line(name, tmp_path):
    app = App(outdir=str(tmp_path))
    with pytest.raises(SettingsError) as raised:
        BlueGreenStack(app, "native", settings=NATIVE_SCENARIOS[name])
    message = str(raised.value)
    assert "\n" not in message and message.startswith("deployment.engine: invalid value 'ecs'.")
    assert "6.4.0" in message and "6.21.0" in message and "engine='codedeploy'" in message
    assert "-".join(bindings()) in message.replace(" ", "-")
    # Refused before the service made a single resource.
    assert not [c for c in app.node.find_all() if c.node.path.startswith("native/blue-green")]


@needs_native
@pytest.mark.parametrize("name", sorted(NATIVE_SCENARIOS))
def test_no_codedeploy_and_ecs_controls_the_service(synthesized, name):
    doc = synthesized[name].doc
    assert not [t for t in CODEDEPLOY_TYPES if t in doc["resource"]]
    assert not [k for k in resources(doc, "aws_iam_role") if "codedeploy" in k]
    service = _service(doc)
    assert service["deployment_controller"] == {"type": "ECS"}
    assert service["lifecycle"]["ignore_changes"][:4] == [
        "task_definition",
        "load_balancer",
        "network_configuration",
        "platform_version",
    ]
    assert doc["output"]["engine"]["value"] == "ecs"
    assert "codedeploy_app_name" not in doc["output"] and "codedeploy_group_name" not in doc["output"]


STRATEGIES = {
    "native-defaults": {"strategy": "BLUE_GREEN", "bake_time_in_minutes": "60"},
    "native-canary": {
        "strategy": "CANARY",
        "bake_time_in_minutes": "30",
        "canary_configuration": {"canary_percent": 10, "canary_bake_time_in_minutes": "5"},
    },
    "native-linear": {
        "strategy": "LINEAR",
        "bake_time_in_minutes": "0",
        "linear_configuration": {"step_percent": 25, "step_bake_time_in_minutes": "2"},
    },
    "native-nlb": {
        "strategy": "CANARY",
        "bake_time_in_minutes": "60",
        "canary_configuration": {"canary_percent": 20, "canary_bake_time_in_minutes": "5"},
    },
}


@needs_native
@pytest.mark.parametrize("name", sorted(NATIVE_SCENARIOS))
def test_the_traffic_settings_map_to_the_strategy_steps_and_bake_time(synthesized, name):
    """A predefined CodeDeploy config by the steps it names, traffic_shift by its own, and the
    termination wait as the bake time."""
    configuration = dict(_service(synthesized[name].doc)["deployment_configuration"])
    configuration.pop("lifecycle_hook", None)
    assert configuration == STRATEGIES[name]


@needs_native
@pytest.mark.parametrize("name", ["native-defaults", "native-canary", "native-linear"])
def test_an_alb_gets_one_rule_per_listener_that_ecs_shifts(synthesized, name):
    doc = synthesized[name].doc
    blue, green = (ref(doc, "aws_lb_target_group", f"load-balancer/{c}", "arn") for c in ("blue", "green"))
    for rule, listener in (("prod-rule", "prod-listener"), ("test-rule", "test-listener")):
        body = resource(doc, "aws_lb_listener_rule", f"ecs-native/{rule}")
        assert body["listener_arn"] == ref(doc, "aws_lb_listener", f"load-balancer/{listener}", "arn")
        assert body["priority"] == 1 and body["condition"] == [{"path_pattern": {"values": ["/*"]}}]
        # Forward only (a redirect or fixed response next to it fails the deployment), to both groups.
        assert body["action"] == [
            {
                "type": "forward",
                "forward": {"target_group": [{"arn": blue, "weight": 100}, {"arn": green, "weight": 0}]},
            }
        ]
        assert body["lifecycle"] == {"ignore_changes": ["action"]}  # ECS rewrites the weights
    (load_balancer,) = _service(doc)["load_balancer"]
    assert load_balancer["target_group_arn"] == blue
    advanced = load_balancer["advanced_configuration"]
    assert advanced["alternate_target_group_arn"] == green
    assert advanced["production_listener_rule"] == ref(doc, "aws_lb_listener_rule", "ecs-native/prod-rule", "arn")
    assert advanced["test_listener_rule"] == ref(doc, "aws_lb_listener_rule", "ecs-native/test-rule", "arn")
    assert doc["output"]["prod_listener_rule_arn"]["value"] == advanced["production_listener_rule"]
    assert doc["output"]["test_listener_rule_arn"]["value"] == advanced["test_listener_rule"]
    # The service starts once the rules hold both groups (ECS refuses a group no rule uses).
    assert {f"aws_lb_listener_rule.{k}" for k in doc["resource"]["aws_lb_listener_rule"]} <= set(
        _service(doc)["depends_on"]
    )


@needs_native
def test_an_nlb_is_shifted_on_its_listeners(synthesized):
    doc = synthesized["native-nlb"].doc
    assert "aws_lb_listener_rule" not in doc["resource"]
    advanced = _service(doc)["load_balancer"][0]["advanced_configuration"]
    assert advanced["production_listener_rule"] == ref(doc, "aws_lb_listener", "load-balancer/prod-listener", "arn")
    assert advanced["test_listener_rule"] == ref(doc, "aws_lb_listener", "load-balancer/test-listener", "arn")
    assert "prod_listener_rule_arn" not in doc["output"]


@needs_native
def test_the_infrastructure_role_is_trusted_by_ecs_with_the_load_balancer_policy(synthesized):
    doc = synthesized["native-defaults"].doc
    role = resource(doc, "aws_iam_role", "iam/infrastructure")
    assert role["name"] == "web-native-ecs-infrastructure"
    assert json.loads(role["assume_role_policy"])["Statement"] == [
        {"Action": "sts:AssumeRole", "Effect": "Allow", "Principal": {"Service": "ecs.amazonaws.com"}}
    ]
    attachment = resource(doc, "aws_iam_role_policy_attachment", "iam/infrastructure-policy")
    assert attachment["policy_arn"].endswith(":iam::aws:policy/AmazonECSInfrastructureRolePolicyForLoadBalancers")
    assert _service(doc)["load_balancer"][0]["advanced_configuration"]["role_arn"] == ref(
        doc, "aws_iam_role", "iam/infrastructure", "arn"
    )
    # No hooks, no hook role.
    assert "lifecycle_hook" not in _service(doc)["deployment_configuration"]
    assert sorted(resources(doc, "aws_iam_role")) == ["blue-green/iam/execution", "blue-green/iam/infrastructure"]


@needs_native
def test_a_role_of_your_own_is_used_and_none_is_created(synthesized):
    doc = synthesized["native-linear"].doc
    assert "blue-green/iam/infrastructure" not in resources(doc, "aws_iam_role")
    assert _service(doc)["load_balancer"][0]["advanced_configuration"]["role_arn"] == (
        f"arn:aws:iam::{ACCOUNT}:role/ecs-infrastructure"
    )


@needs_native
def test_hooks_run_at_the_stages_of_their_events_with_a_role_that_may_invoke_exactly_them(synthesized):
    """BeforeInstall at PRE_SCALE_UP, AfterAllowTestTraffic (the built-in smoke test) at
    POST_TEST_TRAFFIC_SHIFT, AfterAllowTraffic at POST_PRODUCTION_TRAFFIC_SHIFT; one function at two
    events is one hook with two stages."""
    doc = synthesized["native-canary"].doc
    role = ref(doc, "aws_iam_role", "iam/ecs-hooks", "arn")
    smoke = ref(doc, "aws_lambda_function", "test-traffic-hook/function", "arn")
    (own,) = {h["hook_target_arn"] for h in _service(doc)["deployment_configuration"]["lifecycle_hook"]} - {smoke}
    assert own.startswith("arn:${data.aws_partition.") and own.endswith(":function:web-native-migrations")
    assert _service(doc)["deployment_configuration"]["lifecycle_hook"] == [
        {
            "hook_target_arn": own,
            "lifecycle_stages": ["PRE_SCALE_UP", "POST_PRODUCTION_TRAFFIC_SHIFT"],
            "role_arn": role,
        },
        {"hook_target_arn": smoke, "lifecycle_stages": ["POST_TEST_TRAFFIC_SHIFT"], "role_arn": role},
    ]
    hook_role = resource(doc, "aws_iam_role", "iam/ecs-hooks")
    assert json.loads(hook_role["assume_role_policy"])["Statement"][0]["Principal"] == {"Service": "ecs.amazonaws.com"}
    policy = json.loads(resource(doc, "aws_iam_role_policy", "iam/ecs-hooks-invoke")["policy"])
    assert policy["Statement"] == [
        {"Sid": "InvokeHooks", "Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": [own, smoke]}
    ]


@needs_native
def test_the_smoke_test_answers_ecs_and_needs_no_codedeploy_grant(synthesized):
    doc = synthesized["native-canary"].doc
    assert "blue-green/test-traffic-hook/report" not in resources(doc, "aws_iam_role_policy")
    egress = {
        b["from_port"]
        for p, b in resources(doc, "aws_vpc_security_group_egress_rule").items()
        if "test-traffic-hook" in p
    }
    assert egress == {8080}  # the test listener only: no AWS API to report to


@needs_native
@pytest.mark.parametrize("name", ["native-canary", "native-nlb"])
def test_ecs_watches_the_alarms_and_rolls_back_on_one(synthesized, name):
    doc = synthesized[name].doc
    created = [a["alarm_name"] for a in resources(doc, "aws_cloudwatch_metric_alarm").values()]
    existing = list(NATIVE_SCENARIOS[name].app.deployment.alarms.existing_alarm_names)
    alarms = _service(doc)["alarms"]
    assert alarms["enable"] is True and alarms["rollback"] is True
    assert sorted(alarms["alarm_names"]) == sorted(created + existing) and created


@needs_native
def test_an_approval_wait_is_a_pause_after_test_traffic_that_rolls_back_where_the_bindings_have_one(tmp_path):
    """ready_action STOP_DEPLOYMENT on this engine: a pause hook at POST_TEST_TRAFFIC_SHIFT for the
    approval wait, then ROLLBACK, as CodeDeploy's stops and rolls back; a pause of `pauses` at its
    stage with its timeout; bindings without pause hooks (tier B's, aws 6.25.0) refuse them on one
    line with the version that has them."""
    settings = _settings(
        "web-native-approval",
        deployment=DeploymentProps(
            engine="ecs",
            ready_action="STOP_DEPLOYMENT",
            approval_wait_minutes=45,
            pauses=(PauseProps(stage="POST_PRODUCTION_TRAFFIC_SHIFT", timeout_minutes=90, on_timeout="CONTINUE"),),
        ),
    )
    app = App(outdir=str(tmp_path))
    if bindings() == ("cdktf-cdktf-provider-aws", "21.22.1"):
        with pytest.raises(SettingsError) as raised:
            BlueGreenStack(app, "approval", settings=settings)
        message = str(raised.value)
        assert message.startswith("deployment.ready_action: invalid value 'STOP_DEPLOYMENT'.") and "\n" not in message
        assert "later than 6.62.0" in message and "cdktn-provider-aws 25.8.1" in message
        return
    BlueGreenStack(app, "approval", settings=settings)
    app.synth()
    doc = json.loads((tmp_path / "stacks" / "approval" / "cdk.tf.json").read_text())
    assert _service(doc)["deployment_configuration"]["lifecycle_hook"] == [
        {
            "lifecycle_stages": ["POST_TEST_TRAFFIC_SHIFT"],
            "target_type": "PAUSE",
            "timeout_configuration": {"action": "ROLLBACK", "timeout_in_minutes": "45"},
        },
        {
            "lifecycle_stages": ["POST_PRODUCTION_TRAFFIC_SHIFT"],
            "target_type": "PAUSE",
            "timeout_configuration": {"action": "CONTINUE", "timeout_in_minutes": "90"},
        },
    ]


@needs_native
def test_each_native_stack_matches_its_snapshot_for_these_bindings(synthesized):
    """Kept per bindings (tools/snapshots.py, run by the tier's Python), so that a change to what
    the engine synthesizes shows in the diff of a pull request, as tier A's stacks do."""
    sys.path.insert(0, str(ROOT / "tools"))
    import snapshots

    folder = snapshots.native_folder()
    wanted = snapshots.native_stacks()
    assert sorted(p.name for p in folder.glob("*.tf.json")) == sorted(snapshots.snapshot_name(s) for s in wanted), (
        f"run: {sys.executable} tools/snapshots.py"
    )
    stale = [
        stack_id
        for stack_id in wanted
        if snapshots.as_in_the_checkout(
            synthesized[stack_id.removeprefix("t-").replace("migration-", "migration:", 1)].workdir
        )
        != (folder / snapshots.snapshot_name(stack_id)).read_text()
    ]
    assert not stale, (
        f"{stale} differ from their snapshots in {folder}: if meant, run {sys.executable} tools/snapshots.py"
    )


@needs_native
def test_two_synths_give_identical_bytes(tmp_path):
    def synth(outdir):
        app = App(outdir=str(outdir))
        BlueGreenStack(app, "native", settings=NATIVE_SCENARIOS["native-canary"])
        app.synth()
        return (outdir / "stacks" / "native" / "cdk.tf.json").read_bytes()

    first = synth(tmp_path / "a")
    assert first == synth(tmp_path / "b")
    assert b"TfToken" not in first and b"${Token" not in first


@pytest.mark.parametrize("status,answer", [(200, "SUCCEEDED"), (503, "FAILED")])
def test_the_smoke_test_answers_an_ecs_hook_with_its_result(monkeypatch, status, answer):
    """ECS invokes the hook without CodeDeploy's DeploymentId and reads the hookStatus it returns;
    served here by a server on loopback that answers `status`."""
    import http.server
    import threading

    from ecs_bluegreen.hooks import smoke_test

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(status)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        monkeypatch.setattr(smoke_test, "PAUSE_SECONDS", 0)
        monkeypatch.setenv("TEST_URL", f"http://127.0.0.1:{server.server_port}")
        monkeypatch.setenv("TEST_PATH", "/")
        result = smoke_test.handler({"executionDetails": {"lifecycleStage": "POST_TEST_TRAFFIC_SHIFT"}}, None)
    finally:
        server.shutdown()
        server.server_close()
    assert result == {"hookStatus": answer, "answer": f"HTTP {status}"}
