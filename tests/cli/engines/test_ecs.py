"""`bluegreen` on the ECS-native engine (stack output engine "ecs"), against botocore's Stubber,
which checks every ECS call and every answer against botocore's own service model, in order.

What no other test proves: that deploy starts a service deployment by UpdateService (the revision,
and the network and platform Terraform leaves to deployments), that watch follows it through
DescribeServiceDeployments stage by stage (traffic per revision, hooks, bake time left, alarms) to
its end, that rollback is StopServiceDeployment with ROLLBACK, that status lists service
deployments, and that what has no ECS equivalent (approve, finish, --hook) is refused with the way
to get it. The moto extension models CodeDeploy's lifecycle, not ECS service deployments, so these
run on stubs only. Family-free: every tier runs them.
"""

from __future__ import annotations

import datetime
import io
import json

import boto3
import pytest
from botocore.stub import Stubber
from stubbed_aws import ARN, OUTPUTS, register_request, revision

from ecs_bluegreen import cli
from ecs_bluegreen.cli.aws import Clients
from ecs_bluegreen.cli.engines import EcsNativeEngine

pytestmark = pytest.mark.family_free  # the CLI on ECS-native deployments, on stubbed AWS

REGION, ACCOUNT = "ap-northeast-1", "123456789012"
SERVICE = f"arn:aws:ecs:{REGION}:{ACCOUNT}:service/web-dev/web-dev"
CLUSTER = f"arn:aws:ecs:{REGION}:{ACCOUNT}:cluster/web-dev"
DEPLOYMENT = f"arn:aws:ecs:{REGION}:{ACCOUNT}:service-deployment/web-dev/web-dev/AbC123"
REVISION = f"arn:aws:ecs:{REGION}:{ACCOUNT}:service-revision/web-dev/web-dev/{{}}"
HOOK = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:web-dev-test-traffic"
RULE = (
    f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:listener-rule/app/web-dev-alb/"
    "0123456789abcdef/0123456789abcdef/0123456789abcdef"
)
NATIVE_OUTPUTS = {k: v for k, v in OUTPUTS.items() if not k.startswith("codedeploy_")} | {
    "engine": "ecs",
    "task_subnet_ids": ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"],
    "task_security_group_ids": ["sg-0123456789abcdef0"],
    "assign_public_ip": False,
    "platform_version": "1.4.0",
    "hooks": {"AfterAllowTestTraffic": "web-dev-test-traffic"},
}
T0 = datetime.datetime(2026, 12, 2, 10, 0, tzinfo=datetime.timezone.utc)


class Ecs:
    """Stubbed ECS and CloudWatch; CodeDeploy is there and must not be called."""

    def __init__(self) -> None:
        kw = {"region_name": REGION, "aws_access_key_id": "x", "aws_secret_access_key": "x"}
        self.ecs, self.codedeploy, self.cloudwatch = (
            boto3.client(n, **kw) for n in ("ecs", "codedeploy", "cloudwatch")
        )
        self.stub, self.codedeploy_stub, self.cloudwatch_stub = (
            Stubber(c) for c in (self.ecs, self.codedeploy, self.cloudwatch)
        )

    def running(self, *arns: str) -> None:
        self.stub.add_response(
            "list_service_deployments",
            {
                "serviceDeployments": [
                    {"serviceDeploymentArn": a, "serviceArn": SERVICE, "clusterArn": CLUSTER, "status": "IN_PROGRESS"}
                    for a in arns
                ]
            },
            {"cluster": "web-dev", "service": "web-dev", "status": list(EcsNativeEngine.RUNNING)},
        )

    def describe(self, deployment: dict, now: datetime.datetime | None = None) -> None:
        answer = {"serviceDeployments": [deployment], "failures": []}
        if now is not None:  # the Date header AWS's clock gives
            answer["ResponseMetadata"] = {"HTTPHeaders": {"date": now.strftime("%a, %d %b %Y %H:%M:%S GMT")}}
        self.stub.add_response("describe_service_deployments", answer, {"serviceDeploymentArns": [DEPLOYMENT]})

    def revisions(self, *numbers: int) -> None:
        self.stub.add_response(
            "describe_service_revisions",
            {
                "serviceRevisions": [
                    {"serviceRevisionArn": REVISION.format(n), "taskDefinition": ARN.format(n)} for n in numbers
                ],
                "failures": [],
            },
            {"serviceRevisionArns": [REVISION.format(n) for n in numbers]},
        )

    def run(self, *args: str, tmp_path, outputs: dict | None = None) -> tuple[int, str, str]:
        path = tmp_path / "outputs.json"
        path.write_text(json.dumps(outputs or NATIVE_OUTPUTS))
        out, err = io.StringIO(), io.StringIO()
        with self.stub, self.codedeploy_stub, self.cloudwatch_stub:
            code = cli.main(
                [*args, "--outputs", str(path)],
                clients=lambda o: Clients(self.ecs, self.codedeploy, None, self.cloudwatch),
                out=out,
                err=err,
                sleep=lambda s: None,
            )
            for stub in (self.stub, self.codedeploy_stub, self.cloudwatch_stub):
                stub.assert_no_pending_responses()
        return code, out.getvalue(), err.getvalue()


