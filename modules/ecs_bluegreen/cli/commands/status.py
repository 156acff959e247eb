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
    engine = ctx.engine(args)
    rows = engine.latest(args.limit)
    outputs = engine.outputs
    ctx.report.emit(
        StatusReported(
            outputs.codedeploy_app_name,
            outputs.codedeploy_group_name,
            terraform_status(engine.service),
            rows,
            engine.where,
            engine.NAME,
            engine.production(),
        )
    )
    return Outcome()
