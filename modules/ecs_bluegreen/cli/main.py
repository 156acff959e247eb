"""bluegreen: deploy a new version, follow it, roll it back, and list deployments.

    pipenv run bluegreen deploy --stack-dir cdktf.out/stacks/web-dev --image nginx:1.28 --wait
    pipenv run bluegreen deploy --stack-dir cdktf.out/stacks/web-dev      # Terraform's new settings
    pipenv run bluegreen rollback --stack-dir cdktf.out/stacks/web-dev
    pipenv run bluegreen status --stack-dir cdktf.out/stacks/web-dev

    pipenv run bluegreen review --stack-dir cdktf.out/stacks/web-dev --format markdown

Exit codes: 0 done; 1 the deployment failed, was stopped or rolled back, nothing was running to
roll back, AWS refused a call, or `terraform plan` failed; 2 bad input (arguments, stack folder,
outputs, image, credentials, plan); 3 --wait timed out with the deployment still running; 4 the
reviewed plan interrupts traffic or deployments (each such address not --allow'ed); 130
interrupted.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import sys
import time
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, TextIO

from typing import Annotated

from ..settings import SettingsError, check_value
from ..settings.rules import Arn
from .deployments import (
    HOOK_EVENTS,
    DeployError,
    Deployments,
    DeployPlan,
    StackOutputs,
    load_outputs,
    parse_hooks,
    terraform_in,
    validate_image,
)
from .review import PlanError, as_json, as_markdown, as_text, load_plan, review
from .revisions import label

PROG = "bluegreen"
ClientFactory = Callable[[StackOutputs], tuple[Any, Any]]


def _boto_clients(outputs: StackOutputs) -> tuple[Any, Any]:
    import boto3
    from botocore.config import Config

    # AWS_ENDPOINT_URL (an emulator) and credentials come from the environment, as for the AWS CLI.
    # An endpoint that takes the connection and never answers must fail in seconds, not minutes:
    # 5 s to connect, 10 s per answer, one retry (about 25 s in all).
    session = boto3.session.Session(region_name=outputs.region)
    config = Config(connect_timeout=5, read_timeout=10, retries={"total_max_attempts": 2, "mode": "standard"})
    try:
        return session.client("ecs", config=config), session.client("codedeploy", config=config)
    except ValueError as err:  # botocore's words for an endpoint URL it cannot use
        raise DeployError(f"{err}: set AWS_ENDPOINT_URL to a URL such as http://127.0.0.1:4566, or unset it "
                          "for AWS itself", 2) from None


def _positive(option: str, least: float) -> Callable[[str], float]:
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


def _matching(pattern: str, what: str) -> Callable[[str], str]:
    """An argparse type: text that matches `pattern` whole."""
    def parse(text: str) -> str:
        if re.fullmatch(pattern, text) is None:
            raise argparse.ArgumentTypeError(f"invalid value {text!r}: give {what}")
        return text
    return parse


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    where = common.add_mutually_exclusive_group()
    where.add_argument("--stack-dir", type=Path, metavar="DIR",
                       help="the stack's folder, e.g. cdktf.out/stacks/web-dev (runs `terraform output -json` there)")
    where.add_argument("--outputs", type=Path, metavar="FILE",
                       help="a saved `terraform output -json` of the stack, instead of --stack-dir")
    common.add_argument("--output-prefix", default="", metavar="PREFIX",
                        type=_matching(r"(?:[A-Za-z_][A-Za-z0-9_]*)?", "the prefix service_outputs was given: "
                                       "letters, digits and underscores, e.g. api_"),
                        help="with several services in one stack: the prefix of this service's outputs, e.g. api_")
    common.add_argument("--json", action="store_true", help="print one JSON document instead of text")

    parser = argparse.ArgumentParser(prog=PROG, description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    deploy = commands.add_parser(
        "deploy", parents=[common], help="roll out Terraform's latest settings and an image through CodeDeploy",
        description="Terraform owns the task definition's shape, a deployment owns the image. The new "
                    "revision is the one Terraform registered last (the stack output task_definition_arn) "
                    "with --image in the app container, or the image that runs now. It shows what "
                    "changes against the running revision, then starts a blue/green deployment.")
    what = deploy.add_mutually_exclusive_group()
    what.add_argument("--image", help="new image for the app container (default: the image that runs now)")
    what.add_argument("--task-definition", metavar="ARN",
                      help="deploy this task definition revision as is, instead of Terraform's")
    deploy.add_argument("--hook", action="append", default=[], metavar="EVENT=FUNCTION",
                        help=f"a Lambda function for a lifecycle hook, instead of the stack's for that event (its output "
                             f"`hooks`); EVENT is one of {', '.join(HOOK_EVENTS)}")
    deploy.add_argument("--description", help="shown in CodeDeploy (default: what is deployed)")
    deploy.add_argument("--dry-run", action="store_true", help="show what would change, and deploy nothing")
    deploy.add_argument("--wait", action="store_true", help="follow the deployment until it ends")
    deploy.add_argument("--timeout", type=_positive("--timeout", 0.001), default=120, metavar="MINUTES",
                        help="with --wait: give up following after this long (default: 120)")
    deploy.add_argument("--poll", type=_positive("--poll", 1), default=10, metavar="SECONDS",
                        help="with --wait: seconds between checks (default: 10)")

    rollback = commands.add_parser("rollback", parents=[common], help="stop the running deployment and roll back",
                                   description="Stop the running deployment with automatic rollback, so "
                                               "that traffic returns to the original task set.")
    rollback.add_argument("--deployment-id", type=_matching(r"d-[A-Z0-9]+", "a CodeDeploy deployment ID such "
                                                                                "as d-A1B2C3D4E"), help="the deployment to stop (default: the running one)")

    review = commands.add_parser(
        "review", help="sort a Terraform plan by what it means for the blue/green service",
        description="Sort every change of a plan: what interrupts traffic or deployments, what changes "
                    "who can reach what, what takes effect only at the next `bluegreen deploy`, and what "
                    "is safe in place; then the rollout timeline. Exits 4 while a change of the first "
                    "kind is not allowed with --allow.")
    source = review.add_mutually_exclusive_group(required=True)
    source.add_argument("--plan", metavar="FILE",
                        help="the output of `terraform show -json PLANFILE` ('-' for standard input)")
    source.add_argument("--stack-dir", type=Path, metavar="DIR",
                        help="a stack folder where `terraform plan` runs (initialized, as `cdktf deploy` leaves it)")
    review.add_argument("--format", choices=("text", "markdown", "json"), default="text",
                        help="text for a terminal, markdown for a pull-request comment, or json (default: text)")
    review.add_argument("--allow", action="append", default=[], metavar="ADDRESS",
                        help="accept this interrupting change (repeat for each address)")

    status = commands.add_parser("status", parents=[common], help="the latest deployments and their state")
    status.add_argument("--limit", type=_whole(1, 1000), default=5, help="how many deployments (default: 5)")
    return parser


def _plan_of(stack_dir: Path) -> str:
    """`terraform plan` in the stack's folder, as `terraform show -json` gives it."""
    import tempfile

    with tempfile.TemporaryDirectory() as scratch:
        plan_file = str(Path(scratch) / "review.tfplan")
        return terraform_in(stack_dir, ["plan", "-input=false", f"-out={plan_file}"], ["show", "-json", plan_file],
                            instead="--plan with the output of `terraform show -json`", exit_code=1, timeout=1800)


