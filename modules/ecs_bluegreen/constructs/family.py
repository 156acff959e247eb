"""Which CDK for Terraform family the library runs on: cdktf, or its maintained fork cdktn.

The two are drop-in replacements under different module names (`cdktf` and `cdktf_cdktf_provider_aws`,
`cdktn` and `cdktn_provider_aws`), and constructs of one cannot join an app of the other. So the
library uses the family of the app it is imported into, decided once, on first import:

1. `ECS_BLUEGREEN_CDK=cdktf` or `=cdktn`, when set;
2. else the family whose core module the process has imported already (import `cdktn` first);
3. else the only family installed with its AWS provider bindings;
4. else, with both installed and neither imported, cdktf.

Every construct and stack checks the app it joins, so a mix fails with the fix, not in jsii.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Container, Mapping
from dataclasses import dataclass
from typing import Any

ENV = "ECS_BLUEGREEN_CDK"


@dataclass(frozen=True)
class Family:
    name: str
    core: str
    """Module of the core library: App, TerraformStack, ..."""
    provider: str
    """Module of the prebuilt AWS provider bindings."""
    extra: str
    """The distribution's extra that installs the family."""


FAMILIES = {
    "cdktf": Family("cdktf", "cdktf", "cdktf_cdktf_provider_aws", "cdktf"),
    "cdktn": Family("cdktn", "cdktn", "cdktn_provider_aws", "cdktn"),
}


class FamilyError(ImportError):
    """No usable CDK family, or an app of the other family."""


def _installed(family: Family) -> bool:
    return all(importlib.util.find_spec(module) is not None for module in (family.core, family.provider))


def select(environ: Mapping[str, str] | None = None, modules: Container[str] | None = None) -> Family:
    chosen = (os.environ if environ is None else environ).get(ENV)
    modules = sys.modules if modules is None else modules
    if chosen:
        if chosen not in FAMILIES:
            raise FamilyError(f"{ENV}={chosen!r}: use 'cdktf' or 'cdktn', the family your app is built on")
        family = FAMILIES[chosen]
        if not _installed(family):
            raise FamilyError(
                f"{ENV}={chosen} but {family.core} or {family.provider} is not installed: "
                f"pip install 'ecs-bluegreen[{family.extra}]'"
            )
        return family
    imported = [f for f in FAMILIES.values() if f.core in modules]
    if len(imported) == 1 and _installed(imported[0]):
        return imported[0]
    installed = [f for f in FAMILIES.values() if _installed(f)]
    if not installed:
        raise FamilyError(
            "ecs_bluegreen needs CDK for Terraform: pip install 'ecs-bluegreen[cdktf]' (cdktf "
            "with cdktf-cdktf-provider-aws) or 'ecs-bluegreen[cdktn]' (cdktn with cdktn-provider-aws)"
        )
    return installed[0]


FAMILY = select()


def check_app(scope: Any, what: str) -> None:
    """Refuse to add `what` to an app of the other family, with the fix."""
    root = type(scope.node.root).__module__.split(".")[0]
    if root in FAMILIES and root != FAMILY.name:
        raise FamilyError(
            f"{what}: the app is built on {root}, but ecs_bluegreen loaded {FAMILY.name}. Import {root} "
            f"before ecs_bluegreen, or set {ENV}={root}"
        )
