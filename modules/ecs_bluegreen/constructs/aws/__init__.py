"""The AWS provider bindings of the CDK family in use (see family.py), under one name.

`from ecs_bluegreen.aws.lb import Lb` imports `cdktf_cdktf_provider_aws.lb` in a cdktf app and
`cdktn_provider_aws.lb` in a cdktn app: the very module, so every class is the family's own. Only
the submodules a stack uses are imported, on first use.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
from collections.abc import Sequence
from types import ModuleType

from ..family import FAMILY


class _Alias(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def __init__(self) -> None:
        self._real_specs: dict[str, importlib.machinery.ModuleSpec | None] = {}

    def find_spec(
        self, name: str, path: Sequence[str] | None = None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if not name.startswith(__name__ + "."):
            return None
        return importlib.machinery.ModuleSpec(name, self)

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        module = importlib.import_module(FAMILY.provider + spec.name[len(__name__) :])
        self._real_specs[spec.name] = module.__spec__
        return module

    def exec_module(self, module: ModuleType) -> None:
        # The import system has just set the alias's spec on the real module: give it back its own.
        assert module.__spec__ is not None
        module.__spec__ = self._real_specs.pop(module.__spec__.name)


if not any(isinstance(finder, _Alias) for finder in sys.meta_path):
    sys.meta_path.insert(0, _Alias())
