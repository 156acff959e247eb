"""The stack with only the required settings: each default of the source setup, one per test."""

from __future__ import annotations

import json

import pytest
from helpers import assert_subset, data_sources, ref, resource, resources
from tiers import PROVIDER_PINS, bindings


@pytest.fixture(scope="module")
def doc(synthesized):
    return synthesized["defaults"].doc


def test_provider_region_is_tokyo_and_no_default_tags(doc):
    (provider,) = doc["provider"]["aws"]
    assert provider["region"] == "ap-northeast-1"
    assert "default_tags" not in provider


def test_backend_is_s3_encrypted_with_native_locking(doc):
    assert doc["terraform"]["backend"] == {
        "s3": {
            "bucket": "tests-tfstate",
            "key": "web-test/terraform.tfstate",
            "region": "ap-northeast-1",
            "encrypt": True,
            "use_lockfile": True,
        }
    }


def test_provider_is_pinned_to_the_version_of_the_bindings(doc):
    # Tier A's pin, 5.100.0, is the provider the Terraform tier finds in the mirror.
    assert bindings() in PROVIDER_PINS, f"add {bindings()} to tests/support/tiers.py"
    assert doc["terraform"]["required_providers"]["aws"] == PROVIDER_PINS[bindings()]


def test_vpc_spans_two_azs_with_public_and_private_subnets(doc):
    assert resource(doc, "aws_vpc", "network/vpc")["cidr_block"] == "10.0.0.0/16"
    subnets = resources(doc, "aws_subnet")
    assert {path.rsplit("/", 1)[1]: s["cidr_block"] for path, s in subnets.items()} == {
        "public-0": "10.0.0.0/20",
        "public-1": "10.0.16.0/20",
        "private-0": "10.0.64.0/20",
        "private-1": "10.0.80.0/20",
    }
    azs = [s["availability_zone"] for s in subnets.values()]
    assert all("data.aws_availability_zones" in az for az in azs)
    assert len(set(azs)) == 2
    assert not any(s.get("map_public_ip_on_launch") for s in subnets.values())


def test_default_security_group_of_the_vpc_is_closed(doc):
    default = resource(doc, "aws_default_security_group", "network/default-sg")
    assert default["vpc_id"] == ref(doc, "aws_vpc", "network/vpc", "id")
    assert "ingress" not in default and "egress" not in default  # Terraform removes every rule


def test_public_route_via_internet_gateway_private_via_one_nat(doc):
    routes = resources(doc, "aws_route")
    assert routes["blue-green/network/public-default"]["gateway_id"] == ref(
        doc, "aws_internet_gateway", "network/igw", "id"
    )
    assert routes["blue-green/network/private-default"]["nat_gateway_id"] == ref(
        doc, "aws_nat_gateway", "network/nat", "id"
    )
    assert len(resources(doc, "aws_nat_gateway")) == 1
    assert resource(doc, "aws_nat_gateway", "network/nat")["subnet_id"] == ref(
        doc, "aws_subnet", "network/public-0", "id"
    )
    assert len(resources(doc, "aws_route_table_association")) == 4


def test_load_balancer_is_an_internet_facing_alb_in_public_subnets(doc):
    lb = resource(doc, "aws_lb", "load-balancer/lb")
    assert_subset(
        lb,
        {
            "name": "web-test-alb",
            "load_balancer_type": "application",
            "internal": False,
            "drop_invalid_header_fields": True,
        },
    )
    assert lb["subnets"] == [ref(doc, "aws_subnet", f"network/public-{i}", "id") for i in range(2)]
    assert lb["security_groups"] == [ref(doc, "aws_security_group", "load-balancer/sg", "id")]


def test_production_port_is_open_to_the_world_and_test_port_closed(doc):
    rules = resources(doc, "aws_vpc_security_group_ingress_rule")
    lb_rules = {p: r for p, r in rules.items() if p.startswith("blue-green/load-balancer/")}
    assert len(lb_rules) == 1
    (rule,) = lb_rules.values()
    assert_subset(rule, {"cidr_ipv4": "0.0.0.0/0", "from_port": 80, "to_port": 80, "ip_protocol": "tcp"})
    assert not any(r.get("from_port") == 8080 for r in rules.values())


