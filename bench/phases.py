"""Where one cold synth of main.py goes, in the virtualenv that runs this: the imports (ours, and
the bindings' assemblies loading into jsii's Node), building the stacks, synthesizing them, and the
requests each phase sends to jsii's Node, by kind, with the time spent waiting on them.

    tools/tiers/cdktn/.venv/bin/python bench/phases.py     (any tier's Python; bench/tiers.py runs it)

Prints one JSON line. The count is taken at the one door every call of the bindings goes through
(`_NodeProcess.send`), as tests/conftest.py's JsiiCalls does.
"""

from __future__ import annotations

import collections
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    from jsii._kernel.providers.process import _NodeProcess

    counts: collections.Counter[str] = collections.Counter()
    waited: collections.Counter[str] = collections.Counter()
    original = _NodeProcess.send

    def send(self, request, response_type):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        try:
            return original(self, request, response_type)
        finally:
            kind = type(request).__name__.strip("_").removesuffix("Request").lower()
            counts[kind] += 1
            waited[kind] += time.perf_counter() - started

    _NodeProcess.send = send  # type: ignore[method-assign]
    phases: dict[str, dict] = {}

    def phase(name: str, started: float) -> float:
        now = time.perf_counter()
        phases[name] = {
            "s": round(now - started, 3),
            "requests": dict(counts.most_common()),
            "waiting_s": round(sum(waited.values()), 3),
        }
        counts.clear()
        waited.clear()
        return now

    started = time.perf_counter()
    sys.path.insert(0, str(ROOT))
    import main as example
    from ecs_bluegreen.constructs.cdk import App
    from ecs_bluegreen.constructs.family import FAMILY

    started = phase("import", started)
    with tempfile.TemporaryDirectory() as outdir:
        app = App(outdir=outdir)
        stacks = example.build(app, ROOT / "cdktf.json", None)
        started = phase("build", started)
        app.synth()
        phase("synth", started)
    print(json.dumps({"family": FAMILY.name, "stacks": len(stacks), "phases": phases}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
