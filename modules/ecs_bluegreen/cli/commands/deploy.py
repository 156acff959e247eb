"""`bluegreen deploy`: Terraform's latest revision, with an image, rolled out through CodeDeploy (or,
on the ECS-native engine, by ECS: an UpdateService that starts a service deployment)."""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from typing import Annotated

from ...contract import HOOK_EVENTS
from ...revisions import label
from ...settings import SettingsError, check_value
from ...settings.rules import Arn, Image
from ..appspec import parse_hooks
from ..engines import Engine
from ..events import Planned, Started
from ..exits import PROG, CommandError, Exit
from ..plan import DeployPlan, plan_deployment
from .common import Context, Outcome, follow_options, follow_to_end

NAME = "deploy"


def add(commands: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        NAME,
        parents=[common],
        help="roll out Terraform's latest settings and a new image",
        description="Terraform owns the task definition's shape, a deployment owns the image. The new revision is "
        "the one Terraform registered last (the stack output task_definition_arn) with --image in the "
        "app container, or the image that runs now. It shows what changes against the running revision, "
        "then starts a blue/green deployment.",
    )
    what = parser.add_mutually_exclusive_group()
    what.add_argument("--image", help="new image for the app container (default: the image that runs now)")
    what.add_argument(
        "--task-definition", metavar="ARN", help="deploy this task definition revision as is, instead of Terraform's"
    )
    parser.add_argument(
        "--hook",
        action="append",
        default=[],
        metavar="EVENT=FUNCTION",
        help=f"a Lambda function for a lifecycle hook, instead of the stack's for that event (its "
        f"output `hooks`); EVENT is one of {', '.join(HOOK_EVENTS)}",
    )
    parser.add_argument("--description", help="shown in CodeDeploy (default: what is deployed)")
    parser.add_argument("--dry-run", action="store_true", help="show what would change, and deploy nothing")
    parser.add_argument("--wait", action="store_true", help="follow the deployment until it ends, as `watch` does")
    follow_options(parser, "with --wait: ")


@dataclass(frozen=True)
class Inputs:
    """What `deploy` is given, each checked once, before any AWS call."""

    image: str | None
    task_definition: str | None
    hooks: dict[str, str]

    @classmethod
    def of(cls, args: argparse.Namespace) -> Inputs:
        hooks = parse_hooks(args.hook)
        try:
            image = check_value("--image", args.image, Annotated[str | None, Image()])
        except SettingsError as err:
            raise CommandError(str(err), Exit.BAD_INPUT) from None
        try:
            check_value(
                "--task-definition", args.task_definition, Annotated[str | None, Arn("ecs", ("task-definition/",))]
            )
        except SettingsError:
            raise CommandError(
                f"--task-definition {args.task_definition!r}: give the full ARN of a task definition revision",
                Exit.BAD_INPUT,
            ) from None
        return cls(image, args.task_definition, hooks)


def run(args: argparse.Namespace, ctx: Context) -> Outcome:
    if args.until and not args.wait:
        raise CommandError("--until follows the deployment: give it with --wait", Exit.BAD_INPUT)
    inputs = Inputs.of(args)
    engine = ctx.engine(args)
    hooks = engine.hooks(inputs.hooks)
    if not args.dry_run:
        engine.refuse_if_running()
    plan = plan_deployment(engine.service, image=inputs.image, task_definition=inputs.task_definition)
    ctx.report.emit(Planned(plan, args.dry_run))
    if plan.nothing_to_deploy or args.dry_run:
        return Outcome()
    deployment_id = _start(engine, plan, hooks, args.description, ctx)
    if not args.wait:
        return Outcome()
    return follow_to_end(engine, deployment_id, args, ctx)


def _start(engine: Engine, plan: DeployPlan, hooks: dict[str, str], description: str | None, ctx: Context) -> str:
    """Register the new revision when the plan needs one, then start the deployment."""
    task_definition = engine.service.register(plan.register) if plan.register is not None else plan.deploy_arn or ""
    deployment_id = engine.start(
        task_definition, hooks, description or f"{PROG}: {label(task_definition)} with {plan.image}"
    )
    ctx.report.emit(Started(deployment_id, task_definition, plan.register is not None, hooks))
    return deployment_id
