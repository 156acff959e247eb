"""The settings reference, docs/settings.md, made by the walker from the props classes.

Each class reachable from the stacks' settings gets a table: every setting with its Python type,
its default, what its rules allow, and its docstring. `python -m ecs_bluegreen.settings.reference`
prints it; `tools/generated.py` writes it, and a test checks that it is current.
"""

from __future__ import annotations

import re

from .kinds import Kind, PropsKind, settings_of
from .stack import BootstrapSettings, StackSettings

ROOTS = (StackSettings, BootstrapSettings)
INTRO = """\
# Settings reference

Every setting of `ecs_bluegreen`, as the props classes declare it. In Python, build the classes
(`ServiceProps(image=..., cpu=512)`); in JSON (`cdktf.json`'s `context.bluegreen`), write the same
names under `defaults` and under each environment, with lists for the tuples and objects for the
classes. A value outside what a setting allows is refused before synth, with the setting, the
value and the fix on one line; `bluegreen check cdktf.json` checks a file without synthesizing.

Generated from the code by `python3 -m pipenv run python tools/generated.py`; do not edit by hand.
"""


def classes() -> list[type]:
    """Every props class, each once, in the order a reader meets them from the stacks down."""
    found: list[type] = []

    def walk(kind: Kind) -> None:
        if isinstance(kind, PropsKind):
            if kind.cls in found:
                return
            found.append(kind.cls)
        for part in kind.parts():
            walk(part)

    for root in ROOTS:
        walk(PropsKind(cls=root))
    return found


def _meaning(doc: str) -> str:
    return re.sub(r"\s*(?:Default: .*|Required\.)$", "", doc)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _type(kind: Kind) -> str:
    return re.sub(r"\b([A-Z]\w*(?:Props|Settings))\b", lambda m: f"[{m[1]}](#{m[1].lower()})", _cell(kind.python()))


def render() -> str:
    out = [INTRO]
    for cls in classes():
        out += [
            f"## `{cls.__name__}`",
            "",
            " ".join((cls.__doc__ or "").split()),
            "",
            "| setting | type | default | allowed | meaning |",
            "|---|---|---|---|---|",
        ]
        for s in settings_of(cls):
            out.append(
                f"| `{s.name}` | {_type(s.kind)} | `{_cell(s.python_default())}` | {_cell(s.kind.allowed())} | "
                f"{_cell(_meaning(s.doc))} |"
            )
        out.append("")
    return "\n".join(out)


if __name__ == "__main__":
    print(render(), end="")
