"""The one error of the settings: a setting, its value, and how to fix it, on one line."""

from __future__ import annotations

import dataclasses
from typing import Any


class _Missing:
    """The value of a required setting nobody wrote."""

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


class SettingsError(ValueError):
    """A setting has a value that would produce wrong or rejected infrastructure.

    `field` names the setting: where it sits below the props class that refused it ("cpu", or
    "sidecars[1].image"), until that class, or the reader of a settings file, names it in full
    ("service.cpu", "bluegreen.defaults.app.service.cpu")."""

    def __init__(
        self, field: str, value: Any, fix: str, *, key: bool = False, instead: tuple[str, str] | None = None
    ) -> None:
        self.field = field
        self.value = value
        self.fix = fix
        self.key = key
        """The value is the last part of `field`, a name the user gave (a key of a mapping), not its value."""
        self.instead = instead
        """The other setting the rule is about, as the end of `field` and what replaces it there
        (("secrets.DB", "environment.DB")): a reader of layered settings names whichever of the two
        was written where the conflict was made."""
        self.owner: type | None = None
        """The props class whose rule refused the value; `relative` is the field below it."""
        self.relative = field
        what = (
            "not set" if value is MISSING else f"invalid name {value!r}" if key else f"invalid value {_shown(value)}"
        )
        super().__init__(f"{field}: {what}. {fix}")

    def at(self, field: str, fix: str | None = None) -> SettingsError:
        """The same error, named where the user wrote the setting."""
        moved = SettingsError(
            field,
            self.value,
            self.fix if fix is None else fix,
            key=self.key,
            instead=self.instead if self.instead and field.endswith(self.instead[0]) else None,
        )
        moved.owner, moved.relative = self.owner, self.relative
        return moved

    def other(self) -> SettingsError | None:
        """The same error named at the other setting it is about (`instead`), or None."""
        if self.instead is None or not self.field.endswith(self.instead[0]):
            return None
        suffix, replacement = self.instead
        moved = self.at(self.field[: -len(suffix)] + replacement)
        moved.instead = (replacement, suffix)
        return moved

    def of(self, owner: type, where: str) -> SettingsError:
        """This error, raised by a rule of `owner` about its field `self.field`, named `where`."""
        named = self.at(join(where, self.field))
        named.owner, named.relative = owner, self.field
        return named


def join(path: str, key: str) -> str:
    """`key` below the setting at `path`; an index ("[1]") joins without a dot."""
    if not path:
        return key
    if not key:
        return path
    return f"{path}{key}" if key.startswith("[") else f"{path}.{key}"


def _shown(value: Any) -> str:
    """A value as a message shows it: props objects by their class, not their whole repr."""
    return f"{type(value).__name__}(...)" if dataclasses.is_dataclass(value) else repr(value)
