"""The synthesized stacks in HCL as well, for people who review HCL.

CDKTF renders a stack in HCL (`TerraformStack.to_hcl_terraform`), but its `hclOutput` option
replaces the JSON, and Terraform would read both if they shared a folder. So each stack's HCL goes
into a folder of its own, `<outdir>/hcl/<stack>/main.tf`, where `terraform validate` runs as it
does on the JSON. A local backend's relative path still works, since the folder is just as deep.
CDKTF writes the HCL unindented; `terraform fmt` formats it when Terraform is on PATH.

CDKTF 0.21 leaves the quotes of a one-line string unescaped when the string holds an
interpolation (render.js, escapeQuotes). A task definition's container JSON or a policy that names
another resource then renders as `"[{"name": ...}]"`, which no HCL parser reads. `_escape_strings`
escapes such a string outside its `${...}` parts.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterable
from pathlib import Path

from .cdk import TerraformStack

_ONE_LINE_STRING = re.compile(r'^(?P<head>\s*(?:[A-Za-z0-9_-]+|"[^"]*")\s*=\s*)"(?P<body>.*\$\{.*)"(?P<tail>,?)$')


def _escape_template(body: str) -> str:
    """`body`, a string with interpolations, as an HCL quoted template: `"` and `\\` escaped
    outside `${...}`, and left as they are inside."""
    out, depth, i = [], 0, 0
    while i < len(body):
        char = body[i]
        if depth == 0 and body.startswith("${", i):
            out.append("${")
            depth, i = 1, i + 2
            continue
        if depth > 0:
            depth += {"{": 1, "}": -1}.get(char, 0)
        elif char in '"\\':
            char = "\\" + char
        elif body.startswith("%{", i):
            char = "%%"  # a template directive in HCL; a literal "%{" in the value
        out.append(char)
        i += 1
    return "".join(out)


def _escape_strings(hcl: str) -> str:
    lines = []
    for line in hcl.split("\n"):
        match = _ONE_LINE_STRING.match(line)
        if match and '"' in _outside(match["body"]):
            line = f'{match["head"]}"{_escape_template(match["body"])}"{match["tail"]}'
        lines.append(line)
    return "\n".join(lines)


def _outside(body: str) -> str:
    """The parts of `body` outside its interpolations."""
    return re.sub(r"\$\{[^}]*\}", "", body)


def write_hcl(stacks: Iterable[TerraformStack], outdir: str | Path) -> list[Path]:
    """Write each stack's HCL to `<outdir>/hcl/<stack id>/main.tf`; the files written."""
    written = []
    terraform = shutil.which("terraform")
    for stack in stacks:
        hcl = _escape_strings(stack.to_hcl_terraform()["hcl"])
        if terraform is not None:
            formatted = subprocess.run(
                [terraform, "fmt", "-no-color", "-"], input=hcl, capture_output=True, text=True, check=False
            )
            hcl = formatted.stdout if formatted.returncode == 0 else hcl
        path = Path(outdir, "hcl", stack.node.id, "main.tf")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(hcl)
        written.append(path)
    return written