def _review(args: argparse.Namespace, out: TextIO) -> int:
    if args.stack_dir is not None:
        text, source = _plan_of(args.stack_dir), f"the plan of {args.stack_dir}"
    elif args.plan == "-":
        text, source = sys.stdin.read(), "standard input"
    else:
        path = Path(args.plan)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise PlanError(f"{path} cannot be read ({error.__class__.__name__}): give the file "
                            "`terraform show -json PLANFILE` wrote") from None
        source = str(path)
    result = review(load_plan(text, source))
    allowed = set(args.allow)
    out.write({"text": as_text, "markdown": as_markdown, "json": as_json}[args.format](result, allowed))
    return 4 if result.blocking(allowed) else 0


def _print_json(out: TextIO, value: Any) -> None:
    out.write(json.dumps(value, indent=2, sort_keys=True, default=str) + "\n")


def _follow(deployments: Deployments, deployment_id: str, args: argparse.Namespace, out: TextIO,
            sleep: Callable[[float], None], summary: dict[str, Any]) -> int:
    final: dict[str, Any] = {}
    for kind, details in deployments.follow(deployment_id, poll_seconds=args.poll,
                                            timeout_seconds=args.timeout * 60, sleep=sleep,
                                            clock=time.monotonic):
        stamp = time.strftime("%H:%M:%S")
        if kind in ("done", "timeout"):
            final = details
            break
        if args.json:
            continue
        if kind == "status":
            out.write(f"{stamp} status {details['status']}\n")
        elif kind == "event":
            out.write(f"{stamp} lifecycle {details['name']}: {details['status']}\n")
        elif kind == "traffic":
            out.write(f"{stamp} traffic " + ", ".join(f"{label} {weight:g}%" for label, weight in details.items()) + "\n")
        elif kind == "waiting":
            out.write(f"{stamp} waiting for approval: aws deploy continue-deployment --deployment-id "
                      f"{deployment_id} --deployment-wait-type READY_WAIT\n")
        out.flush()

    status = final["status"]
    rollback = final.get("rollbackInfo", {})
    error = final.get("errorInformation", {})
    if args.json:
        _print_json(out, {**summary, "status": status, "error": error or None,
                          "rollback": rollback or None, "timedOut": kind == "timeout"})
    if kind == "timeout":
        raise DeployError(f"{deployment_id} is still {status} after {args.timeout:g} min; follow it "
                          f"with `{PROG} status` or stop it with `{PROG} rollback`", 3)
    if status == "Succeeded":
        if not args.json:
            out.write(f"{deployment_id} succeeded\n")
        return 0
    reason = error.get("message") or status
    if rollback.get("rollbackDeploymentId"):
        reason += f"; rolled back by {rollback['rollbackDeploymentId']}"
    raise DeployError(f"{deployment_id} {status.lower()}: {reason}", 1)


