"""A JSON Schema of the settings, made by the walker (kinds.py) from the props classes themselves.

It describes a cdktf.json whose `context.bluegreen` holds the settings, or a file of the settings
alone (BLUEGREEN_CONFIG). Every key is listed with its type, default, description (the field's
docstring) and the rules that are data (minimum, maximum, enum, pattern), and no other key is
allowed, so an editor flags a typo or `cpu: 300` as you type. The published copy is
`ecs_bluegreen/settings.schema.json`; `python -m ecs_bluegreen.settings.schema` prints it,
`tools/generated.py` writes it, and a test checks that it is in step with the code.

Values merge (an environment over the defaults), so the schema requires no key: that each
environment ends up with what it needs is checked when the settings load.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from .kinds import PropsKind
from .loader import NAME_PATTERN
from .rules import END
from .stack import BootstrapSettings, StackSettings

PUBLISHED = Path(__file__).resolve().parent.parent / "settings.schema.json"
NAME = f"^{NAME_PATTERN.pattern}{END}"  # the loader's rule for project and environment names


def settings_schema() -> dict[str, Any]:
    defs: dict[str, Any] = {}
    PropsKind(cls=StackSettings).schema(defs)
    PropsKind(cls=BootstrapSettings).schema(defs)
    defs["bluegreen"] = {
        "type": "object",
        "description": "The settings of ecs_bluegreen's app: environments deep-merged over the defaults.",
        "properties": {
            "project": {
                "type": "string",
                "pattern": NAME,
                "description": "Name of the project; each environment's stack is '<project>-<environment>'.",
            },
            "defaults": {"$ref": "#/$defs/StackSettings", "description": "Settings every environment starts from."},
            "environments": {
                "type": "object",
                "propertyNames": {"pattern": NAME},
                "minProperties": 1,
                "additionalProperties": {"$ref": "#/$defs/StackSettings"},
                "description": "One stack per environment, each with its overrides ({} for none).",
            },
            "bootstrap": {
                "$ref": "#/$defs/BootstrapSettings",
                "description": "The stack that creates the state bucket.",
            },
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
            {
                "type": "object",
                "required": ["context"],
                "properties": {
                    "context": {
                        "type": "object",
                        "required": ["bluegreen"],
                        "properties": {"bluegreen": {"$ref": "#/$defs/bluegreen"}},
                    }
                },
            },
            {"$ref": "#/$defs/bluegreen"},
        ],
        "$defs": defs,
    }


def render() -> str:
    return json.dumps(settings_schema(), indent=2, sort_keys=False) + "\n"


if __name__ == "__main__":
    sys.stdout.write(render())