def deployment(
    status: str,
    stage: str | None,
    *,
    production: float = 0.0,
    test: float = 0.0,
    updated: datetime.datetime = T0,
    reason: str | None = None,
    alarms: dict | None = None,
    rollback: dict | None = None,
) -> dict:
    """A describe_service_deployments entry as ECS gives it: revision 5 to revision 6, canary."""
    body = {
        "serviceDeploymentArn": DEPLOYMENT,
        "serviceArn": SERVICE,
        "clusterArn": CLUSTER,
        "createdAt": T0,
        "updatedAt": updated,
        "status": status,
        "sourceServiceRevisions": [
            {
                "arn": REVISION.format(5),
                "requestedTaskCount": 2,
                "runningTaskCount": 2,
                "requestedProductionTrafficWeight": 100.0 - production,
                "requestedTestTrafficWeight": 100.0 - test,
            }
        ],
        "targetServiceRevision": {
            "arn": REVISION.format(6),
            "requestedTaskCount": 2,
            "runningTaskCount": 2,
            "requestedProductionTrafficWeight": production,
            "requestedTestTrafficWeight": test,
        },
        "deploymentConfiguration": {
            "strategy": "CANARY",
            "bakeTimeInMinutes": 30,
            "canaryConfiguration": {"canaryPercent": 10.0, "canaryBakeTimeInMinutes": 5},
            "lifecycleHooks": [{"hookTargetArn": HOOK, "lifecycleStages": ["POST_TEST_TRAFFIC_SHIFT"]}],
        },
    }
    if stage is not None:
        body["lifecycleStage"] = stage
    if reason is not None:
        body["statusReason"] = reason
    if alarms is not None:
        body["alarms"] = alarms
    if rollback is not None:
        body["rollback"] = rollback
    return body


