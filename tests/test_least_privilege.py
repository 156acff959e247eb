"""Least privilege, over every scenario stack: roles hold only what each needs, security groups
open only the listed ports to the listed sources, and the test listener is closed unless named."""

from __future__ import annotations

import json

import pytest
from ecs_bluegreen import BootstrapSettings
from helpers import ref, resource, resources
from scenarios import SCENARIOS

SERVICE_STACKS = [name for name, s in SCENARIOS.items() if not isinstance(s, BootstrapSettings)]
MANAGED_POLICIES = {
    "iam/codedeploy-policy": ":iam::aws:policy/AWSCodeDeployRoleForECS",
    "iam/execution-policy": ":iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy",
}


@pytest.mark.parametrize("name", SERVICE_STACKS)
def test_roles_have_one_trusted_service_and_only_their_managed_policy(synthesized, name):
    doc = synthesized[name].doc
    assert resources(doc, "aws_iam_role_policy") == {}  # no inline grants
    trusted = {"iam/codedeploy": "codedeploy.amazonaws.com", "iam/execution": "ecs-tasks.amazonaws.com",
               "iam/task": "ecs-tasks.amazonaws.com"}
    for path, role in resources(doc, "aws_iam_role").items():
        (statement,) = json.loads(role["assume_role_policy"])["Statement"]
        assert statement == {"Effect": "Allow", "Action": "sts:AssumeRole",
                             "Principal": {"Service": trusted[path.split("/", 1)[1]]}}
    settings = SCENARIOS[name]
    for path, attachment in resources(doc, "aws_iam_role_policy_attachment").items():
        short = path.split("/", 1)[1]
        if short in MANAGED_POLICIES:
            assert attachment["policy_arn"].endswith(MANAGED_POLICIES[short])
        else:  # a created task role gets exactly the policies listed
            assert attachment["policy_arn"] in settings.app.iam.task_role_policy_arns


@pytest.mark.parametrize("name", SERVICE_STACKS)
def test_load_balancer_opens_only_its_listener_ports_to_the_listed_cidrs(synthesized, name):
    doc = synthesized[name].doc
    lb = SCENARIOS[name].app.load_balancer
    allowed = {(lb.production_port, c) for c in lb.prod_ingress_cidrs}
    allowed |= {(lb.test_port, c) for c in lb.test_ingress_cidrs}
    if lb.redirects_http:
        allowed |= {(80, c) for c in lb.prod_ingress_cidrs}
    lb_sg = ref(doc, "aws_security_group", "load-balancer/sg", "id")
    opened = {(r["from_port"], r.get("cidr_ipv4") or r.get("cidr_ipv6"))
              for r in resources(doc, "aws_vpc_security_group_ingress_rule").values()
              if r["security_group_id"] == lb_sg}
    assert opened == allowed
    for rule in resources(doc, "aws_vpc_security_group_ingress_rule").values():
        assert rule["from_port"] == rule["to_port"] and rule["ip_protocol"] == "tcp"


@pytest.mark.parametrize("name", SERVICE_STACKS)
def test_tasks_are_reachable_only_from_the_load_balancer(synthesized, name):
    doc = synthesized[name].doc
    task_sg = ref(doc, "aws_security_group", "ecs/sg", "id")
    into_tasks = [r for r in resources(doc, "aws_vpc_security_group_ingress_rule").values()
                  if r["security_group_id"] == task_sg]
    port = SCENARIOS[name].app.service.container_port
    assert into_tasks == [resource(doc, "aws_vpc_security_group_ingress_rule", "ecs/from-lb")]
    assert into_tasks[0]["referenced_security_group_id"] == ref(doc, "aws_security_group", "load-balancer/sg", "id")
    assert (into_tasks[0]["from_port"], into_tasks[0]["to_port"]) == (port, port)
    # The load balancer may send only to the tasks, on that port.
    lb_egress = [r for r in resources(doc, "aws_vpc_security_group_egress_rule").values()
                 if r["security_group_id"] == ref(doc, "aws_security_group", "load-balancer/sg", "id")]
    assert [(r["referenced_security_group_id"], r["from_port"]) for r in lb_egress] == [(task_sg, port)]


@pytest.mark.parametrize("name", SERVICE_STACKS)
def test_test_listener_is_closed_unless_someone_is_named(synthesized, name):
    doc = synthesized[name].doc
    lb = SCENARIOS[name].app.load_balancer
    test_rules = [r for p, r in resources(doc, "aws_vpc_security_group_ingress_rule").items()
                  if "/test-ingress-" in p]
    assert len(test_rules) == len(lb.test_ingress_cidrs)


@pytest.mark.parametrize("name", SERVICE_STACKS)
def test_tasks_get_no_public_ip_unless_asked(synthesized, name):
    service = resource(synthesized[name].doc, "aws_ecs_service", "ecs/service")
    assert service["network_configuration"]["assign_public_ip"] is SCENARIOS[name].app.service.assign_public_ip
