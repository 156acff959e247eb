"""Settings from JSON (cdktf.json context or a file): environments deep-merged over defaults.

The shape, with every key of the props classes available under "defaults" and each environment::

    {"project": "web",
     "defaults": {"region": "...", "backend": {"bucket": "..."}, "app": {"service": {...}}},
     "environments": {"dev": {...overrides...}, "prod": {...}},
     "bootstrap": {"state": {"lock_table": "..."}, "migrated": false}}

Each environment gets the name "<project>-<env>", the state key "<project>/<env>/terraform.tfstate"
and the tags Project and Environment, unless it sets them itself. The bootstrap stack creates the
bucket named by defaults.backend.bucket, in the default region, unless it names its own.

Every error names the setting where the user wrote it: "bluegreen.defaults.app.service.cpu" for a
value from the defaults, "bluegreen.environments.prod.app.service.cpu" for an override, and
"bluegreen.project" for what is made from the project's name. The loader remembers, for each value
of an environment's merged settings, where it came from (`_Layers`). Needs neither the CDK
bindings nor Node: `bluegreen check` reads a settings file with it alone.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeVar

from .errors import MISSING, SettingsError
from .kinds import read
from .stack import BootstrapSettings, StackSettings

NAME_PATTERN = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?")
TOP_LEVEL = ("project", "defaults", "environments", "bootstrap")
P = TypeVar("P")


def from_mapping(cls: type[P], data: Any, path: str) -> P:
    """Build props class `cls` from JSON-like `data`; every error names its setting under `path`."""
    built: P = read(cls, data, path)
    return built


def check_shape(cls: type, data: Any, path: str) -> None:
    """Check one layer of settings (the defaults, an environment's overrides) on its own: every
    key known, every value of its setting's kind, where it was written. Required keys and the
    rules between settings wait for the merged settings (from_mapping)."""
    read(cls, data, path, build=False)


class _Layers:
    """Settings merged from layers (the defaults, then an environment), remembering for every
    value the path where it was written, so that an error names that path."""

    def __init__(self, fallback: str) -> None:
        self.value: dict[str, Any] = {}
        self.origins: dict[str, str] = {}
        self.fallback = fallback  # where a setting nobody wrote belongs (a required one, missing)

    def add(self, layer: Mapping[str, Any], where: str) -> None:
        self._merge(self.value, layer, where, "")

    def put(self, path: str, value: Any, origin: str) -> None:
        """One value the loader derives, at `path`, from the setting at `origin`."""
        *parents, last = path.split(".")
        target = self.value
        for part in parents:
            target = target.setdefault(part, {})
        target[last] = value
        self.origins[path] = origin

    def _merge(self, target: dict[str, Any], layer: Mapping[str, Any], where: str, at: str) -> None:
        for key, value in layer.items():
            here, source = f"{at}.{key}" if at else key, f"{where}.{key}"
            if isinstance(value, Mapping) and isinstance(target.get(key), dict):
                self.origins.setdefault(here, source)
                self._merge(target[key], value, source, here)
            else:
                target[key] = _plain(value)
                for stale in [p for p in self.origins if p.startswith(here + ".")]:
                    del self.origins[stale]
                self._record(value, source, here)

    def _record(self, value: Any, source: str, here: str) -> None:
        self.origins[here] = source
        for key, item in value.items() if isinstance(value, Mapping) else ():
            self._record(item, f"{source}.{key}", f"{here}.{key}")

    def expect(self, path: str, origin: str) -> None:
        """Where the user writes the setting at `path`, should it be missing."""
        self.origins.setdefault(path, origin)

    def origin(self, path: str) -> str:
        """Where the setting at `path` (in the merged settings) was written."""
        parts = re.findall(r"[^.\[]+|\[\d+\]", path)  # a list's index is a part of its own
        for end in range(len(parts), 0, -1):
            head = _joined(parts[:end])
            if head in self.origins:
                return _joined([self.origins[head], *parts[end:]])
        return f"{self.fallback}.{path}"


def _joined(parts: list[str]) -> str:
    return "".join(p if p.startswith("[") or i == 0 else f".{p}" for i, p in enumerate(parts))


def _plain(value: Any) -> Any:
    return {k: _plain(v) for k, v in value.items()} if isinstance(value, Mapping) else value


def _project_and_defaults(config: Any) -> tuple[str, Mapping[str, Any]]:
    if not isinstance(config, Mapping):
        raise SettingsError("bluegreen", config, "Expected an object with project, defaults, environments.")
    unknown = [key for key in config if key not in TOP_LEVEL]
    if unknown:
        raise SettingsError(
            f"bluegreen.{unknown[0]}", config[unknown[0]], f"Unknown setting. Valid keys here: {', '.join(TOP_LEVEL)}."
        )
    project = config.get("project")
    if not isinstance(project, str) or not NAME_PATTERN.fullmatch(project):
        raise SettingsError(
            "bluegreen.project", project, "Name the project with lowercase letters, digits and hyphens, e.g. 'web'."
        )
    defaults = config.get("defaults", {})
    check_shape(StackSettings, defaults, "bluegreen.defaults")
    return project, defaults


def _named_where_written(err: SettingsError, layers: _Layers, project: str, env: str | None) -> SettingsError:
    """`err`, raised on the merged settings, named where its value was written. A value the loader
    made from the project's (and environment's) name is the project's to fix."""
    if err.value is MISSING:
        return _missing(err, layers, env)
    other = err.other()
    if (
        other is not None
        and env
        and not layers.origin(err.field).startswith(f"bluegreen.environments.{env}")
        and layers.origin(other.field).startswith(f"bluegreen.environments.{env}")
    ):
        err = other  # the environment made the conflict: name its setting, not the defaults' it met
    origin = layers.origin(err.field)
    if origin.startswith("bluegreen.project"):
        made = f"the project's name '{project}'" + (f" and the environment's, '{env}'" if env else "")
        return SettingsError(
            "bluegreen.project",
            project,
            f"It makes {err.value!r}, which is not valid: {err.fix} "
            f"That value is made from {made}: shorten or rename.",
        )
    if env and not origin.startswith(f"bluegreen.environments.{env}"):
        return err.at(origin, f"{err.fix} (in environment '{env}')")
    return err.at(origin)


