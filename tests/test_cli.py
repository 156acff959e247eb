"""The bluegreen command: deploy, rollback and status.

Against the emulator (the `applied` stack), each run is a real `python -m modules.cli` process
that reads the stack's outputs with `terraform output -json`. Where moto falls short, botocore's
Stubber stands in for AWS, and says so: moto has no stop_deployment, and its deployments never
leave "Created", so rollback and the progress of --wait are checked against stubbed AWS answers,
asserting the exact calls and parameters our code sends.
"""

from __future__ import annotations

import datetime
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import boto3
import pytest
from botocore.stub import Stubber

from modules import cli
from modules.deployments import RUNNING_STATUSES

ROOT = Path(cli.__file__).resolve().parent.parent
OUTPUTS = {"region": "ap-northeast-1", "cluster_name": "web-dev", "service_name": "web-dev",
           "container_name": "nginx", "container_port": 80, "codedeploy_app_name": "web-dev",
           "codedeploy_group_name": "web-dev"}
NEW_IMAGE = "public.ecr.aws/nginx/nginx:1.28"


def run_cli(*args: str, env: dict[str, str] | None = None, unset: tuple[str, ...] = ()) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if k not in unset}
    return subprocess.run([sys.executable, "-m", "modules.cli", *args], cwd=ROOT,
                          env={**full_env, **(env or {})}, capture_output=True, text=True, timeout=120)


