"""Import the AWS provider bindings without importing all of their 1,500 submodules.

`cdktf_cdktf_provider_aws/__init__.py` ends with one `from . import <resource>` line per resource
type. Executing those costs about 7 s of every process (measured with `python -X importtime`):
more than half of a cold synth, while a stack uses some thirty of them. This finder runs the same
`__init__.py` without those lines; `from cdktf_cdktf_provider_aws.lb import Lb` then imports just
that submodule, on first use, exactly as before. The assembly itself still loads once (jsii), and
every class keeps its type, so the typed API is unchanged.

It acts only when it is installed before the bindings are first imported, which `ecs_bluegreen`
does on import. Set BLUEGREEN_EAGER_PROVIDER_IMPORT=1 to turn it off. cdktn's bindings
(`cdktn_provider_aws`) load their submodules lazily by themselves, so there it has nothing to do
and never matches.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import os
import re
import sys
from types import ModuleType

PACKAGE = "cdktf_cdktf_provider_aws"
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


class _LazyProviderFinder(importlib.abc.MetaPathFinder):
    def find_spec(self, name: str, path=None, target=None) -> importlib.machinery.ModuleSpec | None:
        if name != PACKAGE:
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is None or spec.origin is None or not spec.origin.endswith("__init__.py"):
            return None
        spec.loader = _LazySubmodulesLoader(spec.origin)
        return spec


def install() -> bool:
    """Install the finder; True if it will take effect (the bindings are not imported yet)."""
    if os.environ.get("BLUEGREEN_EAGER_PROVIDER_IMPORT") == "1" or PACKAGE in sys.modules:
        return False
    if not any(isinstance(finder, _LazyProviderFinder) for finder in sys.meta_path):
        sys.meta_path.insert(0, _LazyProviderFinder())
    return True