def _missing(err: SettingsError, layers: _Layers, env: str | None) -> SettingsError:
    """A required setting nobody wrote: for an environment, named in the defaults, where it serves
    every environment, with the environment's own place as the other way; for the bootstrap stack,
    where the loader takes it from."""
    path = err.field
    if env is None:
        return err.at(layers.origins.get(path) or layers.origin(path))
    return err.at(
        f"bluegreen.defaults.{path}",
        f"{err.fix} Set it here for every environment, or in bluegreen.environments.{env}.{path} for '{env}' alone.",
    )


def environment_settings(config: Mapping[str, Any], selected: list[str] | None = None) -> dict[str, StackSettings]:
    """Validated settings for each environment in `config` (or only those `selected`)."""
    project, defaults = _project_and_defaults(config)
    environments = config.get("environments")
    if not isinstance(environments, Mapping) or not environments:
        raise SettingsError(
            "bluegreen.environments", environments, 'Define at least one environment, e.g. {"dev": {}}.'
        )
    names = list(environments)
    for env in selected or ():
        if env not in environments:
            raise SettingsError(
                "BLUEGREEN_ENVIRONMENTS", env, f"Choose from the configured environments: {', '.join(names)}."
            )
    settings: dict[str, StackSettings] = {}
    for env in selected or names:
        if not NAME_PATTERN.fullmatch(env):
            raise SettingsError(
                f"bluegreen.environments.{env}", env, "Name environments with lowercase letters, digits and hyphens."
            )
        overrides = environments[env]
        check_shape(StackSettings, overrides, f"bluegreen.environments.{env}")
        layers = _Layers(f"bluegreen.environments.{env}")
        layers.put("app.name", f"{project}-{env}", "bluegreen.project")
        layers.put("backend.key", f"{project}/{env}/terraform.tfstate", "bluegreen.project")
        layers.put("default_tags.Project", project, "bluegreen.project")
        layers.put("default_tags.Environment", env, f"bluegreen.environments.{env}")
        layers.add(defaults, "bluegreen.defaults")
        layers.add(overrides, f"bluegreen.environments.{env}")
        try:
            settings[env] = from_mapping(StackSettings, layers.value, "")
        except SettingsError as err:
            raise _named_where_written(err, layers, project, env) from None
    _check_distinct_names(project, settings)
    return settings


