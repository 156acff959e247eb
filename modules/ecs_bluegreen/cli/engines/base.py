"""What every engine does for the commands, and the words it does it in.

An engine is who runs a service's blue/green deployments: CodeDeploy (codedeploy.py) or ECS
itself (ecs.py). Each finds the running deployment, starts one, takes a snapshot of one (the
model in snapshot.py), approves, finishes, stops or rolls one back, and lists the latest; and it
says which of its statuses mean that a deployment succeeded or failed. A step an engine has no
equivalent for is refused by that engine, with its reason and what to do instead: no command asks
which engine it runs on.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from typing import ClassVar

from ...contract import Engine as EngineName
from ..exits import PROG, CommandError
from ..outputs import StackOutputs
from ..render import state
from ..service import LiveService
from ..snapshot import Ending, Listed, Snapshot


class Engine(ABC):
    """The deployments of one stack's service, on one engine."""

    NAME: ClassVar[EngineName]
    RUNNING: ClassVar[tuple[str, ...]]
    """The statuses of a deployment that runs (in this engine's words)..."""
    SUCCEEDED: ClassVar[tuple[str, ...]]
    """...of one that succeeded..."""
    FAILED: ClassVar[tuple[str, ...]]
    """...and of one that ended otherwise: failed, stopped or rolled back."""
    DEPLOYMENT_ID: ClassVar[tuple[str, str]]
    """A deployment's id in this engine: its pattern, and how to say it in a message."""
    UNIT: ClassVar[str] = "task set"
    """What runs one version of the service, in this engine's word."""

    def __init__(self, service: LiveService) -> None:
        self.service = service
        self.outputs: StackOutputs = service.outputs
        self.clients = service.clients

    @property
    @abstractmethod
    def where(self) -> str:
        """Where the deployments are listed: the deployment group, or the service."""

    @abstractmethod
    def running(self) -> list[str]:
        """The ids of the deployments that run now, newest first."""

    @abstractmethod
    def snapshot(self, deployment_id: str) -> Snapshot:
        """Where the deployment is now."""

    @abstractmethod
    def description(self, deployment_id: str) -> str:
        """What the deployment says it deploys, as whoever started it wrote it ("" for none)."""

    @abstractmethod
    def hooks(self, given: Mapping[str, str]) -> dict[str, str]:
        """The Lambda function a new deployment runs at each lifecycle event: the stack's, and
        those given with --hook (an engine that cannot take them refuses them)."""

    @abstractmethod
    def start(self, task_definition_arn: str, hooks: Mapping[str, str], description: str) -> str:
        """Start a deployment of `task_definition_arn` with `hooks`; its id."""

    @abstractmethod
    def approve(self, now: Snapshot) -> None:
        """Let a deployment that waits for approval move production traffic."""

    @abstractmethod
    def finish(self, now: Snapshot) -> None:
        """End the wait after traffic has moved now: the original is let go, the deployment ends."""

    @abstractmethod
    def stop(self, now: Snapshot) -> tuple[str | None, str]:
        """Stop a deployment with rollback (one that waits is answered with a rollback), so that
        traffic returns to the original; its status and message after the stop, as the engine
        reports them."""

    @abstractmethod
    def way_out(self, now: Snapshot) -> str:
        """What ends a running deployment `now`, for the refusal of a second one."""

    @abstractmethod
    def latest(self, limit: int) -> list[Listed]:
        """The latest deployments, newest first, at most `limit`."""

    @abstractmethod
    def production(self) -> tuple[tuple[str, float], ...]:
        """Where production's traffic goes now: each target group's share, by name."""

    def ending(self, status: str) -> Ending | None:
        """How a deployment of this status ended; None while it runs."""
        if status in self.SUCCEEDED:
            return Ending.SUCCEEDED
        if status in self.FAILED:
            return Ending.FAILED
        return None

    def refuse_if_running(self) -> None:
        """One deployment of a service runs at a time, the wait after traffic has moved included:
        name the one in the way, where it is, and what ends it."""
        running = self.running()
        if not running:
            return
        now = self.snapshot(running[0])
        raise CommandError(f"{state(now)}; one deployment of {now.group} runs at a time: {self.way_out(now)}")


WATCH_OR_ROLLBACK = f"`{PROG} watch` follows it to its end, `{PROG} rollback` stops it"
"""What ends a running deployment on any engine."""
