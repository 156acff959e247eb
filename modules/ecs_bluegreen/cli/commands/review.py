"""`bluegreen review`: a Terraform plan, sorted by what each change means for a blue/green service."""

from __future__ import annotations

import argparse
import sys
import textwrap
from pathlib import Path

from ...review import FORMATS, FindingClass, PlanError, load_plan, review
from ..exits import CommandError, Exit
from ..terraform import plan_of
from .common import Context, Outcome

NAME = "review"


def add(commands: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        NAME,
        help="sort a Terraform plan by what it means for blue/green",
        description="Sort every change of a plan: what interrupts traffic or deployments, what changes who can reach "
        "what, what takes effect only at the next `bluegreen deploy`, and what is safe in place; then the "
        "rollout timeline. Exits 4 while a change of a class that blocks is not allowed with --allow.",
        epilog=_classes(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument(
        "--plan", metavar="FILE", help="the output of `terraform show -json PLANFILE` ('-' for standard input)"
    )
    source.add_argument(
        "--stack-dir",
        type=Path,
        metavar="DIR",
        help="a stack folder where `terraform plan` runs (initialized, as `cdktf deploy` leaves it)",
    )
    parser.add_argument(
        "--format",
        choices=tuple(FORMATS),
        default="text",
        help="text for a terminal, markdown for a pull-request comment, or json (default: text)",
    )
    parser.add_argument(
        "--allow",
        action="append",
        default=[],
        metavar="ADDRESS",
        help="accept this interrupting change (repeat for each address)",
    )


def _classes() -> str:
    """The classes of findings, each with what it holds and whether it blocks."""
    lines = [
        textwrap.fill(
            f"{klass.title}{' (blocks)' if klass.blocks else ''}: {klass.meaning}",
            79,
            initial_indent=f"  {klass.number}  ",
            subsequent_indent=" " * 5,
        )
        for klass in FindingClass
    ]
    return "classes, by the first that applies:\n" + "\n".join(lines)


def run(args: argparse.Namespace, ctx: Context) -> Outcome:
    if args.stack_dir is not None:
        text, source = plan_of(args.stack_dir), f"the plan of {args.stack_dir}"
    elif args.plan == "-":
        text, source = sys.stdin.read(), "standard input"
    else:
        path = Path(args.plan)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(
                f"{path} cannot be read ({error.__class__.__name__}): give the file "
                "`terraform show -json PLANFILE` wrote",
                Exit.BAD_INPUT,
            ) from None
        source = str(path)
    try:
        plan = load_plan(text, source)
    except PlanError as error:
        raise CommandError(str(error), Exit.BAD_INPUT) from None
    result = review(plan)
    allowed = set(args.allow)
    ctx.out.write(FORMATS[args.format](result, allowed))
    return Outcome(Exit.INTERRUPTS if result.blocking(allowed) else Exit.OK)
