"""What a real service needs: secrets, sidecars, container health checks, task permissions, ECS
Exec. The rendering is read from the "real-service" scenario stack (scenarios.py, also validated
by Terraform and checkov); each rule between settings is one refused input, on one line."""

from __future__ import annotations

import json

import pytest
from helpers import ref, resource, resources
from paths import ROOT
from scenarios import ACCOUNT, IMAGE, KMS_KEY, PARAMETER, SCENARIOS, SECRET

from ecs_bluegreen import (
    BlueGreenServiceProps,
    ContainerHealthCheckProps,
    ContainerProps,
    DeploymentProps,
    ExecuteCommandProps,
    HealthCheckProps,
    IamProps,
    LoadBalancerProps,
    LogProps,
    NetworkProps,
    PolicyStatementProps,
    RepositoryProps,
    SecretProps,
    ServiceProps,
    SettingsError,
    StackSettings,
    StateBackendProps,
    TestTrafficHookProps,
    from_mapping,
)
from ecs_bluegreen.constructs.task_definition import secret_grants
from ecs_bluegreen.contract import REPOSITORY_OUTPUTS

REAL = SCENARIOS["real-service"].app


def _containers(synthesized) -> dict[str, dict]:
    task = resource(synthesized["real-service"].doc, "aws_ecs_task_definition", "ecs/task")
    return {c["name"]: c for c in json.loads(task["container_definitions"])}


def test_the_app_container_comes_first_and_is_the_one_codedeploy_routes_to(synthesized):
    doc = synthesized["real-service"].doc
    task = resource(doc, "aws_ecs_task_definition", "ecs/task")
    names = [c["name"] for c in json.loads(task["container_definitions"])]
    assert names == ["app", "log-router", "envoy", "migrate"]
    (lb,) = resource(doc, "aws_ecs_service", "ecs/service")["load_balancer"]
    assert (lb["container_name"], lb["container_port"]) == ("app", 80)


def test_secrets_reach_each_container_by_name_with_key_and_stage(synthesized):
    containers = _containers(synthesized)
    assert containers["app"]["secrets"] == [
        {"name": "API_KEY", "valueFrom": PARAMETER},
        {"name": "DB_PASSWORD", "valueFrom": f"{SECRET}:password::"},
        {"name": "DB_PASSWORD_OLD", "valueFrom": f"{SECRET}:password:AWSPREVIOUS:"},
    ]
    assert containers["migrate"]["secrets"] == [{"name": "DB_PASSWORD", "valueFrom": f"{SECRET}:password::"}]
    assert "secrets" not in containers["envoy"]
    assert containers["app"]["environment"] == [{"name": "LOG_LEVEL", "value": "info"}]


def test_the_execution_role_reads_exactly_the_named_secrets_and_decrypts_with_the_named_key(synthesized):
    doc = synthesized["real-service"].doc
    policy = resource(doc, "aws_iam_role_policy", "iam/execution-secrets")
    assert policy["role"] == ref(doc, "aws_iam_role", "iam/execution", "name")
    assert json.loads(policy["policy"])["Statement"] == [
        {"Sid": "ReadSecrets", "Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": [SECRET]},
        {"Sid": "ReadParameters", "Effect": "Allow", "Action": "ssm:GetParameters", "Resource": [PARAMETER]},
        {"Sid": "KmsDecrypt", "Effect": "Allow", "Action": "kms:Decrypt", "Resource": KMS_KEY},
    ]