def test_tasks_accept_only_the_load_balancer_on_the_container_port(doc):
    lb_sg = ref(doc, "aws_security_group", "load-balancer/sg", "id")
    task_sg = ref(doc, "aws_security_group", "ecs/sg", "id")
    ingress = resource(doc, "aws_vpc_security_group_ingress_rule", "ecs/from-lb")
    assert_subset(
        ingress,
        {
            "security_group_id": task_sg,
            "referenced_security_group_id": lb_sg,
            "from_port": 80,
            "to_port": 80,
            "ip_protocol": "tcp",
        },
    )
    assert "cidr_ipv4" not in ingress
    egress = resource(doc, "aws_vpc_security_group_egress_rule", "ecs/lb-to-tasks")
    assert_subset(
        egress, {"security_group_id": lb_sg, "referenced_security_group_id": task_sg, "from_port": 80, "to_port": 80}
    )


def test_security_groups_have_no_inline_rules(doc):
    # Inline rules and separate rule resources fight each other in Terraform.
    for sg in resources(doc, "aws_security_group").values():
        assert "ingress" not in sg and "egress" not in sg


@pytest.mark.parametrize("color", ["blue", "green"])
def test_target_groups_are_ip_http_with_health_check_root(doc, color):
    tg = resource(doc, "aws_lb_target_group", f"load-balancer/{color}")
    assert_subset(
        tg,
        {
            "name": f"web-test-{color}",
            "target_type": "ip",
            "protocol": "HTTP",
            "port": 80,
            "deregistration_delay": "300",
            "vpc_id": ref(doc, "aws_vpc", "network/vpc", "id"),
            "health_check": {
                "enabled": True,
                "protocol": "HTTP",
                "path": "/",
                "matcher": "200",
                "interval": 30,
                "timeout": 5,
                "healthy_threshold": 5,
                "unhealthy_threshold": 2,
            },
        },
    )


@pytest.mark.parametrize("listener,port,color", [("prod", 80, "blue"), ("test", 8080, "green")])
def test_listener_forwards_to_its_target_group(doc, listener, port, color):
    body = resource(doc, "aws_lb_listener", f"load-balancer/{listener}-listener")
    assert_subset(
        body, {"port": port, "protocol": "HTTP", "load_balancer_arn": ref(doc, "aws_lb", "load-balancer/lb", "arn")}
    )
    assert body["default_action"] == [
        {
            "type": "forward",
            "target_group_arn": ref(doc, "aws_lb_target_group", f"load-balancer/{color}", "arn"),
        }
    ]


@pytest.mark.parametrize("listener", ["prod", "test"])
def test_listener_actions_are_left_to_codedeploy(doc, listener):
    body = resource(doc, "aws_lb_listener", f"load-balancer/{listener}-listener")
    assert body["lifecycle"] == {"ignore_changes": ["default_action"]}


