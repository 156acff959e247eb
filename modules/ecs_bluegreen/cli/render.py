"""The two ways a command's events reach the user: lines of text for a person, updated as they
come, or one JSON document for a program (`--json`). Every word the user reads is written here."""

from __future__ import annotations

import datetime
import functools
import json
import time
from typing import Any, TextIO

from ..revisions import label
from .events import (
    Continued,
    Ended,
    Event,
    Planned,
    Progressed,
    Reached,
    SettingsChecked,
    Started,
    StatusReported,
    Stopped,
    Watching,
)
from .exits import PROG
from .plan import DeployPlan
from .snapshot import Route, Snapshot, Step, Wait


def headline(plan: DeployPlan) -> str:
    running = label(plan.running_arn)
    if plan.terraform_arn is None:
        return f"from {running} to {label(plan.deploy_arn or '')}, as given (--task-definition)"
    source = f"Terraform's {label(plan.terraform_arn)}"
    if plan.nothing_to_deploy:
        return (
            f"nothing to deploy: {running} has the settings of {source} and image {plan.image} already; to "
            f"start it again, pass --task-definition {plan.running_arn}"
        )
    which = "image" if plan.image_given else "the image that runs now,"
    return f"from {running} to {source} with {which} {plan.image}"


def warnings(plan: DeployPlan) -> list[str]:
    running = label(plan.running_arn)
    if plan.nothing_to_deploy:
        return []
    if plan.drift:
        what = "the given revision" if plan.terraform_arn is None else "Terraform's settings"
        return [
            f"{running} has changes that neither Terraform nor a deployment made (by hand?): "
            f"{'; '.join(c.summary for c in plan.drift)}. This deployment drops those not in {what}; to keep "
            "them, put them in the settings"
        ]
    if plan.drift is None and plan.changes:
        return [f"{running} was {plan.origin}: the changes listed also undo whatever was changed in it by hand"]
    return []


def notes(plan: DeployPlan) -> list[str]:
    if (
        plan.terraform_arn is not None
        and not plan.image_given
        and plan.terraform_image
        and plan.terraform_image != plan.image
    ):
        return [
            f"Terraform's revision has image {plan.terraform_image} (the settings' image, which only the first "
            "deployment uses); the image that runs now stays. Pass --image to change it"
        ]
    return []


def plan_json(plan: DeployPlan) -> dict[str, Any]:
    return {
        "runningTaskDefinitionArn": plan.running_arn,
        "terraformTaskDefinitionArn": plan.terraform_arn,
        "image": plan.image,
        "changes": [c.as_json() for c in plan.changes],
        "drift": None if plan.drift is None else [c.as_json() for c in plan.drift],
        "origin": plan.origin,
        "warnings": warnings(plan),
        "notes": notes(plan),
    }


def duration(left: datetime.timedelta) -> str:
    seconds = int(left.total_seconds())
    hours, rest = divmod(seconds, 3600)
    return f"{hours}h {rest // 60:02d}m" if hours else f"{rest // 60}m {rest % 60:02d}s"


def clock_time(at: datetime.datetime) -> str:
    return at.astimezone(datetime.timezone.utc).strftime("%H:%M:%S UTC")


WAITS = {
    "approval": (
        "waiting for approval",
        "waits for approval",
        None,
        f"test on the test listener, then `{PROG} approve`, or `{PROG} rollback`",
    ),
    "termination": (
        "termination wait",
        "is in its termination wait",
        "task set",
        f"`{PROG} finish` ends it now, `{PROG} rollback` returns traffic to it",
    ),
    "bake": ("bake time", "is in its bake time", "revision", f"ECS ends it, `{PROG} rollback` returns traffic to it"),
    "pause": (
        "paused",
        "is paused",
        None,
        f"`{PROG} approve` lets it go on, `{PROG} rollback` returns traffic to the original",
    ),
}
"""The words of each wait a snapshot can be in (snapshot.Wait.kind): its name, how a deployment in it
is said to be, what it keeps (None before traffic moves), and what ends it."""


THEN = {"ROLLBACK": "then it rolls back", "CONTINUE": "then it goes on"}
"""What a wait's end does unanswered (snapshot.Wait.then)."""


def wait_text(wait: Wait) -> str:
    """What the deployment waits for, until when (and what its end does), and what ends the wait."""
    name, _, kept, way_out = WAITS[wait.kind]
    keeps = f"the original {kept} is kept for rollback; " if kept else ""
    then = f"; {THEN[wait.then]}" if wait.then in THEN else ""
    return f"{name} until {clock_time(wait.ends)} ({duration(wait.left)} left{then}): {keeps}{way_out}"


