"""bluegreen: deploy a new version, follow it, approve it, finish it or roll it back, list
deployments, review a plan, and check a settings file.

    bluegreen deploy --stack-dir cdktf.out/stacks/web-dev --image nginx:1.28 --wait
    bluegreen deploy --stack-dir cdktf.out/stacks/web-dev      # Terraform's new settings
    bluegreen watch --stack-dir cdktf.out/stacks/web-dev       # the running deployment
    bluegreen approve --stack-dir cdktf.out/stacks/web-dev     # "Reroute traffic"
    bluegreen finish --stack-dir cdktf.out/stacks/web-dev      # "Terminate original task set"
    bluegreen rollback --stack-dir cdktf.out/stacks/web-dev    # "Stop and roll back"
    bluegreen status --stack-dir cdktf.out/stacks/web-dev
    bluegreen review --stack-dir cdktf.out/stacks/web-dev --format markdown
    bluegreen check cdktf.json

Each command is a module of commands/; this one parses the arguments, runs the command with the
renderer `--json` chooses, and turns every failure into one line and its exit code (exits.py).
"""

from __future__ import annotations

import argparse
import os
import sys
import textwrap
import time
from collections.abc import Callable
from typing import TextIO

from .aws import as_command_error, boto_clients
from .commands import COMMANDS
from .commands.common import ClientFactory, Context, Outcome, Renderer, stack_options
from .exits import PROG, CommandError, Exit
from .render import JsonRenderer, TextRenderer


def parser() -> argparse.ArgumentParser:
    codes = "\n".join(
        textwrap.fill(code.meaning, 79, initial_indent=f"  {code.value:<4} ", subsequent_indent=" " * 7)
        for code in Exit
    )
    top = argparse.ArgumentParser(
        prog=PROG,
        description=(__doc__ or "").split("\n\n")[0],
        epilog=f"exit codes:\n{codes}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    common = stack_options()
    for command in COMMANDS:
        command.add(commands, common)
    return top


def main(
    argv: list[str] | None = None,
    *,
    clients: ClientFactory = boto_clients,
    out: TextIO | None = None,
    err: TextIO | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    args = parser().parse_args(argv)
    command = next(c for c in COMMANDS if args.command == c.NAME)
    report = _renderer(out, err, json=getattr(args, "json", False))
    try:
        outcome: Outcome = command.run(args, Context(out, err, report, clients, sleep))
    except CommandError as error:
        report.halt()
        return _fail(err, str(error), error.exit)
    except KeyboardInterrupt:
        report.halt()
        err.write(f"{PROG}: interrupted\n")
        return Exit.INTERRUPTED
    except Exception as error:  # botocore's errors, each as one line; anything else is a bug to show
        report.halt()
        known = as_command_error(error)
        if known is None:
            raise
        return _fail(err, str(known), known.exit)
    report.close()
    if outcome.error is not None:
        return _fail(err, outcome.error, outcome.exit)
    return outcome.exit


def _renderer(out: TextIO, err: TextIO, *, json: bool) -> Renderer:
    """One JSON document with --json; on a terminal, text with a live view of a followed
    deployment; anywhere else (a pipe, a CI log), a line per change."""
    if json:
        return JsonRenderer(out)
    if out.isatty() and os.environ.get("TERM") != "dumb":
        from .live import LiveRenderer  # rich, only where it draws

        return LiveRenderer(out, err)
    return TextRenderer(out, err)


def _fail(err: TextIO, message: str, code: Exit) -> int:
    err.write(f"{PROG}: error: {message}\n")
    return code


if __name__ == "__main__":
    sys.exit(main())