def assert_one_line_error(proc: subprocess.CompletedProcess[str], code: int, pattern: str) -> None:
    assert proc.returncode == code, (proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("bluegreen: error: ")
    assert re.search(pattern, lines[0]), lines[0]


@pytest.fixture(scope="module")
def emulator_env(applied):
    """The environment a user sets for an emulator: dummy keys and AWS_ENDPOINT_URL."""
    return {**applied.env, "AWS_ENDPOINT_URL": applied.moto.url,
            "TF_CLI_CONFIG_FILE": str(applied.terraform.cli_config)}


@pytest.fixture(scope="module")
def stack(applied):
    return ["--stack-dir", str(applied.workdir)]


# --- against the emulator, in test order: nothing running, then deployments --------------------

@pytest.mark.e2e
def test_rollback_with_nothing_running_says_so(emulator_env, stack):
    proc = run_cli("rollback", *stack, env=emulator_env)
    assert_one_line_error(proc, 1, r"no deployment is running in web-dev/web-dev: nothing to roll back")


@pytest.mark.e2e
def test_status_before_any_deployment(emulator_env, stack):
    proc = run_cli("status", *stack, env=emulator_env)
    assert (proc.returncode, proc.stdout) == (0, "web-dev/web-dev\nno deployments yet\n"), proc.stderr


@pytest.fixture(scope="module")
def deployed(applied, emulator_env, stack):
    proc = run_cli("deploy", *stack, "--image", NEW_IMAGE, "--json", env=emulator_env)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


@pytest.mark.e2e
def test_deploy_registers_a_revision_with_the_new_image(applied, deployed):
    ecs = applied.client("ecs")
    (service,) = ecs.describe_services(cluster="web-dev", services=["web-dev"])["services"]
    old = ecs.describe_task_definition(taskDefinition=service["taskDefinition"])["taskDefinition"]
    new = ecs.describe_task_definition(taskDefinition=deployed["taskDefinitionArn"])["taskDefinition"]
    assert new["family"] == old["family"] and new["revision"] > old["revision"]
    (old_container,), (new_container,) = old["containerDefinitions"], new["containerDefinitions"]
    assert new_container["image"] == NEW_IMAGE
    # Everything but the image is carried over from the running revision.
    assert {k: v for k, v in new_container.items() if k != "image"} == \
        {k: v for k, v in old_container.items() if k != "image"}
    for key in ("cpu", "memory", "executionRoleArn", "networkMode", "requiresCompatibilities"):
        assert new[key] == old[key], key


@pytest.mark.e2e
def test_deploy_creates_a_deployment_whose_appspec_names_revision_container_and_port(applied, deployed):
    info = applied.client("codedeploy").get_deployment(deploymentId=deployed["deploymentId"])["deploymentInfo"]
    assert (info["applicationName"], info["deploymentGroupName"]) == ("web-dev", "web-dev")
    assert info["description"] == f"bluegreen: {NEW_IMAGE}"
    spec = json.loads(info["revision"]["appSpecContent"]["content"])
    # The platform and the network come from the stack's outputs, so that a change Terraform
    # leaves to CodeDeploy reaches the new task set.
    (service,) = applied.client("ecs").describe_services(cluster="web-dev", services=["web-dev"])["services"]
    network = service["networkConfiguration"]["awsvpcConfiguration"]
    assert spec == {"version": "0.0", "Resources": [{"TargetService": {
        "Type": "AWS::ECS::Service",
        "Properties": {"TaskDefinition": deployed["taskDefinitionArn"],
                       "LoadBalancerInfo": {"ContainerName": "nginx", "ContainerPort": 80},
                       "PlatformVersion": "1.4.0",
                       "NetworkConfiguration": {"AwsvpcConfiguration": {
                           "Subnets": applied.outputs["task_subnet_ids"],
                           "SecurityGroups": applied.outputs["task_security_group_ids"],
                           "AssignPublicIp": "DISABLED"}}},
    }}]}
    assert sorted(network["subnets"]) == sorted(applied.outputs["task_subnet_ids"])
    assert network["securityGroups"] == applied.outputs["task_security_group_ids"]


@pytest.mark.e2e
def test_deploy_a_given_revision_with_hooks_from_an_outputs_file(applied, deployed, emulator_env, tmp_path):
    outputs = tmp_path / "outputs.json"
    outputs.write_text(applied.tf("output", "-json").stdout)
    proc = run_cli("deploy", "--outputs", str(outputs), "--task-definition", deployed["taskDefinitionArn"],
                   "--hook", "AfterAllowTestTraffic=smoke-test", "--hook", "BeforeInstall=prepare",
                   env=emulator_env)
    assert proc.returncode == 0, proc.stderr
    match = re.fullmatch(rf"using {re.escape(deployed['taskDefinitionArn'])}\nstarted (\S+)\n", proc.stdout)
    assert match, proc.stdout
    deployment_id = match.group(1)
    info = applied.client("codedeploy").get_deployment(deploymentId=deployment_id)["deploymentInfo"]
    spec = json.loads(info["revision"]["appSpecContent"]["content"])
    assert spec["Hooks"] == [{"AfterAllowTestTraffic": "smoke-test"}, {"BeforeInstall": "prepare"}]


@pytest.mark.e2e
def test_status_lists_the_deployment(deployed, emulator_env, stack):
    proc = run_cli("status", *stack, "--json", env=emulator_env)
    assert proc.returncode == 0, proc.stderr
    listed = json.loads(proc.stdout)
    assert (listed["application"], listed["deploymentGroup"]) == ("web-dev", "web-dev")
    ids = [d["deploymentId"] for d in listed["deployments"]]
    assert deployed["deploymentId"] in ids
    text = run_cli("status", *stack, env=emulator_env).stdout
    assert f"{deployed['deploymentId']} " in text and f"bluegreen: {NEW_IMAGE}" in text


@pytest.mark.e2e
def test_rollback_on_the_emulator_reports_its_error_page_on_one_line(deployed, emulator_env, stack):
    # moto has no StopDeployment and answers with its HTML error page: the user gets the status and
    # the page's words, not its markup.
    proc = run_cli("rollback", *stack, env=emulator_env)
    assert_one_line_error(proc, 1, r"StopDeployment refused: HTTP 500 Internal Server Error: The server "
                                   r"encountered an internal error .*\(an HTML page, not an AWS API answer\)$")


@pytest.mark.e2e
def test_wait_gives_up_after_the_timeout_and_says_how_to_follow(deployed, emulator_env, stack):
    # moto leaves every deployment "Created", so only the timeout path can run on it.
    proc = run_cli("deploy", *stack, "--task-definition", deployed["taskDefinitionArn"], "--wait",
                   "--timeout", "0.002", "--poll", "0.05", env=emulator_env)
    assert "status Created" in proc.stdout
    assert_one_line_error(proc, 3, r"\S+ is still Created after 0.002 min; follow it with `bluegreen "
                                   r"status` or stop it with `bluegreen rollback`")


# --- errors, each a one-line message and a non-zero exit -----------------------------------------

@pytest.fixture
def outputs_file(tmp_path):
    def write(content) -> str:
        path = tmp_path / "outputs.json"
        path.write_text(content if isinstance(content, str) else json.dumps(content))
        return str(path)
    return write


@pytest.mark.parametrize("args,code,pattern", [
    (["status", "--stack-dir", "/nonexistent/stack"], 2, r"/nonexistent/stack is not a synthesized stack folder"),
    (["status"], 2, r"say where the stack is: --stack-dir"),
])
def test_bad_stack_location(args, code, pattern):
    assert_one_line_error(run_cli(*args), code, pattern)


@pytest.mark.parametrize("content,pattern", [
    ({}, r"has no outputs: apply the stack first"),
    ({"region": {"value": "ap-northeast-1"}, "cluster_name": {"value": "c"}},
     r"lacks the outputs service_name, container_name, container_port, codedeploy_app_name, codedeploy_group_name"),
    ("{not json", r"is not JSON"),
    ("[1, 2]", r"is not an object of outputs"),
])
def test_bad_outputs(outputs_file, content, pattern):
    assert_one_line_error(run_cli("status", "--outputs", outputs_file(content)), 2, pattern)


def test_missing_outputs_file():
    assert_one_line_error(run_cli("status", "--outputs", "/nonexistent/outputs.json"), 2,
                          r"no outputs file at /nonexistent/outputs.json")


@pytest.mark.parametrize("args,pattern", [
    (["--image", "not an image"], r"--image: invalid value 'not an image'\. Use an image reference"),
    (["--image", "nginx:1.28", "--hook", "BeforeDeploy=fn"], r"--hook 'BeforeDeploy=fn': use EVENT=FUNCTION"),
    (["--image", "nginx:1.28", "--hook", "BeforeInstall=a", "--hook", "BeforeInstall=b"], r"--hook BeforeInstall is given twice"),
    (["--task-definition", "web-dev:3"], r"--task-definition 'web-dev:3': give the full ARN"),
])
def test_bad_deploy_input_fails_before_any_aws_call(outputs_file, args, pattern):
    # No credentials and no endpoint: an AWS call would fail differently.
    proc = run_cli("deploy", "--outputs", outputs_file(OUTPUTS), *args, env={"AWS_ENDPOINT_URL": "http://127.0.0.1:9"})
    assert_one_line_error(proc, 2, pattern)


def test_missing_credentials(outputs_file, tmp_path):
    env = {"AWS_CONFIG_FILE": str(tmp_path / "none"), "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none"),
           "AWS_EC2_METADATA_DISABLED": "true", "AWS_ENDPOINT_URL": "http://127.0.0.1:9"}
    unset = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
             "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_WEB_IDENTITY_TOKEN_FILE")
    proc = run_cli("status", "--outputs", outputs_file(OUTPUTS), env=env, unset=unset)
    assert_one_line_error(proc, 2, r"no AWS credentials found: set AWS_PROFILE")


