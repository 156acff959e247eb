"""End to end: the example stack applied on moto_server with the real S3 backend and locking (the
`applied` fixture in conftest.py, one apply per run), checked with boto3; then what CodeDeploy
does at cut-over, which Terraform must leave alone. Emulator gaps: EMULATOR_GAPS in emulator.py."""

from __future__ import annotations

import json
import subprocess
import time

import pytest
from emulator import E2E_BUCKET as BUCKET
from emulator import E2E_STATE_KEY as STATE_KEY
from helpers import resource

pytestmark = pytest.mark.e2e

LOCK_KEY = f"{STATE_KEY}.tflock"


def _listeners(applied):
    elb = applied.client("elbv2")
    (lb,) = elb.describe_load_balancers(Names=["web-dev-alb"])["LoadBalancers"]
    return lb, {
        listener["Port"]: listener
        for listener in elb.describe_listeners(LoadBalancerArn=lb["LoadBalancerArn"])["Listeners"]
    }


def _target_groups(applied):
    groups = applied.client("elbv2").describe_target_groups()["TargetGroups"]
    return {g["TargetGroupName"]: g for g in groups}


def test_alb_has_production_and_test_listeners_each_to_its_own_group(applied):
    lb, listeners = _listeners(applied)
    assert lb["Type"] == "application"
    assert sorted(listeners) == [80, 8080]
    groups = _target_groups(applied)
    for port, name in ((80, "web-dev-blue"), (8080, "web-dev-green")):
        (action,) = listeners[port]["DefaultActions"]
        assert (action["Type"], action["TargetGroupArn"]) == ("forward", groups[name]["TargetGroupArn"])
    assert applied.outputs["prod_listener_arn"] == listeners[80]["ListenerArn"]
    assert applied.outputs["test_listener_arn"] == listeners[8080]["ListenerArn"]
    assert applied.outputs["load_balancer_dns_name"] == lb["DNSName"]


@pytest.mark.parametrize("name", ["web-dev-blue", "web-dev-green"])
def test_target_groups_are_ip_http_with_health_check_root(applied, name):
    group = _target_groups(applied)[name]
    assert (group["TargetType"], group["Protocol"], group["Port"]) == ("ip", "HTTP", 80)
    assert (group["HealthCheckProtocol"], group["HealthCheckPath"]) == ("HTTP", "/")


def test_codedeploy_role_has_the_ecs_policy(applied):
    iam = applied.client("iam")
    role = iam.get_role(RoleName="web-dev-codedeploy")["Role"]
    assert role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {"Service": "codedeploy.amazonaws.com"}
    attached = iam.list_attached_role_policies(RoleName="web-dev-codedeploy")["AttachedPolicies"]
    assert [p["PolicyArn"] for p in attached] == ["arn:aws:iam::aws:policy/AWSCodeDeployRoleForECS"]


def test_cluster_and_service_with_code_deploy_controller(applied):
    ecs = applied.client("ecs")
    (cluster,) = ecs.describe_clusters(clusters=["web-dev"])["clusters"]
    assert cluster["status"] == "ACTIVE"
    (service,) = ecs.describe_services(cluster="web-dev", services=["web-dev"])["services"]
    assert service["deploymentController"] == {"type": "CODE_DEPLOY"}
    assert (service["launchType"], service["platformVersion"]) == ("FARGATE", "1.4.0")
    assert service["networkConfiguration"]["awsvpcConfiguration"]["assignPublicIp"] == "DISABLED"
    (lb,) = service["loadBalancers"]
    assert lb["targetGroupArn"] == _target_groups(applied)["web-dev-blue"]["TargetGroupArn"]
    assert (lb["containerName"], lb["containerPort"]) == ("nginx", 80)
    assert (applied.outputs["cluster_name"], applied.outputs["service_name"]) == ("web-dev", "web-dev")