def state(now: Snapshot) -> str:
    """Where a deployment is, in a few words: for a refusal or a command that acts on it."""
    if now.ended:
        return f"{now.deployment_id} ended {now.status}"
    if now.wait is not None:
        _, being, kept, _ = WAITS[now.wait.kind]
        moved = f" (production is on the new {kept}; the original is kept for rollback)" if kept else ""
        return f"{now.deployment_id} {being} until {clock_time(now.wait.ends)}{moved}"
    step = now.current
    return f"{now.deployment_id} is {now.status}" + (f" at {step.name}" if step else "")


def route_text(route: Route) -> str:
    port = f" :{route.port}" if route.port else ""  # ECS-native: the share of each revision, by listener
    return f"{route.listener}{port} " + ", ".join(f"{name} {weight:g}%" for name, weight in route.weights)


def step_text(step: Step) -> str:
    hook = f" (hook {step.hook})" if step.hook else ""
    return f"{step.name}: {step.status}{hook}" + (f": {step.message}" if step.message else "")


def progress_lines(before: Snapshot | None, now: Snapshot) -> list[str]:
    """What changed since the last snapshot, one line each (a countdown alone is no change)."""
    lines = []
    status = [f"status {now.status}"] if before is None or before.status != now.status else []
    if not now.ended:
        lines += status  # an ending is said after what led to it
    seen = {(s.name, s.status) for s in before.steps} if before else set()
    lines += [
        f"lifecycle {step_text(s)}" for s in now.steps if s.status != "Pending" and (s.name, s.status) not in seen
    ]
    old_routes = set(before.routes) if before else set()
    lines += [f"traffic {route_text(r)}" for r in now.routes if r not in old_routes]
    sets = [(t.label, t.status, t.target_group) for t in now.task_sets]
    if sets and (before is None or sets != [(t.label, t.status, t.target_group) for t in before.task_sets]):
        lines.append(
            "task sets "
            + ", ".join(" ".join(filter(None, (label, status, "on", group))) for label, status, group in sets)
        )
    if now.wait and (before is None or before.wait is None or before.wait.kind != now.wait.kind):
        lines.append(wait_text(now.wait))
    if before is None and now.alarms:
        lines.append("alarms " + ", ".join(f"{name} {state}" for name, state in now.alarms))
    elif before is not None:
        old_alarms = dict(before.alarms)
        lines += [f"alarm {name} {state}" for name, state in now.alarms if old_alarms.get(name) != state]
    return lines + (status if now.ended else [])


class TextRenderer:
    """Lines for a person: what is planned, then each change as it happens, stamped with the time."""

    def __init__(self, out: TextIO, err: TextIO) -> None:
        self.out, self.err = out, err
        self.last: Snapshot | None = None

    def emit(self, event: Event) -> None:
        self._render(event)
        self.out.flush()

    def close(self) -> None:
        """Nothing is held back: every line was written when its event came."""

    def halt(self) -> None:
        """The command stops early: nothing to put away."""

    def _line(self, text: str, stamped: bool = False) -> None:
        self.out.write(f"{time.strftime('%H:%M:%S')} {text}\n" if stamped else f"{text}\n")

    @functools.singledispatchmethod
    def _render(self, event: Event) -> None:
        raise TypeError(f"no text for {type(event).__name__}")

    @_render.register
    def _(self, event: Planned) -> None:
        plan = event.plan
        self._line(headline(plan))
        for change in plan.changes:
            self._line(f"  {change.summary}")
        if plan.changes and not plan.shape_changes:
            self._line(
                "  the settings stay: the running revision has Terraform's already"
                if plan.terraform_arn
                else "  the settings stay the same"
            )
        for note in notes(plan):
            self._line(f"note: {note}")
        for warning in warnings(plan):
            self.err.write(f"{PROG}: warning: {warning}\n")

    @_render.register
    def _(self, event: Started) -> None:
        self._line(f"{'registered' if event.registered else 'using'} {event.task_definition_arn}")
        self._line(f"started {event.deployment_id}")
        if event.hooks:
            self._line(f"  hooks: {', '.join(f'{e}={f}' for e, f in event.hooks.items())}")

    @_render.register
    def _(self, event: Progressed) -> None:
        for line in progress_lines(self.last, event.snapshot):
            self._line(line, stamped=True)
        self.last = event.snapshot

    @_render.register
    def _(self, event: Watching) -> None:
        self._line(f"watching {event.deployment_id}" + (f": {event.description}" if event.description else ""))

    @_render.register
    def _(self, event: Continued) -> None:
        if event.wait_type == "READY_WAIT":
            self._line(f"approved {event.deployment_id}: production traffic moves to the new {event.unit}")
        else:
            self._line(
                f"finished {event.deployment_id}: the original {event.unit} is terminated now, and the deployment ends"
            )

    @_render.register
    def _(self, event: Ended) -> None:
        if event.snapshot.succeeded:
            self._line(f"{event.snapshot.deployment_id} succeeded")

    @_render.register
    def _(self, event: Reached) -> None:
        now = event.snapshot
        waits = f": {wait_text(now.wait)}" if now.wait else ""
        self._line(f"{now.deployment_id} reached {event.stage.value}; it goes on without us{waits}")

    @_render.register
    def _(self, event: Stopped) -> None:
        self._line(
            f"stopped {event.deployment_id} with rollback: traffic returns to the original {event.unit} "
            f"({event.status}{': ' + event.message if event.message else ''})"
        )

    @_render.register
    def _(self, event: StatusReported) -> None:
        self._line(event.where)
        if event.production:
            live = ", ".join(f"{name} {weight:g}%" for name, weight in event.production if weight)
            self._line(f"production traffic: {live or 'none'}")
        terraform = event.terraform
        if terraform is not None:
            tf, running = label(terraform["terraformTaskDefinitionArn"]), label(terraform["runningTaskDefinitionArn"])
            if terraform["live"]:
                self._line(f"Terraform's {tf} is live" + ("" if tf == running else f" (in {running})"))
            else:
                self._line(
                    f"Terraform's {tf} waits for a deployment; against the running {running}: "
                    + "; ".join(c["summary"] for c in terraform["pending"])
                    + f". Roll it out with `{PROG} deploy`"
                )
        if not event.deployments:
            self._line("no deployments yet")
        for row in event.deployments:
            created = row.created.strftime("%Y-%m-%d %H:%M:%S") if hasattr(row.created, "strftime") else row.created
            extra = f"  {row.error}" if row.error else ""
            self._line(f"{row.deployment_id:<14} {row.status:<11} {created}  {row.description}{extra}")

    @_render.register
    def _(self, event: SettingsChecked) -> None:
        self._line(f"{event.file}: valid: project {event.project}, stacks {', '.join(event.stacks)}")


