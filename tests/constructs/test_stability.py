"""Terraform addresses are API: a renamed construct id destroys and recreates a real resource.
And the same settings must always give the same bytes, or every plan review shows noise."""

from __future__ import annotations

import json
import re
from pathlib import Path

from scenarios import SCENARIOS

from ecs_bluegreen import BlueGreenStack
from ecs_bluegreen.constructs.cdk import App
from ecs_bluegreen.constructs.provider import add_aws_provider

# Changing this list is a breaking change for every user: it needs a `moved` block or a
# migration note, never a silent edit.
DEFAULT_ADDRESSES = [
    "aws_cloudwatch_log_group.blue-green_ecs_logs",
    "aws_codedeploy_app.blue-green_codedeploy_app",
    "aws_codedeploy_deployment_group.blue-green_codedeploy_group",
    "aws_default_security_group.blue-green_network_default-sg",
    "aws_ecs_cluster.blue-green_ecs_cluster",
    "aws_ecs_service.blue-green_ecs_service",
    "aws_ecs_task_definition.blue-green_ecs_task",
    "aws_eip.blue-green_network_nat-eip",
    "aws_iam_role.blue-green_iam_codedeploy",
    "aws_iam_role.blue-green_iam_execution",
    "aws_iam_role_policy_attachment.blue-green_iam_codedeploy-policy",
    "aws_iam_role_policy_attachment.blue-green_iam_execution-policy",
    "aws_internet_gateway.blue-green_network_igw",
    "aws_lb.blue-green_load-balancer_lb",
    "aws_lb_listener.blue-green_load-balancer_prod-listener",
    "aws_lb_listener.blue-green_load-balancer_test-listener",
    "aws_lb_target_group.blue-green_load-balancer_blue",
    "aws_lb_target_group.blue-green_load-balancer_green",
    "aws_nat_gateway.blue-green_network_nat",
    "aws_route.blue-green_network_private-default",
    "aws_route.blue-green_network_public-default",
    "aws_route_table.blue-green_network_private-rt",
    "aws_route_table.blue-green_network_public-rt",
    "aws_route_table_association.blue-green_network_private-0-rt",
    "aws_route_table_association.blue-green_network_private-1-rt",
    "aws_route_table_association.blue-green_network_public-0-rt",
    "aws_route_table_association.blue-green_network_public-1-rt",
    "aws_security_group.blue-green_ecs_sg",
    "aws_security_group.blue-green_load-balancer_sg",
    "aws_subnet.blue-green_network_private-0",
    "aws_subnet.blue-green_network_private-1",
    "aws_subnet.blue-green_network_public-0",
    "aws_subnet.blue-green_network_public-1",
    "aws_vpc.blue-green_network_vpc",
    "aws_vpc_security_group_egress_rule.blue-green_ecs_egress",
    "aws_vpc_security_group_egress_rule.blue-green_ecs_lb-to-tasks",
    "aws_vpc_security_group_ingress_rule.blue-green_ecs_from-lb",
    "aws_vpc_security_group_ingress_rule.blue-green_load-balancer_prod-ingress-0-0-0-0_0",
    "data.aws_availability_zones.blue-green_network_zones",
    "data.aws_partition.blue-green_iam_partition",
    "data.aws_region.blue-green_ecs_region",
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


_HASHED = re.compile(r"_[0-9A-F]{8}$")


def test_no_address_in_any_synthesized_stack_carries_a_hash(synthesized):
    for name, stack in synthesized.items():
        doc = stack.doc
        for block in ("resource", "data"):
            for kind, bodies in doc.get(block, {}).items():
                hashed = [key for key in bodies if _HASHED.search(key)]
                assert not hashed, f"{name}: {kind} {hashed}"
        assert not [key for key in doc.get("output", {}) if _HASHED.search(key)], name


def test_two_services_in_one_stack_keep_distinct_readable_addresses(tmp_path):
    from ecs_bluegreen import BlueGreenServiceProps, EcsBlueGreen, ReadableStack, ServiceProps

    app = App(outdir=str(tmp_path))
    stack = ReadableStack(app, "two")
    add_aws_provider(stack, region="ap-northeast-1", default_tags={}, endpoint=None)
    for service in ("api", "web"):
        EcsBlueGreen(
            stack,
            service,
            props=BlueGreenServiceProps(name=f"shop-{service}", service=ServiceProps(image="nginx:1.27")),
        )
    app.synth()
    found = _addresses(json.loads((tmp_path / "stacks" / "two" / "cdk.tf.json").read_text()))
    expected = [
        address.replace(".blue-green_", f".{service}_") for address in DEFAULT_ADDRESSES for service in ("api", "web")
    ]
    assert found == sorted(expected)


def test_ids_that_would_share_an_address_keep_distinct_ones():
    """ "a b" and "a-b" both read as "a-b": the later one gets a hash of its path appended."""
    from ecs_bluegreen import ReadableStack
    from ecs_bluegreen.constructs.aws.data_aws_region import DataAwsRegion

    stack = ReadableStack(App(), "clash")
    first, second = DataAwsRegion(stack, "a b"), DataAwsRegion(stack, "a-b")
    assert stack.get_logical_id(first) == "a-b"
    assert _HASHED.search(stack.get_logical_id(second))


def test_a_renamed_construct_moves_its_state_with_a_moved_block(tmp_path):
    """The way the README gives to rename an id without destroying the resource."""
    from ecs_bluegreen import ReadableStack
    from ecs_bluegreen.constructs.aws.ecs_cluster import EcsCluster

    app = App(outdir=str(tmp_path))
    stack = ReadableStack(app, "renamed")
    add_aws_provider(stack, region="ap-northeast-1", default_tags={}, endpoint=None)
    cluster = EcsCluster(stack, "cluster", name="web")
    cluster.move_from_id("aws_ecs_cluster.blue-green_ecs_cluster")
    app.synth()
    doc = json.loads((tmp_path / "stacks" / "renamed" / "cdk.tf.json").read_text())
    assert doc["moved"] == [{"from": "aws_ecs_cluster.blue-green_ecs_cluster", "to": "aws_ecs_cluster.cluster"}]


def test_a_renamed_service_moves_every_resource_with_move_from(tmp_path, terraform):
    from ecs_bluegreen import BlueGreenServiceProps, EcsBlueGreen, ReadableStack, ServiceProps, move_from

    app = App(outdir=str(tmp_path))
    stack = ReadableStack(app, "renamed")
    add_aws_provider(stack, region="ap-northeast-1", default_tags={}, endpoint=None)
    service = EcsBlueGreen(
        stack, "api", props=BlueGreenServiceProps(name="web", service=ServiceProps(image="nginx:1.27"))
    )
    assert move_from(service, "blue-green") == len([a for a in DEFAULT_ADDRESSES if not a.startswith("data.")])
    app.synth()
    doc = json.loads((tmp_path / "stacks" / "renamed" / "cdk.tf.json").read_text())
    assert sorted(m["from"] for m in doc["moved"]) == [a for a in DEFAULT_ADDRESSES if not a.startswith("data.")]
    assert {m["to"] for m in doc["moved"]} == {
        a.replace(".blue-green_", ".api_") for a in DEFAULT_ADDRESSES if not a.startswith("data.")
    }
    assert terraform.validate(tmp_path / "stacks" / "renamed")["valid"]