def _check_distinct_names(project: str, settings: Mapping[str, StackSettings]) -> None:
    """Stack names are construct ids and resource names: two environments must not share one,
    nor take the bootstrap stack's."""
    taken = {f"{project}-state": "the state bootstrap stack"}
    for env, stack in settings.items():
        name = stack.app.name
        if name in taken:
            raise SettingsError(
                f"bluegreen.environments.{env}",
                name,
                f"This environment's name '{name}' is already {taken[name]}'s: rename the "
                "environment, or set app.name.",
            )
        taken[name] = f"environment '{env}'"


def bootstrap_settings(config: Mapping[str, Any]) -> BootstrapSettings:
    """Settings of the stack that creates the state bucket the environments use."""
    project, defaults = _project_and_defaults(config)
    overrides = config.get("bootstrap", {})
    check_shape(BootstrapSettings, overrides, "bluegreen.bootstrap")
    layers = _Layers("bluegreen.bootstrap")
    layers.put("state_key", f"{project}/bootstrap/terraform.tfstate", "bluegreen.project")
    layers.put("default_tags.Project", project, "bluegreen.project")
    layers.put("state", {}, "bluegreen.bootstrap.state")
    backend = defaults.get("backend", {})
    if "bucket" in backend:
        layers.put("state.bucket", backend["bucket"], "bluegreen.defaults.backend.bucket")
    layers.expect("state.bucket", "bluegreen.defaults.backend.bucket")
    layers.add(
        {key: defaults[key] for key in ("region", "endpoint", "default_tags") if key in defaults}, "bluegreen.defaults"
    )
    layers.add(overrides, "bluegreen.bootstrap")
    try:
        return from_mapping(BootstrapSettings, layers.value, "")
    except SettingsError as err:
        raise _named_where_written(err, layers, project, None) from None


def load_config(path: Path) -> Any:
    """The "bluegreen" object of a cdktf.json context, or a JSON file holding that object, as JSON
    gives it (environment_settings checks its shape)."""
    field = "BLUEGREEN_CONFIG"
    try:
        text = path.read_text(encoding="utf-8-sig")  # a BOM, as some Windows editors write, is no error
    except FileNotFoundError:
        raise SettingsError(field, str(path), "No such file; give a path to a JSON file.") from None
    except IsADirectoryError:
        raise SettingsError(field, str(path), "This is a folder; give the path of a JSON file in it.") from None
    except PermissionError:
        raise SettingsError(field, str(path), "The file cannot be read: check its permissions.") from None
    except UnicodeDecodeError as err:
        raise SettingsError(
            field, str(path), f"The file is not UTF-8 text ({err.reason} at byte {err.start}): save it as UTF-8."
        ) from None
    try:
        # NaN and Infinity, which Python reads and JSON does not have, fail as the setting they are in.
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise SettingsError(field, str(path), f"The file is not valid JSON: {err}.") from None
    if isinstance(data, Mapping) and "context" in data:
        context = data["context"]
        if not isinstance(context, Mapping) or "bluegreen" not in context:
            raise SettingsError(
                "context", context, 'cdktf.json\'s context must be an object with a "bluegreen" object of settings.'
            )
        data = context["bluegreen"]
    return data