def test_unknown_profile(outputs_file, tmp_path):
    proc = run_cli("status", "--outputs", outputs_file(OUTPUTS),
                   env={"AWS_PROFILE": "nobody", "AWS_CONFIG_FILE": str(tmp_path / "none")})
    assert_one_line_error(proc, 2, r"The config profile \(nobody\) could not be found: check AWS_PROFILE")


def test_usage_errors_exit_2():
    proc = run_cli("deploy")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "one of the arguments --image --task-definition is required" in proc.stderr


def test_help_lists_the_commands_and_exit_codes():
    proc = run_cli("--help")
    assert proc.returncode == 0
    for command in ("deploy", "rollback", "status"):
        assert command in proc.stdout


# --- against stubbed AWS answers (what moto cannot do) -------------------------------------------

def _stubbed():
    kw = {"region_name": "ap-northeast-1", "aws_access_key_id": "x", "aws_secret_access_key": "x"}
    ecs, codedeploy = boto3.client("ecs", **kw), boto3.client("codedeploy", **kw)
    return ecs, codedeploy, Stubber(ecs), Stubber(codedeploy)


def _main(args, outputs_file, ecs, codedeploy, sleep=lambda s: None):
    out, err = io.StringIO(), io.StringIO()
    code = cli.main([*args, "--outputs", outputs_file(OUTPUTS)], clients=lambda o: (ecs, codedeploy),
                    out=out, err=err, sleep=sleep)
    return code, out.getvalue(), err.getvalue()


