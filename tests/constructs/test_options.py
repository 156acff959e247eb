"""One behaviour per option, each read from the scenario stack that sets it (see scenarios.py)."""

from __future__ import annotations

import json

from helpers import assert_subset, ref, resource, resources


def test_existing_vpc_creates_no_network(synthesized):
    doc = synthesized["existing-vpc"].doc
    for type_ in ("aws_vpc", "aws_subnet", "aws_internet_gateway", "aws_nat_gateway", "aws_route_table"):
        assert resources(doc, type_) == {}, type_
    assert "aws_availability_zones" not in doc.get("data", {})


def test_existing_vpc_subnets_are_used_by_tier(synthesized):
    doc = synthesized["existing-vpc"].doc
    assert resource(doc, "aws_lb", "load-balancer/lb")["subnets"] == [
        "subnet-0aaaaaaaaaaaaaaa1",
        "subnet-0aaaaaaaaaaaaaaa2",
    ]
    service = resource(doc, "aws_ecs_service", "ecs/service")
    assert service["network_configuration"]["subnets"] == ["subnet-0bbbbbbbbbbbbbbb1", "subnet-0bbbbbbbbbbbbbbb2"]
    for color in ("blue", "green"):
        assert resource(doc, "aws_lb_target_group", f"load-balancer/{color}")["vpc_id"] == "vpc-0123456789abcdef0"


def test_nlb_uses_tcp_listeners_and_target_groups_with_http_health_check(synthesized):
    doc = synthesized["nlb"].doc
    lb = resource(doc, "aws_lb", "load-balancer/lb")
    assert_subset(lb, {"name": "web-nlb-nlb", "load_balancer_type": "network"})
    assert "drop_invalid_header_fields" not in lb
    for name in ("prod", "test"):
        assert resource(doc, "aws_lb_listener", f"load-balancer/{name}-listener")["protocol"] == "TCP"
    for color in ("blue", "green"):
        tg = resource(doc, "aws_lb_target_group", f"load-balancer/{color}")
        assert_subset(tg, {"protocol": "TCP", "target_type": "ip", "health_check": {"protocol": "HTTP", "path": "/"}})


def test_nlb_keeps_all_at_once_and_listener_ignore_changes(synthesized):
    doc = synthesized["nlb"].doc
    group = resource(doc, "aws_codedeploy_deployment_group", "codedeploy/group")
    assert group["deployment_config_name"] == "CodeDeployDefault.ECSAllAtOnce"
    for name in ("prod", "test"):
        listener = resource(doc, "aws_lb_listener", f"load-balancer/{name}-listener")
        assert listener["lifecycle"] == {"ignore_changes": ["default_action"]}


def test_approval_wait_stops_on_timeout(synthesized):
    doc = synthesized["approval"].doc
    group = resource(doc, "aws_codedeploy_deployment_group", "codedeploy/group")
    assert group["blue_green_deployment_config"] == {
        "deployment_ready_option": {"action_on_timeout": "STOP_DEPLOYMENT", "wait_time_in_minutes": 30},
        "terminate_blue_instances_on_deployment_success": {
            "action": "TERMINATE",
            "termination_wait_time_in_minutes": 5,
        },
    }
    assert group["auto_rollback_configuration"]["events"] == ["DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_REQUEST"]


def test_predefined_canary_config_is_passed_through(synthesized):
    doc = synthesized["approval"].doc
    group = resource(doc, "aws_codedeploy_deployment_group", "codedeploy/group")
    assert group["deployment_config_name"] == "CodeDeployDefault.ECSCanary10Percent5Minutes"


def test_autoscaling_targets_the_service_and_tracks_cpu(synthesized):
    doc = synthesized["autoscaling"].doc
    target = resource(doc, "aws_appautoscaling_target", "ecs/scaling-target")
    assert_subset(
        target,
        {
            "service_namespace": "ecs",
            "scalable_dimension": "ecs:service:DesiredCount",
            "min_capacity": 3,
            "max_capacity": 9,
            "resource_id": "service/{}/{}".format(
                ref(doc, "aws_ecs_cluster", "ecs/cluster", "name"), ref(doc, "aws_ecs_service", "ecs/service", "name")
            ),
        },
    )
    policy = resource(doc, "aws_appautoscaling_policy", "ecs/scaling-cpu")
    assert_subset(
        policy,
        {
            "policy_type": "TargetTrackingScaling",
            "target_tracking_scaling_policy_configuration": {
                "target_value": 60,
                "predefined_metric_specification": {"predefined_metric_type": "ECSServiceAverageCPUUtilization"},
            },
        },
    )


