"""Small helpers to read a synthesized cdk.tf.json (find resources by type and construct path),
and to change one setting of a JSON config."""

from __future__ import annotations

import copy
import re
from typing import Any


def with_setting(config: dict, path: str, value: Any) -> dict:
    """A copy of `config` with `value` at `path` ("defaults.app.service.cpu", "a.list[0]"); the
    objects on the way are made where missing."""
    config = copy.deepcopy(config)
    *parents, last = re.findall(r"[^.\[\]]+|\[\d+\]", path)
    target = config
    for part in parents:
        target = target[int(part[1:-1])] if part.startswith("[") else target.setdefault(part, {})
    if last.startswith("["):
        target[int(last[1:-1])] = value
    else:
        target[last] = value
    return config


def resources(doc: dict[str, Any], type_: str) -> dict[str, dict[str, Any]]:
    """All resources of one type, keyed by their construct path below the stack."""
    found = {}
    for body in doc.get("resource", {}).get(type_, {}).values():
        path = body["//"]["metadata"]["path"].split("/", 1)[1]
        found[path] = body
    return found


def resource(doc: dict[str, Any], type_: str, path_suffix: str) -> dict[str, Any]:
    """The one resource of `type_` whose construct path ends with `path_suffix`."""
    matches = [
        body for path, body in resources(doc, type_).items() if path == path_suffix or path.endswith("/" + path_suffix)
    ]
    assert len(matches) == 1, (
        f"expected one {type_} at */{path_suffix}, found {len(matches)} among {sorted(resources(doc, type_))}"
    )
    return matches[0]


def data_sources(doc: dict[str, Any], type_: str) -> list[dict[str, Any]]:
    return list(doc.get("data", {}).get(type_, {}).values())


def ref(doc: dict[str, Any], type_: str, path_suffix: str, attr: str) -> str:
    """The interpolation that references `attr` of a resource, as it appears in the JSON."""
    body = resource(doc, type_, path_suffix)
    return f"${{{type_}.{body['//']['metadata']['uniqueId']}.{attr}}}"


def assert_subset(actual: Any, expected: Any, where: str = "") -> None:
    """Every key of `expected` is in `actual` with an equal value (recursively for dicts)."""
    if isinstance(expected, dict):
        assert isinstance(actual, dict), f"{where}: expected an object, got {actual!r}"
        for key, value in expected.items():
            assert key in actual, f"{where}.{key} is missing; keys are {sorted(actual)}"
            assert_subset(actual[key], value, f"{where}.{key}")
    else:
        assert actual == expected, f"{where}: expected {expected!r}, got {actual!r}"


WRONG_KINDS = [
    ("a string", "x"),
    ("a number", 7),
    ("a list", ["x"]),
    ("an object", {"x": 1}),
    ("a boolean", True),
    ("null", None),
]
"""A value of each JSON kind, for the tests that put the wrong one where a setting or an output goes."""
