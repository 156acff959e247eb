"""Terraform tier: every stack main.py and the unit tests build passes `terraform validate`."""

from __future__ import annotations

import pytest
from scenarios import SCENARIOS

STACKS = [*SCENARIOS, "main:web-state", "main:web-dev", "main:web-prod"]


@pytest.mark.parametrize("name", STACKS)
def test_terraform_validate(name, synthesized, terraform):
    result = terraform.validate(synthesized[name].workdir)
    assert result["valid"], result["diagnostics"]
    assert result["warning_count"] == 0, result["diagnostics"]


def test_every_synthesized_stack_is_validated(synthesized):
    # A stack added to the suite without being validated would be unproven Terraform.
    assert sorted(synthesized) == sorted(STACKS)