def test_rollback_stops_the_running_deployment_with_auto_rollback(outputs_file):
    # Stubbed: moto does not implement stop_deployment.
    ecs, codedeploy, _, stub = _stubbed()
    stub.add_response("list_deployments", {"deployments": ["d-RUNNING"]}, {
        "applicationName": "web-dev", "deploymentGroupName": "web-dev",
        "includeOnlyStatuses": list(RUNNING_STATUSES)})
    stub.add_response("stop_deployment", {"status": "Pending", "statusMessage": "Stopping"},
                      {"deploymentId": "d-RUNNING", "autoRollbackEnabled": True})
    with stub:
        code, out, err = _main(["rollback"], outputs_file, ecs, codedeploy)
    stub.assert_no_pending_responses()
    assert (code, err) == (0, "")
    assert out == "stopped d-RUNNING with rollback: traffic returns to the original task set (Pending: Stopping)\n"


def test_rollback_of_a_named_deployment(outputs_file):
    ecs, codedeploy, _, stub = _stubbed()
    stub.add_response("stop_deployment", {"status": "Succeeded"}, {"deploymentId": "d-NAMED", "autoRollbackEnabled": True})
    with stub:
        code, out, _ = _main(["rollback", "--deployment-id", "d-NAMED", "--json"], outputs_file, ecs, codedeploy)
    stub.assert_no_pending_responses()
    assert code == 0 and json.loads(out) == {"deploymentId": "d-NAMED", "status": "Succeeded", "message": ""}


def test_aws_refusal_is_one_line_with_exit_1(outputs_file):
    ecs, codedeploy, _, stub = _stubbed()
    stub.add_client_error("stop_deployment", service_error_code="DeploymentAlreadyCompletedException",
                          service_message="The deployment d-OLD\nis already completed.", http_status_code=400)
    with stub:
        code, _, err = _main(["rollback", "--deployment-id", "d-OLD"], outputs_file, ecs, codedeploy)
    assert code == 1
    assert err == ("bluegreen: error: StopDeployment refused: DeploymentAlreadyCompletedException: "
                   "The deployment d-OLD is already completed.\n")


MOTO_500 = ("<!doctype html>\n<html lang=en>\n<title>500 Internal Server Error</title>\n<h1>Internal Server "
            "Error</h1>\n<p>The server encountered an internal error and was unable to complete your request. "
            "Either the server is overloaded or there is an error in the application.</p>\n")


@pytest.mark.parametrize("status,page,content_type,expected", [
    (500, MOTO_500, "text/html; charset=utf-8",
     "HTTP 500 Internal Server Error: The server encountered an internal error and was unable to complete "
     "your request (an HTML page, not an AWS API answer)"),
    (502, "<html><head><title>Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>", "",
     "HTTP 502 Bad Gateway (an HTML page, not an AWS API answer)"),
])
def test_an_html_error_page_is_one_readable_line(outputs_file, status, page, content_type, expected):
    ecs, codedeploy, _, stub = _stubbed()
    stub.add_client_error("stop_deployment", service_error_code=str(status), service_message=page,
                          http_status_code=status,
                          response_meta={"HTTPHeaders": {"content-type": content_type}} if content_type else None)
    with stub:
        code, _, err = _main(["rollback", "--deployment-id", "d-OLD"], outputs_file, ecs, codedeploy)
    assert (code, err) == (1, f"bluegreen: error: StopDeployment refused: {expected}\n")


def _deployment(status, **extra):
    return {"deploymentInfo": {"deploymentId": "d-NEW", "status": status,
                               "createTime": datetime.datetime(2026, 11, 26), **extra}}


def _targets(stub, events, traffic):
    stub.add_response("list_deployment_targets", {"targetIds": ["web-dev:web-dev"]}, {"deploymentId": "d-NEW"})
    stub.add_response("batch_get_deployment_targets", {"deploymentTargets": [{
        "deploymentTargetType": "ECSTarget",
        "ecsTarget": {"deploymentId": "d-NEW", "targetId": "web-dev:web-dev",
                      "lifecycleEvents": [{"lifecycleEventName": n, "status": s} for n, s in events],
                      "taskSetsInfo": [{"taskSetLabel": label, "trafficWeight": weight} for label, weight in traffic]},
    }]}, {"deploymentId": "d-NEW", "targetIds": ["web-dev:web-dev"]})


ARN = "arn:aws:ecs:ap-northeast-1:123456789012:task-definition/web-dev:7"


