"""Terraform addresses are API: a renamed construct id destroys and recreates a real resource.
And the same settings must always give the same bytes, or every plan review shows noise."""

from __future__ import annotations

from pathlib import Path

from ecs_bluegreen import BlueGreenStack
from ecs_bluegreen.cdk import App
from scenarios import SCENARIOS

# Changing this list is a breaking change for every user: it needs a `moved` block or a
# migration note, never a silent edit.
DEFAULT_ADDRESSES = [
    "aws_cloudwatch_log_group.blue-green_ecs_logs_B8D9C6DE",
    "aws_codedeploy_app.blue-green_codedeploy_app_FE51F25B",
    "aws_codedeploy_deployment_group.blue-green_codedeploy_group_26D0FBE1",
    "aws_default_security_group.blue-green_network_default-sg_CA131E6E",
    "aws_ecs_cluster.blue-green_ecs_cluster_D12C75DC",
    "aws_ecs_service.blue-green_ecs_service_66B1A076",
    "aws_ecs_task_definition.blue-green_ecs_task_168F5344",
    "aws_eip.blue-green_network_nat-eip_9EE5659A",
    "aws_iam_role.blue-green_iam_codedeploy_0A4F2CF0",
    "aws_iam_role.blue-green_iam_execution_E41C0BC8",
    "aws_iam_role_policy_attachment.blue-green_iam_codedeploy-policy_A7AA45B8",
    "aws_iam_role_policy_attachment.blue-green_iam_execution-policy_6DDA6529",
    "aws_internet_gateway.blue-green_network_igw_37CD0C13",
    "aws_lb.blue-green_load-balancer_lb_19EBCE63",
    "aws_lb_listener.blue-green_load-balancer_prod-listener_72F4694D",
    "aws_lb_listener.blue-green_load-balancer_test-listener_927A8A21",
    "aws_lb_target_group.blue-green_load-balancer_blue_AEA6A722",
    "aws_lb_target_group.blue-green_load-balancer_green_EBBD8CC7",
    "aws_nat_gateway.blue-green_network_nat_4269D86C",
    "aws_route.blue-green_network_private-default_E569F7BA",
    "aws_route.blue-green_network_public-default_A824331F",
    "aws_route_table.blue-green_network_private-rt_80DEF4D9",
    "aws_route_table.blue-green_network_public-rt_0687D4A5",
    "aws_route_table_association.blue-green_network_private-0-rt_5F2F4E19",
    "aws_route_table_association.blue-green_network_private-1-rt_C60F9FB8",
    "aws_route_table_association.blue-green_network_public-0-rt_2B26B0D9",
    "aws_route_table_association.blue-green_network_public-1-rt_169FADE5",
    "aws_security_group.blue-green_ecs_sg_0A0B94C1",
    "aws_security_group.blue-green_load-balancer_sg_A33A9FEF",
    "aws_subnet.blue-green_network_private-0_AEAB5971",
    "aws_subnet.blue-green_network_private-1_F97D9D26",
    "aws_subnet.blue-green_network_public-0_87AC9E51",
    "aws_subnet.blue-green_network_public-1_F30F1412",
    "aws_vpc.blue-green_network_vpc_24886116",
    "aws_vpc_security_group_egress_rule.blue-green_ecs_egress_BEB83493",
    "aws_vpc_security_group_egress_rule.blue-green_ecs_lb-to-tasks_B0BDB321",
    "aws_vpc_security_group_ingress_rule.blue-green_ecs_from-lb_D71EC443",
    "aws_vpc_security_group_ingress_rule.blue-green_load-balancer_prod-ingress-0000_0_008D642E",
    "data.aws_availability_zones.blue-green_network_zones_31D91C95",
    "data.aws_partition.blue-green_iam_partition_7C3A19D8",
    "data.aws_region.blue-green_ecs_region_E2AD7A1E",
]


def _addresses(doc):
    found = [f"{t}.{k}" for t, bodies in doc["resource"].items() for k in bodies]
    found += [f"data.{t}.{k}" for t, bodies in doc.get("data", {}).items() for k in bodies]
    return sorted(found)


def test_resource_addresses_are_stable(synthesized):
    assert _addresses(synthesized["defaults"].doc) == DEFAULT_ADDRESSES


def test_addresses_do_not_depend_on_the_stack_or_the_name(synthesized):
    # Two environments of one app share addresses, so a change reviewed on dev plans alike on prod.
    assert _addresses(synthesized["main:web-dev"].doc) == DEFAULT_ADDRESSES


def _synth_bytes(outdir: Path) -> bytes:
    app = App(outdir=str(outdir))
    BlueGreenStack(app, "t-defaults", settings=SCENARIOS["custom"])
    app.synth()
    return (outdir / "stacks" / "t-defaults" / "cdk.tf.json").read_bytes()


def test_two_synths_give_identical_bytes(tmp_path):
    first = _synth_bytes(tmp_path / "a")
    assert first == _synth_bytes(tmp_path / "b")
    assert b"TfToken" not in first and b"${Token" not in first
