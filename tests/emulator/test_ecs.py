"""The emulator's ECS service deployments (ecs_bluegreen.emulator.ecs), through boto3 as AWS's own
clients call them, on a service built by hand (support/handbuilt.py): what no other test proves is
the emulator itself, against the AWS pages models.py cites.

Each test reads AWS's state back (the deployment, its hooks, the listener rules' weights, the
service's revisions). The clock is moved, never slept on: a stage takes one second of it, a bake
time its minutes. One emulator serves the module; each test builds a service of its own."""

from __future__ import annotations

import zlib

import botocore.exceptions
import pytest
from emulator import E2E_REGION, MotoServer
from handbuilt import NativeService, api, build

pytestmark = pytest.mark.e2e  # a server on loopback

PAUSE_AFTER_TEST = {
    "targetType": "PAUSE",
    "lifecycleStages": ["POST_TEST_TRAFFIC_SHIFT"],
    "timeoutConfiguration": {"timeoutInMinutes": 30, "action": "ROLLBACK"},
}
LAMBDA = "arn:aws:lambda:ap-northeast-1:123456789012:function:smoke"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    moto = MotoServer(tmp_path_factory.mktemp("emulator") / "moto_server.log")
    yield moto
    moto.stop()


BLUE_GREEN = {"strategy": "BLUE_GREEN", "bakeTimeInMinutes": 10}


@pytest.fixture
def make(server, request):
    """A service of this test's own, named after the test, with the configuration given."""

    def make(configuration: dict = BLUE_GREEN, alarms: tuple[str, ...] = (), network: bool = False) -> NativeService:
        name = f"n{zlib.crc32(request.node.name.encode()):08x}"
        return build(lambda s: server.client(s, E2E_REGION), name, configuration, alarms=alarms, network=network)

    return make


def group(arn: str) -> str:
    """A target group's name, from its ARN."""
    return arn.split(":targetgroup/")[1].split("/")[0]


def until(server: MotoServer, native: NativeService, arn: str, wanted, limit: int = 40) -> dict:
    """The deployment once `wanted(deployment)` holds, moving the clock a second at a time."""
    for _ in range(limit):
        found = native.deployment(arn)
        if wanted(found):
            return found
        server.advance(1)
    raise AssertionError(f"not reached in {limit} s of the clock: {native.deployment(arn)}")


def at(stage: str):
    return lambda d: d.get("lifecycleStage") == stage


def hook_waits(d: dict) -> bool:
    return any(h["status"] in ("AWAITING_ACTION", "IN_PROGRESS") for h in d.get("lifecycleHookDetails", []))


def test_a_blue_green_deployment_runs_its_stages_in_order_and_moves_test_then_production(server, make):
    """All at once: test traffic first, then production, the bake time, clean up; the green
    revision serves at the end, and the rules keep both target groups, at 0 and 100."""
    native = make()
    arn = native.deploy("nginx:1.28")
    seen = []
    for _ in range(30):
        d = native.deployment(arn)
        if not seen or seen[-1][0] != d.get("lifecycleStage"):
            seen.append(
                (d.get("lifecycleStage"), native.weights(native.test_rule), native.weights(native.production_rule))
            )
        if d["status"] != "IN_PROGRESS" and d["status"] != "PENDING":
            break
        server.advance(1 if d.get("lifecycleStage") != "BAKE_TIME" else 600)
    assert d["status"] == "SUCCESSFUL", d
    stages = [stage for stage, _, _ in seen if stage]
    assert stages == [
        "PRE_SCALE_UP",
        "SCALE_UP",
        "POST_SCALE_UP",
        "TEST_TRAFFIC_SHIFT",
        "POST_TEST_TRAFFIC_SHIFT",
        "PRODUCTION_TRAFFIC_SHIFT",
        "POST_PRODUCTION_TRAFFIC_SHIFT",
        "BAKE_TIME",
        "CLEAN_UP",
    ]
    by_stage = {stage: (test, production) for stage, test, production in seen}
    blue, green = (group(arn) for arn in native.target_groups)
    assert by_stage["TEST_TRAFFIC_SHIFT"] == ({blue: 1, green: 0}, {blue: 1, green: 0})
    assert by_stage["POST_TEST_TRAFFIC_SHIFT"] == ({blue: 0, green: 100}, {blue: 1, green: 0})
    assert by_stage["BAKE_TIME"] == ({blue: 0, green: 100}, {blue: 0, green: 100})
    live = native.live()
    assert live["taskDefinition"] == native.revisions[-1]
    assert live["currentServiceDeployment"] == arn
    (serving,) = live["currentServiceRevisions"]
    assert serving["arn"] == d["targetServiceRevision"]["arn"]
    (revision,) = native.ecs.describe_service_revisions(serviceRevisionArns=[serving["arn"]])["serviceRevisions"]
    assert revision["taskDefinition"] == native.revisions[-1]
    assert d["sourceServiceRevisions"][0]["runningTaskCount"] == 0