def test_autoscaling_makes_terraform_ignore_desired_count(synthesized):
    doc = synthesized["autoscaling"].doc
    service = resource(doc, "aws_ecs_service", "ecs/service")
    assert service["lifecycle"]["ignore_changes"] == [
        "task_definition",
        "load_balancer",
        "network_configuration",
        "platform_version",
        "desired_count",
    ]


def test_existing_roles_and_cluster_create_no_iam_and_no_cluster(synthesized):
    doc = synthesized["reuse"].doc
    assert resources(doc, "aws_iam_role") == {}
    assert resources(doc, "aws_iam_role_policy_attachment") == {}
    assert resources(doc, "aws_ecs_cluster") == {}
    assert "aws_partition" not in doc.get("data", {})
    group = resource(doc, "aws_codedeploy_deployment_group", "codedeploy/group")
    assert group["service_role_arn"] == "arn:aws:iam::123456789012:role/codedeploy"
    assert group["ecs_service"]["cluster_name"] == "shared-cluster"
    assert resource(doc, "aws_ecs_service", "ecs/service")["cluster"] == "shared-cluster"
    task = resource(doc, "aws_ecs_task_definition", "ecs/task")
    assert task["execution_role_arn"] == "arn:aws:iam::123456789012:role/exec"
    assert task["task_role_arn"] == "arn:aws:iam::123456789012:role/app"
    assert synthesized["reuse"].doc["output"]["cluster_name"]["value"] == "shared-cluster"


def test_backend_with_dynamodb_table_and_own_region(synthesized):
    backend = synthesized["reuse"].doc["terraform"]["backend"]["s3"]
    assert_subset(
        backend, {"region": "us-east-1", "dynamodb_table": "terraform-locks", "use_lockfile": True, "encrypt": True}
    )


def test_created_task_role_gets_the_listed_policies(synthesized):
    doc = synthesized["custom"].doc
    role = resource(doc, "aws_iam_role", "iam/task")
    assert role["name"] == "web-custom-task"
    attached = sorted(
        a["policy_arn"]
        for a in resources(doc, "aws_iam_role_policy_attachment").values()
        if a["role"] == ref(doc, "aws_iam_role", "iam/task", "name")
    )
    assert attached == [
        "arn:aws:iam::123456789012:policy/app-secrets",
        "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
    ]
    task = resource(doc, "aws_ecs_task_definition", "ecs/task")
    assert task["task_role_arn"] == ref(doc, "aws_iam_role", "iam/task", "arn")


def test_custom_container_size_port_and_environment(synthesized):
    doc = synthesized["custom"].doc
    task = resource(doc, "aws_ecs_task_definition", "ecs/task")
    assert_subset(task, {"cpu": "1024", "memory": "4096"})
    (container,) = json.loads(task["container_definitions"])
    assert_subset(
        container,
        {
            "name": "web",
            "image": "123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/web:v42",
            "portMappings": [{"containerPort": 8000, "hostPort": 8000, "protocol": "tcp"}],
            # Sorted by name, so the JSON does not depend on the order of the mapping.
            "environment": [{"name": "APP_ENV", "value": "custom"}, {"name": "LOG_LEVEL", "value": "debug"}],
        },
    )
    assert resource(doc, "aws_cloudwatch_log_group", "ecs/logs")["retention_in_days"] == 90
    cluster = resource(doc, "aws_ecs_cluster", "ecs/cluster")
    assert cluster["setting"] == [{"name": "containerInsights", "value": "disabled"}]


