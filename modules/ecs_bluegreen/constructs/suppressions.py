"""Accepted security-scan findings, recorded in the generated resource itself.

Each suppression lands in the resource's Terraform JSON comment ("//": {"checkov": {ID: reason}}),
so a reviewer reading cdk.tf.json or the plan sees why; the CI gate (tests/constructs/test_security.py)
fails on any finding that carries no such reason, and on any reason whose finding is gone.
"""

from __future__ import annotations

from .cdk import TerraformDataSource, TerraformResource, TerraformStack


def suppress(element: TerraformResource | TerraformDataSource, check_id: str, reason: str) -> None:
    if isinstance(element, TerraformDataSource):
        # cdktf rewrites a data source's own "//" at synth; the stack's override survives.
        stack = TerraformStack.of(element)
        stack.add_override(
            f"data.{element.terraform_resource_type}.{stack.get_logical_id(element)}.//.checkov.{check_id}", reason
        )
    else:
        element.add_override(f"//.checkov.{check_id}", reason)