def test_a_canary_holds_its_percent_for_its_bake_time_then_moves_the_rest(server, make):
    native = make(
        {
            "strategy": "CANARY",
            "bakeTimeInMinutes": 5,
            "canaryConfiguration": {"canaryPercent": 20.0, "canaryBakeTimeInMinutes": 7},
        }
    )
    arn = native.deploy("nginx:1.28")
    d = until(server, native, arn, lambda d: d["targetServiceRevision"]["requestedProductionTrafficWeight"] > 0)
    assert d["lifecycleStage"] == "PRODUCTION_TRAFFIC_SHIFT"
    assert sorted(native.weights(native.production_rule).values()) == [20, 80]
    server.advance(6 * 60)
    assert native.deployment(arn)["targetServiceRevision"]["requestedProductionTrafficWeight"] == 20.0
    server.advance(62)
    d = native.deployment(arn)
    assert d["targetServiceRevision"]["requestedProductionTrafficWeight"] == 100.0
    assert d["sourceServiceRevisions"][0]["requestedProductionTrafficWeight"] == 0.0


def test_linear_steps_move_production_a_step_each_interval(server, make):
    native = make(
        {
            "strategy": "LINEAR",
            "bakeTimeInMinutes": 5,
            "linearConfiguration": {"stepPercent": 40.0, "stepBakeTimeInMinutes": 3},
        }
    )
    arn = native.deploy("nginx:1.28")
    shares = []
    for _ in range(60):
        d = native.deployment(arn)
        share = d["targetServiceRevision"]["requestedProductionTrafficWeight"]
        if not shares or shares[-1] != share:
            shares.append(share)
        if d.get("lifecycleStage") == "BAKE_TIME":
            break
        server.advance(60 if share else 1)
    assert shares == [0.0, 40.0, 80.0, 100.0]


def test_a_pause_hook_waits_after_test_traffic_until_continued(server, make):
    """AWAITING_ACTION with when it expires and what then; ContinueServiceDeployment CONTINUE moves
    production; a second answer, or a hook that is not the pause, is refused."""
    native = make({"strategy": "BLUE_GREEN", "bakeTimeInMinutes": 10, "lifecycleHooks": [PAUSE_AFTER_TEST]})
    arn = native.deploy("nginx:1.28")
    d = until(server, native, arn, hook_waits)
    (hook,) = d["lifecycleHookDetails"]
    assert (d["lifecycleStage"], hook["targetType"], hook["status"], hook["timeoutAction"]) == (
        "POST_TEST_TRAFFIC_SHIFT",
        "PAUSE",
        "AWAITING_ACTION",
        "ROLLBACK",
    )
    assert (hook["expiresAt"] - d["updatedAt"]).total_seconds() == pytest.approx(30 * 60, abs=2)
    server.advance(20 * 60)  # within its timeout: it still waits, production untouched
    assert native.deployment(arn)["lifecycleHookDetails"][0]["status"] == "AWAITING_ACTION"
    assert native.deployment(arn)["targetServiceRevision"]["requestedProductionTrafficWeight"] == 0.0
    with pytest.raises(botocore.exceptions.ClientError, match="InvalidParameterException"):
        native.ecs.continue_service_deployment(serviceDeploymentArn=arn, hookId="ecs-pause-nope", action="CONTINUE")
    native.ecs.continue_service_deployment(serviceDeploymentArn=arn, hookId=hook["hookId"], action="CONTINUE")
    with pytest.raises(botocore.exceptions.ClientError, match="ClientException"):
        native.ecs.continue_service_deployment(serviceDeploymentArn=arn, hookId=hook["hookId"], action="CONTINUE")
    d = until(server, native, arn, at("BAKE_TIME"))
    assert d["targetServiceRevision"]["requestedProductionTrafficWeight"] == 100.0


