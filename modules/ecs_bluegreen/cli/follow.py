"""A deployment followed as it goes: a snapshot at every poll, until it ends or the wait for it does."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from .events import Ended, Event, Progressed

if TYPE_CHECKING:
    from .engines import Engine


def follow(
    engine: Engine,
    deployment_id: str,
    *,
    poll_seconds: float,
    timeout_seconds: float,
    sleep: Callable[[float], None],
    clock: Callable[[], float],
) -> Iterator[Event]:
    """A snapshot of the deployment at every poll, until it ends (the last event is Ended) or the
    timeout passes (Ended with timed_out)."""
    deadline = clock() + timeout_seconds
    while True:
        now = engine.snapshot(deployment_id)
        yield Progressed(now)
        timed_out = not now.ended and clock() >= deadline
        if now.ended or timed_out:
            yield Ended(now, timed_out)
            return
        sleep(poll_seconds)