def test_deployment_group_is_blue_green_with_the_source_setup_behaviour(applied):
    group = applied.client("codedeploy").get_deployment_group(
        applicationName="web-dev", deploymentGroupName="web-dev"
    )["deploymentGroupInfo"]
    assert group["deploymentStyle"] == {"deploymentType": "BLUE_GREEN", "deploymentOption": "WITH_TRAFFIC_CONTROL"}
    assert group["deploymentConfigName"] == "CodeDeployDefault.ECSAllAtOnce"
    assert group["ecsServices"] == [{"serviceName": "web-dev", "clusterName": "web-dev"}]
    blue_green = group["blueGreenDeploymentConfiguration"]
    assert blue_green["terminateBlueInstancesOnDeploymentSuccess"] == {
        "action": "TERMINATE",
        "terminationWaitTimeInMinutes": 60,
    }
    assert blue_green["deploymentReadyOption"] == {"actionOnTimeout": "CONTINUE_DEPLOYMENT"}
    rollback = group["autoRollbackConfiguration"]
    assert rollback["enabled"] is True
    assert sorted(rollback["events"]) == [
        "DEPLOYMENT_FAILURE",
        "DEPLOYMENT_STOP_ON_ALARM",
        "DEPLOYMENT_STOP_ON_REQUEST",
    ]
    (pair,) = group["loadBalancerInfo"]["targetGroupPairInfoList"]
    assert [g["name"] for g in pair["targetGroups"]] == ["web-dev-blue", "web-dev-green"]
    assert pair["prodTrafficRoute"]["listenerArns"] == [applied.outputs["prod_listener_arn"]]
    assert pair["testTrafficRoute"]["listenerArns"] == [applied.outputs["test_listener_arn"]]


ALARMS = sorted(
    f"web-dev-{color}-{kind}" for color in ("blue", "green") for kind in ("5xx", "p99-latency", "unhealthy-hosts")
)


def test_alarms_exist_and_are_the_deployment_groups(applied):
    alarms = applied.client("cloudwatch").describe_alarms(AlarmNamePrefix="web-dev-")["MetricAlarms"]
    assert sorted(a["AlarmName"] for a in alarms) == ALARMS
    group = applied.client("codedeploy").get_deployment_group(
        applicationName="web-dev", deploymentGroupName="web-dev"
    )["deploymentGroupInfo"]
    assert group["alarmConfiguration"]["enabled"] is True
    assert sorted(a["name"] for a in group["alarmConfiguration"]["alarms"]) == ALARMS
    p99 = next(a for a in alarms if a["AlarmName"] == "web-dev-green-p99-latency")
    assert (p99["ExtendedStatistic"], p99["Threshold"], p99["Namespace"]) == ("p99", 2.0, "AWS/ApplicationELB")


def test_deployment_events_go_to_the_topic(applied):
    topics = [t["TopicArn"] for t in applied.client("sns").list_topics()["Topics"]]
    (topic,) = [t for t in topics if t.endswith(":web-dev-deployments")]
    group = applied.client("codedeploy").get_deployment_group(
        applicationName="web-dev", deploymentGroupName="web-dev"
    )["deploymentGroupInfo"]
    (trigger,) = group["triggerConfigurations"]
    assert trigger["triggerTargetArn"] == topic
    assert sorted(trigger["triggerEvents"]) == [
        "DeploymentFailure",
        "DeploymentRollback",
        "DeploymentStop",
        "DeploymentSuccess",
    ]


def test_state_is_in_the_bucket_and_no_lock_is_left(applied):
    s3 = applied.client("s3")
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])]
    assert keys == [STATE_KEY]
    state = json.loads(s3.get_object(Bucket=BUCKET, Key=STATE_KEY)["Body"].read())
    assert len(state["resources"]) > 30


