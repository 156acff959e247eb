"""Terraform tier: every stack main.py and the unit tests build passes `terraform validate`.

The ECS-native stacks are the exception, and the only one: they need hashicorp/aws 6.4.0 or later,
of which no binary can be had here (tier A's provider is 5.100.0), so tiers B and C prove them by
jsii, checkov and byte-identical synths instead (test_native.py, test_migration.py)."""

from __future__ import annotations

import pytest
from scenarios import MIGRATION, NATIVE_SCENARIOS, SCENARIOS
from tiers import native_engine

STACKS = [*SCENARIOS, "migration:codedeploy", "main:web-state", "main:web-dev", "main:web-prod"]
NATIVE_STACKS = [*NATIVE_SCENARIOS, *(f"migration:{step}" for step in MIGRATION if step != "codedeploy")]


@pytest.mark.parametrize("name", STACKS)
def test_terraform_validate(name, synthesized, terraform):
    result = terraform.validate(synthesized[name].workdir)
    assert result["valid"], result["diagnostics"]
    assert result["warning_count"] == 0, result["diagnostics"]


def test_every_synthesized_stack_is_validated(synthesized):
    # A stack added to the suite without being validated would be unproven Terraform.
    assert sorted(synthesized) == sorted(STACKS + (NATIVE_STACKS if native_engine() else []))
