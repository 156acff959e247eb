"""`bluegreen rollback`: the console's "Stop and roll back": stop a deployment with rollback, so
that traffic returns to the original task set."""

from __future__ import annotations

import argparse

from ..events import Stopped
from .common import Context, Outcome, acted_on, deployment_option

NAME = "rollback"


def add(commands: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        NAME,
        parents=[common],
        help="stop the running deployment and roll back",
        description='The console\'s "Stop and roll back": stop the running deployment with '
        "automatic rollback, so that traffic returns to the original task set (StopDeployment; on engine 'ecs' "
        "StopServiceDeployment ROLLBACK, or ContinueServiceDeployment ROLLBACK for a pause that waits). "
        "It works until the deployment ends, termination wait or bake time included.",
    )
    deployment_option(parser, "stop")


def run(args: argparse.Namespace, ctx: Context) -> Outcome:
    engine, now = acted_on(args, ctx, "roll back")
    status, message = engine.stop(now)
    ctx.report.emit(Stopped(now.deployment_id, status, message, engine.UNIT))
    return Outcome()