def _planned_deploy(ecs: Ecs) -> None:
    """deploy --image nginx:1.29 from revision 5 (Terraform's 4, as registered by ECS) to a new 6."""
    ecs.running()
    ecs.stub.add_response(
        "describe_services",
        {"services": [{"taskDefinition": ARN.format(5)}]},
        {"cluster": "web-dev", "services": ["web-dev"]},
    )
    terraform = revision(4)
    ecs.stub.add_response(
        "describe_task_definition",
        revision(
            5,
            image="nginx:1.28",
            tags={
                "Project": "web",
                "bluegreen:registered-by": "bluegreen deploy",
                "bluegreen:terraform-revision": ARN.format(4),
            },
        ),
        {"taskDefinition": ARN.format(5), "include": ["TAGS"]},
    )
    ecs.stub.add_response(
        "describe_task_definition", terraform, {"taskDefinition": ARN.format(4), "include": ["TAGS"]}
    )
    ecs.stub.add_response(
        "register_task_definition",
        {"taskDefinition": {"taskDefinitionArn": ARN.format(6)}},
        register_request(terraform, "nginx:1.29", 4),
    )
    ecs.stub.add_response(
        "update_service",
        {"service": {"serviceName": "web-dev", "currentServiceDeployment": DEPLOYMENT}},
        {
            "cluster": "web-dev",
            "service": "web-dev",
            "taskDefinition": ARN.format(6),
            "platformVersion": "1.4.0",
            "networkConfiguration": {
                "awsvpcConfiguration": {
                    "subnets": ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"],
                    "securityGroups": ["sg-0123456789abcdef0"],
                    "assignPublicIp": "DISABLED",
                }
            },
        },
    )


def test_deploy_starts_a_service_deployment_with_the_network_and_platform_terraform_leaves_to_it(tmp_path):
    ecs = Ecs()
    _planned_deploy(ecs)
    code, out, err = ecs.run("deploy", "--image", "nginx:1.29", tmp_path=tmp_path)
    assert (code, err) == (0, "")
    assert out.splitlines()[-3:] == [
        f"registered {ARN.format(6)}",
        f"started {DEPLOYMENT}",
        "  hooks: AfterAllowTestTraffic=web-dev-test-traffic",
    ]


def test_deploy_wait_follows_the_stages_the_traffic_and_the_bake_time_to_success(tmp_path):
    ecs = Ecs()
    _planned_deploy(ecs)
    ecs.describe(deployment("IN_PROGRESS", "POST_TEST_TRAFFIC_SHIFT", test=100.0))
    ecs.revisions(5, 6)
    ecs.describe(deployment("IN_PROGRESS", "PRODUCTION_TRAFFIC_SHIFT", production=10.0, test=100.0))
    ecs.describe(
        deployment("IN_PROGRESS", "BAKE_TIME", production=100.0, test=100.0, updated=T0),
        now=T0 + datetime.timedelta(minutes=12),
    )
    ecs.describe(deployment("SUCCESSFUL", None, production=100.0, test=100.0))
    code, out, err = ecs.run("deploy", "--image", "nginx:1.29", "--wait", "--poll", "1", tmp_path=tmp_path)
    assert (code, err) == (0, "")
    lines = [line.split(" ", 1)[1] if line[:2].isdigit() else line for line in out.splitlines()]
    follow = lines[lines.index(f"started {DEPLOYMENT}") + 2 :]
    assert follow == [
        "status IN_PROGRESS",
        "lifecycle RECONCILE_SERVICE: Succeeded",
        "lifecycle PRE_SCALE_UP: Succeeded",
        "lifecycle SCALE_UP: Succeeded",
        "lifecycle POST_SCALE_UP: Succeeded",
        "lifecycle TEST_TRAFFIC_SHIFT: Succeeded",
        "lifecycle POST_TEST_TRAFFIC_SHIFT: InProgress (hook web-dev-test-traffic)",
        "traffic production web-dev:5 100%, web-dev:6 0%",
        "traffic test web-dev:5 0%, web-dev:6 100%",
        "task sets source on web-dev:5, target on web-dev:6",
        "lifecycle POST_TEST_TRAFFIC_SHIFT: Succeeded (hook web-dev-test-traffic)",
        "lifecycle PRODUCTION_TRAFFIC_SHIFT: InProgress",
        "traffic production web-dev:5 90%, web-dev:6 10%",
        "lifecycle PRODUCTION_TRAFFIC_SHIFT: Succeeded",
        "lifecycle POST_PRODUCTION_TRAFFIC_SHIFT: Succeeded",
        "lifecycle BAKE_TIME: InProgress",
        "traffic production web-dev:5 0%, web-dev:6 100%",
        "bake time until 10:30:00 UTC (18m 00s left): the original revision is kept for rollback; ECS ends it, "
        "`bluegreen rollback` returns traffic to it",
        "lifecycle BAKE_TIME: Succeeded",
        "lifecycle CLEAN_UP: Succeeded",
        "status SUCCESSFUL",
        f"{DEPLOYMENT} succeeded",
    ]


