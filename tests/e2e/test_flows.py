"""The operator's flows, one suite run on both engines: the real `bluegreen` command on main.py's
dev stack with the same deployment settings on each (an approval wait of 30 minutes, a 20 % canary
for 5 minutes, a check hook after production traffic moves, a bake or termination wait of 10
minutes, the rollback alarms), on an emulator of its own per engine.

- CodeDeploy: the stack synthesized on tier A and applied by Terraform.
- ECS: the stack synthesized on tier C (pause hooks need aws 6.x bindings), everything but the
  service applied by Terraform with tier A's provider (5.100.0), and the service created from the
  synthesized aws_ecs_service through ECS's API (support/native.py says how, and why).

What no other test proves: that each flow means the same on both engines, read back from AWS's
state through boto3 (the listener's or rule's weights, the deployment's status, what the service
runs): an approval then approve, one that times out, the canary's weights, a rollback at each wait,
a failed hook, an alarm, a watch of a deployment started elsewhere, a second deploy refused, and
`watch --until` that stops at its stage or fails when the deployment rolls back first. Every test
leaves no deployment running (`settled`)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest
from emulator import Applied, MotoServer, example_config, synth_example, tolerate_emulator_gaps
from handbuilt import forward_weights
from native import create_service_input, resolve, set_service_aside, state_values, synth_native

from ecs_bluegreen import cli

pytestmark = pytest.mark.e2e

ROOT = cli.__file__.rsplit("/", 2)[0]
REGION = "ap-northeast-1"
BUCKET = "flows-tfstate"
HOOK = "flows-check"
IMAGES = (f"public.ecr.aws/nginx/nginx:1.{minor}" for minor in range(30, 200))
DEPLOYMENT = {
    "ready_action": "STOP_DEPLOYMENT",
    "approval_wait_minutes": 30,
    "traffic_shift": {"type": "canary", "percentage": 20, "interval_minutes": 5},
    "termination_wait_minutes": 10,
    "hooks": {"AfterAllowTraffic": HOOK},
    "alarms": {"p99_latency_seconds": 2.0, "http_5xx_rate_percent": None},
}
"""The deployment settings of both stacks: the same words, on each engine."""


class Flow:
    """One engine's stack on its emulator: the command, and AWS's state as boto3 reads it."""

    def __init__(self, engine: str, applied: Applied) -> None:
        self.engine = engine
        self.applied = applied
        self.moto: MotoServer = applied.moto
        self.outputs = applied.outputs
        self.env = {**os.environ, **applied.env, "AWS_ENDPOINT_URL": self.moto.url}
        self.outputs_file = applied.workdir / "outputs.json"
        self.outputs_file.write_text(json.dumps({k: {"value": v} for k, v in self.outputs.items()}))
        self.ecs, self.codedeploy, self.elbv2, self.cloudwatch = (
            applied.client(s) for s in ("ecs", "codedeploy", "elbv2", "cloudwatch")
        )

    # --- the command ----------------------------------------------------------------------------

    def args(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "ecs_bluegreen.cli", *args, "--outputs", str(self.outputs_file)]

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(self.args(*args), cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=120)

    def start(self, *args: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            self.args(*args), cwd=ROOT, env=self.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )

    def deploy_until(self, stage: str) -> str:
        """`deploy --wait --until STAGE` of a new image: the deployment's id, once it is there."""
        done = self.run("deploy", "--image", next(IMAGES), "--wait", "--until", stage, "--poll", "1", "--json")
        assert done.returncode == 0, done.stdout + done.stderr
        document = json.loads(done.stdout)
        assert document["reached"] == stage
        return str(document["deploymentId"])

    def approve(self) -> None:
        done = self.run("approve")
        assert done.returncode == 0, done.stdout + done.stderr

    def follow_until(self, stage: str) -> None:
        """`watch --until STAGE` of the running deployment, which must get there."""
        done = self.run("watch", "--until", stage, "--poll", "1")
        assert done.returncode == 0, done.stdout + done.stderr

    def through_the_canary(self, deployment_id: str, *, hook_succeeds: bool) -> None:
        """The canary's 5 minutes pass, and the check hook, run once all traffic moved, answers."""
        self.advance(5 * 60 + 2)
        self.answer_hook(deployment_id, succeeded=hook_succeeds)

    # --- AWS's state ------------------------------------------------------------------------------

    def weights(self, listener: str) -> dict[str, int]:
        """The share of each target group, by its name, on the production or test listener: the
        listener's default action on CodeDeploy, the rule ECS shifts on ECS."""
        route = f"{listener}_listener_rule_arn" if self.engine == "ecs" else f"{listener}_listener_arn"
        raw = forward_weights(self.elbv2, self.outputs[route])
        total = sum(raw.values()) or 1
        return {name: round(100 * weight / total) for name, weight in raw.items() if weight}

    def serving(self) -> str:
        """The target group production's traffic goes to (all of it)."""
        (name,) = self.weights("prod")
        return name

    def status(self, deployment_id: str) -> str:
        if self.engine == "ecs":
            (found,) = self.ecs.describe_service_deployments(serviceDeploymentArns=[deployment_id])[
                "serviceDeployments"
            ]
            return str(found["status"])
        return str(self.codedeploy.get_deployment(deploymentId=deployment_id)["deploymentInfo"]["status"])

    def rolled_back(self, deployment_id: str) -> bool:
        if self.engine == "ecs":
            return self.status(deployment_id) == "ROLLBACK_SUCCESSFUL"
        info = self.codedeploy.get_deployment(deploymentId=deployment_id)["deploymentInfo"]
        return info["status"] in ("Stopped", "Failed") and bool(
            info.get("rollbackInfo", {}).get("rollbackDeploymentId")
        )

    def succeeded(self, deployment_id: str) -> bool:
        return self.status(deployment_id) in ("Succeeded", "SUCCESSFUL")

    def running(self) -> list[str]:
        if self.engine == "ecs":
            found = self.ecs.list_service_deployments(
                cluster=self.outputs["cluster_name"],
                service=self.outputs["service_name"],
                status=["PENDING", "IN_PROGRESS", "STOP_REQUESTED", "ROLLBACK_REQUESTED", "ROLLBACK_IN_PROGRESS"],
            )["serviceDeployments"]
            return [d["serviceDeploymentArn"] for d in found]
        return list(
            self.codedeploy.list_deployments(
                applicationName=self.outputs["codedeploy_app_name"],
                deploymentGroupName=self.outputs["codedeploy_group_name"],
                includeOnlyStatuses=["Created", "Queued", "InProgress", "Baking", "Ready"],
            )["deployments"]
        )

    def live_image(self) -> str:
        (service,) = self.ecs.describe_services(
            cluster=self.outputs["cluster_name"], services=[self.outputs["service_name"]]
        )["services"]
        definition = self.ecs.describe_task_definition(taskDefinition=service["taskDefinition"])["taskDefinition"]
        return str(definition["containerDefinitions"][0]["image"])

    # --- what the tests play: time, the hook function, an alarm ------------------------------------

    def advance(self, seconds: float) -> None:
        self.moto.advance(seconds)

    def answer_hook(self, deployment_id: str, succeeded: bool) -> None:
        """Answer the check hook in the function's place, once the engine invoked it."""
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.engine == "ecs":
                pending = [
                    h
                    for h in self.moto.hooks("ecs")
                    if h["serviceDeploymentArn"] == deployment_id and h["status"] == "IN_PROGRESS"
                ]
                if pending:
                    self.moto.answer_hook(pending[0]["hookId"], "SUCCEEDED" if succeeded else "FAILED")
                    return
            else:
                pending = [
                    h
                    for h in self.moto.hooks("codedeploy")
                    if h["deploymentId"] == deployment_id and h["status"] == "InProgress"
                ]
                if pending:
                    self.codedeploy.put_lifecycle_event_hook_execution_status(
                        deploymentId=deployment_id,
                        lifecycleEventHookExecutionId=pending[0]["lifecycleEventHookExecutionId"],
                        status="Succeeded" if succeeded else "Failed",
                    )
                    return
            self.advance(1)
        raise AssertionError(f"the {HOOK} hook of {deployment_id} was never invoked")

    def alarm(self, state: str) -> None:
        name = f"{self.outputs['service_name']}-green-p99-latency"
        self.cloudwatch.set_alarm_state(AlarmName=name, StateValue=state, StateReason="a test")
        name = f"{self.outputs['service_name']}-blue-p99-latency"
        self.cloudwatch.set_alarm_state(AlarmName=name, StateValue=state, StateReason="a test")

    def start_elsewhere(self) -> str:
        """A deployment started without `bluegreen`, as CI or the console would: a new revision,
        by CreateDeployment with an AppSpec, or by UpdateService."""
        current = self.ecs.describe_task_definition(taskDefinition=self.outputs["task_definition_arn"])[
            "taskDefinition"
        ]
        keep = ("family", "containerDefinitions", "networkMode", "requiresCompatibilities", "cpu", "memory")
        request = {k: current[k] for k in keep if k in current}
        request["executionRoleArn"] = current.get("executionRoleArn")
        request["containerDefinitions"][0]["image"] = next(IMAGES)
        arn = self.ecs.register_task_definition(**{k: v for k, v in request.items() if v})["taskDefinition"][
            "taskDefinitionArn"
        ]
        if self.engine == "ecs":
            return str(
                self.ecs.update_service(
                    cluster=self.outputs["cluster_name"], service=self.outputs["service_name"], taskDefinition=arn
                )["service"]["currentServiceDeployment"]
            )
        appspec = {
            "version": 0.0,
            "Resources": [
                {
                    "TargetService": {
                        "Type": "AWS::ECS::Service",
                        "Properties": {
                            "TaskDefinition": arn,
                            "LoadBalancerInfo": {
                                "ContainerName": self.outputs["container_name"],
                                "ContainerPort": self.outputs["container_port"],
                            },
                        },
                    }
                }
            ],
        }
        return str(
            self.codedeploy.create_deployment(
                applicationName=self.outputs["codedeploy_app_name"],
                deploymentGroupName=self.outputs["codedeploy_group_name"],
                revision={"revisionType": "AppSpecContent", "appSpecContent": {"content": json.dumps(appspec)}},
            )["deploymentId"]
        )


