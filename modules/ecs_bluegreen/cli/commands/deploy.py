"""`bluegreen deploy`: Terraform's latest revision, with an image, rolled out through CodeDeploy."""

from __future__ import annotations

import argparse
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from ...contract import HOOK_EVENTS
from ...settings import SettingsError, check_value
from ...settings.rules import Arn, Image
from ..appspec import hooks_of, parse_hooks
from ..deployments import Deployments
from ..events import Ended, Planned, Started
from ..exits import PROG, CommandError, Exit
from ..plan import DeployPlan, plan_deployment
from ..progress import follow
from ..revisions import label
from .common import Context, Outcome

NAME = "deploy"


def _positive(least: float) -> Callable[[str], float]:
    """An argparse type: a finite number of at least `least` (no 0, negative, NaN or infinity)."""
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not math.isfinite(value) or value < least:
            raise argparse.ArgumentTypeError(f"invalid value {text!r}: give a number of at least {least:g}")
        return value
    return parse


def add(commands: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        NAME, parents=[common], help="roll out Terraform's latest settings and an image through CodeDeploy",
        description="Terraform owns the task definition's shape, a deployment owns the image. The new revision is "
                    "the one Terraform registered last (the stack output task_definition_arn) with --image in the "
                    "app container, or the image that runs now. It shows what changes against the running revision, "
                    "then starts a blue/green deployment.")
    what = parser.add_mutually_exclusive_group()
    what.add_argument("--image", help="new image for the app container (default: the image that runs now)")
    what.add_argument("--task-definition", metavar="ARN",
                      help="deploy this task definition revision as is, instead of Terraform's")
    parser.add_argument("--hook", action="append", default=[], metavar="EVENT=FUNCTION",
                        help=f"a Lambda function for a lifecycle hook, instead of the stack's for that event (its "
                             f"output `hooks`); EVENT is one of {', '.join(HOOK_EVENTS)}")
    parser.add_argument("--description", help="shown in CodeDeploy (default: what is deployed)")
    parser.add_argument("--dry-run", action="store_true", help="show what would change, and deploy nothing")
    parser.add_argument("--wait", action="store_true", help="follow the deployment until it ends")
    parser.add_argument("--timeout", type=_positive(0.001), default=120, metavar="MINUTES",
                        help="with --wait: give up following after this long (default: 120)")
    parser.add_argument("--poll", type=_positive(1), default=10, metavar="SECONDS",
                        help="with --wait: seconds between checks (default: 10)")


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
            check_value("--task-definition", args.task_definition, Annotated[str | None, Arn("ecs", ("task-definition/",))])
        except SettingsError:
            raise CommandError(f"--task-definition {args.task_definition!r}: give the full ARN of a task definition "
                               "revision", Exit.BAD_INPUT) from None
        return cls(image, args.task_definition, hooks)


def run(args: argparse.Namespace, ctx: Context) -> Outcome:
    inputs = Inputs.of(args)
    deployments = ctx.deployments(args)
    plan = plan_deployment(deployments, image=inputs.image, task_definition=inputs.task_definition)
    ctx.report.emit(Planned(plan, args.dry_run))
    if plan.nothing_to_deploy or args.dry_run:
        return Outcome()
    deployment_id = _start(deployments, plan, inputs, args.description, ctx)
    if not args.wait:
        return Outcome()
    try:
        return _follow(deployments, deployment_id, args, ctx)
    except KeyboardInterrupt:
        raise CommandError(f"interrupted; {deployment_id} is still running. Follow it with `{PROG} status`, or roll "
                           f"it back with `{PROG} rollback --deployment-id {deployment_id}`", Exit.INTERRUPTED) from None


def _start(deployments: Deployments, plan: DeployPlan, inputs: Inputs, description: str | None, ctx: Context) -> str:
    """Register the new revision when the plan needs one, then create the deployment."""
    task_definition = deployments.register(plan.register) if plan.register is not None else plan.deploy_arn or ""
    hooks = hooks_of(deployments.outputs, inputs.hooks)
    deployment_id = deployments.create(task_definition, hooks,
                                       description or f"{PROG}: {label(task_definition)} with {plan.image}")
    ctx.report.emit(Started(deployment_id, task_definition, plan.register is not None, hooks))
    return deployment_id


def _follow(deployments: Deployments, deployment_id: str, args: argparse.Namespace, ctx: Context) -> Outcome:
    for event in follow(deployments, deployment_id, poll_seconds=args.poll, timeout_seconds=args.timeout * 60,
                        sleep=ctx.sleep, clock=time.monotonic):
        ctx.report.emit(event)
        if isinstance(event, Ended):
            return _ended(event, args.timeout)
    raise AssertionError("follow ends with Ended")


def _ended(event: Ended, timeout_minutes: float) -> Outcome:
    if event.timed_out:
        return Outcome(Exit.TIMED_OUT, f"{event.deployment_id} is still {event.status} after {timeout_minutes:g} min; "
                                       f"follow it with `{PROG} status` or stop it with `{PROG} rollback`")
    if event.status == "Succeeded":
        return Outcome()
    reason = event.error.get("message") or event.status
    if event.rollback.get("rollbackDeploymentId"):
        reason += f"; rolled back by {event.rollback['rollbackDeploymentId']}"
    return Outcome(Exit.FAILED, f"{event.deployment_id} {event.status.lower()}: {reason}")
