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
from ..deployments import SUCCEEDED_STATUSES, Deployments
from ..events import Ended, Event
from ..exits import PROG, CommandError, Exit
from ..outputs import StackOutputs, load_outputs
from ..progress import Progress, follow, progress
from ..render import clock_time

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

    def deployments(self, args: argparse.Namespace) -> Deployments:
        """The stack's service, from its outputs (read and checked first), and its AWS clients."""
        outputs = load_outputs(stack_dir=args.stack_dir, outputs_file=args.outputs, prefix=args.output_prefix)
        if outputs.is_native:
            from ..native import NativeDeployments

            return NativeDeployments(outputs, self.clients(outputs))
        return Deployments(outputs, self.clients(outputs))


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


DEPLOYMENT_ID = matching(r"d-[A-Z0-9]+|arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:service-deployment/[\w-]+/[\w-]+/[\w-]+",
                         "a CodeDeploy deployment ID such as d-A1B2C3D4E, or (engine 'ecs') a service deployment ARN "
                         "arn:aws:ecs:<region>:<account>:service-deployment/<cluster>/<service>/<id>")


def deployment_option(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument("--deployment-id", type=DEPLOYMENT_ID, help=f"the deployment to {what} (default: the running one)")


def chosen(deployments: Deployments, deployment_id: str | None, verb: str) -> str:
    """The deployment given, or the one running now; none running is a refusal."""
    if deployment_id is not None:
        return deployment_id
    running = deployments.running()
    if not running:
        raise CommandError(f"no deployment is running in {deployments.outputs.where}: nothing to {verb}")
    return running[0]


def state(now: Progress) -> str:
    """Where a deployment is, in a few words: for a refusal or a command that acts on it."""
    if now.ended:
        return f"{now.deployment_id} ended {now.status}"
    if now.wait is not None and now.wait.kind == "approval":
        return f"{now.deployment_id} waits for approval until {clock_time(now.wait.ends)}"
    if now.wait is not None and now.wait.kind == "bake":
        return (f"{now.deployment_id} is in its bake time until {clock_time(now.wait.ends)} (production is on the "
                "new revision; the original is kept for rollback)")
    if now.wait is not None:
        return (f"{now.deployment_id} is in its termination wait until {clock_time(now.wait.ends)} (production is on "
                "the new task set; the original is kept for rollback)")
    step = now.current
    return f"{now.deployment_id} is {now.status}" + (f" at {step.name}" if step else "")


def acted_on(args: argparse.Namespace, ctx: Context, verb: str) -> tuple[Deployments, Progress]:
    """The deployment a command acts on (--deployment-id, or the one running) and where it is now;
    one that ended already is a refusal."""
    deployments = ctx.deployments(args)
    now = progress(deployments, chosen(deployments, args.deployment_id, verb))
    if now.ended:
        raise CommandError(f"{state(now)} already: nothing to {verb}")
    return deployments, now


def follow_options(parser: argparse.ArgumentParser, when: str = "") -> None:
    parser.add_argument("--timeout", type=positive(0.001), default=120, metavar="MINUTES",
                        help=f"{when}give up following after this long (default: 120)")
    parser.add_argument("--poll", type=positive(1), default=10, metavar="SECONDS",
                        help=f"{when}seconds between checks (default: 10)")


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


def follow_to_end(deployments: Deployments, deployment_id: str, args: argparse.Namespace, ctx: Context) -> Outcome:
    """Follow the deployment until it ends; how it ended is the outcome. Interrupted, it goes on
    without us, and the message says how to pick it up again."""
    try:
        for event in follow(deployments, deployment_id, poll_seconds=args.poll, timeout_seconds=args.timeout * 60,
                            sleep=ctx.sleep, clock=time.monotonic):
            ctx.report.emit(event)
            if isinstance(event, Ended):
                return _ended(event, args.timeout)
    except KeyboardInterrupt:
        ctx.report.halt()
        raise CommandError(f"interrupted; {deployment_id} goes on without us. Resume with `{PROG} watch "
                           f"--deployment-id {deployment_id}`, or roll it back with `{PROG} rollback "
                           f"--deployment-id {deployment_id}`", Exit.INTERRUPTED) from None
    raise AssertionError("follow ends with Ended")


def _ended(event: Ended, timeout_minutes: float) -> Outcome:
    if event.timed_out:
        return Outcome(Exit.TIMED_OUT, f"{event.deployment_id} is still {event.status} after {timeout_minutes:g} min; "
                                       f"follow it with `{PROG} watch --deployment-id {event.deployment_id}` or stop "
                                       f"it with `{PROG} rollback`")
    if event.status in SUCCEEDED_STATUSES:
        return Outcome()
    reason = event.error.get("message") or event.status
    if event.rollback.get("rollbackDeploymentId"):
        reason += f"; rolled back by {event.rollback['rollbackDeploymentId']}"
    elif event.rollback.get("revision"):  # ECS-native: back to the source revision
        reason += f"; rolled back to {event.rollback['revision']}"
    return Outcome(Exit.FAILED, f"{event.deployment_id} {event.status.lower()}: {reason}")
