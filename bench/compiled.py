"""The provider bindings as pip installs them, for a benchmark: every submodule byte-compiled.

install.py compiles only the submodules the library uses (`compile_used`), and this machine writes
no bytecode as it imports (PYTHONDONTWRITEBYTECODE), so a program that imports every submodule, as
the floor and the eager cases do, would compile some 2,000 of them on each run. Compile them once,
before timing, so that such a program meets the bindings as any user of the family does.
"""

from __future__ import annotations

import subprocess

SCRIPT = """\
import compileall, importlib.util, os
for name in ("cdktf_cdktf_provider_aws", "cdktn_provider_aws"):
    spec = importlib.util.find_spec(name)
    if spec and spec.origin:
        compileall.compile_dir(os.path.dirname(spec.origin), quiet=1, workers=0)
"""


def compile_bindings(python: str, env: dict[str, str] | None = None) -> None:
    """Byte-compile every submodule of the provider bindings of the virtualenv of `python`."""
    subprocess.run([python, "-c", SCRIPT], env=env, check=True, timeout=1800)
