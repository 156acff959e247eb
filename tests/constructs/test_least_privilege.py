"""Least privilege, over every scenario stack: roles hold only what each needs, security groups
open only the listed ports to the listed sources, and the test listener is closed unless named."""

from __future__ import annotations

import json

import pytest
from helpers import ref, resource, resources
from scenarios import SCENARIOS

from ecs_bluegreen import BootstrapSettings
from ecs_bluegreen.constructs.ecs import EXEC_CHANNELS
from ecs_bluegreen.settings.containers import SECRETS_MANAGER_READ, SSM_READ

SERVICE_STACKS = [name for name, s in SCENARIOS.items() if not isinstance(s, BootstrapSettings)]
MANAGED_POLICIES = {
    "iam/codedeploy-policy": ":iam::aws:policy/AWSCodeDeployRoleForECS",
    "iam/execution-policy": ":iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy",
    "test-traffic-hook/role-policy": ":iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole",
}


@pytest.mark.parametrize("name", SERVICE_STACKS)
def test_roles_have_one_trusted_service_and_only_their_managed_policy(synthesized, name):
    doc = synthesized[name].doc
    trusted = {
        "iam/codedeploy": "codedeploy.amazonaws.com",
        "iam/execution": "ecs-tasks.amazonaws.com",
        "iam/task": "ecs-tasks.amazonaws.com",
        "test-traffic-hook/role": "lambda.amazonaws.com",
    }
    for path, role in resources(doc, "aws_iam_role").items():
        (statement,) = json.loads(role["assume_role_policy"])["Statement"]
        assert statement == {
            "Effect": "Allow",
            "Action": "sts:AssumeRole",
            "Principal": {"Service": trusted[path.split("/", 1)[1]]},
        }
    settings = SCENARIOS[name]
    for path, attachment in resources(doc, "aws_iam_role_policy_attachment").items():
        short = path.split("/", 1)[1]
        if short in MANAGED_POLICIES:
            assert attachment["policy_arn"].endswith(MANAGED_POLICIES[short])
        else:  # a created task role gets exactly the policies listed
            assert attachment["policy_arn"] in settings.app.iam.task_role_policy_arns


def _inline_policies(doc) -> dict[str, tuple[str, list[dict]]]:
    """Each inline grant by its construct path: the role it is on, and its statements."""
    return {
        path.split("/", 1)[1]: (policy["role"], json.loads(policy["policy"])["Statement"])
        for path, policy in resources(doc, "aws_iam_role_policy").items()
    }


def _as_list(value) -> list[str]:
    return value if isinstance(value, list) else [value]


@pytest.mark.parametrize("name", SERVICE_STACKS)
def test_inline_grants_are_exactly_what_the_settings_name(synthesized, name):
    """The execution role reads exactly the secrets named (and decrypts with the key named); the
    task role gets exactly the statements given, and ECS Exec's channels; nothing else is inline,
    and no statement allows every action on every resource."""
    doc, app = synthesized[name].doc, SCENARIOS[name].app
    policies = _inline_policies(doc)
    role = {
        kind: ref(doc, "aws_iam_role", f"iam/{kind}", "name")
        for kind in ("execution", "task")
        if f"blue-green/iam/{kind}" in resources(doc, "aws_iam_role")
    }
    expected = {}
    secrets = [s for _, c in app.service.containers for s in c.secrets.values()]
    if secrets and app.iam.execution_role_arn is None:
        reads = {
            SECRETS_MANAGER_READ: sorted({s.arn for s in secrets if ":secretsmanager:" in s.arn}),
            SSM_READ: sorted({s.arn for s in secrets if ":ssm:" in s.arn}),
        }
        statements = [
            {"Sid": sid, "Effect": "Allow", "Action": action, "Resource": reads[action]}
            for sid, action in (("ReadSecrets", SECRETS_MANAGER_READ), ("ReadParameters", SSM_READ))
            if reads[action]
        ]
        if app.service.secrets_kms_key_arn:
            statements.append(
                {
                    "Sid": "KmsDecrypt",
                    "Effect": "Allow",
                    "Action": "kms:Decrypt",
                    "Resource": app.service.secrets_kms_key_arn,
                }
            )
        expected["iam/execution-secrets"] = (role["execution"], statements)
    if app.iam.task_role_statements:
        expected["iam/task-statements"] = (role["task"], [s.render() for s in app.iam.task_role_statements])
    exec_ = app.service.execute_command
    if exec_ is not None and app.iam.create_task_role:
        logs = ref(doc, "aws_cloudwatch_log_group", "ecs/exec-logs", "arn")
        _, statements = policies["iam/task-exec"]
        assert statements[0] == {
            "Sid": "ExecChannels",
            "Effect": "Allow",
            "Action": list(EXEC_CHANNELS),
            "Resource": "*",
        }
        for statement in statements[1:]:  # "*" only for the channels, which have no resource types in IAM
            assert statement["Resource"] != "*"
        writes = [s for s in statements if s["Sid"] == "ExecWriteLogs"]
        assert [w["Resource"] for w in writes] == ([f"{logs}:*"] if exec_.log_sessions else [])
        decrypt = [s["Resource"] for s in statements if s["Action"] == "kms:Decrypt"]
        assert decrypt == ([exec_.kms_key_arn] if exec_.kms_key_arn else [])
        expected["iam/task-exec"] = (role["task"], statements)
    hook = app.deployment.test_traffic_hook
    if (app.deployment.hooks or hook) and app.iam.codedeploy_role_arn is None:
        _, statements = policies["iam/codedeploy-hooks"]
        (statement,) = statements
        created = [ref(doc, "aws_lambda_function", "test-traffic-hook/function", "arn")] if hook else []
        assert (statement["Action"], len(statement["Resource"])) == (
            "lambda:InvokeFunction",
            len(set(app.deployment.hooks.values())) + len(created),
        )
        for function in app.deployment.hooks.values():
            assert [r for r in statement["Resource"] if r.endswith(f":function:{function.split(':function:')[-1]}")]
        assert set(created) <= set(statement["Resource"])
        expected["iam/codedeploy-hooks"] = (ref(doc, "aws_iam_role", "iam/codedeploy", "name"), statements)
    if hook:
        group = ref(doc, "aws_codedeploy_deployment_group", "codedeploy/group", "arn")
        expected["test-traffic-hook/report"] = (
            ref(doc, "aws_iam_role", "test-traffic-hook/role", "name"),
            [
                {
                    "Sid": "ReportHookStatus",
                    "Effect": "Allow",
                    "Action": "codedeploy:PutLifecycleEventHookExecutionStatus",
                    "Resource": group,
                }
            ],
        )
    assert policies == expected
    for _, statements in policies.values():
        for statement in statements:
            assert not ({"*", "*:*"} & set(_as_list(statement["Action"])) and "*" in _as_list(statement["Resource"]))