def test_watch_ends_with_the_rollback_and_its_reason(tmp_path):
    ecs = Ecs()
    ecs.running(DEPLOYMENT)
    ecs.describe(
        deployment(
            "IN_PROGRESS",
            "PRODUCTION_TRAFFIC_SHIFT",
            production=10.0,
            alarms={"status": "MONITORING", "alarmNames": ["web-dev-5xx-rate"], "triggeredAlarmNames": []},
        )
    )
    ecs.describe(
        deployment(
            "IN_PROGRESS",
            "PRODUCTION_TRAFFIC_SHIFT",
            production=10.0,
            alarms={"status": "MONITORING", "alarmNames": ["web-dev-5xx-rate"], "triggeredAlarmNames": []},
        )
    )
    ecs.revisions(5, 6)
    ecs.cloudwatch_stub.add_response(
        "describe_alarms",
        {"MetricAlarms": [{"AlarmName": "web-dev-5xx-rate", "StateValue": "OK"}]},
        {"AlarmNames": ["web-dev-5xx-rate"]},
    )
    ecs.describe(
        deployment(
            "ROLLBACK_SUCCESSFUL",
            "PRODUCTION_TRAFFIC_SHIFT",
            reason="alarm web-dev-5xx-rate went off",
            alarms={
                "status": "TRIGGERED",
                "alarmNames": ["web-dev-5xx-rate"],
                "triggeredAlarmNames": ["web-dev-5xx-rate"],
            },
            rollback={"reason": "alarm", "startedAt": T0, "serviceRevisionArn": REVISION.format(5)},
        )
    )
    ecs.cloudwatch_stub.add_response(
        "describe_alarms",
        {"MetricAlarms": [{"AlarmName": "web-dev-5xx-rate", "StateValue": "ALARM"}]},
        {"AlarmNames": ["web-dev-5xx-rate"]},
    )
    code, out, err = ecs.run("watch", "--poll", "1", tmp_path=tmp_path)
    assert code == 1
    assert err == (
        f"bluegreen: error: {DEPLOYMENT} rollback_successful: alarm web-dev-5xx-rate went off; rolled back "
        "to web-dev:5\n"
    )
    assert "alarms web-dev-5xx-rate OK" in out and "alarm web-dev-5xx-rate ALARM" in out
    assert "lifecycle PRODUCTION_TRAFFIC_SHIFT: Failed" in out


def test_rollback_stops_the_running_deployment_with_rollback(tmp_path):
    ecs = Ecs()
    ecs.running(DEPLOYMENT)
    ecs.describe(deployment("IN_PROGRESS", "BAKE_TIME", production=100.0, test=100.0))
    ecs.revisions(5, 6)
    ecs.stub.add_response(
        "stop_service_deployment",
        {"serviceDeploymentArn": DEPLOYMENT},
        {"serviceDeploymentArn": DEPLOYMENT, "stopType": "ROLLBACK"},
    )
    code, out, err = ecs.run("rollback", tmp_path=tmp_path)
    assert (code, err) == (0, "")
    assert out == (
        f"stopped {DEPLOYMENT} with rollback: traffic returns to the original revision (ROLLBACK_REQUESTED)\n"
    )


def test_rollback_with_nothing_running_names_the_service(tmp_path):
    ecs = Ecs()
    ecs.running()
    code, _, err = ecs.run("rollback", tmp_path=tmp_path)
    assert code == 1
    assert err == "bluegreen: error: no deployment is running in service web-dev/web-dev: nothing to roll back\n"


