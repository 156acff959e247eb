"""End to end, a real service: the "full" settings (emulator.full_config) applied on moto_server,
checked with boto3, then `bluegreen deploy` of a new image. The secret, the parameter and the hook
function are the user's, made with boto3 first, as they would be outside the stack."""

from __future__ import annotations

import io
import json
import time
import zipfile

import pytest
from bluegreen import run_cli
from emulator import E2E_REGION, FULL_BUCKET, FULL_HOOK, Applied, full_config, synth_example, tolerate_emulator_gaps

pytestmark = pytest.mark.e2e

NEW_IMAGE = "public.ecr.aws/nginx/nginx:1.28"


def _zip(source: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("index.py", source)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def full(moto, terraform, tmp_path_factory) -> Applied:
    client = lambda service: moto.client(service, E2E_REGION)  # noqa: E731
    secret = client("secretsmanager").create_secret(
        Name="full/db", SecretString=json.dumps({"username": "app", "password": "s3cret"})
    )["ARN"]
    parameter = client("ssm").put_parameter(Name="/full/api-key", Value="k", Type="SecureString")
    parameter_arn = f"arn:aws:ssm:{E2E_REGION}:123456789012:parameter/full/api-key"
    assert parameter["Version"] == 1
    role = client("iam").create_role(
        RoleName="full-hook",
        AssumeRolePolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "lambda.amazonaws.com"}}
                ],
            }
        ),
    )["Role"]["Arn"]
    client("lambda").create_function(
        FunctionName=FULL_HOOK,
        Runtime="python3.12",
        Role=role,
        Handler="index.handler",
        Code={"ZipFile": _zip("def handler(event, context):\n    return None\n")},
    )

    config = full_config(moto, secret_arn=secret, parameter_arn=parameter_arn)
    workdir = synth_example(config, tmp_path_factory.mktemp("e2e-full")) / "full-dev"
    tolerate_emulator_gaps(workdir / "cdk.tf.json")
    run = Applied(moto, terraform, workdir)
    run.client("s3").create_bucket(Bucket=FULL_BUCKET, CreateBucketConfiguration={"LocationConstraint": E2E_REGION})
    run.tf("init", "-input=false")
    started = time.monotonic()
    run.tf("apply", "-input=false", "-auto-approve")
    run.apply_seconds = time.monotonic() - started
    run.outputs = {k: v["value"] for k, v in json.loads(run.tf("output", "-json").stdout).items()}
    run.secret_arn, run.parameter_arn, run.config = secret, parameter_arn, config
    print(f"\nfull scenario: terraform apply took {run.apply_seconds:.1f} s")
    return run


def _containers(full, arn: str) -> dict[str, dict]:
    definition = full.client("ecs").describe_task_definition(taskDefinition=arn)["taskDefinition"]
    return {c["name"]: c for c in definition["containerDefinitions"]}


def test_the_task_definition_carries_the_secrets_the_sidecar_and_the_health_checks(full):
    containers = _containers(full, full.outputs["task_definition_arn"])
    assert list(containers) == ["nginx", "agent"]
    app, agent = containers["nginx"], containers["agent"]
    assert sorted((s["name"], s["valueFrom"]) for s in app["secrets"]) == [
        ("API_KEY", full.parameter_arn),
        ("DB_PASSWORD", f"{full.secret_arn}:password::"),
    ]
    assert app["dependsOn"] == [{"containerName": "agent", "condition": "HEALTHY"}]
    assert app["healthCheck"]["command"] == ["CMD-SHELL", "curl -f http://localhost/ || exit 1"]
    assert app["healthCheck"]["startPeriod"] == 20
    assert agent["healthCheck"]["command"] == ["CMD", "agent", "health"]
    assert agent["secrets"] == [{"name": "DD_API_KEY", "valueFrom": full.parameter_arn}]
    assert [p["containerPort"] for p in agent["portMappings"]] == [8126]


