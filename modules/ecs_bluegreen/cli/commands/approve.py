"""`bluegreen approve`: the console's "Reroute traffic": let a deployment that waits for the
go-ahead go on (ContinueDeployment READY_WAIT; on ECS, ContinueServiceDeployment CONTINUE)."""

from __future__ import annotations

import argparse

from ..events import Continued
from .common import Context, Outcome, acted_on, deployment_option

NAME = "approve"


def add(commands: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        NAME,
        parents=[common],
        help="let a deployment that waits for approval move production traffic",
        description='The console\'s "Reroute traffic". With an approval wait (deployment.ready_action '
        "STOP_DEPLOYMENT) a deployment stops with the new tasks on the test listener only; once they are tested "
        "there, this moves production traffic to them: ContinueDeployment READY_WAIT on CodeDeploy, "
        "ContinueServiceDeployment CONTINUE for the pause hook that waits on engine 'ecs' (a pause of "
        "deployment.pauses too).",
    )
    deployment_option(parser, "approve")


def run(args: argparse.Namespace, ctx: Context) -> Outcome:
    engine, now = acted_on(args, ctx, "approve")
    engine.approve(now)
    ctx.report.emit(Continued(now.deployment_id, "READY_WAIT", engine.UNIT))
    return Outcome()
