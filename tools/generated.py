"""Write the files made from the code, which tests keep in step with it:

    python3 -m pipenv run python tools/generated.py

- modules/ecs_bluegreen/settings.schema.json, the JSON Schema of the settings (settings/schema.py);
- docs/settings.md, the settings reference (settings/reference.py);
- the type stubs of the CDK plumbing, which picks cdktf's or cdktn's classes at run time
  (constructs/cdk.py, constructs/aws/): `cdk.pyi`, and `aws/<module>.pyi` for each provider
  module the constructs import, so that a type checker reads the classes as cdktf's.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "modules" / "ecs_bluegreen"
REFERENCE = ROOT / "docs" / "settings.md"
STUB_HEAD = "# Made by tools/generated.py: the types a type checker reads for {what} (see {source}).\n"


def provider_modules() -> list[str]:
    """Every provider module the constructs import (`from .aws.<module> import ...`)."""
    found = set()
    for path in (PACKAGE / "constructs").glob("*.py"):
        found |= set(re.findall(r"^from \.aws\.(\w+) import", path.read_text(), re.M))
    return sorted(found)


def stubs() -> dict[Path, str]:
    from ecs_bluegreen.constructs.family import FAMILIES

    core, provider = FAMILIES["cdktf"].core, FAMILIES["cdktf"].provider
    cdk = (PACKAGE / "constructs" / "cdk.py").read_text()
    names = re.findall(r'"(\w+)"', cdk.split("__all__ =", 1)[1])
    files = {PACKAGE / "constructs" / "cdk.pyi": STUB_HEAD.format(what=f"{core}'s core classes", source="cdk.py")
             + f"from {core} import (\n" + "".join(f"    {n} as {n},\n" for n in names) + ")\n"}
    for module in provider_modules():
        files[PACKAGE / "constructs" / "aws" / f"{module}.pyi"] = (
            STUB_HEAD.format(what=f"{provider}.{module}", source="__init__.py") + f"from {provider}.{module} import *\n")
    return files


def generated() -> dict[Path, str]:
    from ecs_bluegreen.settings import reference, schema

    return {schema.PUBLISHED: schema.render(), REFERENCE: reference.render(), **stubs()}


def main() -> int:
    files = generated()
    for path, text in files.items():
        if not path.exists() or path.read_text() != text:
            path.write_text(text)
            print(f"wrote {path.relative_to(ROOT)}", file=sys.stderr)
    for stale in set((PACKAGE / "constructs" / "aws").glob("*.pyi")) - set(files):
        stale.unlink()
        print(f"removed {stale.relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