def test_the_execution_role_reads_exactly_the_secret_and_the_parameter(full):
    policy = full.client("iam").get_role_policy(RoleName="full-dev-task-execution", PolicyName="execution-secrets")[
        "PolicyDocument"
    ]
    policy = json.loads(policy) if isinstance(policy, str) else policy
    assert {s["Action"]: s["Resource"] for s in policy["Statement"]} == {
        "secretsmanager:GetSecretValue": [full.secret_arn],
        "ssm:GetParameters": [full.parameter_arn],
    }


def test_the_task_role_has_its_statement_and_codedeploy_may_invoke_the_hook(full):
    iam = full.client("iam")
    task = iam.get_role_policy(RoleName="full-dev-task", PolicyName="task-statements")["PolicyDocument"]
    task = json.loads(task) if isinstance(task, str) else task
    assert task["Statement"] == [
        {
            "Effect": "Allow",
            "Action": ["sqs:SendMessage"],
            "Resource": ["arn:aws:sqs:ap-northeast-1:123456789012:full-jobs"],
        }
    ]
    hooks = iam.get_role_policy(RoleName="full-dev-codedeploy", PolicyName="codedeploy-hooks")["PolicyDocument"]
    hooks = json.loads(hooks) if isinstance(hooks, str) else hooks
    functions = full.client("lambda")
    users = functions.get_function(FunctionName=FULL_HOOK)["Configuration"]["FunctionArn"]
    created = functions.get_function(FunctionName="full-dev-test-traffic")["Configuration"]["FunctionArn"]
    assert hooks["Statement"] == [
        {"Sid": "InvokeHooks", "Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": [created, users]}
    ]
    assert full.outputs["hooks"] == {"AfterAllowTestTraffic": "full-dev-test-traffic", "BeforeAllowTraffic": FULL_HOOK}


def test_the_test_traffic_hook_runs_in_the_task_subnets_against_the_test_listener(full):
    config = full.client("lambda").get_function(FunctionName="full-dev-test-traffic")["Configuration"]
    assert (config["Handler"], config["Runtime"]) == ("smoke_test.handler", "python3.12")
    assert config["Environment"]["Variables"] == {"TEST_URL": full.outputs["test_url"], "TEST_PATH": "/"}
    assert sorted(config["VpcConfig"]["SubnetIds"]) == sorted(full.outputs["task_subnet_ids"])
    role = config["Role"].rsplit("/", 1)[-1]
    report = full.client("iam").get_role_policy(RoleName=role, PolicyName="report-hook-status")["PolicyDocument"]
    report = json.loads(report) if isinstance(report, str) else report
    (statement,) = report["Statement"]
    assert statement["Action"] == "codedeploy:PutLifecycleEventHookExecutionStatus"
    assert statement["Resource"].endswith(":deploymentgroup:full-dev/full-dev")


def test_the_repository_is_scanned_immutable_encrypted_and_expires_old_images(full):
    ecr = full.client("ecr")
    (repo,) = ecr.describe_repositories(repositoryNames=["full-dev"])["repositories"]
    assert repo["imageTagMutability"] == "IMMUTABLE"
    assert repo["imageScanningConfiguration"] == {"scanOnPush": True}
    assert repo["encryptionConfiguration"]["encryptionType"] == "AES256"
    assert full.outputs["repository_url"] == repo["repositoryUri"]
    rules = json.loads(ecr.get_lifecycle_policy(repositoryName="full-dev")["lifecyclePolicyText"])["rules"]
    assert rules[0]["selection"]["countNumber"] == 10


def test_a_second_plan_has_nothing_to_change(full):
    """The container definitions, the grants and the repository read back as written: no plan
    that changes them on every run."""
    plan = full.tf("plan", "-input=false", "-detailed-exitcode", check=False)
    assert plan.returncode == 0, plan.stdout[plan.stdout.find("Terraform used") :][-6000:] + plan.stderr


