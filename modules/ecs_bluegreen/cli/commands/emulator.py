"""`bluegreen emulator`: the emulator on loopback, to rehearse deployments with no AWS account
(ecs_bluegreen.emulator: moto, with CodeDeploy's and ECS's blue/green deployments on a clock)."""

from __future__ import annotations

import argparse

from ..exits import CommandError, Exit
from .common import Context, Outcome

NAME = "emulator"

INSTALL = (
    "the emulator needs moto: pip install 'ecs-bluegreen[emulator]' (in a clone of the repository: "
    "python3 tools/install.py --emulator)"
)


def add(commands: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        NAME,
        help="run the emulator: AWS on loopback, with both engines' deployments",
        description="moto_server with CodeDeploy's ECS blue/green lifecycle and ECS's own service deployments, "
        "on a clock you move (POST /moto-api/bluegreen/clock), until Ctrl-C. Point AWS_ENDPOINT_URL and "
        'the stacks\' "endpoint" setting at it. Needs the extra: ' + INSTALL.split(": ", 1)[1] + ".",
    )
    parser.add_argument("-H", "--host", default="127.0.0.1", help="the address to bind (default: 127.0.0.1)")
    parser.add_argument("-p", "--port", type=int, default=4566, help="the port (default: 4566; 0: a free one)")
    parser.add_argument("--port-file", help="where to write the port once it listens (with -p 0)")


def run(args: argparse.Namespace, ctx: Context) -> Outcome:
    try:
        import moto.moto_server.werkzeug_app  # noqa: F401
    except ImportError:
        raise CommandError(INSTALL, Exit.BAD_INPUT) from None
    from pathlib import Path

    from ...emulator.server import serve

    serve(args.host, args.port, Path(args.port_file) if args.port_file else None)
    return Outcome()