def _apply(moto: MotoServer, terraform, engine: str, tmp) -> Applied:
    config = example_config(moto, BUCKET)
    deployment = {**DEPLOYMENT, "engine": engine}
    if engine == "codedeploy":
        deployment["notifications"] = {}
    config["environments"]["dev"]["app"]["deployment"] = deployment
    if engine == "ecs":
        stack = synth_native(config, tmp, "dev")
        services = set_service_aside(stack)
    else:
        stack = synth_example(config, tmp) / "web-dev"
        services = {}
    tolerate_emulator_gaps(stack / "cdk.tf.json")
    run = Applied(moto, terraform, stack)
    run.client("s3").create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
    run.tf("init", "-input=false")
    run.tf("apply", "-input=false", "-auto-approve")
    state = state_values(json.loads(run.tf("show", "-json").stdout))
    for block in services.values():
        run.client("ecs").create_service(**create_service_input(resolve(block, state)))
    run.outputs = {k: v["value"] for k, v in json.loads(run.tf("output", "-json").stdout).items()}
    return run


@pytest.fixture(scope="module", params=["codedeploy", "ecs"])
def flow(request, terraform, tmp_path_factory):
    """The stack of one engine, applied on an emulator of its own (the module's tests run on one
    engine, then the other)."""
    moto = MotoServer(tmp_path_factory.mktemp(f"moto-{request.param}") / "moto_server.log")
    try:
        yield Flow(request.param, _apply(moto, terraform, request.param, tmp_path_factory.mktemp(request.param)))
    finally:
        moto.stop()


