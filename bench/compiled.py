"""The provider bindings as pip installs them, for a benchmark: every submodule byte-compiled.

install.py compiles only the submodules the library uses (`compile_used`), and this machine writes
no bytecode as it imports (PYTHONDONTWRITEBYTECODE), so a program that imports every submodule, as
the floor and the eager cases do, would compile some 2,000 of them on each run. Compile them once,
before timing, so that such a program meets the bindings as any user of the family does.
"""

from __future__ import annotations

import subprocess

SCRIPT = "import compileall, sysconfig; compileall.compile_dir(sysconfig.get_paths()['purelib'], quiet=1, workers=0)"


def compile_bindings(python: str, env: dict[str, str] | None = None) -> None:
    """Byte-compile every package of the virtualenv of `python`, as pip does (what is current is
    left alone, so only the bindings' unused submodules are compiled, once)."""
    subprocess.run([python, "-c", SCRIPT], env=env, check=True, timeout=1800)
