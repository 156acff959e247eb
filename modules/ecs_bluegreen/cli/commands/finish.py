"""`bluegreen finish`: the console's "Terminate original task set": end the termination wait now,
once production is on the new task set (ContinueDeployment, TERMINATION_WAIT)."""

from __future__ import annotations

import argparse

from ..events import Continued
from ..exits import PROG, CommandError
from .common import Context, Outcome, acted_on, deployment_option, state

NAME = "finish"


def add(commands: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        NAME, parents=[common], help="terminate the original task set now and end the deployment",
        description="The console's \"Terminate original task set\". After traffic has moved, CodeDeploy keeps the "
                    "original task set for the termination wait (60 minutes by default), the window of instant "
                    "rollback, and no other deployment of the group can start. This ends that window now "
                    "(ContinueDeployment TERMINATION_WAIT): the deployment succeeds, and rollback is no longer "
                    "instant.")
    deployment_option(parser, "finish")


def run(args: argparse.Namespace, ctx: Context) -> Outcome:
    deployments, now = acted_on(args, ctx, "finish")
    if deployments.native:
        raise CommandError(f"{state(now)}: on engine 'ecs' ECS ends the bake time itself (deployment."
                           "termination_wait_minutes) and offers no way to end it early; shorten it for the next "
                           f"deployments, or return traffic with `{PROG} rollback`")
    deployment_id = now.deployment_id
    if now.status == "Ready":
        raise CommandError(f"traffic has not moved yet: {state(now)}. Approve it with `{PROG} approve`, or stop it "
                           f"with `{PROG} rollback`")
    if not now.traffic_moved:
        raise CommandError(f"traffic has not moved yet: {state(now)}. There is an original task set to terminate "
                           f"once production is on the new one; `{PROG} watch` follows it there")
    deployments.proceed(deployment_id, "TERMINATION_WAIT")
    ctx.report.emit(Continued(deployment_id, "TERMINATION_WAIT"))
    return Outcome()