def test_a_pause_that_times_out_with_rollback_rolls_back(server, make):
    native = make({"strategy": "BLUE_GREEN", "bakeTimeInMinutes": 10, "lifecycleHooks": [PAUSE_AFTER_TEST]})
    arn = native.deploy("nginx:1.28")
    until(server, native, arn, hook_waits)
    server.advance(30 * 60 + 1)
    d = until(server, native, arn, lambda d: d["status"] == "ROLLBACK_SUCCESSFUL")
    assert d["lifecycleHookDetails"][0]["status"] == "TIMED_OUT"
    assert (
        d["rollback"]["reason"]
        == "Service deployment rolled back because POST_TEST_TRAFFIC_SHIFT pause hook timed out."
    )
    assert d["rollback"]["serviceRevisionArn"] == d["sourceServiceRevisions"][0]["arn"]
    assert sorted(native.weights(native.test_rule).values()) == [0, 100]
    assert native.weights(native.test_rule)[group(native.target_groups[0])] == 100
    assert native.live()["taskDefinition"] == native.revisions[0]


def test_a_pause_that_times_out_with_continue_goes_on(server, make):
    native = make(
        {
            "strategy": "BLUE_GREEN",
            "bakeTimeInMinutes": 10,
            "lifecycleHooks": [
                {**PAUSE_AFTER_TEST, "timeoutConfiguration": {"timeoutInMinutes": 5, "action": "CONTINUE"}}
            ],
        }
    )
    arn = native.deploy("nginx:1.28")
    until(server, native, arn, hook_waits)
    server.advance(5 * 60 + 1)
    d = until(server, native, arn, at("BAKE_TIME"))
    assert d["status"] == "IN_PROGRESS"
    assert d["targetServiceRevision"]["requestedProductionTrafficWeight"] == 100.0


def test_a_lambda_hook_waits_for_its_answer_and_a_failure_rolls_back(server, make):
    """ECS invokes the function and waits: IN_PROGRESS keeps it waiting, FAILED rolls back. The
    test answers in the function's place."""
    native = make(
        {
            "strategy": "BLUE_GREEN",
            "bakeTimeInMinutes": 10,
            "lifecycleHooks": [
                {
                    "hookTargetArn": LAMBDA,
                    "roleArn": "arn:aws:iam::123456789012:role/hook",
                    "lifecycleStages": ["POST_TEST_TRAFFIC_SHIFT"],
                }
            ],
        }
    )
    arn = native.deploy("nginx:1.28")
    d = until(server, native, arn, hook_waits)
    (invoked,) = [h for h in server.hooks("ecs") if h["serviceDeploymentArn"] == arn]
    assert (invoked["lifecycleStage"], invoked["functionArn"]) == ("POST_TEST_TRAFFIC_SHIFT", LAMBDA)
    assert d["lifecycleHookDetails"][0]["targetType"] == "AWS_LAMBDA"
    server.answer_hook(invoked["hookId"], "IN_PROGRESS")
    server.advance(60)
    assert native.deployment(arn)["lifecycleHookDetails"][0]["status"] == "IN_PROGRESS"
    server.answer_hook(invoked["hookId"], "FAILED")
    d = until(server, native, arn, lambda d: d["status"] == "ROLLBACK_SUCCESSFUL")
    assert (
        d["statusReason"]
        == f"Service deployment rolled back because the POST_TEST_TRAFFIC_SHIFT hook {LAMBDA} failed."
    )
    assert d["targetServiceRevision"]["requestedTestTrafficWeight"] == 0.0


def test_an_alarm_in_alarm_during_the_bake_time_rolls_back(server, make):
    native = make({"strategy": "BLUE_GREEN", "bakeTimeInMinutes": 10}, alarms=["native-5xx"])
    cloudwatch = native.clients["cloudwatch"]
    cloudwatch.put_metric_alarm(
        AlarmName="native-5xx",
        MetricName="HTTPCode_Target_5XX_Count",
        Namespace="AWS/ApplicationELB",
        Statistic="Sum",
        Period=60,
        EvaluationPeriods=1,
        Threshold=1,
        ComparisonOperator="GreaterThanOrEqualToThreshold",
    )
    arn = native.deploy("nginx:1.28")
    until(server, native, arn, at("BAKE_TIME"))
    cloudwatch.set_alarm_state(AlarmName="native-5xx", StateValue="ALARM", StateReason="test")
    d = until(server, native, arn, lambda d: d["status"] == "ROLLBACK_SUCCESSFUL")
    assert d["alarms"]["triggeredAlarmNames"] == ["native-5xx"] and d["alarms"]["status"] == "TRIGGERED"
    assert d["targetServiceRevision"]["requestedProductionTrafficWeight"] == 0.0


