"""The emulator's one clock and one lock, which every backend of it shares.

Time is the real time plus an offset that `advance` moves, so that a 60-minute wait takes no real
time; a deployment of either engine moves when it is asked anything, up to the clock's time."""

from __future__ import annotations

import datetime
import threading

from moto.core.utils import utcnow

LOCK = threading.RLock()
"""One lock for every deployment: moto's server answers requests on several threads."""


class Clock:
    """The real time plus an offset: `advance` moves it forward, never back."""

    def __init__(self) -> None:
        self.offset = datetime.timedelta()

    def now(self) -> datetime.datetime:
        return utcnow() + self.offset

    def advance(self, seconds: float) -> datetime.datetime:
        if seconds < 0:
            raise ValueError("the clock moves forward only")
        with LOCK:
            self.offset += datetime.timedelta(seconds=seconds)
            return self.now()


CLOCK = Clock()

STEP = datetime.timedelta(seconds=1)
"""How long a step without a hook takes on the clock. AWS takes seconds to minutes; one second
keeps each status visible to a poller without slowing a test down."""
