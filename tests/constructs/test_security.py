"""Static security: checkov scans every synthesized stack (main.py's and each scenario's).

Every finding must be either fixed in the defaults or accepted in the generated resource, with
its reason, under "//" -> "checkov" (modules/suppressions.py). The gate fails on a finding with
no reason, and on a reason whose finding no longer appears, so the list stays honest.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from paths import ROOT
from terraform import unavailable


def _checkov() -> str:
    for candidate in (
        os.environ.get("CHECKOV_BIN"),
        str(ROOT / "tools" / "checkov" / ".venv" / "bin" / "checkov"),
        shutil.which("checkov"),
    ):
        if candidate and Path(candidate).exists():
            return candidate
    unavailable(
        "checkov not found: run `python3 tools/install.py --tests` (it goes into tools/checkov/.venv), "
        "or set CHECKOV_BIN"
    )


def _elements(doc):
    """Every resource and data source of a stack, by its logical id."""
    found = {}
    for section in ("resource", "data"):
        for bodies in doc.get(section, {}).values():
            for logical_id, body in bodies.items():
                found[logical_id] = body
    return found


@pytest.fixture(scope="module")
def scan(synthesized, tmp_path_factory):
    files = {str(s.workdir / "cdk.tf.json"): name for name, s in synthesized.items()}
    args = [_checkov(), "--framework", "terraform_json", "--skip-download", "-o", "json"]
    for path in files:
        args += ["-f", path]
    proc = subprocess.run(
        args,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "BC_SKIP_MAPPING": "TRUE"},
        cwd=tmp_path_factory.mktemp("checkov"),
    )
    assert proc.returncode in (0, 1), proc.stderr[-3000:]
    report = json.loads(proc.stdout)
    reports = report if isinstance(report, list) else [report]
    results = {"passed": [], "failed": []}
    for part in reports:
        for kind in results:
            results[kind] += part["results"][f"{kind}_checks"]
    return files, results


def _stack_of(result, files, synthesized):
    path = result["file_abs_path"]
    name = files[path]
    return name, synthesized[name].doc


def test_every_finding_carries_its_reason_in_the_resource(scan, synthesized):
    files, results = scan
    unexplained = []
    for result in results["failed"]:
        name, doc = _stack_of(result, files, synthesized)
        logical_id = result["resource"].split(".")[-1]
        reasons = _elements(doc)[logical_id].get("//", {}).get("checkov", {})
        if result["check_id"] not in reasons:
            unexplained.append(f"{name}: {result['check_id']} on {result['resource']} ({result['check_name']})")
    assert not unexplained, "findings to fix or to suppress with a reason:\n" + "\n".join(sorted(unexplained))


def test_every_suppression_still_matches_a_finding(scan, synthesized):
    files, results = scan
    failing = {(files[r["file_abs_path"]], r["resource"].split(".")[-1], r["check_id"]) for r in results["failed"]}
    stale = []
    for name, stack in synthesized.items():
        for logical_id, body in _elements(stack.doc).items():
            for check_id in body.get("//", {}).get("checkov", {}):
                if (name, logical_id, check_id) not in failing:
                    stale.append(f"{name}: {check_id} on {logical_id}")
    assert not stale, "suppressions whose finding is gone (remove them):\n" + "\n".join(sorted(stale))


def test_reasons_are_written_out(synthesized):
    for stack in synthesized.values():
        for body in _elements(stack.doc).values():
            for check_id, reason in body.get("//", {}).get("checkov", {}).items():
                assert check_id.startswith("CKV") and len(reason) > 30, (check_id, reason)


def test_scan_covers_every_stack(scan, synthesized):
    files, results = scan
    scanned = {files[r["file_abs_path"]] for kind in results.values() for r in kind}
    assert scanned == set(synthesized)
    counts = Counter(r["check_id"] for r in results["passed"])
    assert sum(counts.values()) > 500  # the scan really ran its checks