def test_status_lists_service_deployments_newest_first(tmp_path):
    ecs = Ecs()
    older, newer = (f"arn:aws:ecs:{REGION}:{ACCOUNT}:service-deployment/web-dev/web-dev/{i}" for i in ("Old1", "New2"))
    ecs.stub.add_response(
        "list_service_deployments",
        {
            "serviceDeployments": [
                {
                    "serviceDeploymentArn": older,
                    "status": "ROLLBACK_SUCCESSFUL",
                    "createdAt": T0,
                    "finishedAt": T0,
                    "targetServiceRevisionArn": REVISION.format(5),
                    "statusReason": "hook web-dev-test-traffic FAILED",
                },
                {
                    "serviceDeploymentArn": newer,
                    "status": "SUCCESSFUL",
                    "createdAt": T0 + datetime.timedelta(hours=1),
                    "targetServiceRevisionArn": REVISION.format(6),
                },
            ]
        },
        {"cluster": "web-dev", "service": "web-dev", "maxResults": 5},
    )
    ecs.stub.add_response(
        "describe_services",
        {"services": [{"taskDefinition": ARN.format(4)}]},
        {"cluster": "web-dev", "services": ["web-dev"]},
    )
    ecs.stub.add_response(
        "describe_task_definition", revision(4), {"taskDefinition": ARN.format(4), "include": ["TAGS"]}
    )
    # Where production's traffic goes: the rule the service names (no ELB client here, so none read).
    ecs.stub.add_response(
        "describe_services",
        {"services": [{"loadBalancers": [{"advancedConfiguration": {"productionListenerRule": RULE}}]}]},
        {"cluster": "web-dev", "services": ["web-dev"]},
    )
    code, out, err = ecs.run("status", "--json", tmp_path=tmp_path)
    assert (code, err) == (0, "")
    status = json.loads(out)
    assert (status["engine"], status["application"], status["deploymentGroup"]) == ("ecs", None, None)
    assert [(d["deploymentId"], d["status"], d["error"]) for d in status["deployments"]] == [
        (newer, "SUCCESSFUL", None),
        (older, "ROLLBACK_SUCCESSFUL", "hook web-dev-test-traffic FAILED"),
    ]
    assert status["terraformRevision"]["live"] is True


@pytest.mark.parametrize(
    "command,words",
    [
        ("approve", "waits for approval at a pause hook (deployment.ready_action STOP_DEPLOYMENT"),
        ("finish", "ECS ends the bake time itself"),
    ],
)
def test_what_ecs_has_no_equivalent_for_is_refused_with_the_way_to_get_it(tmp_path, command, words):
    ecs = Ecs()
    ecs.running(DEPLOYMENT)
    ecs.describe(deployment("IN_PROGRESS", "BAKE_TIME", production=100.0, test=100.0))
    ecs.revisions(5, 6)
    code, _, err = ecs.run(command, tmp_path=tmp_path)
    assert code == 1 and words in err and "\n" not in err.rstrip("\n")


def test_a_hook_of_the_command_line_is_refused_before_any_call(tmp_path):
    code, _, err = Ecs().run("deploy", "--hook", "BeforeInstall=x", tmp_path=tmp_path)
    assert code == 2 and "--hook: on engine 'ecs' the hooks are the service's own" in err


def test_outputs_of_the_native_engine_need_no_codedeploy_names_and_a_bad_engine_is_refused(tmp_path):
    ecs = Ecs()
    code, _, err = ecs.run("status", tmp_path=tmp_path, outputs={**NATIVE_OUTPUTS, "engine": "lambda"})
    assert code == 2 and "output engine: invalid value 'lambda'" in err
    code, _, err = ecs.run(
        "status", tmp_path=tmp_path, outputs={k: v for k, v in NATIVE_OUTPUTS.items() if k != "engine"}
    )
    assert code == 2 and "lacks the outputs codedeploy_app_name, codedeploy_group_name" in err
