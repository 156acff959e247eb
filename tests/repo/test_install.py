"""tools/install.py's byte-compilation, on a virtualenv of files made here: of the provider
bindings, only the submodules the library uses are compiled (the rest would be most of an install's
CPU), and everything else is, as pip would. The install itself is proved by the README's commands
on a fresh clone (`.ci/run`); this proves which files it compiles, which nothing else checks."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
from paths import ROOT

from ecs_bluegreen.constructs.family import FAMILY

pytestmark = pytest.mark.toolchain


def _install():
    spec = importlib.util.spec_from_file_location("install", ROOT / "tools" / "install.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_only_the_bindings_submodules_the_library_uses_are_compiled(tmp_path):
    install = _install()
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "python").symlink_to(sys.executable)
    site = venv / "lib" / f"python{sys.version_info[0]}.{sys.version_info[1]}" / "site-packages"
    files = {
        # the bindings' own files, the jsii assembly's, and the submodules the library has stubs of
        "cdktf_cdktf_provider_aws/__init__.py": True,
        "cdktf_cdktf_provider_aws/_jsii/__init__.py": True,
        "cdktf_cdktf_provider_aws/lb/__init__.py": True,
        "cdktf_cdktf_provider_aws/lb_listener/__init__.py": True,
        "cdktn_provider_aws/ecs_service/__init__.py": True,
        # submodules the library never imports, one a prefix of a used name's
        "cdktf_cdktf_provider_aws/xray_group/__init__.py": False,
        "cdktf_cdktf_provider_aws/lb_trust_store/__init__.py": False,
        "cdktn_provider_aws/ecs_capacity_provider/__init__.py": False,
        # any other package, whatever its names
        "botocore/xray_group/__init__.py": True,
        "jsii/_runtime.py": True,
    }
    for name in files:
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_text("VALUE = 1\n")
    install.compile_used(venv)
    compiled = {name: any((site / name).parent.glob(f"__pycache__/{Path(name).stem}.*.pyc")) for name in files}
    assert compiled == files
    # The used names are the library's stubs, and each is a submodule of the installed bindings:
    # a stub of no submodule would leave the one the library does use uncompiled.
    used = {stub.stem for stub in install.USED.glob("*.pyi")}
    assert {"lb", "lb_listener", "ecs_service", "provider"} <= used and "xray_group" not in used
    spec = importlib.util.find_spec(FAMILY.provider)
    assert spec and spec.origin
    bindings = Path(spec.origin).parent
    assert sorted(name for name in used if not (bindings / name / "__init__.py").is_file()) == []