@pytest.mark.parametrize("name", SERVICE_STACKS)
def test_load_balancer_opens_only_its_listener_ports_to_the_listed_cidrs(synthesized, name):
    doc = synthesized[name].doc
    lb = SCENARIOS[name].app.load_balancer
    allowed = {(lb.production_port, c) for c in lb.prod_ingress_cidrs}
    allowed |= {(lb.test_port, c) for c in lb.test_ingress_cidrs}
    if lb.redirects_http:
        allowed |= {(80, c) for c in lb.prod_ingress_cidrs}
    lb_sg = ref(doc, "aws_security_group", "load-balancer/sg", "id")
    if SCENARIOS[name].app.deployment.test_traffic_hook is not None:
        # The stack's test-traffic hook, on the test port only: by its group, or the NAT's address.
        allowed |= {
            (lb.test_port, ref(doc, "aws_security_group", "test-traffic-hook/sg", "id"))
            if lb.internal
            else (lb.test_port, f"{ref(doc, 'aws_eip', 'network/nat-eip', 'public_ip')}/32")
        }
    opened = {
        (r["from_port"], r.get("cidr_ipv4") or r.get("cidr_ipv6") or r.get("referenced_security_group_id"))
        for r in resources(doc, "aws_vpc_security_group_ingress_rule").values()
        if r["security_group_id"] == lb_sg
    }
    assert opened == allowed
    for rule in resources(doc, "aws_vpc_security_group_ingress_rule").values():
        assert rule["from_port"] == rule["to_port"] and rule["ip_protocol"] == "tcp"


@pytest.mark.parametrize("name", SERVICE_STACKS)
def test_tasks_are_reachable_only_from_the_load_balancer(synthesized, name):
    doc = synthesized[name].doc
    task_sg = ref(doc, "aws_security_group", "ecs/sg", "id")
    lb_sg = ref(doc, "aws_security_group", "load-balancer/sg", "id")
    app = SCENARIOS[name].app
    # The traffic port, and the health check's when it probes another one.
    ports = sorted({app.service.container_port, app.load_balancer.health_check.port or app.service.container_port})
    into_tasks = [
        r for r in resources(doc, "aws_vpc_security_group_ingress_rule").values() if r["security_group_id"] == task_sg
    ]
    assert sorted((r["referenced_security_group_id"], r["from_port"], r["to_port"]) for r in into_tasks) == [
        (lb_sg, port, port) for port in ports
    ]
    # The load balancer may send only to the tasks, on those ports.
    lb_egress = [
        r for r in resources(doc, "aws_vpc_security_group_egress_rule").values() if r["security_group_id"] == lb_sg
    ]
    assert sorted((r["referenced_security_group_id"], r["from_port"]) for r in lb_egress) == [
        (task_sg, port) for port in ports
    ]


@pytest.mark.parametrize("name", SERVICE_STACKS)
def test_test_listener_is_closed_unless_someone_is_named(synthesized, name):
    doc = synthesized[name].doc
    lb = SCENARIOS[name].app.load_balancer
    test_rules = [r for p, r in resources(doc, "aws_vpc_security_group_ingress_rule").items() if "/test-ingress-" in p]
    hook = 1 if SCENARIOS[name].app.deployment.test_traffic_hook is not None else 0
    assert len(test_rules) == len(lb.test_ingress_cidrs) + hook


@pytest.mark.parametrize("name", SERVICE_STACKS)
def test_tasks_get_no_public_ip_unless_asked(synthesized, name):
    service = resource(synthesized[name].doc, "aws_ecs_service", "ecs/service")
    assert service["network_configuration"]["assign_public_ip"] is SCENARIOS[name].app.service.assign_public_ip