@pytest.fixture(autouse=True)
def settled(flow):
    """Each test starts with nothing running and the alarms OK, and leaves it so."""
    flow.alarm("OK")
    yield
    flow.alarm("OK")
    for deployment_id in flow.running():
        flow.run("rollback", "--deployment-id", deployment_id)
    for _ in range(30):
        if not flow.running():
            return
        flow.advance(2)
    raise AssertionError(f"still running: {flow.running()}")


def test_approval_then_approve_then_the_canary_the_hook_and_the_wait(flow):
    original = flow.serving()
    image = flow.live_image()
    deployment_id = flow.deploy_until("approval")
    assert flow.serving() == original
    (tested,) = flow.weights("test")
    assert tested != original  # the new revision has the test listener's traffic alone
    flow.approve()
    flow.follow_until("production-traffic")
    assert flow.weights("prod") == {original: 80, tested: 20}
    flow.through_the_canary(deployment_id, hook_succeeds=True)
    flow.follow_until("bake")
    assert flow.weights("prod") == {tested: 100}
    flow.advance(10 * 60 + 2)
    done = flow.run("watch", "--deployment-id", deployment_id, "--poll", "1")
    assert done.returncode == 0, done.stdout + done.stderr
    assert flow.succeeded(deployment_id) and flow.serving() == tested and flow.live_image() != image


def test_an_approval_that_times_out_rolls_back(flow):
    original = flow.serving()
    deployment_id = flow.deploy_until("approval")
    flow.advance(30 * 60 + 2)
    done = flow.run("watch", "--deployment-id", deployment_id, "--poll", "1")
    assert done.returncode == 1, done.stdout + done.stderr
    assert flow.rolled_back(deployment_id) and flow.serving() == original
    assert flow.weights("test") == {original: 100}


