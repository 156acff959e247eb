"""The package's type hints hold: mypy --strict (pyproject.toml's [tool.mypy]) on every module,
against the real types of constructs, cdktf and the provider modules the constructs use. What
no other test proves: that the hints users' type checkers read (py.typed) are true."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from paths import ROOT

sys.path.insert(0, str(ROOT / "tools"))
import generated

pytestmark = pytest.mark.toolchain  # one check of the code, with tier A's mypy and bindings


def _provider_stubs(into: Path) -> Path:
    """The provider modules the constructs use, as stubs of a package without the rest.

    The bindings' own `__init__.py` imports all 1,500 resource modules, so a type checker that
    follows it reads them all (about 100 s and 3 GB here); each module's own file has the same
    types, and nothing in it refers to the others."""
    import cdktf_cdktf_provider_aws as provider

    source = Path(provider.__file__).parent
    root = into / source.name
    for module in ("_jsii", *generated.provider_modules()):
        (root / module).mkdir(parents=True)
        shutil.copyfile(source / module / "__init__.py", root / module / "__init__.pyi")
    (root / "__init__.pyi").write_text("")
    return into


def test_the_package_type_checks_strictly(tmp_path):
    stubs = _provider_stubs(tmp_path / "stubs")
    mypy = Path(sys.executable).parent / "mypy"
    proc = subprocess.run(
        [str(mypy), "--cache-dir", str(tmp_path / "cache")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "MYPYPATH": str(stubs)},
    )
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr
    assert "Success: no issues found" in proc.stdout


def test_the_stubs_and_generated_files_are_current():
    """The schema, the reference and the type stubs are what tools/generated.py makes of the code,
    and no stub is left of a provider module the constructs no longer use."""
    files = generated.generated()
    stale = [str(path.relative_to(ROOT)) for path, made in files.items() if not generated.current(path, made)]
    leftover = set((generated.PACKAGE / "constructs" / "aws").glob("*.pyi")) - set(files)
    assert not stale and not leftover, f"run: python3 -m pipenv run python tools/generated.py ({stale}, {leftover})"
    assert (generated.PACKAGE / "py.typed").is_file()