def test_sidecars_carry_their_dependencies_health_checks_ports_and_logs(synthesized):
    containers = _containers(synthesized)
    app, router, envoy, migrate = (containers[n] for n in ("app", "log-router", "envoy", "migrate"))
    assert app["dependsOn"] == [
        {"containerName": "envoy", "condition": "HEALTHY"},
        {"containerName": "migrate", "condition": "SUCCESS"},
    ]
    assert envoy["dependsOn"] == [{"containerName": "log-router", "condition": "START"}]
    assert app["healthCheck"] == {
        "command": ["CMD-SHELL", "curl -f http://localhost/ || exit 1"],
        "interval": 30,
        "timeout": 5,
        "retries": 3,
        "startPeriod": 30,
    }
    assert envoy["healthCheck"] == {
        "command": ["CMD", "curl", "-f", "http://localhost:9901/ready"],
        "interval": 30,
        "timeout": 5,
        "retries": 5,
    }
    assert envoy["portMappings"] == [{"containerPort": 9901, "hostPort": 9901, "protocol": "tcp"}]
    assert (migrate["essential"], migrate["command"]) == (False, ["./migrate", "up"])
    assert router["firelensConfiguration"] == {"type": "fluentbit"}
    assert router["logConfiguration"]["logDriver"] == "awslogs"
    assert router["logConfiguration"]["options"]["awslogs-stream-prefix"] == "log-router"
    assert app["logConfiguration"] == {
        "logDriver": "awsfirelens",
        "options": {
            "Name": "cloudwatch_logs",
            "region": "ap-northeast-1",
            "log_group_name": "/web/app",
            "auto_create_group": "true",
        },
    }


def test_the_load_balancer_probes_its_own_path_and_port_and_may_reach_it(synthesized):
    doc = synthesized["real-service"].doc
    for color in ("blue", "green"):
        group = resource(doc, "aws_lb_target_group", f"load-balancer/{color}")
        assert group["port"] == 80
        assert (group["health_check"]["path"], group["health_check"]["port"]) == ("/ready", "9901")
    rule = resource(doc, "aws_vpc_security_group_ingress_rule", "ecs/from-lb-health")
    assert (rule["from_port"], rule["to_port"]) == (9901, 9901)
    assert rule["referenced_security_group_id"] == ref(doc, "aws_security_group", "load-balancer/sg", "id")
    # The default probes the traffic port, and writes no port at all.
    default = resource(synthesized["defaults"].doc, "aws_lb_target_group", "load-balancer/blue")
    assert "port" not in default["health_check"]


