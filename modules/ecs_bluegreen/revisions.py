"""Task definition revisions: Terraform owns the shape, a deployment owns the image.

Terraform registers a revision whenever the settings change (cpu, memory, environment, logs, any
container setting), but the CODE_DEPLOY service ignores `task_definition`, so only a deployment
puts a revision into production. `bluegreen deploy` therefore builds what it deploys from the
revision Terraform registered last (the stack output `task_definition_arn`) and sets only the app
container's image: the one given, or the one that runs now.

Each revision says who registered it in the tag `bluegreen:registered-by`: `terraform` (the stack
sets it) or `bluegreen deploy`, which also names the Terraform revision it started from in
`bluegreen:terraform-revision`. With those, what differs in the running revision from its own
Terraform revision plus its image was made by someone else: drift, which a deployment undoes.

Pure functions over `describe_task_definition` answers; no AWS calls here.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .contract import BY_DEPLOY, BY_TERRAFORM, REGISTERED_BY, TERRAFORM_REVISION

# What register_task_definition accepts back from describe_task_definition: the revision's shape.
REGISTER_FIELDS = (
    "family",
    "taskRoleArn",
    "executionRoleArn",
    "networkMode",
    "containerDefinitions",
    "volumes",
    "placementConstraints",
    "requiresCompatibilities",
    "cpu",
    "memory",
    "pidMode",
    "ipcMode",
    "proxyConfiguration",
    "inferenceAccelerators",
    "ephemeralStorage",
    "runtimePlatform",
    "enableFaultInjection",
)
_EMPTY: tuple[Any, ...] = (None, [], {}, "")


class Named(dict):  # type: ignore[type-arg]
    """A list of name/value pairs (`environment`, `secrets`, a log driver's `secretOptions`, at any
    depth), keyed by name: shown as +NAME ~NAME -NAME, its values never printed (a value may be a
    secret's ARN, or something its owner would not print)."""


def _named(value: Any) -> Any:
    """`value` with every list of name/value (or name/valueFrom) pairs in it made Named."""
    if (
        isinstance(value, list)
        and value
        and all(
            isinstance(item, Mapping) and "name" in item and ("value" in item or "valueFrom" in item) for item in value
        )
    ):
        return Named({item["name"]: item.get("value", item.get("valueFrom")) for item in value})
    if isinstance(value, Mapping):
        return {key: _named(item) for key, item in value.items()}
    return value


@dataclass(frozen=True)
class Change:
    """One field that differs between two revisions, and its one-line summary."""

    field: str
    before: Any
    after: Any
    summary: str

    def as_json(self) -> dict[str, Any]:
        return {"field": self.field, "before": self.before, "after": self.after, "summary": self.summary}


def label(arn: str) -> str:
    """`family:revision` of a task definition ARN."""
    return arn.rsplit("/", 1)[-1]


def tags(described: Mapping[str, Any]) -> dict[str, str]:
    return {t["key"]: t["value"] for t in described.get("tags") or []}


def container(revision: Mapping[str, Any], name: str) -> dict[str, Any]:
    for candidate in revision["containerDefinitions"]:
        if candidate["name"] == name:
            return dict(candidate)
    names = ", ".join(c["name"] for c in revision["containerDefinitions"])
    raise LookupError(f"{label(revision['taskDefinitionArn'])} has no container {name!r} (it has {names})")


def with_image(revision: Mapping[str, Any], container_name: str, image: str) -> dict[str, Any]:
    """A copy of `revision` whose container `container_name` runs `image`."""
    container(revision, container_name)
    copy = dict(revision)
    copy["containerDefinitions"] = [
        dict(c, image=image) if c["name"] == container_name else dict(c) for c in revision["containerDefinitions"]
    ]
    return copy


def register_request(revision: Mapping[str, Any]) -> dict[str, Any]:
    """The register_task_definition arguments that make a revision of this shape."""
    return {k: revision[k] for k in REGISTER_FIELDS if revision.get(k) not in _EMPTY}


def _shape(revision: Mapping[str, Any]) -> dict[str, Any]:
    """Everything a revision runs with, as nested mappings, without empty values."""
    shape = {
        k: revision[k]
        for k in REGISTER_FIELDS
        if k not in ("family", "containerDefinitions") and revision.get(k) not in _EMPTY
    }
    containers = {}
    for definition in revision["containerDefinitions"]:
        body = {}
        for key, value in definition.items():
            if key == "name" or value in _EMPTY:
                continue
            body[key] = _named(value)
        containers[definition["name"]] = body
    shape["containers"] = containers
    return shape


def _flatten(value: Any, path: tuple[str, ...], out: dict[tuple[str, ...], Any]) -> None:
    if isinstance(value, Mapping) and value and not isinstance(value, Named):
        for key, item in value.items():
            _flatten(item, (*path, str(key)), out)
    else:
        out[path] = value


def _show(value: Any) -> str:
    if value is None:
        return "(none)"
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True, separators=(",", ":"))
    return text if len(text) <= 80 else text[:79] + "…"


