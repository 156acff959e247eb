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
of an environment's merged settings, where it came from (`_Layers`).
"""

from __future__ import annotations

import dataclasses
import json
import re
import types
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Union, get_args, get_origin

from ..validation import MISSING, SettingsError, check_value, field_docs
from .stack import BootstrapSettings, StackSettings

NAME_PATTERN = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?")
TOP_LEVEL = ("project", "defaults", "environments", "bootstrap")


def _dataclass_in(hint: Any) -> type | None:
    if dataclasses.is_dataclass(hint):
        return hint
    if get_origin(hint) in (Union, types.UnionType):
        for arg in get_args(hint):
            if dataclasses.is_dataclass(arg):
                return arg
    return None


def _relocate(field: str, own: str, here: str) -> str:
    """A props class names its errors `<own>.<field>`; name them `<here>.<field>` instead."""
    if own and (field == own or field.startswith(own + ".")):
        return here + field[len(own):]
    return f"{here}.{field}" if here else field


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _read(cls: type, data: Any, path: str, *, build: bool) -> Any:
    """Walk JSON-like `data` as props class `cls`: every key known, every value of its setting's
    kind, errors named under `path`. With `build`, also the required keys and the props themselves
    (with the rules between settings); without, one layer's shape alone."""
    fields = {f.name: f for f in dataclasses.fields(cls)}
    if not isinstance(data, Mapping):
        raise SettingsError(path, data, f"Expected an object with keys from: {', '.join(fields)}.")
    for key in data:
        if key not in fields:
            raise SettingsError(_join(path, key), data[key],
                                f"Unknown setting. Valid keys here: {', '.join(fields)}.")
    if build:
        for name, f in fields.items():
            required = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
            if required and name not in data:
                what = field_docs(cls).get(name, "").removesuffix(" Required.")
                raise SettingsError(_join(path, name), MISSING,
                                    f"This setting is required: {what[:1].lower()}{what[1:]}"
                                    if what else "This setting is required.")
    hints = typing.get_type_hints(cls, include_extras=True)
    values = {}
    for key, value in data.items():
        values[key] = _read_value(hints[key], value, _join(path, key), build=build)
    if not build:
        return None
    try:
        return cls(**values)
    except SettingsError as err:
        raise err.at(_relocate(err.field, cls.SETTING, path)) from None


def _read_value(hint: Any, value: Any, path: str, *, build: bool) -> Any:
    """One setting's value: props (or a list or object of props) walked by `_read`, any other
    kind checked by `check_value`."""
    if get_origin(hint) is Annotated:
        return _read_value(get_args(hint)[0], value, path, build=build)
    nested = _dataclass_in(hint)
    if nested is not None and value is not None:
        return _read(nested, value, path, build=build)
    origin, args = get_origin(hint), get_args(hint)
    if origin is tuple and dataclasses.is_dataclass(args[0]):
        if not isinstance(value, list):
            check_value(path, value, hint, from_json=True)  # raises: the wrong kind, named
        return tuple(_read(args[0], item, f"{path}[{i}]", build=build) for i, item in enumerate(value))
    if origin in (Mapping, dict) and dataclasses.is_dataclass(args[1]):
        if not isinstance(value, Mapping):
            check_value(path, value, hint, from_json=True)
        for key in value:
            check_value(path, key, args[0], from_json=True)
        return {key: _read(args[1], item, _join(path, key), build=build) for key, item in value.items()}
    return check_value(path, value, hint, from_json=True)


def from_mapping(cls: type, data: Any, path: str) -> Any:
    """Build props class `cls` from JSON-like `data`; every error names its setting under `path`."""
    return _read(cls, data, path, build=True)


def check_shape(cls: type, data: Any, path: str) -> None:
    """Check one layer of settings (the defaults, an environment's overrides) on its own: every
    key known, every value of its setting's kind, where it was written. Required keys and the
    rules between settings wait for the merged settings (from_mapping)."""
    _read(cls, data, path, build=False)


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
        parts = path.split(".")
        for end in range(len(parts), 0, -1):
            head = ".".join(parts[:end])
            if head in self.origins:
                return ".".join([self.origins[head], *parts[end:]])
        return f"{self.fallback}.{path}"


def _plain(value: Any) -> Any:
    return {k: _plain(v) for k, v in value.items()} if isinstance(value, Mapping) else value


def _project_and_defaults(config: Any) -> tuple[str, Mapping[str, Any]]:
    if not isinstance(config, Mapping):
        raise SettingsError("bluegreen", config, "Expected an object with project, defaults, environments.")
    unknown = [key for key in config if key not in TOP_LEVEL]
    if unknown:
        raise SettingsError(f"bluegreen.{unknown[0]}", config[unknown[0]],
                            f"Unknown setting. Valid keys here: {', '.join(TOP_LEVEL)}.")
    project = config.get("project")
    if not isinstance(project, str) or not NAME_PATTERN.fullmatch(project):
        raise SettingsError("bluegreen.project", project,
                            "Name the project with lowercase letters, digits and hyphens, e.g. 'web'.")
    defaults = config.get("defaults", {})
    check_shape(StackSettings, defaults, "bluegreen.defaults")
    return project, defaults


def _named_where_written(err: SettingsError, layers: _Layers, project: str, env: str | None) -> SettingsError:
    """`err`, raised on the merged settings, named where its value was written. A value the loader
    made from the project's (and environment's) name is the project's to fix."""
    if err.value is MISSING:
        return _missing(err, layers, env)
    origin = layers.origin(err.field)
    if origin.startswith("bluegreen.project"):
        made = f"the project's name '{project}'" + (f" and the environment's, '{env}'" if env else "")
        return SettingsError("bluegreen.project", project, f"It makes {err.value!r}, which is not valid: {err.fix} "
                                                           f"That value is made from {made}: shorten or rename.")
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
    return err.at(f"bluegreen.defaults.{path}", f"{err.fix} Set it here for every environment, or in "
                                                f"bluegreen.environments.{env}.{path} for '{env}' alone.")


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
    settings: dict[str, StackSettings] = {}
    for env in selected or names:
        if not NAME_PATTERN.fullmatch(env):
            raise SettingsError(f"bluegreen.environments.{env}", env,
                                "Name environments with lowercase letters, digits and hyphens.")
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
            raise SettingsError(f"bluegreen.environments.{env}", name,
                                f"This environment's name '{name}' is already {taken[name]}'s: rename the "
                                "environment, or set app.name.")
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
    layers.add({key: defaults[key] for key in ("region", "endpoint", "default_tags") if key in defaults},
               "bluegreen.defaults")
    layers.add(overrides, "bluegreen.bootstrap")
    try:
        return from_mapping(BootstrapSettings, layers.value, "")
    except SettingsError as err:
        raise _named_where_written(err, layers, project, None) from None


def load_config(path: Path) -> Mapping[str, Any]:
    """The "bluegreen" object of a cdktf.json context, or a JSON file holding that object."""
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
        raise SettingsError(field, str(path), f"The file is not UTF-8 text ({err.reason} at byte {err.start}): "
                                              "save it as UTF-8.") from None
    try:
        # NaN and Infinity, which Python reads and JSON does not have, fail as the setting they are in.
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise SettingsError(field, str(path), f"The file is not valid JSON: {err}.") from None
    if isinstance(data, Mapping) and "context" in data:
        context = data["context"]
        if not isinstance(context, Mapping) or "bluegreen" not in context:
            raise SettingsError("context", context, "cdktf.json's context must be an object with a "
                                                    "\"bluegreen\" object of settings.")
        data = context["bluegreen"]
    return data