def test_the_task_role_gets_the_typed_statements(synthesized):
    doc = synthesized["real-service"].doc
    policy = resource(doc, "aws_iam_role_policy", "iam/task-statements")
    assert policy["role"] == ref(doc, "aws_iam_role", "iam/task", "name")
    assert json.loads(policy["policy"])["Statement"] == [
        {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": ["arn:aws:s3:::web-assets/*"]},
        {
            "Effect": "Allow",
            "Action": ["sqs:SendMessage"],
            "Resource": [f"arn:aws:sqs:ap-northeast-1:{ACCOUNT}:web-jobs"],
            "Condition": {"Bool": {"aws:SecureTransport": ["true"]}},
        },
    ]


def test_ecs_exec_is_on_with_session_logging_and_its_grants(synthesized):
    doc = synthesized["real-service"].doc
    assert resource(doc, "aws_ecs_service", "ecs/service")["enable_execute_command"] is True
    logs = resource(doc, "aws_cloudwatch_log_group", "ecs/exec-logs")
    assert logs["name"] == "/ecs/web-real/exec"
    config = resource(doc, "aws_ecs_cluster", "ecs/cluster")["configuration"]["execute_command_configuration"]
    assert config == {
        "kms_key_id": KMS_KEY,
        "logging": "OVERRIDE",
        "log_configuration": {
            "cloud_watch_log_group_name": ref(doc, "aws_cloudwatch_log_group", "ecs/exec-logs", "name")
        },
    }
    statements = json.loads(resource(doc, "aws_iam_role_policy", "iam/task-exec")["policy"])["Statement"]
    assert [s["Sid"] for s in statements] == ["ExecChannels", "ExecFindLogGroup", "ExecWriteLogs", "ExecDecrypt"]
    # Off by default: no flag, no grant, no cluster configuration.
    default = synthesized["defaults"].doc
    assert "enable_execute_command" not in resource(default, "aws_ecs_service", "ecs/service")
    assert "configuration" not in resource(default, "aws_ecs_cluster", "ecs/cluster")
    assert resources(default, "aws_iam_role_policy") == {}


def test_the_default_task_definition_is_unchanged_by_the_new_settings(synthesized):
    (container,) = json.loads(
        resource(synthesized["defaults"].doc, "aws_ecs_task_definition", "ecs/task")["container_definitions"]
    )
    assert sorted(container) == [
        "environment",
        "essential",
        "image",
        "logConfiguration",
        "mountPoints",
        "name",
        "portMappings",
        "systemControls",
        "volumesFrom",
    ]


def test_a_secret_arn_from_another_resource_of_the_stack_passes_and_is_granted():
    """A token (a secret the consumer's stack creates) is checked by Terraform at apply; it is
    granted both read actions, each of which grants nothing on the other service's resource."""
    token = "${TfToken[TOKEN.42]}"
    secret = SecretProps(arn=token)
    assert secret.value_from == token
    assert secret_grants(ServiceProps(image=IMAGE, secrets={"DB": secret})) == [
        {"Sid": "ReadSecrets", "Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": [token]},
        {"Sid": "ReadParameters", "Effect": "Allow", "Action": "ssm:GetParameters", "Resource": [token]},
    ]
    assert SecretProps(arn=token, json_key="password").value_from == f"{token}:password::"


def _service(**kwargs) -> ServiceProps:
    return ServiceProps(image=IMAGE, **kwargs)


def _app(service: ServiceProps | None = None, **kwargs) -> BlueGreenServiceProps:
    return BlueGreenServiceProps(name="web", service=service or _service(), **kwargs)


SIDECAR = ContainerProps(name="agent", image="public.ecr.aws/datadog/agent:7", ports=(8126,))
CHECK = ContainerHealthCheckProps(command=("CMD", "true"))

REFUSED = {
    "a partial secret ARN": (
        lambda: SecretProps(arn=f"arn:aws:secretsmanager:ap-northeast-1:{ACCOUNT}:secret:db"),
        r"^secret\.arn: .*6 characters Secrets Manager appends",
    ),
    "a secret ARN of another service": (
        lambda: SecretProps(arn=f"arn:aws:s3:::{ACCOUNT}-bucket"),
        r"^secret\.arn: .*secretsmanager secret",
    ),
    "a JSON key of a parameter": (
        lambda: SecretProps(arn=PARAMETER, json_key="password"),
        r"^secret\.json_key: .*SSM parameters have no JSON keys",
    ),
    "a JSON key with a colon": (lambda: SecretProps(arn=SECRET, json_key="a:b"), r"^secret\.json_key: .*without ':'"),
    "a variable both plain and secret": (
        lambda: _service(environment={"DB_PASSWORD": "x"}, secrets={"DB_PASSWORD": SecretProps(arn=SECRET)}),
        r"^service\.secrets\.DB_PASSWORD: invalid name 'DB_PASSWORD'\. DB_PASSWORD is both a plain environment "
        r"variable and a secret",
    ),
    "a secret named like no variable": (
        lambda: _service(secrets={"1DB": SecretProps(arn=SECRET)}),
        r"^service\.secrets\.1DB: invalid name '1DB'\. Name variables",
    ),
    "a KMS key without secrets": (
        lambda: _service(secrets_kms_key_arn=KMS_KEY),
        r"^service\.secrets_kms_key_arn: .*No container has secrets",
    ),
    "a dependency on a missing container": (
        lambda: _service(depends_on={"envoy": "START"}),
        r"^service\.depends_on\.envoy: invalid name 'envoy'\. .*no other container named 'envoy'",
    ),
    "a dependency on itself": (
        lambda: _service(sidecars=(ContainerProps(name="a", image=IMAGE, depends_on={"a": "START"}),)),
        r"^service\.sidecars\[0\]\.depends_on\.a: .*no other container named 'a'",
    ),
    "a cycle": (
        lambda: _service(
            depends_on={"a": "START"},
            sidecars=(
                ContainerProps(name="a", image=IMAGE, depends_on={"b": "START"}),
                ContainerProps(name="b", image=IMAGE, depends_on={"app": "START"}),
            ),
        ),
        r"^service\.sidecars\[0\]\.depends_on: invalid value 'a → b → app → a'\. .*never start",
    ),
    "HEALTHY without a health check": (
        lambda: _service(depends_on={"agent": "HEALTHY"}, sidecars=(SIDECAR,)),
        r"^service\.depends_on\.agent: .*no health check",
    ),
    "SUCCESS of an essential container": (
        lambda: _service(depends_on={"agent": "SUCCESS"}, sidecars=(SIDECAR,)),
        r"^service\.depends_on\.agent: .*essential=False",
    ),
    "a sidecar named like the app": (
        lambda: _service(sidecars=(ContainerProps(name="app", image=IMAGE),)),
        r"^service\.sidecars\[0\]\.name: .*The app container has this name already",
    ),
    "two containers on one port": (
        lambda: _service(sidecars=(ContainerProps(name="b", image=IMAGE, ports=(80,)),)),
        r"^service\.sidecars\[0\]\.ports: invalid value 80\. The app container \(app\) listens",
    ),
    "firelens without a router": (
        lambda: _service(log=LogProps(driver="awsfirelens")),
        r"^service\.log\.driver: .*No container of the task is a FireLens log router",
    ),
    "two routers": (
        lambda: _service(
            sidecars=(
                ContainerProps(name="a", image=IMAGE, firelens="fluentbit"),
                ContainerProps(name="b", image=IMAGE, firelens="fluentd"),
            )
        ),
        r"^service\.sidecars\[1\]\.firelens: .*a is the task's log router already",
    ),
    "awslogs options the stack sets": (
        lambda: LogProps(options={"awslogs-group": "x"}),
        r"^log\.options: invalid value 'awslogs-group'",
    ),
    "a health check without CMD": (
        lambda: ContainerHealthCheckProps(command=("curl", "-f", "http://localhost/")),
        r"^health_check\.command: .*Start with 'CMD'",
    ),
    "a health check timeout too long": (
        lambda: ContainerHealthCheckProps(command=("CMD", "true"), timeout_seconds=61),
        r"^health_check\.timeout_seconds: .*2 to 60",
    ),
    "a health check retry count ECS refuses": (
        lambda: ContainerHealthCheckProps(command=("CMD", "true"), retries=11),
        r"^health_check\.retries: .*1 to 10",
    ),
    "a start period over 300 s": (
        lambda: ContainerHealthCheckProps(command=("CMD", "true"), start_period_seconds=301),
        r"^health_check\.start_period_seconds: .*0 to 300",
    ),
    "a load balancer probe on a port no container has": (
        lambda: _app(load_balancer=LoadBalancerProps(health_check=HealthCheckProps(port=9901))),
        r"^load_balancer\.health_check\.port: invalid value 9901\. No container of the task listens on it",
    ),
    "every action on every resource": (
        lambda: PolicyStatementProps(actions=("*",), resources=("*",)),
        r"^policy_statement\.actions: .*administrator of the account",
    ),
    "every action of every service on every resource": (
        lambda: PolicyStatementProps(actions=("s3:GetObject", "*:*"), resources=("*",)),
        r"^policy_statement\.actions: .*administrator",
    ),
    "an action without its service": (
        lambda: PolicyStatementProps(actions=("GetObject",), resources=("*",)),
        r"^policy_statement\.actions\[0\]: .*'<service>:<Action>'",
    ),
    "a resource that is no ARN": (
        lambda: PolicyStatementProps(actions=("s3:GetObject",), resources=("my-bucket",)),
        r"^policy_statement\.resources\[0\]: .*Use an ARN",
    ),
    "no actions": (
        lambda: PolicyStatementProps(actions=(), resources=("*",)),
        r"^policy_statement\.actions: .*at least one",
    ),
    "a condition operator IAM has not": (
        lambda: PolicyStatementProps(actions=("s3:GetObject",), resources=("*",), conditions={"String Equals": {}}),
        r"^policy_statement\.conditions\.String Equals: invalid name .*condition operator",
    ),
    "statements without a created task role": (
        lambda: IamProps(task_role_statements=(PolicyStatementProps(actions=("s3:GetObject",), resources=("*",)),)),
        r"^iam\.task_role_statements: .*create_task_role=True",
    ),
    "ECS Exec without a task role": (
        lambda: _app(_service(execute_command=ExecuteCommandProps())),
        r"^service\.execute_command: .*iam\.create_task_role=True",
    ),
    "two functions for AfterAllowTestTraffic": (
        lambda: DeploymentProps(hooks={"AfterAllowTestTraffic": "f"}, test_traffic_hook=TestTrafficHookProps()),
        r"^deployment\.test_traffic_hook: .*an event runs one function",
    ),
    "a test-traffic hook without a NAT gateway": (
        lambda: _app(
            network=NetworkProps(nat_gateway=False),
            deployment=DeploymentProps(test_traffic_hook=TestTrafficHookProps()),
        ),
        r"^network\.nat_gateway: invalid value False\. The test-traffic hook .*through the NAT gateway",
    ),
    "a test-traffic hook in your VPC without its NAT's address": (
        lambda: _app(
            network=NetworkProps(
                vpc_id="vpc-0123456789abcdef0",
                public_subnet_ids=("subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"),
                private_subnet_ids=("subnet-0bbbbbbbbbbbbbbb1", "subnet-0bbbbbbbbbbbbbbb2"),
            ),
            deployment=DeploymentProps(test_traffic_hook=TestTrafficHookProps()),
        ),
        r"^load_balancer\.test_ingress_cidrs: .*list the NAT's public address",
    ),
    "test code that is not there": (
        lambda: TestTrafficHookProps(source_dir="no/such/folder"),
        r"^deployment\.test_traffic_hook\.source_dir: .*No folder there",
    ),
    "the built-in with another handler": (
        lambda: TestTrafficHookProps(handler="tests.handler"),
        r"^deployment\.test_traffic_hook\.handler: .*set source_dir",
    ),
    "a variable the stack sets": (
        lambda: TestTrafficHookProps(environment={"TEST_URL": "x"}),
        r"^deployment\.test_traffic_hook\.environment\.TEST_URL: invalid name 'TEST_URL'",
    ),
    "a hook that is no Lambda function": (
        lambda: DeploymentProps(hooks={"AfterAllowTestTraffic": "my smoke test"}),
        r"^deployment\.hooks\.AfterAllowTestTraffic: .*Name a Lambda function",
    ),
    "a hook at an event ECS deployments have not": (
        lambda: DeploymentProps(hooks={"ApplicationStart": "f"}),
        r"^deployment\.hooks\.ApplicationStart: invalid name 'ApplicationStart'\. Use one of",
    ),
    "a hook of another region": (
        lambda: StackSettings(
            app=_app(
                deployment=DeploymentProps(hooks={"BeforeInstall": f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:f"})
            ),
            backend=StateBackendProps(bucket="b-tfstate", key="k"),
        ),
        r"^app\.deployment\.hooks\.BeforeInstall: .*The stack is in ap-northeast-1",
    ),
    "a repository name ECR refuses": (lambda: RepositoryProps(name="Shop/Web"), r"^repository\.name: .*lowercase"),
    "keeping no image": (lambda: RepositoryProps(keep_images=0), r"^repository\.keep_images: .*1 to 10000"),
    "ECS Exec logging on a cluster of someone else's": (
        lambda: _service(cluster_name="shared", execute_command=ExecuteCommandProps()),
        r"^service\.execute_command\.log_sessions: .*settings of the cluster",
    ),
}


@pytest.mark.parametrize("case", REFUSED)
def test_each_rule_is_one_line_naming_the_setting(case):
    build, pattern = REFUSED[case]
    with pytest.raises(SettingsError, match=pattern) as raised:
        build()
    assert "\n" not in str(raised.value)


def test_ecs_exec_with_your_own_task_role_is_yours_to_grant():
    props = _app(
        _service(execute_command=ExecuteCommandProps(log_sessions=False)),
        iam=IamProps(task_role_arn=f"arn:aws:iam::{ACCOUNT}:role/app"),
    )
    assert props.service.execute_command.log_sessions is False


def test_sidecars_and_secrets_load_from_json_and_errors_name_the_json_path():
    service = from_mapping(
        ServiceProps,
        {
            "image": IMAGE,
            "secrets": {"DB_PASSWORD": {"arn": SECRET, "json_key": "password"}},
            "depends_on": {"agent": "HEALTHY"},
            "sidecars": [
                {"name": "agent", "image": IMAGE, "ports": [8126], "health_check": {"command": ["CMD", "true"]}}
            ],
        },
        "app.service",
    )
    assert service.sidecars[0].ports == (8126,)
    assert service.secrets["DB_PASSWORD"].value_from == f"{SECRET}:password::"
    with pytest.raises(SettingsError, match=r"^app\.service\.sidecars\[1\]\.image: invalid value 'Bad Image'"):
        from_mapping(
            ServiceProps,
            {"image": IMAGE, "sidecars": [{"name": "a", "image": IMAGE}, {"name": "b", "image": "Bad Image"}]},
            "app.service",
        )
    with pytest.raises(SettingsError, match=r"^app\.service\.secrets\.DB\.arn: not set\. This setting is required"):
        from_mapping(ServiceProps, {"image": IMAGE, "secrets": {"DB": {}}}, "app.service")
    with pytest.raises(SettingsError, match=r"^app\.service\.sidecars\[0\]\.depends_on\.x: .*no other container"):
        from_mapping(
            ServiceProps,
            {"image": IMAGE, "sidecars": [{"name": "a", "image": IMAGE, "depends_on": {"x": "START"}}]},
            "app.service",
        )


def test_the_codedeploy_role_may_invoke_exactly_the_hooks_and_the_stack_outputs_them(synthesized):
    doc = synthesized["real-service"].doc
    policy = resource(doc, "aws_iam_role_policy", "iam/codedeploy-hooks")
    assert policy["role"] == ref(doc, "aws_iam_role", "iam/codedeploy", "name")
    (statement,) = json.loads(policy["policy"])["Statement"]
    name_arn = (
        "arn:${data.aws_partition.blue-green_codedeploy_partition.partition}:lambda:"
        "${data.aws_region.blue-green_codedeploy_region.name}:"
        "${data.aws_caller_identity.blue-green_codedeploy_account.account_id}:function:web-real-migrations"
    )
    notify = f"arn:aws:lambda:ap-northeast-1:{ACCOUNT}:function:web-real-notify:live"
    created = ref(doc, "aws_lambda_function", "test-traffic-hook/function", "arn")
    # In the order the events happen: BeforeInstall, AfterAllowTestTraffic, AfterAllowTraffic.
    assert statement == {
        "Sid": "InvokeHooks",
        "Effect": "Allow",
        "Action": "lambda:InvokeFunction",
        "Resource": [name_arn, created, notify],
    }
    # `bluegreen deploy` writes them into the AppSpec in the order the events happen.
    assert doc["output"]["hooks"]["value"] == {
        "BeforeInstall": "web-real-migrations",
        "AfterAllowTestTraffic": ref(doc, "aws_lambda_function", "test-traffic-hook/function", "function_name"),
        "AfterAllowTraffic": notify,
    }
    # A role passed in by ARN is its owner's to grant: the stack adds nothing to it.
    assert resources(synthesized["reuse"].doc, "aws_iam_role_policy") == {}


def test_the_built_in_test_traffic_hook_runs_in_the_task_subnets_and_reaches_the_test_listener(synthesized):
    doc = synthesized["real-service"].doc
    function = resource(doc, "aws_lambda_function", "test-traffic-hook/function")
    lb_dns = ref(doc, "aws_lb", "load-balancer/lb", "dns_name")
    assert function["environment"]["variables"] == {"TEST_URL": f"http://{lb_dns}:8080", "TEST_PATH": "/ready"}
    assert (function["handler"], function["runtime"], function["function_name"]) == (
        "smoke_test.handler",
        "python3.12",
        "web-real-test-traffic",
    )
    assert function["vpc_config"]["subnet_ids"] == [
        ref(doc, "aws_subnet", f"network/private-{i}", "id") for i in (0, 1)
    ]
    assert function["filename"].startswith("assets/") and function["filename"].endswith("/smoke_test.zip")
    role = resource(doc, "aws_iam_role", "test-traffic-hook/role")
    assert json.loads(role["assume_role_policy"])["Statement"][0]["Principal"] == {"Service": "lambda.amazonaws.com"}
    (report,) = json.loads(resource(doc, "aws_iam_role_policy", "test-traffic-hook/report")["policy"])["Statement"]
    assert (report["Action"], report["Resource"]) == (
        "codedeploy:PutLifecycleEventHookExecutionStatus",
        ref(doc, "aws_codedeploy_deployment_group", "codedeploy/group", "arn"),
    )
    # Internet-facing: the function comes back from the NAT gateway's address; only that is let in.
    nat = resource(doc, "aws_vpc_security_group_ingress_rule", "load-balancer/test-ingress-nat")
    assert (nat["cidr_ipv4"], nat["from_port"]) == (f"{ref(doc, 'aws_eip', 'network/nat-eip', 'public_ip')}/32", 8080)
    # Internal: by its security group.
    internal = synthesized["https-plain-test"].doc
    rule = resource(internal, "aws_vpc_security_group_ingress_rule", "load-balancer/test-ingress-hook")
    assert rule["referenced_security_group_id"] == ref(internal, "aws_security_group", "test-traffic-hook/sg", "id")


def test_the_built_in_hook_archive_is_the_same_bytes_every_time():
    from ecs_bluegreen.constructs.test_hook import built_in_archive

    first = built_in_archive().read_bytes()
    assert built_in_archive().read_bytes() == first


def test_the_repository_scans_keeps_tags_expires_old_images_and_encrypts(synthesized):
    doc = synthesized["real-service"].doc
    repo = resource(doc, "aws_ecr_repository", "repository/repository")
    assert (repo["name"], repo["image_tag_mutability"]) == ("web-real", "IMMUTABLE")
    assert repo["image_scanning_configuration"] == {"scan_on_push": True}
    assert repo["encryption_configuration"] == [{"encryption_type": "KMS", "kms_key": KMS_KEY}]
    assert "force_delete" not in repo
    rules = json.loads(resource(doc, "aws_ecr_lifecycle_policy", "repository/lifecycle")["policy"])["rules"]
    assert [r["selection"] for r in rules] == [
        {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 50}
    ]
    assert REPOSITORY_OUTPUTS == ("repository_url",)  # API: readers depend on the name
    assert doc["output"]["repository_url"]["value"] == ref(
        doc, "aws_ecr_repository", "repository/repository", "repository_url"
    )
    reuse = resource(synthesized["reuse"].doc, "aws_ecr_repository", "repository/repository")
    assert (reuse["name"], reuse["image_tag_mutability"], reuse["force_delete"]) == ("shop/web", "MUTABLE", True)
    assert reuse["encryption_configuration"] == [{"encryption_type": "AES256"}]
    # None unless asked.
    assert resources(synthesized["defaults"].doc, "aws_ecr_repository") == {}
    assert "repository_url" not in synthesized["defaults"].doc["output"]


def test_the_readmes_real_service_synthesizes_as_written_and_validates(tmp_path, terraform):
    """The block is run as a user runs it: a Python process of its own in an empty folder (jsii
    writes relative to the folder its Node process started in)."""
    import subprocess
    import sys

    readme = (ROOT / "README.md").read_text()
    code = readme.split("## A real service", 1)[1].split("```python\n", 1)[1].split("```", 1)[0]
    (tmp_path / "main.py").write_text(code)
    proc = subprocess.run([sys.executable, "main.py"], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert (proc.returncode, proc.stderr) == (0, ""), proc.stderr
    workdir = tmp_path / "cdktf.out" / "stacks" / "shop-web"
    doc = json.loads((workdir / "cdk.tf.json").read_text())
    containers = json.loads(resource(doc, "aws_ecs_task_definition", "ecs/task")["container_definitions"])
    assert [c["name"] for c in containers] == ["app", "otel"]
    assert {s["name"] for s in containers[0]["secrets"]} == {"DB_PASSWORD", "API_KEY"}
    assert containers[0]["dependsOn"] == [{"containerName": "otel", "condition": "HEALTHY"}]
    assert "healthCheck" in containers[0] and "healthCheck" in containers[1]
    assert set(resources(doc, "aws_iam_role_policy")) == {
        "blue-green/iam/execution-secrets",
        "blue-green/iam/task-statements",
        "blue-green/iam/task-exec",
        "blue-green/iam/codedeploy-hooks",
        "blue-green/test-traffic-hook/report",
    }
    assert resource(doc, "aws_lb_target_group", "load-balancer/blue")["health_check"]["port"] == "13133"
    assert doc["output"]["hooks"]["value"] == {
        "AfterAllowTestTraffic": ref(doc, "aws_lambda_function", "test-traffic-hook/function", "function_name"),
        "AfterAllowTraffic": "shop-web-notify",
    }
    assert "repository_url" in doc["output"]
    result = terraform.validate(workdir)
    assert result["valid"] and result["warning_count"] == 0, result["diagnostics"]


def _smoke_test():
    """The built-in hook's module, loaded from its file as Lambda loads it."""
    import importlib.util
    import sys

    from ecs_bluegreen.constructs.test_hook import BUILT_IN

    spec = importlib.util.spec_from_file_location("smoke_test", BUILT_IN)
    module = importlib.util.module_from_spec(spec)
    writes, sys.dont_write_bytecode = sys.dont_write_bytecode, True  # nothing next to the asset's source
    try:
        spec.loader.exec_module(module)
    finally:
        sys.dont_write_bytecode = writes
    return module


@pytest.fixture
def answering(tmp_path):
    """A loopback HTTP server answering each path with the status it names (/200, /500)."""
    import http.server
    import threading

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(int(self.path.strip("/")))
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def test_the_built_in_smoke_test_passes_2xx_and_fails_5xx_and_silence(answering):
    smoke = _smoke_test()
    assert smoke.check(f"{answering}/200", attempts=1, pause=0) == (True, "HTTP 200")
    assert smoke.check(f"{answering}/500", attempts=2, pause=0) == (False, "HTTP 500")
    passed, seen = smoke.check("http://127.0.0.1:9/", attempts=1, pause=0)
    assert not passed and seen.startswith("no answer")


def test_the_built_in_smoke_test_reports_its_result_to_codedeploy(answering, monkeypatch):
    import boto3
    from botocore.stub import Stubber

    smoke = _smoke_test()
    client = boto3.client("codedeploy", region_name="ap-northeast-1", aws_access_key_id="x", aws_secret_access_key="x")
    monkeypatch.setattr(smoke, "_codedeploy", lambda: client)
    monkeypatch.setattr(smoke, "ATTEMPTS", 1)
    event = {"DeploymentId": "d-1", "LifecycleEventHookExecutionId": "h-1"}
    with Stubber(client) as stub:
        for path, status in (("/200", "Succeeded"), ("/503", "Failed")):
            stub.add_response(
                "put_lifecycle_event_hook_execution_status",
                {"lifecycleEventHookExecutionId": "h-1"},
                {"deploymentId": "d-1", "lifecycleEventHookExecutionId": "h-1", "status": status},
            )
            monkeypatch.setenv("TEST_URL", answering)
            monkeypatch.setenv("TEST_PATH", path)
            assert smoke.handler(event, None)["status"] == status
        stub.assert_no_pending_responses()