def diff(before: Mapping[str, Any], after: Mapping[str, Any], *, skip_image_of: str | None = None) -> list[Change]:
    """What changes from revision `before` to revision `after`, one Change per field.

    Task-level fields come first (`cpu 256 → 512`), then each container's, named after it
    (`nginx environment +LOG_LEVEL`). `skip_image_of` leaves out that container's image."""
    old, new = _shape(before), _shape(after)
    old_containers, new_containers = old.pop("containers"), new.pop("containers")
    changes: list[Change] = []
    flat_old: dict[tuple[str, ...], Any] = {}
    flat_new: dict[tuple[str, ...], Any] = {}
    _flatten(old, (), flat_old)
    _flatten(new, (), flat_new)
    changes += _changes(flat_old, flat_new, prefix="")
    for name in sorted(old_containers.keys() - new_containers.keys()):
        changes.append(Change(f"containers.{name}", name, None, f"container -{name}"))
    for name in sorted(new_containers.keys() - old_containers.keys()):
        changes.append(Change(f"containers.{name}", None, name, f"container +{name}"))
    for name in [n for n in new_containers if n in old_containers]:
        flat_old, flat_new = {}, {}
        _flatten(old_containers[name], (), flat_old)
        _flatten(new_containers[name], (), flat_new)
        if name == skip_image_of:
            flat_old.pop(("image",), None)
            flat_new.pop(("image",), None)
        changes += _changes(flat_old, flat_new, prefix=name)
    return changes


def _changes(old: dict[tuple[str, ...], Any], new: dict[tuple[str, ...], Any], *, prefix: str) -> list[Change]:
    changes = []
    for path in sorted(old.keys() | new.keys()):
        before, after = old.get(path), new.get(path)
        if before == after:
            continue
        dotted = ".".join(path)
        field = f"{prefix}.{dotted}" if prefix else dotted
        shown = f"{prefix} {dotted}" if prefix else dotted
        if isinstance(before, Named) or isinstance(after, Named):
            before_map = before if isinstance(before, Named) else {}
            after_map = after if isinstance(after, Named) else {}
            marks = (
                [f"+{k}" for k in sorted(after_map.keys() - before_map.keys())]
                + [f"~{k}" for k in sorted(before_map.keys() & after_map.keys()) if before_map[k] != after_map[k]]
                + [f"-{k}" for k in sorted(before_map.keys() - after_map.keys())]
            )
            changes.append(Change(field, sorted(before_map), sorted(after_map), f"{shown} {' '.join(marks)}"))
        else:
            changes.append(Change(field, before, after, f"{shown} {_show(before)} → {_show(after)}"))
    return changes


@dataclass(frozen=True)
class Provenance:
    """Who registered a revision, and the Terraform revision its shape should come from."""

    registered_by: str | None
    terraform_revision: str | None

    @classmethod
    def of(cls, described: Mapping[str, Any]) -> Provenance:
        found = tags(described)
        registered_by = found.get(REGISTERED_BY)
        base = found.get(TERRAFORM_REVISION) if registered_by == BY_DEPLOY else None
        if registered_by == BY_TERRAFORM:
            base = described["taskDefinition"]["taskDefinitionArn"]
        return cls(registered_by, base)

    @property
    def known(self) -> bool:
        return self.terraform_revision is not None


def deploy_tags(terraform_described: Mapping[str, Any]) -> list[dict[str, str]]:
    """The tags of a revision `bluegreen deploy` registers from Terraform's: Terraform's own tags
    (the provider's default tags among them), its provenance replaced by ours."""
    found = tags(terraform_described)
    found[REGISTERED_BY] = BY_DEPLOY
    found[TERRAFORM_REVISION] = terraform_described["taskDefinition"]["taskDefinitionArn"]
    return [{"key": k, "value": v} for k, v in sorted(found.items())]