def _show_plan(plan: DeployPlan, out: TextIO, err: TextIO) -> None:
    out.write(plan.headline() + "\n")
    for change in plan.changes:
        out.write(f"  {change.summary}\n")
    if plan.changes and not plan.shape_changes:
        out.write("  the settings stay: the running revision has Terraform's already\n"
                  if plan.terraform_arn else "  the settings stay the same\n")
    for note in plan.notes():
        out.write(f"note: {note}\n")
    for warning in plan.warnings():
        err.write(f"{PROG}: warning: {warning}\n")
    out.flush()


def _deploy_inputs(args: argparse.Namespace) -> tuple[dict[str, str], str | None]:
    """The hooks and the image of `deploy`, checked before any AWS call."""
    hooks = parse_hooks(args.hook)
    image = validate_image(args.image) if args.image is not None else None
    if args.task_definition is not None:
        try:
            check_value("--task-definition", args.task_definition, Annotated[str, Arn("ecs", ("task-definition/",))])
        except SettingsError:
            raise DeployError(f"--task-definition {args.task_definition!r}: give the full ARN of a "
                              "task definition revision", 2) from None
    return hooks, image


def _deploy(deployments: Deployments, args: argparse.Namespace, out: TextIO, err: TextIO,
            sleep: Callable[[float], None]) -> int:
    hooks, image = _deploy_inputs(args)
    plan = deployments.plan(image=image, task_definition=args.task_definition)
    summary: dict[str, Any] = {"deploymentId": None, "taskDefinitionArn": plan.deploy_arn,
                               "registered": False, "dryRun": args.dry_run, **plan.as_json()}
    if not args.json:
        _show_plan(plan, out, err)
    if plan.nothing_to_deploy or args.dry_run:
        if args.json:
            _print_json(out, summary)
        return 0
    if plan.register is not None:
        task_definition = deployments.register(plan.register)
        summary.update(taskDefinitionArn=task_definition, registered=True)
    else:
        task_definition = plan.deploy_arn or ""
    description = args.description or f"{PROG}: {label(task_definition)} with {plan.image}"
    hooks = deployments.hooks(hooks)
    deployment_id = deployments.create(task_definition, hooks, description)
    summary.update(deploymentId=deployment_id, hooks=hooks)
    if not args.json:
        out.write(f"{'registered' if summary['registered'] else 'using'} {task_definition}\nstarted {deployment_id}\n")
        if hooks:
            out.write(f"  hooks: {', '.join(f'{e}={f}' for e, f in hooks.items())}\n")
        out.flush()
    if not args.wait:
        if args.json:
            _print_json(out, summary)
        return 0
    try:
        return _follow(deployments, deployment_id, args, out, sleep, summary)
    except KeyboardInterrupt:
        raise DeployError(
            f"interrupted; {deployment_id} is still running. Follow it with `{PROG} status`, or roll "
            f"it back with `{PROG} rollback --deployment-id {deployment_id}`", 130) from None


