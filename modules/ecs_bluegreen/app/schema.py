"""A JSON Schema of the settings, made from the same props classes the loader reads them into.

It describes a cdktf.json whose `context.bluegreen` holds the settings, or a file of the settings
alone (BLUEGREEN_CONFIG). Every key is listed with its type, default and description (the field's
docstring), and no other key is allowed, so an editor flags a typo as you type. The published copy
is `ecs_bluegreen/settings.schema.json`; `python -m ecs_bluegreen.app.schema` writes it, and a test
checks that it is in step with the code.

Values merge (an environment over the defaults), so the schema requires no key: that each
environment ends up with what it needs is checked when the settings load.
"""

from __future__ import annotations

import dataclasses
import json
import sys
import types
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from ..validation import field_docs
from .config import NAME_PATTERN
from .stack import BootstrapSettings, StackSettings

PUBLISHED = Path(__file__).resolve().parent.parent / "settings.schema.json"
NAME = rf"^{NAME_PATTERN.pattern}(?![\s\S])"  # the loader's rule for project and environment names
# Text without control characters or spaces at either end. Lookaheads only, and `(?![\s\S])` for
# the end: a validator in Python reads `$` as "before a final newline", one in JavaScript does not.
TEXT = r"^(?![\s\S]*[\x00-\x1f\x7f])(?!\s)(?![\s\S]*\s(?![\s\S]))"


def _default(f: dataclasses.Field) -> Any:
    if f.default is not dataclasses.MISSING:
        return f.default
    if f.default_factory is not dataclasses.MISSING:
        value = f.default_factory()
        if dataclasses.is_dataclass(value):
            return None
        return dict(value) if isinstance(value, Mapping) else list(value) if isinstance(value, tuple) else value
    return None


def _schema(hint: Any, defs: dict[str, Any]) -> dict[str, Any]:
    origin = get_origin(hint)
    if origin is Annotated:
        return _schema(get_args(hint)[0], defs)
    if origin in (Union, types.UnionType):
        arms = [a for a in get_args(hint) if a is not type(None)]
        one = _schema(arms[0], defs) if len(arms) == 1 else {"anyOf": [_schema(a, defs) for a in arms]}
        return {"anyOf": [one, {"type": "null"}]} if type(None) in get_args(hint) else one
    if origin is Literal:
        return {"enum": list(get_args(hint))}
    if origin is tuple:
        return {"type": "array", "items": _schema(get_args(hint)[0], defs)}
    if origin in (Mapping, dict):
        return {"type": "object", "additionalProperties": _schema(get_args(hint)[1], defs)}
    if dataclasses.is_dataclass(hint):
        _define(hint, defs)
        return {"$ref": f"#/$defs/{hint.__name__}"}
    return {str: {"type": "string", "pattern": TEXT},
            int: {"type": "integer"}, float: {"type": "number"}, bool: {"type": "boolean"}}[hint]


def _define(cls: type, defs: dict[str, Any]) -> None:
    if cls.__name__ in defs:
        return
    defs[cls.__name__] = {}  # placed first, so that a class refers to itself without recursing
    hints = typing.get_type_hints(cls, include_extras=True)
    docs = field_docs(cls)
    properties = {}
    for f in dataclasses.fields(cls):
        prop = {**_schema(hints[f.name], defs), "description": docs.get(f.name, "")}
        default = _default(f)
        if default is not None:
            prop["default"] = default
        properties[f.name] = prop
    defs[cls.__name__] = {"type": "object", "description": " ".join((cls.__doc__ or "").split()),
                          "properties": properties, "additionalProperties": False}


def settings_schema() -> dict[str, Any]:
    defs: dict[str, Any] = {}
    _define(StackSettings, defs)
    _define(BootstrapSettings, defs)
    defs["bluegreen"] = {
        "type": "object",
        "description": "The settings of ecs_bluegreen's app: environments deep-merged over the defaults.",
        "properties": {
            "project": {"type": "string", "pattern": NAME, "description": "Name of the project; each environment's "
                        "stack is '<project>-<environment>'."},
            "defaults": {"$ref": "#/$defs/StackSettings", "description": "Settings every environment starts from."},
            "environments": {"type": "object", "propertyNames": {"pattern": NAME}, "minProperties": 1,
                             "additionalProperties": {"$ref": "#/$defs/StackSettings"},
                             "description": "One stack per environment, each with its overrides ({} for none)."},
            "bootstrap": {"$ref": "#/$defs/BootstrapSettings", "description": "The stack that creates the state "
                          "bucket."},
        },
        "required": ["project", "environments"],
        "additionalProperties": False,
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://github.com/ecs-bluegreen/ecs-bluegreen/settings.schema.json",
        "title": "ecs_bluegreen settings",
        "description": "A cdktf.json with the settings in context.bluegreen, or a file of the settings alone.",
        "anyOf": [
            {"type": "object", "required": ["context"],
             "properties": {"context": {"type": "object", "required": ["bluegreen"],
                                        "properties": {"bluegreen": {"$ref": "#/$defs/bluegreen"}}}}},
            {"$ref": "#/$defs/bluegreen"},
        ],
        "$defs": defs,
    }


def render() -> str:
    return json.dumps(settings_schema(), indent=2, sort_keys=False) + "\n"


if __name__ == "__main__":
    PUBLISHED.write_text(render())
    print(f"wrote {PUBLISHED}", file=sys.stderr)
