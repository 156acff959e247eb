"""`bluegreen status`: whether Terraform's latest revision is live, and the latest deployments."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from ..events import StatusReported
from ..plan import terraform_status
from .common import Context, Outcome

NAME = "status"


def _whole(least: int, most: int) -> Callable[[str], int]:
    """An argparse type: a whole number from `least` to `most`."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = least - 1
        if not least <= value <= most:
            raise argparse.ArgumentTypeError(f"invalid value {text!r}: give a whole number from {least} to {most}")
        return value
    return parse


def add(commands: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(NAME, parents=[common], help="the latest deployments and their state")
    parser.add_argument("--limit", type=_whole(1, 1000), default=5, help="how many deployments (default: 5)")


def run(args: argparse.Namespace, ctx: Context) -> Outcome:
    deployments = ctx.deployments(args)
    rows = [{
        "deploymentId": d["deploymentId"], "status": d["status"], "created": d.get("createTime"),
        "completed": d.get("completeTime"), "description": d.get("description", ""),
        "error": d.get("errorInformation", {}).get("message"),
    } for d in deployments.latest(args.limit)]
    outputs = deployments.outputs
    ctx.report.emit(StatusReported(outputs.codedeploy_app_name, outputs.codedeploy_group_name,
                                   terraform_status(deployments), rows, outputs.where, outputs.engine))
    return Outcome()