@pytest.mark.parametrize("wait", ["approval", "canary", "bake"])
def test_a_rollback_at_each_wait_puts_production_back(flow, wait):
    original = flow.serving()
    deployment_id = flow.deploy_until("approval")
    if wait != "approval":
        flow.approve()
        flow.follow_until("production-traffic")
    if wait == "bake":
        flow.through_the_canary(deployment_id, hook_succeeds=True)
        flow.follow_until("bake")
    done = flow.run("rollback")
    assert done.returncode == 0, done.stderr
    done = flow.run("watch", "--deployment-id", deployment_id, "--poll", "1")
    assert done.returncode == 1 and "rolled back" in done.stderr, done.stdout + done.stderr
    assert flow.rolled_back(deployment_id) and flow.serving() == original


def test_a_failed_hook_rolls_back(flow):
    original = flow.serving()
    deployment_id = flow.deploy_until("approval")
    flow.approve()
    flow.through_the_canary(deployment_id, hook_succeeds=False)
    done = flow.run("watch", "--deployment-id", deployment_id, "--poll", "1")
    assert done.returncode == 1, done.stdout + done.stderr
    assert flow.rolled_back(deployment_id) and flow.serving() == original


def test_an_alarm_in_the_wait_rolls_back(flow):
    original = flow.serving()
    deployment_id = flow.deploy_until("approval")
    flow.approve()
    flow.through_the_canary(deployment_id, hook_succeeds=True)
    flow.follow_until("bake")
    flow.alarm("ALARM")
    done = flow.run("watch", "--deployment-id", deployment_id, "--poll", "1")
    assert done.returncode == 1, done.stdout + done.stderr
    assert flow.rolled_back(deployment_id) and flow.serving() == original


def test_a_deployment_started_elsewhere_is_watched_and_a_second_deploy_is_refused(flow):
    deployment_id = flow.start_elsewhere()
    done = flow.run("watch", "--until", "approval", "--poll", "1")
    assert done.returncode == 0 and deployment_id in done.stdout, done.stdout + done.stderr
    done = flow.run("deploy", "--image", next(IMAGES))
    assert done.returncode == 1 and "runs at a time" in done.stderr, done.stderr
    assert "`bluegreen approve` lets it go on" in done.stderr
    assert flow.running() == [deployment_id]


def test_watch_until_a_stage_fails_when_the_deployment_rolls_back_first(flow):
    deployment_id = flow.deploy_until("approval")
    watching = flow.start("watch", "--deployment-id", deployment_id, "--until", "bake", "--poll", "1")
    assert watching.stdout is not None
    first = watching.stdout.readline()  # it follows the deployment...
    assert first.startswith(f"watching {deployment_id}"), first
    flow.advance(30 * 60 + 2)  # ...when the approval times out
    out, err = watching.communicate(timeout=120)
    assert watching.returncode == 1, out + err
    assert deployment_id in err and flow.rolled_back(deployment_id)


def test_an_apply_that_rewrites_the_routing_the_engine_owns_is_singled_out(flow):
    """After a deployment, the engine has production on the other target group. A stack that
    stopped ignoring the production listener's default action (CodeDeploy) or rule's action (ECS)
    plans to write the configuration's back: `bluegreen review` says so, in the class that blocks."""
    while flow.serving() == flow.outputs["blue_target_group_name"]:  # each success swaps the groups
        test_approval_then_approve_then_the_canary_the_hook_and_the_wait(flow)
    stack = flow.applied.workdir / "cdk.tf.json"
    original = stack.read_text()
    doc = json.loads(original)
    kind, attribute, output = (
        ("aws_lb_listener_rule", "action", "prod_listener_rule_arn")
        if flow.engine == "ecs"
        else ("aws_lb_listener", "default_action", "prod_listener_arn")
    )
    (name,) = [n for n, body in doc["resource"][kind].items() if f"{kind}.{n}.arn" in doc["output"][output]["value"]]
    body = doc["resource"][kind][name]
    body["lifecycle"]["ignore_changes"] = [a for a in body["lifecycle"]["ignore_changes"] if a != attribute]
    stack.write_text(json.dumps(doc))
    try:
        flow.applied.tf("plan", "-input=false", "-out=routing.tfplan")
        plan = flow.applied.tf("show", "-json", "routing.tfplan").stdout
    finally:
        stack.write_text(original)
    (flow.applied.workdir / "routing.json").write_text(plan)
    done = subprocess.run(
        [sys.executable, "-m", "ecs_bluegreen.cli", "review", "--plan", "routing.json", "--format", "json"],
        cwd=flow.applied.workdir,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 4, done.stdout + done.stderr
    (finding,) = [f for f in json.loads(done.stdout)["findings"] if f["address"] == f"{kind}.{name}"]
    assert finding["klass"] == 1 and finding["what"].startswith(f"{attribute} rewritten in place, on the production")
