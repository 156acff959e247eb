"""The bluegreen command's inputs, outputs and errors: deploy, status, and the refusals.

Against the emulator (the `deployable` stack, applied for the modules that deploy), each run is a
real `python -m ecs_bluegreen.cli` process that reads the stack's outputs with `terraform output
-json`; the emulator's CodeDeploy runs each deployment's lifecycle, so every test that starts one
ends it (on the emulator's clock, or with a rollback) before the next deploys. Deployments
followed to their end, approve, finish, watch and rollback are e2e/test_lifecycle.py's. botocore's
Stubber stands in for AWS only for answers an emulator does not give: an AWS refusal at the last
moment, an HTML error page, an interrupt.
"""

from __future__ import annotations

import datetime
import io
import json
import re
import shutil
import subprocess
from pathlib import Path

import boto3
import pytest
from bluegreen import run_cli
from botocore.stub import Stubber
from emulator import e2e_config, synth_example, tolerate_emulator_gaps
from stubbed_aws import ARN, Aws, revision

from ecs_bluegreen import cli
from ecs_bluegreen.cli.aws import Clients
from ecs_bluegreen.cli.outputs import load_outputs as _load_outputs

OUTPUTS = {
    "region": "ap-northeast-1",
    "cluster_name": "web-dev",
    "service_name": "web-dev",
    "container_name": "nginx",
    "container_port": 80,
    "codedeploy_app_name": "web-dev",
    "codedeploy_group_name": "web-dev",
}
NEW_IMAGE = "public.ecr.aws/nginx/nginx:1.30"
PAST_THE_TERMINATION_WAIT = 61 * 60


def cli_outputs(path: str, prefix: str):
    return _load_outputs(stack_dir=None, outputs_file=Path(path), prefix=prefix)


