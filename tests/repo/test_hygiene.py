"""The repository holds nothing that only works on the machine it was committed from.

A tracked symlink to a path outside the repository (an absolute one, or one climbing out with
`..`) dangles on every other machine, and a tracked file that .gitignore matches is one that a
set-up step makes and then finds in its way (`.venv-checkov` was both, and broke every fresh clone).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path, PurePosixPath

import pytest
from paths import ROOT
from terraform import unavailable

pytestmark = pytest.mark.toolchain


def _git(repo: Path, *args: str) -> str:
    proc = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True)
    assert proc.returncode == 0, f"git {' '.join(args)}: {proc.stderr.strip()}"
    return proc.stdout


def hygiene_problems(repo: Path) -> list[str]:
    """One line per tracked symlink that leaves the repository and per tracked ignored file."""
    problems = []
    for line in _git(repo, "ls-files", "-s", "-z").split("\0"):
        if not line.startswith("120000 "):
            continue
        meta, path = line.split("\t", 1)
        target = _git(repo, "cat-file", "-p", meta.split()[1])
        resolved = os.path.normpath(PurePosixPath(path).parent / target)
        if PurePosixPath(target).is_absolute() or resolved == ".." or resolved.startswith("../"):
            problems.append(f"{path}: symlink to {target}, outside the repository")
    for path in _git(repo, "ls-files", "-ci", "--exclude-standard", "-z").split("\0"):
        if path:
            problems.append(f"{path}: tracked, but .gitignore matches it")
    return problems


@pytest.fixture(scope="module")
def git() -> None:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        unavailable("not a git checkout, or git is not on PATH")


def test_this_repository_is_clean(git):
    problems = hygiene_problems(ROOT)
    assert not problems, "\n".join(["fix these tracked paths (git rm --cached, or mend .gitignore):", *problems])


def test_the_check_finds_both_kinds(git, tmp_path):
    repo = tmp_path / "scratch"
    repo.mkdir()
    _git(repo, "init", "-q")
    (repo / ".gitignore").write_text(".venv-checkov\nbuild\n")
    (repo / "build").write_text("made by a set-up step\n")
    outside = tmp_path / "ckv"  # an absolute path beside the scratch repository, not in it
    (repo / ".venv-checkov").symlink_to(outside)
    (repo / "tools").mkdir()
    (repo / "tools" / "up").symlink_to("../../elsewhere")
    (repo / "tools" / "inside").symlink_to("../build")
    _git(repo, "add", "-f", ".")
    assert sorted(hygiene_problems(repo)) == [
        f".venv-checkov: symlink to {outside}, outside the repository",
        ".venv-checkov: tracked, but .gitignore matches it",
        "build: tracked, but .gitignore matches it",
        "tools/up: symlink to ../../elsewhere, outside the repository",
    ]
