"""The commands of `bluegreen`, one module each: it declares its arguments and runs."""

from __future__ import annotations

from . import check, deploy, review, rollback, status

COMMANDS = (deploy, rollback, status, review, check)
