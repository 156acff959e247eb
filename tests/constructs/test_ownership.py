"""Every field ownership.py tells Terraform to ignore exists in the provider's schema.

`ignore_changes` naming a field the provider does not have is an error at `terraform validate`,
which the tiers without a provider binary (B, C) cannot run. The bindings are generated from the
provider's schema, one argument per attribute, so their config classes stand in for it here.
"""

from __future__ import annotations

import inspect

import pytest
from tiers import bindings

from ecs_bluegreen.constructs.aws.ecs_service import EcsServiceConfig
from ecs_bluegreen.constructs.aws.lb_listener import LbListenerConfig
from ecs_bluegreen.constructs.aws.lb_listener_rule import LbListenerRuleConfig
from ecs_bluegreen.constructs.ownership import (
    listener_ignore_changes,
    listener_rule_ignore_changes,
    service_ignore_changes,
)

OWNED = {
    "aws_ecs_service": (EcsServiceConfig, service_ignore_changes(autoscaling=True)),
    "aws_lb_listener": (LbListenerConfig, listener_ignore_changes()),
    "aws_lb_listener_rule": (LbListenerRuleConfig, listener_rule_ignore_changes()),
}


@pytest.mark.parametrize("resource_type", sorted(OWNED))
def test_every_ignored_field_is_an_attribute_of_the_resource(resource_type):
    config, fields = OWNED[resource_type]
    attributes = set(inspect.signature(config.__init__).parameters) - {"self"}
    missing = [f for f in fields if f not in attributes]
    assert not missing, f"{resource_type} in {bindings()} has no {missing}"


def test_a_field_the_provider_lacks_would_be_caught():
    attributes = set(inspect.signature(EcsServiceConfig.__init__).parameters)
    assert "task_definition" in attributes and "task_definitions" not in attributes
