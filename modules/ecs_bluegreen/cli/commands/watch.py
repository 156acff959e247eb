"""`bluegreen watch`: follow a deployment, started here or elsewhere (CI, the console), to its end."""

from __future__ import annotations

import argparse

from ..events import Watching
from .common import Context, Outcome, chosen, deployment_option, follow_options, follow_to_end

NAME = "watch"


def add(commands: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        NAME,
        parents=[common],
        help="follow a deployment to its end; the exit code says how it ended",
        description="Follow the running deployment, or the one given, until it ends: its status, lifecycle events "
        "and hooks, the listeners' traffic, the task sets, the time left in a wait and the rollback "
        "alarms. On a terminal this is one view updated in place; otherwise a line per change. Exit 0 "
        "when it succeeded (or reached --until's stage), 1 when it failed or was stopped, 3 when --timeout "
        "passed first.",
    )
    deployment_option(parser, "follow")
    follow_options(parser)


def run(args: argparse.Namespace, ctx: Context) -> Outcome:
    engine = ctx.engine(args)
    deployment_id = chosen(engine, args.deployment_id, "watch")
    ctx.report.emit(Watching(deployment_id, engine.description(deployment_id)))
    return follow_to_end(engine, deployment_id, args, ctx)