def _start(stub):
    stub.add_response("create_deployment", {"deploymentId": "d-NEW"}, {
        "applicationName": "web-dev", "deploymentGroupName": "web-dev", "description": "bluegreen: web-dev:7",
        "revision": {"revisionType": "AppSpecContent", "appSpecContent": {"content": json.dumps({
            "Resources": [{"TargetService": {"Properties": {
                "LoadBalancerInfo": {"ContainerName": "nginx", "ContainerPort": 80}, "TaskDefinition": ARN},
                "Type": "AWS::ECS::Service"}}], "version": "0.0"}, sort_keys=True)}}})


def test_wait_shows_progress_and_succeeds(outputs_file):
    ecs, codedeploy, _, stub = _stubbed()
    _start(stub)
    stub.add_response("get_deployment", _deployment("InProgress"), {"deploymentId": "d-NEW"})
    _targets(stub, [("BeforeInstall", "Succeeded"), ("AllowTraffic", "InProgress")], [("Blue", 100.0), ("Green", 0.0)])
    stub.add_response("get_deployment", _deployment("Succeeded"), {"deploymentId": "d-NEW"})
    _targets(stub, [("BeforeInstall", "Succeeded"), ("AllowTraffic", "Succeeded")], [("Blue", 0.0), ("Green", 100.0)])
    with stub:
        code, out, err = _main(["deploy", "--task-definition", ARN, "--wait", "--poll", "0"], outputs_file, ecs, codedeploy)
    stub.assert_no_pending_responses()
    assert (code, err) == (0, "")
    lines = [line.split(" ", 1)[1] for line in out.splitlines()[2:]]
    assert lines == [
        "status InProgress", "lifecycle BeforeInstall: Succeeded", "lifecycle AllowTraffic: InProgress",
        "traffic Blue 100%, Green 0%", "status Succeeded", "lifecycle AllowTraffic: Succeeded",
        "traffic Blue 0%, Green 100%", "succeeded"]


def test_wait_reports_a_rolled_back_deployment_as_failure(outputs_file):
    ecs, codedeploy, _, stub = _stubbed()
    _start(stub)
    stub.add_response("get_deployment", _deployment(
        "Failed", errorInformation={"code": "ECS_UPDATE_ERROR", "message": "tasks failed to start"},
        rollbackInfo={"rollbackDeploymentId": "d-ROLLBACK"}), {"deploymentId": "d-NEW"})
    _targets(stub, [("Install", "Failed")], [("Blue", 100.0)])
    with stub:
        code, out, err = _main(["deploy", "--task-definition", ARN, "--wait", "--poll", "0"], outputs_file, ecs, codedeploy)
    assert code == 1
    assert err == "bluegreen: error: d-NEW failed: tasks failed to start; rolled back by d-ROLLBACK\n"


def test_wait_says_how_to_approve_a_deployment_that_waits(outputs_file):
    ecs, codedeploy, _, stub = _stubbed()
    _start(stub)
    stub.add_response("get_deployment", _deployment("Ready"), {"deploymentId": "d-NEW"})
    _targets(stub, [], [])
    stub.add_response("get_deployment", _deployment("Succeeded"), {"deploymentId": "d-NEW"})
    _targets(stub, [], [])
    with stub:
        code, out, _ = _main(["deploy", "--task-definition", ARN, "--wait", "--poll", "0"], outputs_file, ecs, codedeploy)
    assert code == 0
    assert "waiting for approval: aws deploy continue-deployment --deployment-id d-NEW" in out


def test_interrupting_wait_leaves_the_deployment_running_and_says_what_to_do(outputs_file):
    ecs, codedeploy, _, stub = _stubbed()
    _start(stub)
    stub.add_response("get_deployment", _deployment("Created"), {"deploymentId": "d-NEW"})

    def interrupt(seconds):
        raise KeyboardInterrupt

    with stub:
        code, _, err = _main(["deploy", "--task-definition", ARN, "--wait"], outputs_file, ecs, codedeploy,
                             sleep=interrupt)
    stub.assert_no_pending_responses()  # and no stop_deployment was sent
    assert code == 130
    assert err == ("bluegreen: error: interrupted; d-NEW is still running. Follow it with `bluegreen status`, "
                   "or roll it back with `bluegreen rollback --deployment-id d-NEW`\n")
