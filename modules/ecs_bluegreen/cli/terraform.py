"""The one way `bluegreen` runs Terraform: in a stack folder the last synth wrote, one line on failure."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

from .exits import CommandError, Exit


def check_current(stack_dir: Path) -> None:
    """A stack folder the last synth wrote, not one it left behind: cdktf keeps the folders of
    stacks an app no longer has (a renamed project, an environment taken out), with old settings."""
    manifest = stack_dir.resolve().parent.parent / "manifest.json"
    try:
        stacks = json.loads(manifest.read_text(encoding="utf-8")).get("stacks", {})
    except (OSError, ValueError, AttributeError):
        return  # a folder copied on its own: nothing to compare with
    if stack_dir.resolve().name not in stacks:
        raise CommandError(
            f"{stack_dir} is left from an earlier synth: {manifest} lists "
            f"{', '.join(sorted(stacks)) or 'no stack'}. Synthesize again, and use a current stack",
            Exit.BAD_INPUT,
        )


def terraform_in(stack_dir: Path, *commands: list[str], instead: str, failure: Exit, timeout: float) -> str:
    """Run Terraform commands in a stack folder the last synth wrote; the last one's output. A
    failure is one line: the folder is no stack, Terraform is missing (`instead` says what to pass
    then), or a command failed (its first error line, exit `failure`)."""
    if not (stack_dir / "cdk.tf.json").is_file():
        raise CommandError(
            f"{stack_dir} is not a synthesized stack folder (no cdk.tf.json): use cdktf.out/stacks/<stack>",
            Exit.BAD_INPUT,
        )
    check_current(stack_dir)
    terraform = shutil.which("terraform")
    if terraform is None:
        raise CommandError(f"terraform is not on PATH; pass {instead}", Exit.BAD_INPUT)
    stdout = ""
    for command in commands:
        proc = subprocess.run(
            [terraform, *command, "-no-color"], cwd=stack_dir, capture_output=True, text=True, timeout=timeout
        )
        if proc.returncode != 0:
            first = next((line.strip() for line in proc.stderr.splitlines() if line.strip().strip("╷│╵")), "")
            raise CommandError(f"terraform {command[0]} failed in {stack_dir}: {first.strip('│ ')}", failure)
        stdout = proc.stdout
    return stdout


def outputs_of(stack_dir: Path) -> str:
    """`terraform output -json` of the stack."""
    return terraform_in(
        stack_dir,
        ["output", "-json"],
        instead="--outputs with a saved `terraform output -json`",
        failure=Exit.BAD_INPUT,
        timeout=300,
    )


def plan_of(stack_dir: Path) -> str:
    """`terraform plan` in the stack's folder, as `terraform show -json` gives it."""
    with tempfile.TemporaryDirectory() as scratch:
        plan_file = str(Path(scratch) / "review.tfplan")
        return terraform_in(
            stack_dir,
            ["plan", "-input=false", f"-out={plan_file}"],
            ["show", "-json", plan_file],
            instead="--plan with the output of `terraform show -json`",
            failure=Exit.FAILED,
            timeout=1800,
        )
