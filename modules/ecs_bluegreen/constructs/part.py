"""The id of every construct of this library, refused where it is given when it is taken.

The constructs library refuses a second child of one id with a RuntimeError from deep inside jsii,
naming neither the fix nor the call that gave it. Every construct here is a `Part` (every stack a
ReadableStack, which calls `claim_id` too), so the refusal is ours: the id, what holds it already,
and how to choose another.
"""

from __future__ import annotations

from typing import Any

from constructs import Construct

from ..settings import SettingsError


def claim_id(scope: Any, id: Any, what: str, fix: str = "") -> None:
    """Refuse `id` for a new `what` in `scope` when it is no name or `scope` has a child of that id."""
    if not isinstance(id, str) or not id:
        raise SettingsError("id", id, f"Give the {what} a non-empty string id, e.g. 'web'.")
    held = scope.node.try_find_child(id.replace("/", "--"))  # as the constructs library stores it
    if held is not None:
        where = scope.node.path or "the app"
        fix = fix or "give each its own id, e.g. 'web' and 'api'"
        raise SettingsError(
            "id", id, f"{where} has a {type(held).__name__} of this id already, so the {what} cannot take it: {fix}."
        )


class Part(Construct):
    """A construct of this library: its id is checked before the constructs library sees it."""

    def __init__(self, scope: Construct, id: str) -> None:
        claim_id(scope, id, type(self).__name__)
        super().__init__(scope, id)
