"""The exit codes of `bluegreen`, and the one error a command raises to stop with one of them."""

from __future__ import annotations

from enum import IntEnum

PROG = "bluegreen"
"""The command's name, as its messages say it."""


class Exit(IntEnum):
    """What a run of `bluegreen` ended with; the numbers are API, scripts test them."""

    OK = 0
    FAILED = 1
    BAD_INPUT = 2
    TIMED_OUT = 3
    INTERRUPTS = 4
    INTERRUPTED = 130

    @property
    def meaning(self) -> str:
        return _MEANINGS[self]


_MEANINGS = {
    Exit.OK: "done",
    Exit.FAILED: "the deployment failed, was stopped or rolled back; the deployment is not where the command "
    "applies (nothing running, nothing waiting, already ended, another in the way); AWS refused a call; "
    "`terraform plan` failed",
    Exit.BAD_INPUT: "bad input: arguments, stack folder, outputs, image, credentials, plan or settings",
    Exit.TIMED_OUT: "--timeout passed with the deployment still running (deploy --wait, watch)",
    Exit.INTERRUPTS: "the reviewed plan interrupts traffic or deployments, or destroys data (a change not --allow'ed)",
    Exit.INTERRUPTED: "interrupted",
}


class CommandError(Exception):
    """A command cannot go on: one line for the user, and the exit code that says what kind."""

    def __init__(self, message: str, exit: Exit = Exit.FAILED) -> None:
        super().__init__(message)
        self.exit = exit
