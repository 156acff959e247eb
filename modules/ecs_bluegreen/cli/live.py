"""The live view of a followed deployment on a terminal: one tree, redrawn in place at every poll
(rich's Live), in the spirit of `kubectl argo rollouts get rollout --watch`. Everything else a
command says is written as TextRenderer writes it; with no terminal, TextRenderer is used alone
and prints a line per change."""

from __future__ import annotations

from typing import TextIO

from rich.console import Console, Group
from rich.live import Live
from rich.text import Text
from rich.tree import Tree

from .events import Ended, Event, Progressed, Reached
from .render import TextRenderer, clock_time, wait_text
from .snapshot import Ending, Snapshot

ICONS = {
    "Succeeded": ("✔", "green"),
    "InProgress": ("◌", "yellow"),
    "Failed": ("✖", "red"),
    "Skipped": ("–", "dim"),
    "Pending": ("·", "dim"),
}
ENDING_STYLE = {Ending.SUCCEEDED: "bold green", Ending.FAILED: "bold red"}
ALARM_STYLE = {"OK": "green", "ALARM": "bold red", "INSUFFICIENT_DATA": "yellow", "MISSING": "red"}


def status_style(snapshot: Snapshot) -> str:
    """Green or red once it ended, cyan while it waits for someone, yellow while it moves."""
    if snapshot.ending is not None:
        return ENDING_STYLE[snapshot.ending]
    return "bold cyan" if snapshot.wait is not None and not snapshot.wait.after_traffic else "bold yellow"


def view(snapshot: Snapshot) -> Tree:
    """The deployment as one tree: lifecycle, traffic, task sets, the wait, the alarms."""
    root = Tree(
        Text.assemble(
            (snapshot.deployment_id, "bold"), f"  {snapshot.group}  ", (snapshot.status, status_style(snapshot))
        )
    )
    if snapshot.steps:
        steps = root.add(Text("Lifecycle", style="bold"))
        for step in snapshot.steps:
            icon, style = ICONS.get(step.status, ("?", ""))
            line = Text.assemble((f"{icon} ", style), f"{step.name:<22}", (step.status, style))
            if step.hook:
                line.append(f"  hook {step.hook}", style="cyan")
            if step.message:
                line.append(f"  {step.message}", style="red")
            steps.add(line)
    if snapshot.routes:
        traffic = root.add(Text("Traffic", style="bold"))
        for route in snapshot.routes:
            line = Text(f"{route.listener:<10} :{route.port:<5}")
            for name, weight in route.weights:
                tenths = round(weight / 10)
                line.append(f" {name} ")
                line.append("█" * tenths + "░" * (10 - tenths), style="green" if weight else "dim")
                line.append(f" {weight:g}% ")
            line.rstrip()
            traffic.add(line)
    if snapshot.task_sets:
        sets = root.add(Text("Task sets", style="bold"))
        for task_set in snapshot.task_sets:
            sets.add(
                Text(
                    f"{task_set.label:<6} {task_set.status:<8} {task_set.target_group:<24} "
                    f"{task_set.running}/{task_set.desired} running  {task_set.weight:g}%"
                )
            )
    if snapshot.wait is not None:
        root.add(Text(wait_text(snapshot.wait), style="cyan"))
    if snapshot.alarms:
        alarms = root.add(Text("Alarms", style="bold"))
        width = max(len(name) for name, _ in snapshot.alarms)
        for name, state in snapshot.alarms:
            alarms.add(Text.assemble(f"{name:<{width}}  ", (state, ALARM_STYLE.get(state, ""))))
    if snapshot.error:
        root.add(Text(f"{snapshot.error.get('code', '')}: {snapshot.error.get('message', '')}", style="red"))
    if snapshot.rolled_back:
        root.add(Text(snapshot.rolled_back, style="yellow"))
    return root


class LiveRenderer(TextRenderer):
    """TextRenderer, but a followed deployment is one view updated in place."""

    def __init__(self, out: TextIO, err: TextIO, console: Console | None = None) -> None:
        super().__init__(out, err)
        self.console = console or Console(file=out)
        self.live: Live | None = None

    def emit(self, event: Event) -> None:
        if isinstance(event, Progressed):
            self.last = event.snapshot
            if self.live is None:
                self.live = Live(console=self.console, auto_refresh=False, transient=False)
                self.live.start()
            self.live.update(
                Group(view(event.snapshot), Text(f"as of {clock_time(event.snapshot.at)}", style="dim")), refresh=True
            )
            return
        if isinstance(event, (Ended, Reached)):
            self.halt()
        super().emit(event)

    def halt(self) -> None:
        if self.live is not None:
            self.live.stop()
            self.live = None
