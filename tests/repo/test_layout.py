"""The layout a newcomer reads is the layout there is: CONTRIBUTING's map names every module of the
package and every file of the tests, and nothing else; and the package's imports keep its parts
apart (the constructs and the command never import each other, the review imports neither, the
settings none of them) with no module importing itself back through others.

Imports are read from the source (every `import` and `from ... import`, at the top, inside a
function or under TYPE_CHECKING alike), so that a cycle a type checker or a reader follows counts as
one too. What no other test proves: that the map and the package's structure hold."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from paths import ROOT

pytestmark = pytest.mark.toolchain  # the repository's own structure, the same on every tier

PACKAGE = ROOT / "modules" / "ecs_bluegreen"
MAP_LINE = re.compile(r"^(?P<indent> *)(?P<names>[\w./-]+(?:, [\w./-]+)*,?)(?:\s{2,}.*)?$")
PARTS_APART = {
    "ecs_bluegreen.cli": ("ecs_bluegreen.constructs", "ecs_bluegreen.review", "ecs_bluegreen.emulator"),
    "ecs_bluegreen.constructs": ("ecs_bluegreen.cli", "ecs_bluegreen.review", "ecs_bluegreen.emulator"),
    "ecs_bluegreen.review": ("ecs_bluegreen.cli", "ecs_bluegreen.constructs", "ecs_bluegreen.emulator"),
    "ecs_bluegreen.settings": (
        "ecs_bluegreen.cli",
        "ecs_bluegreen.constructs",
        "ecs_bluegreen.review",
        "ecs_bluegreen.emulator",
    ),
    "ecs_bluegreen.emulator": ("ecs_bluegreen.constructs", "ecs_bluegreen.review", "ecs_bluegreen.settings"),
}
"""What each part must not import. The command runs the review (cli/commands/review.py) and starts
the emulator (cli/commands/emulator.py), so only those modules of the command may import them; the
emulator knows nothing of the library but the command that starts it (its __main__)."""
MAY_IMPORT = {
    "ecs_bluegreen.cli.commands.review": "ecs_bluegreen.review",
    "ecs_bluegreen.cli.commands.emulator": "ecs_bluegreen.emulator",
}


def mapped(text: str) -> dict[str, set[str]]:
    """The files each code block of CONTRIBUTING's Layout section names, by the block's root: a
    folder's files are indented under it, and a line may name several, comma-separated; a line that
    names no file (a description carried over) is passed over."""
    section = text.split("\n## Layout\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```\n(.*?)```", section, re.S)
    found: dict[str, set[str]] = {}
    for block in blocks:
        lines = block.splitlines()
        root = lines[0].split()[0]
        names: set[str] = set()
        folders: list[tuple[int, str]] = []
        for line in lines[1:]:
            match = MAP_LINE.match(line)
            if not match or not all("." in n or n.endswith("/") for n in match["names"].rstrip(",").split(", ")):
                continue
            indent = len(match["indent"])
            while folders and folders[-1][0] >= indent:
                folders.pop()
            parent = folders[-1][1] if folders else ""
            for name in match["names"].rstrip(",").split(", "):
                names.add(parent + name)
                if name.endswith("/"):
                    folders.append((indent, parent + name))
        found[root] = names
    return found


def on_disk(root: Path, *, skip: tuple[str, ...] = ()) -> set[str]:
    """Every file of the tree below `root` that the map must name (its folders too), as the map
    writes them."""
    found: set[str] = set()
    for path in root.rglob("*"):
        relative = path.relative_to(root).as_posix()
        if "__pycache__" in path.parts or path.suffix in (".pyc", ".pyi") or relative.startswith(skip):
            continue
        found.add(relative + "/" if path.is_dir() else relative)
    return found


@pytest.fixture(scope="module")
def layout() -> dict[str, set[str]]:
    return mapped((ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8"))


def test_the_map_names_every_module_of_the_package_and_no_other(layout):
    written, there = layout["modules/ecs_bluegreen/"], on_disk(PACKAGE)
    assert not there - written, f"add to CONTRIBUTING's Layout: {sorted(there - written)}"
    assert not written - there, f"CONTRIBUTING's Layout names what is not there: {sorted(written - there)}"


def test_the_map_names_every_file_of_the_tests_and_no_other(layout):
    written = layout["tests/"]
    there = {p for p in on_disk(ROOT / "tests", skip=("snapshots/",)) if p.endswith((".py", "/"))} | {"snapshots/"}
    assert not there - written, f"add to CONTRIBUTING's Layout: {sorted(there - written)}"
    assert not written - there, f"CONTRIBUTING's Layout names what is not there: {sorted(written - there)}"


def test_the_map_is_read_as_written():
    """The reader of the map itself: indented files under their folder, several on a line, a
    description carried over to the next line passed over."""
    text = (
        "\n## Layout\n```\npkg/  the root\n  a.py, b.py  two\n  sub/\n    c.py   one\n  d.py\n"
        "                 carried over\n```\n## Next\n"
    )
    assert mapped(text) == {"pkg/": {"a.py", "b.py", "sub/", "sub/c.py", "d.py"}}


def imports() -> dict[str, set[str]]:
    """Each module of the package and the modules of the package it imports, however it does."""
    modules = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        package = parts[-1] == "__init__"
        name = ".".join(parts[:-1] if package else parts)
        modules[name] = (path, parts[:-1])  # the package a relative import starts from
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, (path, base) in modules.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.ImportFrom):
                where = ".".join(
                    (base[: len(base) - node.level + 1] if node.level else []) + ([node.module] if node.module else [])
                )
                targets = [f"{where}.{a.name}" if f"{where}.{a.name}" in modules else where for a in node.names]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            for target in targets:
                while target not in modules and "." in target:
                    target = target.rsplit(".", 1)[0]
                if target in modules and target != name:
                    graph[name].add(target)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The groups of modules that import one another, each a strongly connected component of more
    than one module (Tarjan), or of one that imports itself."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in sorted(graph[node]):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1 or node in graph[node]:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_module_imports_itself_back_through_others():
    assert cycles(imports()) == []


def test_the_cycle_finder_finds_a_cycle():
    """The finder itself, on the cycle the package had before the snapshot model stood alone."""
    graph = {"events": {"progress"}, "progress": {"events", "native"}, "native": {"progress"}, "render": {"events"}}
    assert cycles(graph) == [["events", "native", "progress"]]


def within(module: str, part: str) -> bool:
    return module == part or module.startswith(part + ".")


def test_the_parts_keep_apart():
    found = []
    for module, targets in sorted(imports().items()):
        barred = [b for part, bars in PARTS_APART.items() if within(module, part) for b in bars]
        found += [
            f"{module} imports {target}"
            for target in sorted(targets)
            if any(within(target, b) for b in barred)
            and not (module in MAY_IMPORT and within(target, MAY_IMPORT[module]))
        ]
    assert found == []
