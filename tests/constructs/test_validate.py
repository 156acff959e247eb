"""Terraform tier: every stack main.py and the unit tests build passes `terraform validate`, all of
them in one Terraform process (each a child module of one root), which loads the provider once.

The ECS-native stacks are the exception, and the only one: they need hashicorp/aws 6.4.0 or later,
of which no binary can be had here (tier A's provider is 5.100.0), so tiers B and C prove them by
jsii, checkov and byte-identical synths instead (constructs/engines/test_ecs.py and
test_migration.py)."""

from __future__ import annotations

import json

import pytest
from scenarios import MIGRATION, NATIVE_SCENARIOS, SCENARIOS
from tiers import native_engine

STACKS = [*SCENARIOS, "migration:codedeploy", "main:web-state", "main:web-dev", "main:web-prod"]
NATIVE_STACKS = [*NATIVE_SCENARIOS, *(f"migration:{step}" for step in MIGRATION if step != "codedeploy")]


@pytest.fixture(scope="module")
def diagnostics(synthesized, terraform, tmp_path_factory):
    """Every stack validated at once (one Terraform process, one provider schema): each one's
    errors and warnings."""
    workdirs = {name: synthesized[name].workdir for name in STACKS}
    return terraform.validate_together(workdirs, next(iter(workdirs.values())).parent.parent / "validate")


@pytest.mark.parametrize("name", STACKS)
def test_terraform_validate(name, diagnostics):
    assert diagnostics[name] == [], diagnostics[name]


def test_no_diagnostic_is_left_at_no_stack(diagnostics):
    assert diagnostics.get(None, []) == [], diagnostics[None]


def test_a_child_modules_diagnostics_reach_its_stack(synthesized, terraform, tmp_path):
    """The shared validate finds an error in one stack and names that stack, and no other."""
    broken = tmp_path / "stacks" / "broken"
    broken.mkdir(parents=True)
    doc = json.loads((synthesized["main:web-dev"].workdir / "cdk.tf.json").read_text())
    next(iter(doc["resource"]["aws_ecs_cluster"].values()))["no_such_argument"] = True
    (broken / "cdk.tf.json").write_text(json.dumps(doc))
    found = terraform.validate_together(
        {"broken": broken, "state": synthesized["main:web-state"].workdir}, tmp_path / "validate"
    )
    assert [d["summary"] for d in found["broken"]] == ["Extraneous JSON object property"], found
    assert found["state"] == [] and found.get(None, []) == [], found


def test_every_synthesized_stack_is_validated(synthesized):
    # A stack added to the suite without being validated would be unproven Terraform.
    assert sorted(synthesized) == sorted(STACKS + (NATIVE_STACKS if native_engine() else []))