class JsonRenderer:
    """One JSON document, written when the command concludes: the facts of every event merged."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.document: dict[str, Any] = {}

    def emit(self, event: Event) -> None:
        self.document.update(self._fields(event))

    def close(self) -> None:
        if self.document:
            self.out.write(json.dumps(self.document, indent=2, sort_keys=True, default=str) + "\n")

    def halt(self) -> None:
        """The command failed: its one error line says so, and no document is written."""

    @functools.singledispatchmethod
    def _fields(self, event: Event) -> dict[str, Any]:
        return {}  # progress: the document carries where it ended, not each step

    @_fields.register
    def _(self, event: Planned) -> dict[str, Any]:
        return {
            "deploymentId": None,
            "taskDefinitionArn": event.plan.deploy_arn,
            "registered": False,
            "dryRun": event.dry_run,
            **plan_json(event.plan),
        }

    @_fields.register
    def _(self, event: Started) -> dict[str, Any]:
        return {
            "deploymentId": event.deployment_id,
            "taskDefinitionArn": event.task_definition_arn,
            "registered": event.registered,
            "hooks": event.hooks,
        }

    @_fields.register
    def _(self, event: Progressed) -> dict[str, Any]:
        return {"progress": event.snapshot.as_json()}

    @_fields.register
    def _(self, event: Watching) -> dict[str, Any]:
        return {"deploymentId": event.deployment_id, "description": event.description}

    @_fields.register
    def _(self, event: Continued) -> dict[str, Any]:
        return {"deploymentId": event.deployment_id, "continued": event.wait_type}

    @_fields.register
    def _(self, event: Ended) -> dict[str, Any]:
        last = event.snapshot
        return {
            "status": last.status,
            "error": dict(last.error) or None,
            "rollback": dict(last.rollback) or None,
            "timedOut": event.timed_out,
        }

    @_fields.register
    def _(self, event: Reached) -> dict[str, Any]:
        last = event.snapshot
        return {"status": last.status, "reached": event.stage.value, "progress": last.as_json()}

    @_fields.register
    def _(self, event: Stopped) -> dict[str, Any]:
        return {"deploymentId": event.deployment_id, "status": event.status, "message": event.message}

    @_fields.register
    def _(self, event: StatusReported) -> dict[str, Any]:
        return {
            "application": event.application,
            "deploymentGroup": event.deployment_group,
            "engine": event.engine,
            "terraformRevision": event.terraform,
            "production": [{"targetGroup": name, "weight": weight} for name, weight in event.production],
            "deployments": [row.as_json() for row in event.deployments],
        }

    @_fields.register
    def _(self, event: SettingsChecked) -> dict[str, Any]:
        return {
            "file": event.file,
            "valid": True,
            "project": event.project,
            "environments": event.environments,
            "stacks": event.stacks,
        }
