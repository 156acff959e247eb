"""BLUEGREEN_HCL=1: each stack in HCL too, for people who review HCL; Terraform must read it."""

from __future__ import annotations

import json
import re

from ecs_bluegreen.constructs.hcl import _escape_template


def test_quotes_are_escaped_outside_interpolations_only():
    body = '[{"group": "${aws_cloudwatch_log_group.logs.name}", "x": "a\\\\b", "pct": "%{x}"}]'
    assert _escape_template(body) == (
        '[{\\"group\\": \\"${aws_cloudwatch_log_group.logs.name}\\", '
        '\\"x\\": \\"a\\\\\\\\b\\", \\"pct\\": \\"%%{x}\\"}]'
    )
    assert _escape_template('${jsonencode({"a" = 1})}') == '${jsonencode({"a" = 1})}'


def test_the_hcl_of_every_example_stack_passes_validate_and_matches_the_json(terraform, tmp_path, monkeypatch):
    import main

    monkeypatch.setenv("BLUEGREEN_HCL", "1")
    monkeypatch.delenv("BLUEGREEN_ENVIRONMENTS", raising=False)
    assert main.main(str(tmp_path)) == 0
    folders = sorted((tmp_path / "hcl").iterdir())
    assert [f.name for f in folders] == sorted(p.name for p in (tmp_path / "stacks").iterdir())
    for folder in folders:
        hcl = (folder / "main.tf").read_text()
        doc = json.loads((tmp_path / "stacks" / folder.name / "cdk.tf.json").read_text())
        declared = sorted(re.findall(r'^(resource|data) "([\w-]+)" "([\w-]+)"', hcl, re.M))
        expected = sorted(
            (block, kind, name)
            for block in ("resource", "data")
            for kind, bodies in doc.get(block, {}).items()
            for name in bodies
        )
        assert declared == expected, folder.name
    # All of them in one Terraform process, from a root beside them, where their paths lead too.
    found = terraform.validate_together({f.name: f for f in folders}, tmp_path / "hcl" / "every-stack")
    errors = {name: [d for d in diagnostics if d["severity"] == "error"] for name, diagnostics in found.items()}
    assert errors == {**{f.name: [] for f in folders}, **({None: []} if None in errors else {})}, errors
