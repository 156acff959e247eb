"""What every command shares: where the stack is, how the result is shown, and how it ended."""

from __future__ import annotations

import argparse
import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TextIO

from ..aws import Clients
from ..engines import ENGINES, Engine, engine_for
from ..events import Ended, Event, Progressed, Reached
from ..exits import PROG, CommandError, Exit
from ..follow import follow
from ..outputs import StackOutputs, load_outputs
from ..render import state
from ..snapshot import Ending, Snapshot, Stage

ClientFactory = Callable[[StackOutputs], Clients]


class Renderer(Protocol):
    def emit(self, event: Event) -> None: ...

    def close(self) -> None: ...

    def halt(self) -> None: ...


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

    def engine(self, args: argparse.Namespace) -> Engine:
        """The engine of the stack's service, from its outputs (read and checked first), with its AWS
        clients."""
        outputs = load_outputs(stack_dir=args.stack_dir, outputs_file=args.outputs, prefix=args.output_prefix)
        return engine_for(outputs, self.clients(outputs))


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
    where.add_argument(
        "--stack-dir",
        type=Path,
        metavar="DIR",
        help="the stack's folder, e.g. cdktf.out/stacks/web-dev (runs `terraform output -json` there)",
    )
    where.add_argument(
        "--outputs",
        type=Path,
        metavar="FILE",
        help="a saved `terraform output -json` of the stack, instead of --stack-dir",
    )
    common.add_argument(
        "--output-prefix",
        default="",
        metavar="PREFIX",
        type=matching(
            r"(?:[A-Za-z_][A-Za-z0-9_]*)?",
            "the prefix service_outputs was given: letters, digits and underscores, e.g. api_",
        ),
        help="with several services in one stack: the prefix of this service's outputs, e.g. api_",
    )
    common.add_argument("--json", action="store_true", help="print one JSON document instead of text")
    return common


DEPLOYMENT_ID = matching(
    "|".join(engine.DEPLOYMENT_ID[0] for engine in ENGINES.values()),
    ", or ".join(engine.DEPLOYMENT_ID[1] for engine in ENGINES.values()),
)
"""A deployment's id, as any engine writes it."""


def deployment_option(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument(
        "--deployment-id", type=DEPLOYMENT_ID, help=f"the deployment to {what} (default: the running one)"
    )


def chosen(engine: Engine, deployment_id: str | None, verb: str) -> str:
    """The deployment given, or the one running now; none running is a refusal."""
    if deployment_id is not None:
        return deployment_id
    running = engine.running()
    if not running:
        raise CommandError(f"no deployment is running in {engine.where}: nothing to {verb}")
    return running[0]


def acted_on(args: argparse.Namespace, ctx: Context, verb: str) -> tuple[Engine, Snapshot]:
    """The deployment a command acts on (--deployment-id, or the one running) and where it is now;
    one that ended already is a refusal."""
    engine = ctx.engine(args)
    now = engine.snapshot(chosen(engine, args.deployment_id, verb))
    if now.ended:
        raise CommandError(f"{state(now)} already: nothing to {verb}")
    return engine, now


def follow_options(parser: argparse.ArgumentParser, when: str = "") -> None:
    parser.add_argument(
        "--timeout",
        type=positive(0.001),
        default=120,
        metavar="MINUTES",
        help=f"{when}give up following after this long (default: 120)",
    )
    parser.add_argument(
        "--poll", type=positive(1), default=10, metavar="SECONDS", help=f"{when}seconds between checks (default: 10)"
    )
    parser.add_argument(
        "--until",
        choices=[stage.value for stage in Stage],
        metavar="STAGE",
        help=f"{when}follow only until the deployment reaches STAGE, and leave it running: "
        f"{', '.join(stage.value for stage in Stage)} (bake: the termination wait or bake time). Exit 0 there; "
        "1 when it fails or rolls back first, or passes approval without waiting for it",
    )


def positive(least: float) -> Callable[[str], float]:
    """An argparse type: a finite number of at least `least` (no 0, negative, NaN or infinity)."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not math.isfinite(value) or value < least:
            raise argparse.ArgumentTypeError(f"invalid value {text!r}: give a number of at least {least:g}")
        return value

    return parse


def follow_to_end(engine: Engine, deployment_id: str, args: argparse.Namespace, ctx: Context) -> Outcome:
    """Follow the deployment until it ends, or reaches the stage of --until; how it ended (or that
    it got there) is the outcome. Interrupted, it goes on without us, and the message says how to
    pick it up again."""
    until = Stage(args.until) if getattr(args, "until", None) else None
    try:
        for event in follow(
            engine,
            deployment_id,
            poll_seconds=args.poll,
            timeout_seconds=args.timeout * 60,
            sleep=ctx.sleep,
            clock=time.monotonic,
        ):
            ctx.report.emit(event)
            if isinstance(event, Ended):
                return _ended(event, args.timeout, until)
            if until is not None and isinstance(event, Progressed):
                got = reached(event.snapshot, until)
                if got:
                    ctx.report.emit(Reached(event.snapshot, until))
                    return Outcome()
                if got is False:
                    return _passed(event.snapshot)
    except KeyboardInterrupt:
        ctx.report.halt()
        raise CommandError(
            f"interrupted; {deployment_id} goes on without us. Resume with `{PROG} watch "
            f"--deployment-id {deployment_id}`, or roll it back with `{PROG} rollback "
            f"--deployment-id {deployment_id}`",
            Exit.INTERRUPTED,
        ) from None
    raise AssertionError("follow ends with Ended")


def reached(now: Snapshot, until: Stage) -> bool | None:
    """Whether the deployment has got to `until`: True, None while not yet, False when it went past
    approval without waiting for it (a deployment that failed has got nowhere)."""
    if now.ending is Ending.FAILED or now.stage is None:
        return None
    if until is Stage.APPROVAL and now.stage is not Stage.APPROVAL:
        return False if now.stage.order > until.order else None
    return now.stage.order >= until.order or None


def _passed(now: Snapshot) -> Outcome:
    where = now.stage.value if now.stage else now.status
    return Outcome(
        Exit.FAILED,
        f"{now.deployment_id} went on to {where} without waiting for approval: its service has no approval "
        "wait (deployment.ready_action STOP_DEPLOYMENT)",
    )


def _ended(event: Ended, timeout_minutes: float, until: Stage | None = None) -> Outcome:
    last = event.snapshot
    if event.timed_out:
        where = f" short of {until.value}" if until is not None else ""
        return Outcome(
            Exit.TIMED_OUT,
            f"{last.deployment_id} is still {last.status}{where} after {timeout_minutes:g} min; "
            f"follow it with `{PROG} watch --deployment-id {last.deployment_id}` or stop "
            f"it with `{PROG} rollback`",
        )
    if last.succeeded and until is Stage.APPROVAL:
        return _passed(last)
    if last.succeeded:
        return Outcome()
    reason = last.error.get("message") or last.status
    if last.rolled_back:
        reason += f"; {last.rolled_back}"
    return Outcome(Exit.FAILED, f"{last.deployment_id} {last.status.lower()}: {reason}")
