"""The synth benchmark: every case as a whole process, several runs, median wall time and the
peak memory of the largest process (jsii's Node), then the ratios the targets are stated in.

    python3 -m pipenv run python bench/run.py [--runs 3] [--out bench/results.json] [--suite]

Run it on an idle machine: a second job on the two cores skews every figure.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from compiled import compile_bindings

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable


EAGER = {"BLUEGREEN_EAGER_PROVIDER_IMPORT": "1"}


def cases() -> dict[str, tuple[list[str], dict[str, str]]]:
    """name: (command, extra environment)."""
    scale = [PY, str(ROOT / "bench" / "scale.py")]
    found = {
        "floor": ([PY, str(ROOT / "bench" / "floor.py")], {}),
        "reference-eager": ([PY, str(ROOT / "main.py")], EAGER),
        "reference": ([PY, str(ROOT / "main.py")], {}),
    }
    for n in (1, 10, 50):
        found[f"scale-{n}-one-stack"] = ([*scale, "--services", str(n), "--layout", "one-stack"], {})
    found["scale-10-stacks"] = ([*scale, "--services", "10", "--layout", "stacks"], {})
    found["repeat-3"] = ([*scale, "--services", "1", "--repeat", "3"], {})
    return found


def run_once(command: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Wall seconds, peak RSS in MB of the largest process of the tree, and stdout."""
    with tempfile.TemporaryDirectory() as outdir:
        started = time.perf_counter()
        proc = subprocess.Popen(
            command,
            cwd=ROOT,
            env={**env, "CDKTF_OUTDIR": outdir},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        stdout, stderr = proc.communicate()
        # The children's rusage: ru_maxrss is the largest resident set among the waited-for tree.
        wall = time.perf_counter() - started
        peak_mb = _children_maxrss_mb()
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{stderr[-2000:]}")
    return wall, peak_mb, stdout


def _children_maxrss_mb() -> float:
    import resource

    # RUSAGE_CHILDREN keeps the maximum over every child so far; the benchmark runs each case in
    # a fresh helper process (see measure) so that the figure is this case's own.
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def measure(name: str, command: list[str], extra_env: dict[str, str], runs: int) -> dict:
    walls, peaks, inner = [], [], []
    for _ in range(runs):
        # A fresh measuring process per run, so RUSAGE_CHILDREN holds only this run's tree.
        probe = subprocess.run(
            [PY, __file__, "--probe", json.dumps(command)],
            cwd=ROOT,
            env={**os.environ, **extra_env},
            capture_output=True,
            text=True,
            check=True,
        )
        result = json.loads(probe.stdout)
        walls.append(result["wall"])
        peaks.append(result["peak_mb"])
        if result["stdout"].startswith("{"):
            inner.append(json.loads(result["stdout"].splitlines()[-1]))
    row = {
        "case": name,
        "runs": runs,
        "wall_median_s": round(statistics.median(walls), 2),
        "wall_min_s": round(min(walls), 2),
        "peak_rss_median_mb": round(statistics.median(peaks)),
    }
    if inner:
        row["in_process_synth_s"] = inner[len(inner) // 2]["synth_seconds"]
    return row


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results.json")
    parser.add_argument("--suite", action="store_true", help="also time the whole test suite and the Terraform tier")
    parser.add_argument("--probe", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.probe:
        wall, peak, stdout = run_once(json.loads(args.probe), dict(os.environ))
        print(json.dumps({"wall": wall, "peak_mb": peak, "stdout": stdout}))
        return 0

    compile_bindings(PY)  # the floor and the eager cases meet the bindings as pip installs them
    rows = []
    for name, (command, extra_env) in cases().items():
        rows.append(measure(name, command, extra_env, args.runs))
        print(
            f"{name:<22} {rows[-1]['wall_median_s']:>7.2f} s  {rows[-1]['peak_rss_median_mb']:>6} MB"
            + (f"  in-process synths {rows[-1]['in_process_synth_s']}" if "in_process_synth_s" in rows[-1] else ""),
            flush=True,
        )
    by = {r["case"]: r for r in rows}
    # floor imports the bindings directly, as any CDKTF program does: eagerly, today's cost.
    floor = by["floor"]["wall_median_s"]
    ratios = {
        "reference/floor": round(by["reference"]["wall_median_s"] / floor, 3),
        "reference-eager/floor": round(by["reference-eager"]["wall_median_s"] / floor, 3),
        "scale-50/floor": round(by["scale-50-one-stack"]["wall_median_s"] / floor, 3),
        "scale-10-stacks/floor": round(by["scale-10-stacks"]["wall_median_s"] / floor, 3),
    }
    print("\nratios: " + ", ".join(f"{k} {v}" for k, v in ratios.items()))
    if args.suite:
        for name, command in (
            ("test-suite", [PY, "-m", "pytest", "-q"]),
            ("terraform-tier", [PY, "-m", "pytest", "-q", "tests/constructs/test_validate.py"]),
        ):
            started = time.perf_counter()
            subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
            rows.append({"case": name, "runs": 1, "wall_median_s": round(time.perf_counter() - started, 1)})
            print(f"{name:<22} {rows[-1]['wall_median_s']:>7.1f} s")
    args.out.write_text(
        json.dumps(
            {
                "machine": {
                    "cpus": os.cpu_count(),
                    "python": platform.python_version(),
                    "platform": platform.platform(),
                },
                "cases": rows,
                "ratios": ratios,
            },
            indent=2,
        )
        + "\n"
    )
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
