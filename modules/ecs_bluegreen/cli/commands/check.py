"""`bluegreen check`: a settings file checked as a synth would check it, without synthesizing:
every error on one line, exit 2; fast enough for a pre-commit hook (no CDK binding, no Node)."""

from __future__ import annotations

import argparse
from pathlib import Path

from ...settings import SettingsError, bootstrap_settings, environment_settings, load_config
from ..events import SettingsChecked
from ..exits import CommandError, Exit
from .common import Context, Outcome

NAME = "check"


def add(commands: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        NAME,
        help="check the settings file without synthesizing",
        description="Read the settings as main.py does, every environment and the state stack, and report the first "
        "bad one on one line (exit 2). Needs no AWS account, Terraform or Node.",
    )
    parser.add_argument(
        "file",
        nargs="?",
        type=Path,
        default=Path("cdktf.json"),
        help="a cdktf.json with the settings in context.bluegreen, or a file of the settings alone "
        "(default: cdktf.json)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON document instead of text")


def run(args: argparse.Namespace, ctx: Context) -> Outcome:
    try:
        config = load_config(args.file)
        environments = environment_settings(config)
        bootstrap_settings(config)
    except SettingsError as err:
        raise CommandError(str(err), Exit.BAD_INPUT) from None
    project = str(config["project"])
    stacks = [f"{project}-state", *(settings.app.name for settings in environments.values())]
    ctx.report.emit(SettingsChecked(str(args.file), project, list(environments), stacks))
    return Outcome()
