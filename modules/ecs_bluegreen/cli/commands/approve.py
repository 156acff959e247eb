"""`bluegreen approve`: the console's "Reroute traffic": let a deployment that waits for the
go-ahead move production traffic (ContinueDeployment, READY_WAIT)."""

from __future__ import annotations

import argparse

from ..events import Continued
from ..exits import PROG, CommandError
from .common import Context, Outcome, acted_on, deployment_option, state

NAME = "approve"


def add(commands: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        NAME, parents=[common], help="let a deployment that waits for approval move production traffic",
        description="The console's \"Reroute traffic\". A deployment group with an approval wait "
                    "(deployment.ready_action STOP_DEPLOYMENT) stops with the new task set on the test listener only; "
                    "once it is tested there, this moves production traffic to it (ContinueDeployment READY_WAIT).")
    deployment_option(parser, "approve")


def run(args: argparse.Namespace, ctx: Context) -> Outcome:
    deployments, now = acted_on(args, ctx, "approve")
    if deployments.native:
        raise CommandError(f"nothing waits for approval: {state(now)}. On engine 'ecs' a deployment has no approval "
                           "wait; a hook at POST_TEST_TRAFFIC_SHIFT (hooks['AfterAllowTestTraffic']) decides whether "
                           f"production traffic moves, and `{PROG} rollback` stops it")
    deployment_id = now.deployment_id
    if now.status != "Ready":
        if now.traffic_moved:
            raise CommandError(f"nothing waits for approval: {state(now)}. `{PROG} finish` ends the termination "
                               "wait now")
        raise CommandError(f"nothing waits for approval: {state(now)}. A deployment waits at Ready only when its "
                           "group has an approval wait (deployment.ready_action STOP_DEPLOYMENT)")
    deployments.proceed(deployment_id, "READY_WAIT")
    ctx.report.emit(Continued(deployment_id, "READY_WAIT"))
    return Outcome()