def test_stop_with_rollback_returns_traffic_and_a_stop_of_an_ended_one_is_refused(server, make):
    native = make()
    arn = native.deploy("nginx:1.28")
    until(server, native, arn, at("BAKE_TIME"))
    native.ecs.stop_service_deployment(serviceDeploymentArn=arn, stopType="ROLLBACK")
    assert native.deployment(arn)["status"] == "ROLLBACK_REQUESTED"
    d = until(server, native, arn, lambda d: d["status"] == "ROLLBACK_SUCCESSFUL")
    assert d["rollback"]["reason"] == "Service deployment rolled back because of a StopServiceDeployment call."
    assert native.live()["taskDefinition"] == native.revisions[0]
    with pytest.raises(botocore.exceptions.ClientError, match="ConflictException"):
        native.ecs.stop_service_deployment(serviceDeploymentArn=arn, stopType="ROLLBACK")
    with pytest.raises(Exception, match="400"):  # an ECS hook's answer, for a hook ECS never invoked
        api(server.url, "ecs/hooks", {"hookId": "nope", "hookStatus": "SUCCEEDED"})


def test_stop_with_abort_stops_where_it_is(server, make):
    """ABORT, which AWS's pages leave undescribed: STOP_REQUESTED, then STOPPED, the traffic where
    the deployment had put it (here the canary's share), nothing rolled back."""
    native = make(
        {
            "strategy": "CANARY",
            "bakeTimeInMinutes": 5,
            "canaryConfiguration": {"canaryPercent": 20.0, "canaryBakeTimeInMinutes": 7},
        }
    )
    arn = native.deploy("nginx:1.28")
    until(server, native, arn, lambda d: d["targetServiceRevision"]["requestedProductionTrafficWeight"] > 0)
    native.ecs.stop_service_deployment(serviceDeploymentArn=arn, stopType="ABORT")
    assert native.deployment(arn)["status"] == "STOP_REQUESTED"
    d = until(server, native, arn, lambda d: d["status"] == "STOPPED")
    assert "rollback" not in d and sorted(native.weights(native.production_rule).values()) == [20, 80]


def test_a_new_deployment_stops_the_one_that_runs_and_the_list_filters_by_status(server, make):
    """One deployment of a service runs at a time: UpdateService while one runs stops it
    (STOPPED), and the new one starts from the revision that serves."""
    native = make()
    first = native.deploy("nginx:1.28")
    until(server, native, first, at("SCALE_UP"))
    second = native.deploy("nginx:1.29")
    d = until(server, native, first, lambda d: d["status"] == "STOPPED")
    assert d["statusReason"] == "Service deployment stopped because a new service deployment started."
    running = native.ecs.list_service_deployments(
        cluster=native.cluster, service=native.service, status=["PENDING", "IN_PROGRESS"]
    )
    assert [b["serviceDeploymentArn"] for b in running["serviceDeployments"]] == [second]
    every = native.ecs.list_service_deployments(cluster=native.cluster, service=native.service)["serviceDeployments"]
    assert [b["serviceDeploymentArn"] for b in every][:2] == [second, first]
    assert (
        native.deployment(second)["sourceServiceRevisions"][0]["arn"]
        == native.deployment(first)["sourceServiceRevisions"][0]["arn"]
    )


def test_behind_an_nlb_the_listeners_themselves_are_shifted(server, make):
    """An NLB has no rules: ECS takes the listeners, and shifts their default actions."""
    native = make(network=True)
    blue, green = (group(arn) for arn in native.target_groups)
    arn = native.deploy("nginx:1.28")
    until(server, native, arn, at("POST_TEST_TRAFFIC_SHIFT"))
    assert (native.weights(native.test_rule), native.weights(native.production_rule)) == (
        {blue: 0, green: 100},
        {blue: 1, green: 0},
    )
    until(server, native, arn, at("BAKE_TIME"))
    assert native.weights(native.production_rule) == {blue: 0, green: 100}
