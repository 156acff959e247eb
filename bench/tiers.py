"""Time each compatibility tier: its unit-tier run, and a cold synth of main.py in it.

    python3 -m pipenv run python bench/tiers.py [--runs 3]

Tier A is the project's virtualenv; the others are tools/tiers/<name>/.venv (tools/install.py).
One tier at a time, so the figures do not share the two cores. Prints a table and one JSON line.
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
SELECTION = "not e2e and not terraform and not toolchain"
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
    parser.add_argument("--runs", type=int, default=3, help="cold synths per tier (median)")
    args = parser.parse_args()
    results = {}
    for name, venv in TIERS.items():
        python = str(venv / "bin" / "python")
        if not Path(python).exists():
            print(f"{name}: not installed ({venv})", file=sys.stderr)
            continue
        env = _env(venv)
        synths = []
        for _ in range(args.runs):
            with tempfile.TemporaryDirectory() as out:
                synths.append(_timed([python, "main.py"], {**env, "CDKTF_OUTDIR": out}))
        with tempfile.TemporaryDirectory() as tmp:
            unit = _timed([python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", SELECTION,
                           f"--basetemp={tmp}/t"], env)
        results[name] = {"main_py_synth_s": round(statistics.median(synths), 2), "unit_tier_s": round(unit, 1)}
        print(f"{name:<14} main.py synth {results[name]['main_py_synth_s']:>6.2f} s   "
              f"unit tier {results[name]['unit_tier_s']:>6.1f} s", flush=True)
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
