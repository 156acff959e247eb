"""What every command shares: where the stack is, how the result is shown, and how it ended."""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TextIO

from ..deployments import Deployments
from ..events import Event
from ..exits import Exit
from ..outputs import StackOutputs, load_outputs

ClientFactory = Callable[[StackOutputs], tuple[Any, Any]]


class Renderer(Protocol):
    def emit(self, event: Event) -> None: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class Outcome:
    """How a command ended: its exit code, and for a failure it reports (a deployment that failed),
    the one line that says so."""

    exit: Exit = Exit.OK
    error: str | None = None


@dataclass(frozen=True)
class Context:
    """What a command runs with: its output streams, the renderer of its events, and AWS."""

    out: TextIO
    err: TextIO
    report: Renderer
    clients: ClientFactory
    sleep: Callable[[float], None]

    def deployments(self, args: argparse.Namespace) -> Deployments:
        """The stack's service, from its outputs (read and checked first), and its AWS clients."""
        outputs = load_outputs(stack_dir=args.stack_dir, outputs_file=args.outputs, prefix=args.output_prefix)
        return Deployments(outputs, *self.clients(outputs))


def matching(pattern: str, what: str) -> Callable[[str], str]:
    """An argparse type: text that matches `pattern` whole."""
    def parse(text: str) -> str:
        if re.fullmatch(pattern, text) is None:
            raise argparse.ArgumentTypeError(f"invalid value {text!r}: give {what}")
        return text
    return parse


def stack_options() -> argparse.ArgumentParser:
    """The options of every command that acts on one service of a stack."""
    common = argparse.ArgumentParser(add_help=False)
    where = common.add_mutually_exclusive_group()
    where.add_argument("--stack-dir", type=Path, metavar="DIR",
                       help="the stack's folder, e.g. cdktf.out/stacks/web-dev (runs `terraform output -json` there)")
    where.add_argument("--outputs", type=Path, metavar="FILE",
                       help="a saved `terraform output -json` of the stack, instead of --stack-dir")
    common.add_argument("--output-prefix", default="", metavar="PREFIX",
                        type=matching(r"(?:[A-Za-z_][A-Za-z0-9_]*)?", "the prefix service_outputs was given: "
                                      "letters, digits and underscores, e.g. api_"),
                        help="with several services in one stack: the prefix of this service's outputs, e.g. api_")
    common.add_argument("--json", action="store_true", help="print one JSON document instead of text")
    return common
