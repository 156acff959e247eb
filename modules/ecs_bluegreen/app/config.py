"""Settings from JSON (cdktf.json context or a file): environments deep-merged over defaults.

The shape, with every key of the props classes available under "defaults" and each environment::

    {"project": "web",
     "defaults": {"region": "...", "backend": {"bucket": "..."}, "app": {"service": {...}}},
     "environments": {"dev": {...overrides...}, "prod": {...}},
     "bootstrap": {"state": {"lock_table": "..."}, "migrated": false}}

Each environment gets the name "<project>-<env>", the state key "<project>/<env>/terraform.tfstate"
and the tags Project and Environment, unless it sets them itself. The bootstrap stack creates the
bucket named by defaults.backend.bucket, in the default region, unless it names its own.
"""

from __future__ import annotations

import dataclasses
import json
import re
import types
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Union, get_args, get_origin

from ..validation import SettingsError
from .stack import BootstrapSettings, StackSettings

_ENV_NAME = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$")


def _dataclass_in(hint: Any) -> type | None:
    if dataclasses.is_dataclass(hint):
        return hint
    if get_origin(hint) in (Union, types.UnionType):
        for arg in get_args(hint):
            if dataclasses.is_dataclass(arg):
                return arg
    return None


def _convert(hint: Any, value: Any, path: str) -> Any:
    cls = _dataclass_in(hint)
    if cls is not None and value is not None:
        return from_mapping(cls, value, path)
    if get_origin(hint) is tuple and isinstance(value, list):
        return tuple(value)
    return value


def from_mapping(cls: type, data: Any, path: str) -> Any:
    """Build props class `cls` from JSON-like `data`, naming the full path of any bad key."""
    fields = {f.name: f for f in dataclasses.fields(cls)}
    if not isinstance(data, Mapping):
        raise SettingsError(path, data, f"Expected an object with keys from: {', '.join(fields)}.")
    for key in data:
        if key not in fields:
            raise SettingsError(f"{path}.{key}", data[key],
                                f"Unknown setting. Valid keys here: {', '.join(fields)}.")
    for name, f in fields.items():
        required = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        if required and name not in data:
            raise SettingsError(f"{path}.{name}", None, "This setting is required.")
    hints = typing.get_type_hints(cls)
    kwargs = {key: _convert(hints[key], value, f"{path}.{key}") for key, value in data.items()}
    return cls(**kwargs)


def _merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _project_and_defaults(config: Any) -> tuple[str, Mapping[str, Any]]:
    if not isinstance(config, Mapping):
        raise SettingsError("bluegreen", config, "Expected an object with project, defaults, environments.")
    unknown = set(config) - {"project", "defaults", "environments", "bootstrap"}
    if unknown:
        key = sorted(unknown)[0]
        raise SettingsError(f"bluegreen.{key}", config[key],
                            "Unknown setting. Valid keys here: project, defaults, environments, bootstrap.")
    project = config.get("project")
    if not isinstance(project, str) or not _ENV_NAME.match(project):
        raise SettingsError("bluegreen.project", project,
                            "Name the project with lowercase letters, digits and hyphens, e.g. 'web'.")
    defaults = config.get("defaults", {})
    if not isinstance(defaults, Mapping):
        raise SettingsError("bluegreen.defaults", defaults, "Expected an object of settings.")
    return project, defaults


def environment_settings(config: Mapping[str, Any], selected: list[str] | None = None) -> dict[str, StackSettings]:
    """Validated settings for each environment in `config` (or only those `selected`)."""
    project, defaults = _project_and_defaults(config)
    environments = config.get("environments")
    if not isinstance(environments, Mapping) or not environments:
        raise SettingsError("bluegreen.environments", environments,
                            "Define at least one environment, e.g. {\"dev\": {}}.")
    names = list(environments)
    for env in selected or ():
        if env not in environments:
            raise SettingsError("BLUEGREEN_ENVIRONMENTS", env,
                                f"Choose from the configured environments: {', '.join(names)}.")
    settings = {}
    for env in selected or names:
        if not _ENV_NAME.match(env):
            raise SettingsError(f"bluegreen.environments.{env}", env,
                                "Name environments with lowercase letters, digits and hyphens.")
        overrides = environments[env]
        if not isinstance(overrides, Mapping):
            raise SettingsError(f"bluegreen.environments.{env}", overrides,
                                "Expected an object of settings ({} for the defaults).")
        merged = _merge(defaults, overrides)
        merged["app"] = _merge({"name": f"{project}-{env}"}, merged.get("app", {}))
        merged["backend"] = _merge({"key": f"{project}/{env}/terraform.tfstate"}, merged.get("backend", {}))
        merged["default_tags"] = _merge({"Project": project, "Environment": env},
                                        merged.get("default_tags", {}))
        try:
            settings[env] = from_mapping(StackSettings, merged, f"bluegreen.environments.{env}")
        except SettingsError as err:
            if err.field.startswith("bluegreen."):
                raise
            raise SettingsError(err.field, err.value, f"{err.fix} (environment '{env}')") from None
    return settings


def bootstrap_settings(config: Mapping[str, Any]) -> BootstrapSettings:
    """Settings of the stack that creates the state bucket the environments use."""
    project, defaults = _project_and_defaults(config)
    bucket = defaults.get("backend", {}).get("bucket")
    derived: dict[str, Any] = {
        "state": {"bucket": bucket} if bucket is not None else {},
        "state_key": f"{project}/bootstrap/terraform.tfstate",
        "default_tags": {"Project": project, **defaults.get("default_tags", {})},
    }
    for key in ("region", "endpoint"):
        if key in defaults:
            derived[key] = defaults[key]
    overrides = config.get("bootstrap", {})
    if not isinstance(overrides, Mapping):
        raise SettingsError("bluegreen.bootstrap", overrides, "Expected an object of settings.")
    return from_mapping(BootstrapSettings, _merge(derived, overrides), "bluegreen.bootstrap")


def load_config(path: Path) -> Mapping[str, Any]:
    """The "bluegreen" object of a cdktf.json context, or a JSON file holding that object."""
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        raise SettingsError("BLUEGREEN_CONFIG", str(path), "No such file; give a path to a JSON file.") from None
    except json.JSONDecodeError as err:
        raise SettingsError("BLUEGREEN_CONFIG", str(path), f"The file is not valid JSON: {err}.") from None
    if isinstance(data, Mapping) and "context" in data:
        data = data["context"].get("bluegreen")
    return data