def _rollback(deployments: Deployments, args: argparse.Namespace, out: TextIO) -> int:
    result = deployments.rollback(args.deployment_id)
    if args.json:
        _print_json(out, result)
    else:
        out.write(f"stopped {result['deploymentId']} with rollback: traffic returns to the original "
                  f"task set ({result['status']}{': ' + result['message'] if result['message'] else ''})\n")
    return 0


def _status(deployments: Deployments, args: argparse.Namespace, out: TextIO) -> int:
    if args.limit < 1:
        raise DeployError(f"--limit {args.limit}: give 1 or more", 2)
    rows = [{
        "deploymentId": d["deploymentId"], "status": d["status"], "created": d.get("createTime"),
        "completed": d.get("completeTime"), "description": d.get("description", ""),
        "error": d.get("errorInformation", {}).get("message"),
    } for d in deployments.latest(args.limit)]
    terraform = deployments.terraform_status()
    if args.json:
        _print_json(out, {"application": deployments.outputs.codedeploy_app_name,
                          "deploymentGroup": deployments.outputs.codedeploy_group_name,
                          "terraformRevision": terraform, "deployments": rows})
        return 0
    out.write(f"{deployments.outputs.codedeploy_app_name}/{deployments.outputs.codedeploy_group_name}\n")
    if terraform is not None:
        tf, running = label(terraform["terraformTaskDefinitionArn"]), label(terraform["runningTaskDefinitionArn"])
        if terraform["live"]:
            out.write(f"Terraform's {tf} is live" + ("" if tf == running else f" (in {running})") + "\n")
        else:
            out.write(f"Terraform's {tf} waits for a deployment; against the running {running}: "
                      + "; ".join(c["summary"] for c in terraform["pending"]) + f". Roll it out with `{PROG} deploy`\n")
    if not rows:
        out.write("no deployments yet\n")
    for row in rows:
        created = row["created"].strftime("%Y-%m-%d %H:%M:%S") if hasattr(row["created"], "strftime") else row["created"]
        extra = f"  {row['error']}" if row["error"] else ""
        out.write(f"{row['deploymentId']:<14} {row['status']:<11} {created}  {row['description']}{extra}\n")
    return 0


