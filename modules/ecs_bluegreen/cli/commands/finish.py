"""`bluegreen finish`: the console's "Terminate original task set": end the termination wait now,
once production is on the new task set (ContinueDeployment, TERMINATION_WAIT)."""

from __future__ import annotations

import argparse

from ..events import Continued
from .common import Context, Outcome, acted_on, deployment_option

NAME = "finish"


def add(commands: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        NAME,
        parents=[common],
        help="terminate the original task set now and end the deployment",
        description='The console\'s "Terminate original task set". After traffic has moved, CodeDeploy keeps the '
        "original task set for the termination wait (60 minutes by default), the window of instant "
        "rollback, and no other deployment of the group can start. This ends that window now "
        "(ContinueDeployment TERMINATION_WAIT): the deployment succeeds, and rollback is no longer "
        "instant.",
    )
    deployment_option(parser, "finish")


def run(args: argparse.Namespace, ctx: Context) -> Outcome:
    engine, now = acted_on(args, ctx, "finish")
    engine.finish(now)
    ctx.report.emit(Continued(now.deployment_id, "TERMINATION_WAIT", engine.UNIT))
    return Outcome()
