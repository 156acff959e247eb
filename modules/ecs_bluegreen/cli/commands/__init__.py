"""The commands of `bluegreen`, one module each: it declares its arguments and runs."""

from __future__ import annotations

from . import approve, check, deploy, emulator, finish, review, rollback, status, watch

COMMANDS = (deploy, watch, approve, finish, rollback, status, review, check, emulator)