def test_custom_service_settings(synthesized):
    doc = synthesized["custom"].doc
    service = resource(doc, "aws_ecs_service", "ecs/service")
    assert_subset(
        service, {"desired_count": 4, "platform_version": "LATEST", "health_check_grace_period_seconds": 120}
    )
    assert service["load_balancer"][0]["container_port"] == 8000
    for color in ("blue", "green"):
        assert resource(doc, "aws_lb_target_group", f"load-balancer/{color}")["port"] == 8000


def test_custom_vpc_spans_three_azs_without_nat(synthesized):
    doc = synthesized["custom"].doc
    subnets = resources(doc, "aws_subnet")
    assert len(subnets) == 6
    assert subnets["blue-green/network/private-2"]["cidr_block"] == "10.20.6.0/24"  # slot 4 + 2
    assert resources(doc, "aws_nat_gateway") == {}
    assert resources(doc, "aws_eip") == {}
    assert "blue-green/network/private-default" not in resources(doc, "aws_route")


def test_custom_ports_and_cidrs_open_exactly_the_listed_sources(synthesized):
    doc = synthesized["custom"].doc
    rules = {
        p.rsplit("/", 1)[1]: r
        for p, r in resources(doc, "aws_vpc_security_group_ingress_rule").items()
        if "/load-balancer/" in p
    }
    assert {k: (r.get("cidr_ipv4") or r.get("cidr_ipv6"), r["from_port"]) for k, r in rules.items()} == {
        "prod-ingress-10.0.0.0_8": ("10.0.0.0/8", 8000),
        "prod-ingress-2001.db8.._32": ("2001:db8::/32", 8000),
        "test-ingress-198.51.100.0_24": ("198.51.100.0/24", 9000),
    }
    assert resource(doc, "aws_lb", "load-balancer/lb")["internal"] is True
    assert resource(doc, "aws_lb_listener", "load-balancer/test-listener")["port"] == 9000
    assert doc["output"]["test_url"]["value"].endswith(":9000")


def test_custom_health_check_and_deregistration_delay(synthesized):
    doc = synthesized["custom"].doc
    tg = resource(doc, "aws_lb_target_group", "load-balancer/green")
    assert_subset(
        tg,
        {
            "deregistration_delay": "30",
            "health_check": {
                "path": "/healthz",
                "matcher": "200-299",
                "interval": 15,
                "timeout": 10,
                "healthy_threshold": 3,
                "unhealthy_threshold": 4,
            },
        },
    )


def test_rollback_off_and_immediate_termination(synthesized):
    doc = synthesized["custom"].doc
    group = resource(doc, "aws_codedeploy_deployment_group", "codedeploy/group")
    assert group["auto_rollback_configuration"] == {"enabled": False}
    assert (
        group["blue_green_deployment_config"]["terminate_blue_instances_on_deployment_success"][
            "termination_wait_time_in_minutes"
        ]
        == 0
    )


def test_region_and_default_tags_reach_the_provider(synthesized):
    doc = synthesized["custom"].doc
    (provider,) = doc["provider"]["aws"]
    assert provider["region"] == "eu-west-1"
    assert provider["default_tags"] == [{"tags": {"Team": "platform", "CostCenter": "42"}}]
    assert doc["terraform"]["backend"]["s3"]["region"] == "eu-west-1"


def test_the_task_shape_is_set_only_where_it_differs_from_ecs_defaults(synthesized):
    """ARM64, more ephemeral storage, a read-only root file system and a stop timeout reach the task
    definition (scenario "graviton"); the defaults add nothing, so the default task definition stays
    as it was."""
    (default,) = resources(synthesized["defaults"].doc, "aws_ecs_task_definition").values()
    assert "runtime_platform" not in default and "ephemeral_storage" not in default
    (container,) = json.loads(default["container_definitions"])
    assert "readonlyRootFilesystem" not in container and "stopTimeout" not in container

    (task,) = resources(synthesized["graviton"].doc, "aws_ecs_task_definition").values()
    assert task["runtime_platform"] == {"cpu_architecture": "ARM64", "operating_system_family": "LINUX"}
    assert task["ephemeral_storage"] == {"size_in_gib": 50}
    (container,) = json.loads(task["container_definitions"])
    assert container["readonlyRootFilesystem"] is True and container["stopTimeout"] == 90
