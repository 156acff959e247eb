"""Time each compatibility tier: a cold synth of main.py against the tier's own floor (bench/floor.py:
the provider and one ECS cluster on the same family and bindings), where main.py's time goes
(bench/phases.py: the imports, building the stacks, the synth, and the requests each sends to
jsii's Node), and its unit-tier run.

    python3 -m pipenv run python bench/tiers.py [--runs 3] [--synth-only]

Tier A is the project's virtualenv; the others are tools/tiers/<name>/.venv (install.py --tests).
One tier at a time, so the figures do not share the two cores, and main.py and the floor in turn,
so that both meet the same machine. Prints a table and one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "support"))
from compiled import compile_bindings  # noqa: E402
from tiers import TIERS as TEST_TIERS  # noqa: E402  (the tiers as repo/test_tiers.py runs them)
from tiers import UNIT, selection  # noqa: E402

TIERS = {
    "A": ROOT / ".venv",
    "B cdktf-aws6": ROOT / "tools" / "tiers" / "cdktf-aws6" / ".venv",
    "C cdktn": ROOT / "tools" / "tiers" / "cdktn" / ".venv",
    "A py310": ROOT / "tools" / "tiers" / "py310" / ".venv",
    "A py313": ROOT / "tools" / "tiers" / "py313" / ".venv",
}


def _env(venv: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PIPENV_ACTIVE")}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env['PATH']}"
    return env


def _timed(args: list[str], env: dict[str, str]) -> float:
    started = time.monotonic()
    subprocess.run(args, cwd=ROOT, env=env, check=True, capture_output=True, timeout=1800)
    return time.monotonic() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="cold synths of each per tier (median)")
    parser.add_argument("--synth-only", action="store_true", help="leave out the unit-tier run")
    args = parser.parse_args()
    results = {}
    for name, venv in TIERS.items():
        python = str(venv / "bin" / "python")
        if not Path(python).exists():
            print(f"{name}: not installed ({venv})", file=sys.stderr)
            continue
        env = _env(venv)
        compile_bindings(python, env)  # the floor meets the bindings as pip installs them
        synths, floors = [], []
        for _ in range(args.runs):
            with tempfile.TemporaryDirectory() as out:
                synths.append(_timed([python, "main.py"], {**env, "CDKTF_OUTDIR": out}))
            floors.append(_timed([python, str(ROOT / "bench" / "floor.py")], env))
        synth, floor = statistics.median(synths), statistics.median(floors)
        results[name] = {
            "main_py_synth_s": round(synth, 2),
            "floor_s": round(floor, 2),
            "synth/floor": round(synth / floor, 2),
        }
        line = f"{name:<14} main.py synth {synth:>6.2f} s   floor {floor:>6.2f} s   ratio {synth / floor:>5.2f}"
        # Where main.py's time goes on this tier (bench/phases.py), from one more cold run.
        probe = subprocess.run(
            [python, str(ROOT / "bench" / "phases.py")],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
            timeout=600,
        )
        phases = json.loads(probe.stdout.strip().splitlines()[-1])["phases"]
        results[name]["phases"] = phases
        line += "".join(
            f"   {phase} {each['s']:.2f} s ({sum(each['requests'].values())} requests, "
            f"{each['waiting_s']:.2f} s on them)"
            for phase, each in phases.items()
        )
        if not args.synth_only:
            with tempfile.TemporaryDirectory() as tmp:
                tier = TEST_TIERS.get(name.split()[-1])
                unit = _timed(
                    [
                        python,
                        "-m",
                        "pytest",
                        "-q",
                        "-p",
                        "no:cacheprovider",
                        "-n",
                        "0",
                        "-m",
                        selection(tier) if tier else UNIT,
                        f"--basetemp={tmp}/t",
                    ],
                    env,
                )
            results[name]["unit_tier_s"] = round(unit, 1)
            line += f"   unit tier {unit:>6.1f} s"
        print(line, flush=True)
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