def test_codedeploy_role_is_assumed_by_codedeploy_with_the_ecs_managed_policy(doc):
    role = resource(doc, "aws_iam_role", "iam/codedeploy")
    assert role["name"] == "web-test-codedeploy"
    assert json.loads(role["assume_role_policy"])["Statement"] == [
        {
            "Effect": "Allow",
            "Principal": {"Service": "codedeploy.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    ]
    attachment = resource(doc, "aws_iam_role_policy_attachment", "iam/codedeploy-policy")
    assert attachment["role"] == ref(doc, "aws_iam_role", "iam/codedeploy", "name")
    assert attachment["policy_arn"].endswith(":iam::aws:policy/AWSCodeDeployRoleForECS")
    assert "data.aws_partition" in attachment["policy_arn"]


def test_execution_role_has_the_task_execution_policy_and_no_task_role(doc):
    role = resource(doc, "aws_iam_role", "iam/execution")
    assert json.loads(role["assume_role_policy"])["Statement"][0]["Principal"] == {
        "Service": "ecs-tasks.amazonaws.com"
    }
    attachment = resource(doc, "aws_iam_role_policy_attachment", "iam/execution-policy")
    assert attachment["policy_arn"].endswith(":iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy")
    assert len(resources(doc, "aws_iam_role")) == 2
    assert "task_role_arn" not in resource(doc, "aws_ecs_task_definition", "ecs/task")


def test_cluster_has_container_insights(doc):
    cluster = resource(doc, "aws_ecs_cluster", "ecs/cluster")
    assert cluster["name"] == "web-test"
    assert cluster["setting"] == [{"name": "containerInsights", "value": "enabled"}]


def test_task_definition_is_fargate_with_the_smallest_size(doc):
    task = resource(doc, "aws_ecs_task_definition", "ecs/task")
    assert_subset(
        task,
        {
            "family": "web-test",
            "requires_compatibilities": ["FARGATE"],
            "network_mode": "awsvpc",
            "cpu": "256",
            "memory": "512",
            "execution_role_arn": ref(doc, "aws_iam_role", "iam/execution", "arn"),
        },
    )


def test_container_definition_runs_the_image_and_logs_to_its_group(doc):
    task = resource(doc, "aws_ecs_task_definition", "ecs/task")
    (container,) = json.loads(task["container_definitions"])
    assert_subset(
        container,
        {
            "name": "app",
            "image": "public.ecr.aws/nginx/nginx:1.27",
            "essential": True,
            "portMappings": [{"containerPort": 80, "hostPort": 80, "protocol": "tcp"}],
            "environment": [],
            "logConfiguration": {
                "logDriver": "awslogs",
                "options": {
                    "awslogs-group": ref(doc, "aws_cloudwatch_log_group", "ecs/logs", "name"),
                    "awslogs-stream-prefix": "app",
                },
            },
        },
    )
    assert "data.aws_region" in container["logConfiguration"]["options"]["awslogs-region"]
    logs = resource(doc, "aws_cloudwatch_log_group", "ecs/logs")
    assert_subset(logs, {"name": "/ecs/web-test", "retention_in_days": 30})


def test_service_uses_code_deploy_controller_on_fargate(doc):
    service = resource(doc, "aws_ecs_service", "ecs/service")
    assert_subset(
        service,
        {
            "name": "web-test",
            "launch_type": "FARGATE",
            "platform_version": "1.4.0",
            "deployment_controller": {"type": "CODE_DEPLOY"},
            "desired_count": 2,
            "cluster": ref(doc, "aws_ecs_cluster", "ecs/cluster", "name"),
            "task_definition": ref(doc, "aws_ecs_task_definition", "ecs/task", "arn"),
            "health_check_grace_period_seconds": 60,
        },
    )


def test_service_starts_on_blue_in_private_subnets_without_public_ip(doc):
    service = resource(doc, "aws_ecs_service", "ecs/service")
    assert service["load_balancer"] == [
        {
            "target_group_arn": ref(doc, "aws_lb_target_group", "load-balancer/blue", "arn"),
            "container_name": "app",
            "container_port": 80,
        }
    ]
    assert service["network_configuration"] == {
        "assign_public_ip": False,
        "subnets": [ref(doc, "aws_subnet", f"network/private-{i}", "id") for i in range(2)],
        "security_groups": [ref(doc, "aws_security_group", "ecs/sg", "id")],
    }


def test_service_ignores_what_codedeploy_owns_but_not_desired_count(doc):
    service = resource(doc, "aws_ecs_service", "ecs/service")
    assert service["lifecycle"]["ignore_changes"] == [
        "task_definition",
        "load_balancer",
        "network_configuration",
        "platform_version",
    ]


def test_service_waits_for_both_listeners(doc):
    service = resource(doc, "aws_ecs_service", "ecs/service")
    listeners = [resource(doc, "aws_lb_listener", f"load-balancer/{name}-listener") for name in ("prod", "test")]
    assert sorted(service["depends_on"]) == sorted(
        f"aws_lb_listener.{listener['//']['metadata']['uniqueId']}" for listener in listeners
    )


def test_no_autoscaling_by_default(doc):
    assert resources(doc, "aws_appautoscaling_target") == {}
    assert resources(doc, "aws_appautoscaling_policy") == {}


def test_codedeploy_application_is_for_ecs(doc):
    app = resource(doc, "aws_codedeploy_app", "codedeploy/app")
    assert_subset(app, {"name": "web-test", "compute_platform": "ECS"})


def test_deployment_group_is_blue_green_with_traffic_control(doc):
    group = resource(doc, "aws_codedeploy_deployment_group", "codedeploy/group")
    assert_subset(
        group,
        {
            "app_name": ref(doc, "aws_codedeploy_app", "codedeploy/app", "name"),
            "deployment_group_name": "web-test",
            "deployment_config_name": "CodeDeployDefault.ECSAllAtOnce",
            "service_role_arn": ref(doc, "aws_iam_role", "iam/codedeploy", "arn"),
            "deployment_style": {"deployment_type": "BLUE_GREEN", "deployment_option": "WITH_TRAFFIC_CONTROL"},
            "ecs_service": {
                "cluster_name": ref(doc, "aws_ecs_cluster", "ecs/cluster", "name"),
                "service_name": ref(doc, "aws_ecs_service", "ecs/service", "name"),
            },
        },
    )


def test_deployment_shifts_at_once_and_terminates_old_tasks_after_an_hour(doc):
    group = resource(doc, "aws_codedeploy_deployment_group", "codedeploy/group")
    assert group["blue_green_deployment_config"] == {
        "deployment_ready_option": {"action_on_timeout": "CONTINUE_DEPLOYMENT"},
        "terminate_blue_instances_on_deployment_success": {
            "action": "TERMINATE",
            "termination_wait_time_in_minutes": 60,
        },
    }


def test_deployment_rolls_back_on_failure_and_on_stop(doc):
    group = resource(doc, "aws_codedeploy_deployment_group", "codedeploy/group")
    assert group["auto_rollback_configuration"] == {
        "enabled": True,
        "events": ["DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_REQUEST"],
    }


def test_deployment_group_names_the_target_groups_and_listener_arns(doc):
    group = resource(doc, "aws_codedeploy_deployment_group", "codedeploy/group")
    assert group["load_balancer_info"] == {
        "target_group_pair_info": {
            "prod_traffic_route": {
                "listener_arns": [ref(doc, "aws_lb_listener", "load-balancer/prod-listener", "arn")]
            },
            "test_traffic_route": {
                "listener_arns": [ref(doc, "aws_lb_listener", "load-balancer/test-listener", "arn")]
            },
            "target_group": [
                {"name": ref(doc, "aws_lb_target_group", "load-balancer/blue", "name")},
                {"name": ref(doc, "aws_lb_target_group", "load-balancer/green", "name")},
            ],
        }
    }


def test_outputs_carry_what_the_next_tool_needs(doc):
    outputs = doc["output"]
    lb_dns = ref(doc, "aws_lb", "load-balancer/lb", "dns_name")
    expected = {
        "load_balancer_dns_name": lb_dns,
        "prod_url": f"http://{lb_dns}:80",
        "test_url": f"http://{lb_dns}:8080",
        "cluster_name": ref(doc, "aws_ecs_cluster", "ecs/cluster", "name"),
        "service_name": ref(doc, "aws_ecs_service", "ecs/service", "name"),
        "container_name": "app",
        "container_port": 80,
        "codedeploy_app_name": ref(doc, "aws_codedeploy_app", "codedeploy/app", "name"),
        "codedeploy_group_name": ref(
            doc, "aws_codedeploy_deployment_group", "codedeploy/group", "deployment_group_name"
        ),
        "blue_target_group_name": ref(doc, "aws_lb_target_group", "load-balancer/blue", "name"),
        "green_target_group_name": ref(doc, "aws_lb_target_group", "load-balancer/green", "name"),
        "prod_listener_arn": ref(doc, "aws_lb_listener", "load-balancer/prod-listener", "arn"),
        "test_listener_arn": ref(doc, "aws_lb_listener", "load-balancer/test-listener", "arn"),
        "region": "ap-northeast-1",
        "platform_version": "1.4.0",
        "task_subnet_ids": [ref(doc, "aws_subnet", f"network/private-{i}", "id") for i in range(2)],
        "task_security_group_ids": [ref(doc, "aws_security_group", "ecs/sg", "id")],
        "assign_public_ip": False,
        "task_definition_arn": ref(doc, "aws_ecs_task_definition", "ecs/task", "arn"),
        "hooks": {},
    }
    assert {key: out["value"] for key, out in outputs.items()} == expected
    assert all(out.get("description") for out in outputs.values())


def test_task_definition_says_terraform_registered_it(doc):
    # bluegreen deploy tells Terraform's revisions from its own and from ones made by hand.
    assert resource(doc, "aws_ecs_task_definition", "ecs/task")["tags"] == {"bluegreen:registered-by": "terraform"}


def test_resource_count_is_what_the_setup_needs(doc):
    counts = {type_: len(bodies) for type_, bodies in doc["resource"].items()}
    assert counts == {
        "aws_vpc": 1,
        "aws_default_security_group": 1,
        "aws_internet_gateway": 1,
        "aws_subnet": 4,
        "aws_route_table": 2,
        "aws_route": 2,
        "aws_route_table_association": 4,
        "aws_eip": 1,
        "aws_nat_gateway": 1,
        "aws_iam_role": 2,
        "aws_iam_role_policy_attachment": 2,
        "aws_security_group": 2,
        "aws_vpc_security_group_ingress_rule": 2,
        "aws_vpc_security_group_egress_rule": 2,
        "aws_lb": 1,
        "aws_lb_target_group": 2,
        "aws_lb_listener": 2,
        "aws_ecs_cluster": 1,
        "aws_cloudwatch_log_group": 1,
        "aws_ecs_task_definition": 1,
        "aws_ecs_service": 1,
        "aws_codedeploy_app": 1,
        "aws_codedeploy_deployment_group": 1,
    }
    assert {t: len(d) for t, d in doc["data"].items()} == {
        "aws_availability_zones": 1,
        "aws_partition": 1,
        "aws_region": 1,
    }
    assert data_sources(doc, "aws_availability_zones")[0]["state"] == "available"
