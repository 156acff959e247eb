"""`bluegreen rollback`: stop a deployment with rollback, so traffic returns to the original task set."""

from __future__ import annotations

import argparse

from ..events import Stopped
from ..exits import CommandError
from .common import Context, Outcome, matching

NAME = "rollback"


def add(commands: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(NAME, parents=[common], help="stop the running deployment and roll back",
                                 description="Stop the running deployment with automatic rollback, so that traffic "
                                             "returns to the original task set.")
    parser.add_argument("--deployment-id", type=matching(r"d-[A-Z0-9]+", "a CodeDeploy deployment ID such as "
                                                                          "d-A1B2C3D4E"),
                        help="the deployment to stop (default: the running one)")


def run(args: argparse.Namespace, ctx: Context) -> Outcome:
    deployments = ctx.deployments(args)
    deployment_id = args.deployment_id
    if deployment_id is None:
        running = deployments.running()
        if not running:
            outputs = deployments.outputs
            raise CommandError(f"no deployment is running in {outputs.codedeploy_app_name}/"
                               f"{outputs.codedeploy_group_name}: nothing to roll back")
        deployment_id = running[0]
    stopped = deployments.stop(deployment_id)
    ctx.report.emit(Stopped(deployment_id, stopped.get("status"), stopped.get("statusMessage", "")))
    return Outcome()