def assert_one_line_error(proc: subprocess.CompletedProcess[str], code: int, pattern: str) -> None:
    assert proc.returncode == code, (proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("bluegreen: error: ")
    assert re.search(pattern, lines[0]), lines[0]


@pytest.fixture(scope="module")
def applied(deployable):
    """The stack this module deploys on: the session's `deployable`, on an emulator of its own,
    which no module that checks the stack as Terraform applied it uses (conftest.py)."""
    return deployable


@pytest.fixture(scope="module")
def emulator_env(applied):
    """The environment a user sets for an emulator: dummy keys and AWS_ENDPOINT_URL."""
    return {
        **applied.env,
        "AWS_ENDPOINT_URL": applied.moto.url,
        "TF_CLI_CONFIG_FILE": str(applied.terraform.cli_config),
    }


@pytest.fixture(scope="module")
def stack(applied):
    return ["--stack-dir", str(applied.workdir)]


# --- against the emulator, in test order: nothing running, then deployments --------------------


@pytest.mark.e2e
def test_rollback_with_nothing_running_says_so(emulator_env, stack):
    proc = run_cli("rollback", *stack, env=emulator_env)
    assert_one_line_error(proc, 1, r"no deployment is running in web-dev/web-dev: nothing to roll back")


@pytest.mark.e2e
def test_status_before_any_deployment(applied, emulator_env, stack):
    proc = run_cli("status", *stack, env=emulator_env)
    revision = applied.outputs["task_definition_arn"].rsplit("/", 1)[1]
    assert (proc.returncode, proc.stdout) == (
        0,
        f"web-dev/web-dev\nproduction traffic: web-dev-blue 100%\nTerraform's {revision} is live\n"
        "no deployments yet\n",
    ), proc.stderr


def run_to_success(applied, deployment_id: str) -> None:
    """Let a deployment with no hook run its course: past its termination wait, on the emulator's
    clock, it has succeeded."""
    applied.moto.advance(PAST_THE_TERMINATION_WAIT)
    info = applied.client("codedeploy").get_deployment(deploymentId=deployment_id)["deploymentInfo"]
    assert info["status"] == "Succeeded", info


@pytest.fixture(scope="module")
def deployed(applied, emulator_env, stack):
    proc = run_cli("deploy", *stack, "--image", NEW_IMAGE, "--json", env=emulator_env)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    run_to_success(applied, result["deploymentId"])
    return result


@pytest.mark.e2e
def test_deploy_registers_a_revision_with_the_new_image(applied, deployed):
    ecs = applied.client("ecs")
    old = ecs.describe_task_definition(taskDefinition=applied.outputs["task_definition_arn"])["taskDefinition"]
    new = ecs.describe_task_definition(taskDefinition=deployed["taskDefinitionArn"])["taskDefinition"]
    # The deployment succeeded: the service runs the new revision now.
    (service,) = ecs.describe_services(cluster="web-dev", services=["web-dev"])["services"]
    assert service["taskDefinition"] == deployed["taskDefinitionArn"]
    assert new["family"] == old["family"] and new["revision"] > old["revision"]
    (old_container,), (new_container,) = old["containerDefinitions"], new["containerDefinitions"]
    assert new_container["image"] == NEW_IMAGE
    # Everything but the image is carried over from the running revision.
    assert {k: v for k, v in new_container.items() if k != "image"} == {
        k: v for k, v in old_container.items() if k != "image"
    }
    for key in ("cpu", "memory", "executionRoleArn", "networkMode", "requiresCompatibilities"):
        assert new[key] == old[key], key
    tags = {
        t["key"]: t["value"]
        for t in ecs.describe_task_definition(taskDefinition=deployed["taskDefinitionArn"], include=["TAGS"])["tags"]
    }
    assert tags["bluegreen:registered-by"] == "bluegreen deploy"
    assert tags["bluegreen:terraform-revision"] == applied.outputs["task_definition_arn"] == old["taskDefinitionArn"]


@pytest.mark.e2e
def test_deploy_creates_a_deployment_whose_appspec_names_revision_container_and_port(applied, deployed):
    info = applied.client("codedeploy").get_deployment(deploymentId=deployed["deploymentId"])["deploymentInfo"]
    assert (info["applicationName"], info["deploymentGroupName"]) == ("web-dev", "web-dev")
    assert info["description"] == f"bluegreen: {deployed['taskDefinitionArn'].rsplit('/', 1)[1]} with {NEW_IMAGE}"
    spec = json.loads(info["revision"]["appSpecContent"]["content"])
    # The platform and the network come from the stack's outputs, so that a change Terraform
    # leaves to CodeDeploy reaches the new task set.
    (service,) = applied.client("ecs").describe_services(cluster="web-dev", services=["web-dev"])["services"]
    network = service["networkConfiguration"]["awsvpcConfiguration"]
    assert spec == {
        "version": "0.0",
        "Resources": [
            {
                "TargetService": {
                    "Type": "AWS::ECS::Service",
                    "Properties": {
                        "TaskDefinition": deployed["taskDefinitionArn"],
                        "LoadBalancerInfo": {"ContainerName": "nginx", "ContainerPort": 80},
                        "PlatformVersion": "1.4.0",
                        "NetworkConfiguration": {
                            "AwsvpcConfiguration": {
                                "Subnets": applied.outputs["task_subnet_ids"],
                                "SecurityGroups": applied.outputs["task_security_group_ids"],
                                "AssignPublicIp": "DISABLED",
                            }
                        },
                    },
                }
            }
        ],
    }
    assert sorted(network["subnets"]) == sorted(applied.outputs["task_subnet_ids"])
    assert network["securityGroups"] == applied.outputs["task_security_group_ids"]


@pytest.mark.e2e
def test_deploy_a_given_revision_with_hooks_from_an_outputs_file(applied, deployed, emulator_env, tmp_path):
    outputs = tmp_path / "outputs.json"
    outputs.write_text(applied.tf("output", "-json").stdout)
    proc = run_cli(
        "deploy",
        "--outputs",
        str(outputs),
        "--task-definition",
        deployed["taskDefinitionArn"],
        "--hook",
        "AfterAllowTestTraffic=smoke-test",
        "--hook",
        "BeforeInstall=prepare",
        env=emulator_env,
    )
    assert proc.returncode == 0, proc.stderr
    match = re.search(r"^started (d-\w+)$", proc.stdout, re.M)
    assert match, proc.stdout
    deployment_id = match.group(1)
    codedeploy = applied.client("codedeploy")
    try:
        # The revision that runs now (the `deployed` one), started again: the escape hatch.
        given = deployed["taskDefinitionArn"]
        label = given.rsplit("/", 1)[1]
        assert proc.stdout == (
            f"from {label} to {label}, as given (--task-definition)\nusing {given}\n"
            f"started {deployment_id}\n  hooks: BeforeInstall=prepare, AfterAllowTestTraffic=smoke-test\n"
        )
        info = codedeploy.get_deployment(deploymentId=deployment_id)["deploymentInfo"]
        spec = json.loads(info["revision"]["appSpecContent"]["content"])
        # In the order the events happen, whatever the order of --hook.
        assert spec["Hooks"] == [{"BeforeInstall": "prepare"}, {"AfterAllowTestTraffic": "smoke-test"}]
    finally:
        # Its first hook waits for a report no function sends here: stop it, so the next test can deploy.
        codedeploy.stop_deployment(deploymentId=deployment_id, autoRollbackEnabled=True)


@pytest.mark.e2e
def test_status_lists_the_deployment(deployed, emulator_env, stack):
    proc = run_cli("status", *stack, "--json", env=emulator_env)
    assert proc.returncode == 0, proc.stderr
    listed = json.loads(proc.stdout)
    assert (listed["application"], listed["deploymentGroup"]) == ("web-dev", "web-dev")
    ids = [d["deploymentId"] for d in listed["deployments"]]
    assert deployed["deploymentId"] in ids
    text = run_cli("status", *stack, env=emulator_env).stdout
    assert f"{deployed['deploymentId']} " in text and f" with {NEW_IMAGE}" in text


@pytest.mark.e2e
def test_wait_gives_up_after_the_timeout_and_says_how_to_follow(applied, deployed, emulator_env, stack):
    # The deployment takes a second on the emulator's clock to leave Created, then reaches its
    # 60-minute termination wait at once; 0.12 s of --timeout pass first, at one poll or two (as
    # the machine is loaded), so the status it gives up on is the last one it printed.
    proc = run_cli(
        "deploy",
        *stack,
        "--task-definition",
        deployed["taskDefinitionArn"],
        "--wait",
        "--timeout",
        "0.002",
        "--poll",
        "1",
        env=emulator_env,
    )
    deployment_id = re.search(r"^started (d-\w+)$", proc.stdout, re.M).group(1)
    statuses = re.findall(r"^\d\d:\d\d:\d\d status (\w+)$", proc.stdout, re.M)
    assert statuses and statuses[-1] in ("Created", "InProgress"), proc.stdout
    assert_one_line_error(
        proc,
        3,
        rf"^bluegreen: error: {deployment_id} is still {statuses[-1]} after 0.002 min; "
        rf"follow it with `bluegreen watch --deployment-id {deployment_id}` or stop it "
        r"with `bluegreen rollback`$",
    )
    run_to_success(applied, deployment_id)  # it went on without us


THIRD_IMAGE = "public.ecr.aws/nginx/nginx:1.31"


def _apply_settings(applied, service: dict, folder: Path) -> None:
    """Synthesize the e2e stack with these `app.service` settings for dev, and `terraform apply` it."""
    config = e2e_config(applied.moto)
    config["environments"]["dev"]["app"]["service"].update(service)
    folder.mkdir()
    folder = synth_example(config, folder) / "web-dev"
    tolerate_emulator_gaps(folder / "cdk.tf.json")
    shutil.copyfile(folder / "cdk.tf.json", applied.workdir / "cdk.tf.json")
    applied.tf("apply", "-input=false", "-auto-approve")


@pytest.mark.e2e
def test_a_settings_change_reaches_production_with_the_image_that_runs(
    applied, deployed, emulator_env, stack, tmp_path
):
    ecs = applied.client("ecs")

    def describe(arn):
        return ecs.describe_task_definition(taskDefinition=arn)["taskDefinition"]

    # Step 1: an image deployed (the `deployed` fixture), whose task set the service now runs.
    (service,) = ecs.describe_services(cluster="web-dev", services=["web-dev"])["services"]
    assert service["taskDefinition"] == deployed["taskDefinitionArn"]
    try:
        # Step 2: cpu 512 (with memory 1024, a pair Fargate takes) and a variable, applied by Terraform.
        _apply_settings(
            applied, {"cpu": 512, "memory": 1024, "environment": {"LOG_LEVEL": "debug"}}, tmp_path / "changed"
        )
        terraform_arn = json.loads(applied.tf("output", "-json").stdout)["task_definition_arn"]["value"]
        assert describe(terraform_arn)["cpu"] == "512"
        status = run_cli("status", *stack, env=emulator_env)
        assert f"Terraform's {terraform_arn.rsplit('/', 1)[1]} waits for a deployment" in status.stdout

        # Step 3: no image given. Terraform's settings go out with the image that runs now.
        proc = run_cli("deploy", *stack, env=emulator_env)
        assert proc.returncode == 0, proc.stderr
        lines = proc.stdout.splitlines()
        running, terraform = deployed["taskDefinitionArn"].rsplit("/", 1)[1], terraform_arn.rsplit("/", 1)[1]
        assert lines[:4] == [
            f"from {running} to Terraform's {terraform} with the image that runs now, {NEW_IMAGE}",
            "  cpu 256 → 512",
            "  memory 512 → 1024",
            "  nginx environment +LOG_LEVEL",
        ]
        registered = re.search(r"^registered (\S+)$", proc.stdout, re.M).group(1)
        settings_revision = describe(registered)
        (container,) = settings_revision["containerDefinitions"]
        assert (settings_revision["cpu"], settings_revision["memory"]) == ("512", "1024")
        assert container["environment"] == [{"name": "LOG_LEVEL", "value": "debug"}]
        assert container["image"] == NEW_IMAGE
        run_to_success(applied, re.search(r"^started (d-\w+)$", proc.stdout, re.M).group(1))
        status = run_cli("status", *stack, env=emulator_env)
        assert f"Terraform's {terraform} is live (in {registered.rsplit('/', 1)[1]})" in status.stdout

        # Step 4: a third image keeps Terraform's new settings.
        proc = run_cli("deploy", *stack, "--image", THIRD_IMAGE, "--json", env=emulator_env)
        assert proc.returncode == 0, proc.stderr
        doc = json.loads(proc.stdout)
        assert [c["summary"] for c in doc["changes"]] == [f"nginx image {NEW_IMAGE} → {THIRD_IMAGE}"]
        third = describe(doc["taskDefinitionArn"])
        assert (third["cpu"], third["memory"], third["containerDefinitions"][0]["image"]) == (
            "512",
            "1024",
            THIRD_IMAGE,
        )
        assert third["containerDefinitions"][0]["environment"] == [{"name": "LOG_LEVEL", "value": "debug"}]
        run_to_success(applied, doc["deploymentId"])
    finally:
        # Later tests share the applied stack: put the example's settings back.
        _apply_settings(applied, {}, tmp_path / "restored")


# --- errors, each a one-line message and a non-zero exit -----------------------------------------


@pytest.fixture
def outputs_file(tmp_path):
    def write(content) -> str:
        path = tmp_path / "outputs.json"
        path.write_text(content if isinstance(content, str) else json.dumps(content))
        return str(path)

    return write


@pytest.mark.parametrize(
    "args,code,pattern",
    [
        (["status", "--stack-dir", "/nonexistent/stack"], 2, r"/nonexistent/stack is not a synthesized stack folder"),
        (["status"], 2, r"say where the stack is: --stack-dir"),
    ],
)
def test_bad_stack_location(args, code, pattern):
    assert_one_line_error(run_cli(*args), code, pattern)


@pytest.mark.parametrize(
    "content,pattern",
    [
        ({}, r"has no outputs: apply the stack first"),
        (
            {"region": {"value": "ap-northeast-1"}, "cluster_name": {"value": "c"}},
            r"lacks the outputs service_name, container_name, container_port, codedeploy_app_name, "
            r"codedeploy_group_name",
        ),
        ("{not json", r"is not JSON"),
        ("[1, 2]", r"is not an object of outputs"),
        # Each cause of missing outputs with its own fix.
        (
            {"state_bucket_name": {"value": "b"}, "lock_table_name": {"value": "t"}},
            r"lacks the outputs .*: this is the state bootstrap stack.*point --stack-dir at a service's stack",
        ),
        (
            {f"{p}_{k}": {"value": "x"} for p in ("api", "web") for k in ("region", "service_name", "cluster_name")},
            r"several services.*--output-prefix api_, --output-prefix web_$",
        ),
        ({"vpc_id": {"value": "vpc-1"}}, r"none of a blue/green service's outputs"),
        (
            {
                k: {"value": v}
                for k, v in {
                    "cluster_name": "c",
                    "service_name": "s",
                    "container_name": "n",
                    "container_port": 80,
                    "codedeploy_app_name": "a",
                    "codedeploy_group_name": "g",
                }.items()
            },
            r"lacks the outputs region: every service stack writes region",
        ),
        (
            {"region": {"value": "ap-northeast-1"}, "cluster_name": {"value": "c"}, "service_name": {"value": "s"}},
            r"lacks the outputs container_name, .*: apply the stack with this version of the library",
        ),
    ],
)
def test_bad_outputs(outputs_file, content, pattern):
    """Bad saved outputs, each one line with exit 2; what is missing is told by its cause."""
    assert_one_line_error(run_cli("status", "--outputs", outputs_file(content)), 2, pattern)


def test_output_prefix_reads_one_service_of_a_stack_with_several(outputs_file, tmp_path):
    both = {
        **{f"api_{k}": {"value": v} for k, v in OUTPUTS.items()},
        **{
            f"web_{k}": {"value": v.replace("web-dev", "web-x") if isinstance(v, str) else v}
            for k, v in OUTPUTS.items()
        },
    }
    path = outputs_file(both)
    assert cli_outputs(path, "web_").codedeploy_app_name == "web-x"
    assert cli_outputs(path, "api_").codedeploy_app_name == "web-dev"
    assert_one_line_error(
        run_cli("status", "--outputs", path, "--output-prefix", "db_"),
        2,
        r"has no outputs named db_\*: check --output-prefix",
    )


def test_missing_outputs_file():
    assert_one_line_error(
        run_cli("status", "--outputs", "/nonexistent/outputs.json"), 2, r"no outputs file at /nonexistent/outputs.json"
    )


@pytest.mark.parametrize(
    "args,pattern",
    [
        (["--image", "not an image"], r"--image: invalid value 'not an image'\. Use an image reference"),
        (["--image", "nginx:1.28", "--hook", "BeforeDeploy=fn"], r"--hook 'BeforeDeploy=fn': use EVENT=FUNCTION"),
        (
            ["--image", "nginx:1.28", "--hook", "BeforeInstall=a", "--hook", "BeforeInstall=b"],
            r"--hook BeforeInstall is given twice",
        ),
        (["--task-definition", "web-dev:3"], r"--task-definition 'web-dev:3': give the full ARN"),
    ],
)
def test_bad_deploy_input_fails_before_any_aws_call(outputs_file, args, pattern):
    # No credentials and no endpoint: an AWS call would fail differently.
    proc = run_cli("deploy", "--outputs", outputs_file(OUTPUTS), *args, env={"AWS_ENDPOINT_URL": "http://127.0.0.1:9"})
    assert_one_line_error(proc, 2, pattern)


def test_missing_credentials(outputs_file, tmp_path):
    env = {
        "AWS_CONFIG_FILE": str(tmp_path / "none"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none"),
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_ENDPOINT_URL": "http://127.0.0.1:9",
    }
    unset = (
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_PROFILE",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
    )
    proc = run_cli("status", "--outputs", outputs_file(OUTPUTS), env=env, unset=unset)
    assert_one_line_error(proc, 2, r"no AWS credentials found: set AWS_PROFILE")


def test_unknown_profile(outputs_file, tmp_path):
    proc = run_cli(
        "status",
        "--outputs",
        outputs_file(OUTPUTS),
        env={"AWS_PROFILE": "nobody", "AWS_CONFIG_FILE": str(tmp_path / "none")},
    )
    assert_one_line_error(proc, 2, r"The config profile \(nobody\) could not be found: check AWS_PROFILE")


def test_usage_errors_exit_2():
    proc = run_cli("deploy", "--image", "nginx:1.28", "--task-definition", "x")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "argument --task-definition: not allowed with argument --image" in proc.stderr


def test_help_lists_the_commands_each_on_one_line_and_the_exit_codes():
    proc = run_cli("--help", env={"COLUMNS": "80"})
    assert proc.returncode == 0
    for command in ("deploy", "watch", "approve", "finish", "rollback", "status", "review", "check"):
        # The command, its help, and then the next command or the end of the list: no second line.
        assert re.search(rf"^    {command} +\S.*\n(?:    \w|\n)", proc.stdout, re.M), (command, proc.stdout)
    for code in ("0", "1", "2", "3", "130"):
        assert re.search(rf"^ +{code} +\S", proc.stdout, re.M), (code, proc.stdout)


# --- against stubbed AWS answers (what an emulator does not give) ---------------------------------


def _stubbed():
    kw = {"region_name": "ap-northeast-1", "aws_access_key_id": "x", "aws_secret_access_key": "x"}
    ecs, codedeploy = boto3.client("ecs", **kw), boto3.client("codedeploy", **kw)
    return ecs, codedeploy, Stubber(ecs), Stubber(codedeploy)


def _main(args, outputs_file, ecs, codedeploy, sleep=lambda s: None):
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(
        [*args, "--outputs", outputs_file(OUTPUTS)],
        clients=lambda o: Clients(ecs, codedeploy),
        out=out,
        err=err,
        sleep=sleep,
    )
    return code, out.getvalue(), err.getvalue()


def _still_running(stub, deployment_id: str) -> None:
    """What `rollback` reads first: the deployment, not ended yet (Created: no targets to read), and
    its group."""
    stub.add_response(
        "get_deployment",
        {
            "deploymentInfo": {
                "deploymentId": deployment_id,
                "status": "Created",
                "createTime": datetime.datetime(2026, 11, 26),
            }
        },
        {"deploymentId": deployment_id},
    )
    stub.add_response(
        "get_deployment_group",
        {"deploymentGroupInfo": {"deploymentGroupName": "web-dev"}},
        {"applicationName": "web-dev", "deploymentGroupName": "web-dev"},
    )


def test_aws_refusal_is_one_line_with_exit_1(outputs_file):
    # The deployment ended between our read and the stop: AWS's refusal, on one line.
    ecs, codedeploy, _, stub = _stubbed()
    _still_running(stub, "d-OLD")
    stub.add_client_error(
        "stop_deployment",
        service_error_code="DeploymentAlreadyCompletedException",
        service_message="The deployment d-OLD\nis already completed.",
        http_status_code=400,
        expected_params={"deploymentId": "d-OLD", "autoRollbackEnabled": True},
    )
    with stub:
        code, _, err = _main(["rollback", "--deployment-id", "d-OLD"], outputs_file, ecs, codedeploy)
    stub.assert_no_pending_responses()
    assert code == 1
    assert err == (
        "bluegreen: error: StopDeployment refused: DeploymentAlreadyCompletedException: "
        "The deployment d-OLD is already completed.\n"
    )


MOTO_500 = (
    "<!doctype html>\n<html lang=en>\n<title>500 Internal Server Error</title>\n<h1>Internal Server "
    "Error</h1>\n<p>The server encountered an internal error and was unable to complete your request. "
    "Either the server is overloaded or there is an error in the application.</p>\n"
)


@pytest.mark.parametrize(
    "status,page,content_type,expected",
    [
        (
            500,
            MOTO_500,
            "text/html; charset=utf-8",
            "HTTP 500 Internal Server Error: The server encountered an internal error and was unable to complete "
            "your request (an HTML page, not an AWS API answer)",
        ),
        (
            502,
            "<html><head><title>Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>",
            "",
            "HTTP 502 Bad Gateway (an HTML page, not an AWS API answer)",
        ),
    ],
)
def test_an_html_error_page_is_one_readable_line(outputs_file, status, page, content_type, expected):
    # An endpoint that is not AWS (a proxy, an emulator without the call) answers with a page.
    ecs, codedeploy, _, stub = _stubbed()
    _still_running(stub, "d-OLD")
    stub.add_client_error(
        "stop_deployment",
        service_error_code=str(status),
        service_message=page,
        http_status_code=status,
        response_meta={"HTTPHeaders": {"content-type": content_type}} if content_type else None,
    )
    with stub:
        code, _, err = _main(["rollback", "--deployment-id", "d-OLD"], outputs_file, ecs, codedeploy)
    assert (code, err) == (1, f"bluegreen: error: StopDeployment refused: {expected}\n")


def test_interrupting_wait_leaves_the_deployment_running_and_says_how_to_resume(tmp_path):
    aws = Aws()
    aws.idle()
    aws.running(6)
    aws.describe(revision(6))
    aws.describe(revision(7, image="nginx:1.28"))
    aws.create(7, "bluegreen: web-dev:7 with nginx:1.28")
    aws.codedeploy_stub.add_response(
        "get_deployment",
        {
            "deploymentInfo": {
                "deploymentId": "d-NEW",
                "status": "Created",
                "createTime": datetime.datetime(2026, 11, 26),
            }
        },
        {"deploymentId": "d-NEW"},
    )
    aws.codedeploy_stub.add_response(
        "get_deployment_group",
        {"deploymentGroupInfo": {}},
        {"applicationName": "web-dev", "deploymentGroupName": "web-dev"},
    )

    def interrupt(seconds):
        raise KeyboardInterrupt

    # Aws.run asserts no call is left over, and none more was sent: no stop_deployment.
    code, _, err = aws.run("deploy", "--task-definition", ARN.format(7), "--wait", tmp_path=tmp_path, sleep=interrupt)
    assert code == 130
    assert err == (
        "bluegreen: error: interrupted; d-NEW goes on without us. Resume with `bluegreen watch "
        "--deployment-id d-NEW`, or roll it back with `bluegreen rollback --deployment-id d-NEW`\n"
    )