def test_a_second_run_cannot_take_the_lock_while_one_holds_it(applied):
    s3 = applied.client("s3")
    before = s3.head_object(Bucket=BUCKET, Key=STATE_KEY)["ETag"]
    doc = json.loads((applied.workdir / "cdk.tf.json").read_text())
    logs = resource(doc, "aws_cloudwatch_log_group", "ecs/logs")["//"]["metadata"]["uniqueId"]
    # An apply that plans a change holds the lock while it waits at its prompt.
    holder = subprocess.Popen(
        [applied.terraform.binary, "apply", "-no-color", f"-replace=aws_cloudwatch_log_group.{logs}"],
        cwd=applied.workdir,
        env=applied.terraform.env({**applied.env, "TF_INPUT": "1"}),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        seen = ""
        deadline = time.monotonic() + 120
        while "Enter a value:" not in seen:
            assert time.monotonic() < deadline and holder.poll() is None, f"no prompt:\n{seen}"
            seen += holder.stdout.read(1)
        assert LOCK_KEY in [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET)["Contents"]]

        second = applied.tf("plan", "-input=false", "-lock-timeout=2s", check=False)
        assert second.returncode == 1
        assert "Error acquiring the state lock" in second.stderr
    finally:
        holder.communicate("no\n", timeout=60)
    assert holder.returncode == 1  # "Apply cancelled."
    assert s3.head_object(Bucket=BUCKET, Key=STATE_KEY)["ETag"] == before
    assert LOCK_KEY not in [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET)["Contents"]]


def test_terraform_leaves_a_cut_over_alone(applied):
    elb, ecs = applied.client("elbv2"), applied.client("ecs")
    groups = _target_groups(applied)
    blue, green = groups["web-dev-blue"]["TargetGroupArn"], groups["web-dev-green"]["TargetGroupArn"]
    listeners = [applied.outputs["prod_listener_arn"], applied.outputs["test_listener_arn"]]
    applied_actions = {
        found["ListenerArn"]: found["DefaultActions"]
        for found in elb.describe_listeners(ListenerArns=listeners)["Listeners"]
    }
    (service,) = ecs.describe_services(cluster="web-dev", services=["web-dev"])["services"]
    try:
        # What CodeDeploy leaves after shifting traffic: production on green, through the weighted
        # forward it uses while shifting, and the test listener on blue.
        elb.modify_listener(
            ListenerArn=applied.outputs["prod_listener_arn"],
            DefaultActions=[
                {
                    "Type": "forward",
                    "ForwardConfig": {
                        "TargetGroups": [
                            {"TargetGroupArn": blue, "Weight": 0},
                            {"TargetGroupArn": green, "Weight": 100},
                        ]
                    },
                }
            ],
        )
        elb.modify_listener(
            ListenerArn=applied.outputs["test_listener_arn"],
            DefaultActions=[{"Type": "forward", "TargetGroupArn": blue}],
        )
        # A new revision with a new image, as a deployment registers it, now run by the service.
        current = ecs.describe_task_definition(taskDefinition=service["taskDefinition"])["taskDefinition"]
        (container,) = current["containerDefinitions"]
        revision = ecs.register_task_definition(
            family=current["family"],
            requiresCompatibilities=["FARGATE"],
            networkMode="awsvpc",
            cpu=current["cpu"],
            memory=current["memory"],
            executionRoleArn=current["executionRoleArn"],
            containerDefinitions=[{**container, "image": "public.ecr.aws/nginx/nginx:1.28"}],
        )["taskDefinition"]
        assert revision["revision"] > current["revision"]
        ecs.update_service(cluster="web-dev", service="web-dev", taskDefinition=revision["taskDefinitionArn"])

        plan = applied.tf("plan", "-input=false", "-detailed-exitcode", check=False)
        changes = plan.stdout[plan.stdout.find("Terraform used") :]
        assert plan.returncode == 0, f"Terraform wants to undo the cut-over:\n{changes[-6000:]}\n{plan.stderr}"
        assert "No changes." in plan.stdout
        (action,) = elb.describe_listeners(ListenerArns=[applied.outputs["prod_listener_arn"]])["Listeners"][0][
            "DefaultActions"
        ]
        assert {g["TargetGroupArn"]: g["Weight"] for g in action["ForwardConfig"]["TargetGroups"]} == {
            blue: 0,
            green: 100,
        }
    finally:
        # The stack is shared: the listeners and the service as Terraform applied them, for the
        # tests after this one (cli/test_main.py's status reads "Terraform's revision is live").
        for arn, actions in applied_actions.items():
            elb.modify_listener(ListenerArn=arn, DefaultActions=actions)
        ecs.update_service(cluster="web-dev", service="web-dev", taskDefinition=service["taskDefinition"])