def test_the_plan_review_knows_the_new_pieces(full, tmp_path_factory):
    """A second secret, a renamed repository, a new health-check path and the load balancer made
    internet-facing, planned for real: the repository's replacement destroys its images; the
    execution role's grant is shown widened by the new secret's ARN; the exposure is told with its
    direction although the load balancer is replaced; the health check before → after; the task
    definition waits for the next deployment."""
    from ecs_bluegreen.review import FindingClass, load_plan, review
    from ecs_bluegreen.review.formats import as_markdown

    DESTROYS, HEALTH, INTERRUPTS, NEXT_DEPLOY, REACH = (
        FindingClass.DESTROYS,
        FindingClass.HEALTH,
        FindingClass.INTERRUPTS,
        FindingClass.NEXT_DEPLOY,
        FindingClass.REACH,
    )
    from helpers import with_setting

    session = full.client("secretsmanager").create_secret(Name="full/session", SecretString="k")["ARN"]
    config = with_setting(full.config, "environments.dev.app.service.secrets.SESSION_KEY", {"arn": session})
    config = with_setting(config, "environments.dev.app.repository.name", "full/web")
    config = with_setting(config, "environments.dev.app.load_balancer.internal", False)
    config = with_setting(config, "environments.dev.app.load_balancer.health_check.path", "/health")
    workdir = synth_example(config, tmp_path_factory.mktemp("full-review")) / "full-dev"
    tolerate_emulator_gaps(workdir / "cdk.tf.json")
    full.terraform.run(workdir, "init", "-input=false", env=full.env)
    full.terraform.run(workdir, "plan", "-input=false", "-refresh=false", "-out=review.tfplan", env=full.env)
    shown = full.terraform.run(workdir, "show", "-json", "review.tfplan", env=full.env)
    result = review(load_plan(shown.stdout, "plan"))
    found: dict[int, dict[str, list[str]]] = {}
    for finding in result.findings:
        found.setdefault(finding.klass, {}).setdefault(finding.address, []).append(finding.what)
    (images,) = found[DESTROYS]["aws_ecr_repository.blue-green_repository_repository"]
    assert images == "replaced, because name cannot change in place"
    (secrets,) = found[REACH]["aws_iam_role_policy.blue-green_iam_execution-secrets"]
    assert secrets.startswith(
        "permissions of role full-dev-task-execution widened: adds Allow secretsmanager:GetSecretValue on " + session
    ), secrets
    lb = "aws_lb.blue-green_load-balancer_lb"
    assert lb in found[INTERRUPTS]
    assert found[REACH][lb] == ["internal true → false: the load balancer is internet-facing"]
    assert found[HEALTH]["aws_lb_target_group.blue-green_load-balancer_blue"] == ['health_check.path "/" → "/health"']
    assert "aws_ecs_task_definition.blue-green_ecs_task" in found[NEXT_DEPLOY]
    markdown = as_markdown(result, set())
    assert f"adds Allow secretsmanager:GetSecretValue on {session}" in markdown
    assert "| `aws_ecr_repository.blue-green_repository_repository` | replaced" in markdown


@pytest.fixture(scope="module")
def deployed(full):
    env = {**full.env, "AWS_ENDPOINT_URL": full.moto.url, "TF_CLI_CONFIG_FILE": str(full.terraform.cli_config)}
    proc = run_cli("deploy", "--stack-dir", str(full.workdir), "--image", NEW_IMAGE, "--json", env=env)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_a_deployment_changes_the_app_image_only(full, deployed):
    before = _containers(full, full.outputs["task_definition_arn"])
    after = _containers(full, deployed["taskDefinitionArn"])
    assert after["nginx"]["image"] == NEW_IMAGE
    assert {k: v for k, v in after["nginx"].items() if k != "image"} == {
        k: v for k, v in before["nginx"].items() if k != "image"
    }
    assert after["agent"] == before["agent"]  # the sidecar, its secret and its health check


def test_the_deployments_appspec_names_the_stacks_hook(full, deployed):
    info = full.client("codedeploy").get_deployment(deploymentId=deployed["deploymentId"])["deploymentInfo"]
    spec = json.loads(info["revision"]["appSpecContent"]["content"])
    assert spec["Hooks"] == [{"AfterAllowTestTraffic": "full-dev-test-traffic"}, {"BeforeAllowTraffic": FULL_HOOK}]
    assert deployed["hooks"] == {"AfterAllowTestTraffic": "full-dev-test-traffic", "BeforeAllowTraffic": FULL_HOOK}