class _PageText(HTMLParser):
    """The title and the first paragraph of an HTML page, as plain text."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: dict[str, str] = {}
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        self._in = tag if tag in ("title", "h1", "p") and tag not in self.parts else None

    def handle_endtag(self, tag: str) -> None:
        self._in = None

    def handle_data(self, data: str) -> None:
        if self._in:
            self.parts[self._in] = " ".join(f"{self.parts.get(self._in, '')} {data}".split())


def _one_line(text: str, limit: int = 240) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def _refusal(response: dict[str, Any]) -> str:
    """What AWS said, on one line. An endpoint that is not an AWS API (a proxy, an emulator's error
    page) may answer with HTML: then the HTTP status and the page's own words, not its markup."""
    info = response.get("Error", {})
    meta = response.get("ResponseMetadata", {})
    message = str(info.get("Message") or "")
    content_type = meta.get("HTTPHeaders", {}).get("content-type", "")
    if content_type.startswith("text/html") or re.match(r"\s*<(!doctype|html)\b", message, re.I):
        page = _PageText()
        page.feed(message)
        title = page.parts.get("title") or page.parts.get("h1") or ""
        status = str(meta.get("HTTPStatusCode") or info.get("Code") or "")
        heading = title if title.startswith(status) else f"{status} {title}".strip()
        detail = page.parts.get("p", "").split(". ")[0].rstrip(".")
        reason = f"HTTP {heading}" + (f": {detail}" if detail else "")
        return _one_line(f"{reason} (an HTML page, not an AWS API answer)")
    return _one_line(f"{info.get('Code')}: {message}")


def _hint(error: Exception) -> str:
    """What to do about a call that got no answer."""
    from botocore.exceptions import ConnectTimeoutError, EndpointConnectionError, ReadTimeoutError

    where = "AWS_ENDPOINT_URL (is the emulator running?)" if os.environ.get("AWS_ENDPOINT_URL") else "the network"
    if isinstance(error, ReadTimeoutError):
        return f": the endpoint took the connection but gave no answer in 10 s, twice. Check {where}"
    if isinstance(error, (EndpointConnectionError, ConnectTimeoutError)):
        return f": nothing answered there. Check {where}"
    return ""


def main(argv: list[str] | None = None, *, clients: ClientFactory = _boto_clients,
         out: TextIO | None = None, err: TextIO | None = None,
         sleep: Callable[[float], None] = time.sleep) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    args = _parser().parse_args(argv)
    try:
        from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError, ProfileNotFound
    except ImportError:  # boto3 is a dependency; this only guards a broken install
        err.write(f"{PROG}: error: boto3 is not installed\n")
        return 2
    if args.command == "review":
        try:
            return _review(args, out)
        except (DeployError, PlanError) as error:
            err.write(f"{PROG}: error: {error}\n")
            return getattr(error, "exit_code", 2)
    try:
        outputs = load_outputs(stack_dir=args.stack_dir, outputs_file=args.outputs, prefix=args.output_prefix)
        if args.command == "deploy":
            _deploy_inputs(args)
        deployments = Deployments(outputs, *clients(outputs))
        if args.command == "deploy":
            return _deploy(deployments, args, out, err, sleep)
        if args.command == "rollback":
            return _rollback(deployments, args, out)
        return _status(deployments, args, out)
    except DeployError as error:
        err.write(f"{PROG}: error: {error}\n")
        return error.exit_code
    except KeyboardInterrupt:
        err.write(f"{PROG}: interrupted\n")
        return 130
    except NoCredentialsError:
        err.write(f"{PROG}: error: no AWS credentials found: set AWS_PROFILE, or AWS_ACCESS_KEY_ID "
                  "and AWS_SECRET_ACCESS_KEY\n")
        return 2
    except ProfileNotFound as error:
        err.write(f"{PROG}: error: {error}: check AWS_PROFILE\n")
        return 2
    except ClientError as error:
        err.write(f"{PROG}: error: {error.operation_name} refused: {_refusal(error.response)}\n")
        return 1
    except BotoCoreError as error:
        err.write(f"{PROG}: error: {_one_line(str(error))}{_hint(error)}\n")
        return 1


if __name__ == "__main__":
    sys.exit(main())
