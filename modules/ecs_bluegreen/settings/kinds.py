"""The one walker of the settings' types.

Every setting is a field of a frozen props dataclass, declared once with a type hint; `Annotated`
adds the rules that are data (rules.py). `kind_of` reads the hints' grammar, in this one place,
into a small tree of kinds, and everything else comes from that tree:

- the check of a value built in Python (`check_fields`, run by every props class);
- the strict reading of JSON (no coercion), naming the path where a value was written (`read`);
- the name of a kind in a message ("a whole number", "a list of text");
- the JSON Schema of a setting (`Kind.schema`), with minimum, maximum, enum and pattern;
- the settings reference (reference.py), and the walk over every value in a setting (`leaves`).

The grammar: str, int, float, bool, Literal[...], X | None, tuple[X, ...], Mapping[K, V] and props
classes, each optionally Annotated with rules. A hint outside it is refused when its class is first
read, so a new kind of setting is one new Kind here, and nothing else changes.
"""

from __future__ import annotations

import ast
import contextvars
import dataclasses
import functools
import inspect
import json
import math
import re
import textwrap
import types
import typing
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Annotated, Any, ClassVar, Literal, Union, get_args, get_origin

from .aws import is_token
from .errors import MISSING, SettingsError, join
from .rules import END, FREE_TEXT, Fix, Rule

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# Text without control characters or spaces at either end, as a JSON Schema pattern.
TEXT_PATTERN = r"^(?![\s\S]*[\x00-\x1f\x7f])(?!\s)(?![\s\S]*\s(?![\s\S]))"


@dataclass(frozen=True)
class Mode:
    """How a value is read: from Python (tuples, built props), or from JSON (lists, objects that
    build props); `build` False reads one layer of a settings file for its shape alone."""

    json: bool
    build: bool = True


PYTHON = Mode(json=False)
JSON = Mode(json=True)
LAYER = Mode(json=True, build=False)


@dataclass(frozen=True)
class Kind:
    rules: tuple[Rule, ...] = ()

    def name(self, json: bool) -> str:
        raise NotImplementedError

    def read(self, value: Any, at: str, mode: Mode) -> Any:
        """`value` checked, all the way down, and returned as it is kept: lists as tuples, mappings
        read-only, JSON objects as props. Raises SettingsError naming the path `at`."""
        raise NotImplementedError

    def schema(self, defs: dict[str, Any]) -> dict[str, Any]:
        raise NotImplementedError

    def children(self, value: Any) -> Iterator[tuple[str, Any, Kind]]:
        """The values inside `value`, each with its place below it and its kind."""
        return iter(())

    def parts(self) -> tuple[Kind, ...]:
        """The kinds inside this one (an optional's, a list's items, a mapping's keys and values,
        a props class's fields)."""
        return ()

    def python(self) -> str:
        """The kind as a Python type, for the settings reference."""
        raise NotImplementedError

    def allowed(self) -> str:
        """What values the rules allow, in a few words, for the settings reference."""
        return "; ".join(d for d in (rule.describe() for rule in self.rules) if d)

    def _apply_rules(self, value: Any, at: str, mode: Mode) -> Any:
        if not mode.json and is_token(value):
            return value
        for rule in self.rules:
            fix = rule.check(value)
            if fix is not None:
                raise SettingsError(at, value, fix)
        return value

    def _rules_schema(self) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for rule in self.rules:
            for key, value in rule.schema().items():
                if key == "pattern" and "pattern" in found:
                    found.setdefault("allOf", []).append({"pattern": value})
                else:
                    found[key] = value
        return found

    def _refuse(self, value: Any, at: str, mode: Mode, extra: str = "") -> SettingsError:
        return SettingsError(at, value, f"Expected {self.name(mode.json)}.{extra}")


@dataclass(frozen=True)
class Text(Kind):
    def name(self, json: bool) -> str:
        return "text"

    def python(self) -> str:
        return "str"

    def read(self, value: Any, at: str, mode: Mode) -> Any:
        if not isinstance(value, str):
            raise self._refuse(value, at, mode)
        if FREE_TEXT in self.rules:
            if "\x00" in value:
                raise SettingsError(at, value, "Remove the NUL character: no process environment can hold it.")
        elif _CONTROL.search(value) or value != value.strip():
            raise SettingsError(
                at,
                value,
                "Remove the spaces at either end and any control character "
                "(newline, tab): no AWS name or identifier has them.",
            )
        return self._apply_rules(value, at, mode)

    def schema(self, defs: dict[str, Any]) -> dict[str, Any]:
        if FREE_TEXT in self.rules:
            return {"type": "string", "pattern": f"^[^\\x00]*{END}", **self._rules_schema()}
        own = self._rules_schema()
        if "pattern" in own:
            # One pattern: the text rule's lookaheads before the rule's own.
            own["pattern"] = TEXT_PATTERN + own["pattern"].removeprefix("^")
            return {"type": "string", **own}
        return {"type": "string", "pattern": TEXT_PATTERN, **own}


@dataclass(frozen=True)
class Whole(Kind):
    def name(self, json: bool) -> str:
        return "a whole number"

    def python(self) -> str:
        return "int"

    def read(self, value: Any, at: str, mode: Mode) -> Any:
        # bool is an int subclass; `port=True` is a mistake, not port 1.
        if not isinstance(value, int) or isinstance(value, bool):
            raise self._refuse(value, at, mode)
        return self._apply_rules(value, at, mode)

    def schema(self, defs: dict[str, Any]) -> dict[str, Any]:
        return {"type": "integer", **self._rules_schema()}


@dataclass(frozen=True)
class Number(Kind):
    def name(self, json: bool) -> str:
        return "a finite number"

    def python(self) -> str:
        return "float"

    def read(self, value: Any, at: str, mode: Mode) -> Any:
        if not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value):
            raise self._refuse(value, at, mode)
        return self._apply_rules(value, at, mode)

    def schema(self, defs: dict[str, Any]) -> dict[str, Any]:
        return {"type": "number", **self._rules_schema()}


@dataclass(frozen=True)
class Flag(Kind):
    def name(self, json: bool) -> str:
        return "true or false" if json else "True or False"

    def python(self) -> str:
        return "bool"

    def read(self, value: Any, at: str, mode: Mode) -> Any:
        if not isinstance(value, bool):
            raise self._refuse(value, at, mode)
        return value

    def schema(self, defs: dict[str, Any]) -> dict[str, Any]:
        return {"type": "boolean"}


@dataclass(frozen=True)
class Choice(Kind):
    choices: tuple[Any, ...] = ()

    def name(self, json: bool) -> str:
        return "one of " + ", ".join(_json_or_repr(c, json) for c in self.choices)

    def python(self) -> str:
        return " | ".join(sorted({type(c).__name__ for c in self.choices}))

    def allowed(self) -> str:
        return ", ".join(repr(c) for c in self.choices)

    def read(self, value: Any, at: str, mode: Mode) -> Any:
        if any(value == c and type(value) is type(c) for c in self.choices):
            return value
        fix = next((r.text for r in self.rules if isinstance(r, Fix)), None)
        kinds = sorted({type(c) for c in self.choices}, key=lambda t: t.__name__)
        if fix is not None and type(value) not in kinds:
            # A setting with its own fix reads as a number or a text setting ("cpu": "256"): say its kind.
            raise SettingsError(at, value, f"Expected {' or '.join(_SIMPLE[k]().name(mode.json) for k in kinds)}.")
        if fix is not None:
            raise SettingsError(at, value, fix.format(choices=", ".join(map(str, self.choices))))
        raise SettingsError(at, value, f"Use {self.name(mode.json)}.")

    def schema(self, defs: dict[str, Any]) -> dict[str, Any]:
        kinds = {type(c) for c in self.choices}
        typed = {str: "string", int: "integer", bool: "boolean"}.get(kinds.pop()) if len(kinds) == 1 else None
        return {**({"type": typed} if typed else {}), "enum": list(self.choices)}


@dataclass(frozen=True)
class Maybe(Kind):
    inner: Kind = dataclasses.field(default_factory=Text)

    def name(self, json: bool) -> str:
        return f"{self.inner.name(json)} or {'null' if json else 'None'}"

    def python(self) -> str:
        return f"{self.inner.python()} | None"

    def allowed(self) -> str:
        return self.inner.allowed()

    def read(self, value: Any, at: str, mode: Mode) -> Any:
        return None if value is None else self.inner.read(value, at, mode)

    def schema(self, defs: dict[str, Any]) -> dict[str, Any]:
        return {"anyOf": [self.inner.schema(defs), {"type": "null"}]}

    def children(self, value: Any) -> Iterator[tuple[str, Any, Kind]]:
        if value is not None:
            yield "", value, self.inner

    def parts(self) -> tuple[Kind, ...]:
        return (self.inner,)


@dataclass(frozen=True)
class ListOf(Kind):
    item: Kind = dataclasses.field(default_factory=Text)

    def name(self, json: bool) -> str:
        item = self.item.name(json)
        if isinstance(self.item, Choice):
            item = f"values each {item}"
        return f"a list of {item}" if json else f"a tuple of {item} (in JSON, a list)"

    def python(self) -> str:
        return f"tuple[{self.item.python()}, ...]"

    def allowed(self) -> str:
        return "; ".join(filter(None, [super().allowed(), self.item.allowed() and f"each {self.item.allowed()}"]))

    def read(self, value: Any, at: str, mode: Mode) -> Any:
        if not isinstance(value, tuple) and not (mode.json and isinstance(value, list)):
            extra = ' Pass a tuple, e.g. ("a", "b"): props are immutable.' if isinstance(value, list) else ""
            raise self._refuse(value, at, mode, extra)
        items = tuple(self.item.read(v, f"{at}[{i}]", mode) for i, v in enumerate(value))
        return self._apply_rules(items, at, mode)

    def schema(self, defs: dict[str, Any]) -> dict[str, Any]:
        return {"type": "array", "items": self.item.schema(defs), **self._rules_schema()}

    def children(self, value: Any) -> Iterator[tuple[str, Any, Kind]]:
        for i, item in enumerate(value):
            yield f"[{i}]", item, self.item

    def parts(self) -> tuple[Kind, ...]:
        return (self.item,)


@dataclass(frozen=True)
class MapOf(Kind):
    key: Kind = dataclasses.field(default_factory=Text)
    value: Kind = dataclasses.field(default_factory=Text)

    def name(self, json: bool) -> str:
        if json:
            return f"an object of {self.value.name(json)}"
        return f"a mapping of {self.key.name(json)} to {self.value.name(json)}"

    def python(self) -> str:
        return f"Mapping[{self.key.python()}, {self.value.python()}]"

    def allowed(self) -> str:
        return "; ".join(
            filter(
                None,
                [
                    super().allowed(),
                    self.key.allowed() and f"keys {self.key.allowed()}",
                    self.value.allowed() and f"values {self.value.allowed()}",
                ],
            )
        )

    def read(self, value: Any, at: str, mode: Mode) -> Any:
        if not isinstance(value, Mapping):
            raise self._refuse(value, at, mode)
        kept = {}
        for key, item in value.items():
            where = join(at, str(key))
            try:
                self.key.read(key, where, mode)
            except SettingsError as err:  # the name is what is wrong: point at it, not at the mapping
                raise SettingsError(where, key, err.fix, key=True) from None
            kept[key] = self.value.read(item, where, mode)
        return self._apply_rules(MappingProxyType(kept), at, mode)

    def schema(self, defs: dict[str, Any]) -> dict[str, Any]:
        names = {k: v for k, v in self.key.schema(defs).items() if k != "type"}
        own = self._rules_schema()
        if "minItems" in own:
            own["minProperties"] = own.pop("minItems")
        return {
            "type": "object",
            **({"propertyNames": names} if names else {}),
            "additionalProperties": self.value.schema(defs),
            **own,
        }

    def children(self, value: Any) -> Iterator[tuple[str, Any, Kind]]:
        for key, item in value.items():
            yield str(key), item, self.value

    def parts(self) -> tuple[Kind, ...]:
        return (self.key, self.value)


_building: contextvars.ContextVar[bool] = contextvars.ContextVar("building", default=False)


@dataclass(frozen=True)
class PropsKind(Kind):
    cls: type = object

    def name(self, json: bool) -> str:
        if json:
            return f"an object with keys from: {', '.join(f.name for f in settings_of(self.cls))}"
        return f"{self.cls.__name__} (build it with {self.cls.__name__}(...))"

    def python(self) -> str:
        return self.cls.__name__

    def read(self, value: Any, at: str, mode: Mode) -> Any:
        if not mode.json:
            if not isinstance(value, self.cls):
                raise self._refuse(value, at, mode)
            return value
        fields = {f.name: f for f in settings_of(self.cls)}
        if not isinstance(value, Mapping):
            raise SettingsError(at, value, f"Expected an object with keys from: {', '.join(fields)}.")
        for key in value:
            if key not in fields:
                raise SettingsError(
                    join(at, key), key, f"Unknown setting. Valid keys here: {', '.join(fields)}.", key=True
                )
        if mode.build:
            for name, setting in fields.items():
                if setting.required and name not in value:
                    what = setting.doc.removesuffix(" Required.")
                    raise SettingsError(
                        join(at, name),
                        MISSING,
                        f"This setting is required: {what[:1].lower()}{what[1:]}"
                        if what
                        else "This setting is required.",
                    )
        values = {key: fields[key].kind.read(item, join(at, key), mode) for key, item in value.items()}
        if not mode.build:
            return None
        token = _building.set(True)
        try:
            return self.cls(**values)
        except SettingsError as err:
            raise err.at(join(at, err.relative if err.owner is self.cls else err.field)) from None
        finally:
            _building.reset(token)

    def schema(self, defs: dict[str, Any]) -> dict[str, Any]:
        name = self.cls.__name__
        if name not in defs:
            defs[name] = {}  # placed first, so that a class may refer to itself
            properties = {}
            for setting in settings_of(self.cls):
                prop = {**setting.kind.schema(defs), "description": setting.doc}
                default = setting.json_default()
                if default is not None:
                    prop["default"] = default
                properties[setting.name] = prop
            defs[name] = {
                "type": "object",
                "description": " ".join((self.cls.__doc__ or "").split()),
                "properties": properties,
                "additionalProperties": False,
            }
        return {"$ref": f"#/$defs/{name}"}

    def children(self, value: Any) -> Iterator[tuple[str, Any, Kind]]:
        for setting in settings_of(self.cls):
            yield setting.name, getattr(value, setting.name), setting.kind

    def parts(self) -> tuple[Kind, ...]:
        return tuple(setting.kind for setting in settings_of(self.cls))


def _json_or_repr(value: Any, json_: bool) -> str:
    return json.dumps(value) if json_ else repr(value)


_SIMPLE: dict[Any, type[Kind]] = {str: Text, int: Whole, float: Number, bool: Flag}


@functools.cache
def kind_of(hint: Any) -> Kind:
    """The kind of a type hint: the grammar of the settings' types, read in this one place."""
    origin, args = get_origin(hint), get_args(hint)
    if origin is Annotated:
        base = kind_of(args[0])
        if isinstance(base, Maybe):  # Annotated[X | None, rule]: the rules are about X's value
            return Maybe(inner=dataclasses.replace(base.inner, rules=tuple(args[1:])))
        return dataclasses.replace(base, rules=tuple(args[1:]))
    if origin in (Union, types.UnionType):
        arms = [a for a in args if a is not type(None)]
        if len(arms) != 1 or len(args) != 2:
            raise TypeError(f"{hint}: a setting is one kind, or that kind or None")
        return Maybe(inner=kind_of(arms[0]))
    if origin is Literal:
        return Choice(choices=args)
    if origin is tuple:
        if len(args) != 2 or args[1] is not Ellipsis:
            raise TypeError(f"{hint}: a list setting is tuple[X, ...]")
        return ListOf(item=kind_of(args[0]))
    if origin in (Mapping, dict, typing.Mapping):
        return MapOf(key=kind_of(args[0]), value=kind_of(args[1]))
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return PropsKind(cls=hint)
    simple = _SIMPLE.get(hint)
    if simple is None:
        raise TypeError(
            f"{hint!r} is no kind of setting: use str, int, float, bool, Literal, a props class, "
            "or a tuple, mapping or optional of those"
        )
    return simple()


@dataclass(frozen=True)
class Setting:
    """One field of a props class, as every reader of the settings sees it."""

    owner: type
    name: str
    kind: Kind
    field: dataclasses.Field[Any]

    @property
    def doc(self) -> str:
        """The field's docstring, on one line (read from the source on first use)."""
        return field_docs(self.owner).get(self.name, "")

    @property
    def required(self) -> bool:
        return self.field.default is dataclasses.MISSING and self.field.default_factory is dataclasses.MISSING

    @property
    def default(self) -> Any:
        """The default value (a new one, for a default factory); MISSING for a required setting."""
        if self.field.default_factory is not dataclasses.MISSING:
            return self.field.default_factory()
        return MISSING if self.field.default is dataclasses.MISSING else self.field.default

    def json_default(self) -> Any:
        """The default as JSON writes it; None for none, or for a default props object."""
        value = self.default
        if value is MISSING or dataclasses.is_dataclass(value):
            return None
        if isinstance(value, Mapping):
            return dict(value)
        return list(value) if isinstance(value, tuple) else value

    def python_default(self) -> str:
        """The default as Python writes it: "required", a repr, or "ClassName()"."""
        value = self.default
        if value is MISSING:
            return "required"
        return f"{type(value).__name__}()" if dataclasses.is_dataclass(value) else repr(value)


_SETTINGS: dict[type, tuple[Setting, ...]] = {}


def settings_of(cls: type) -> tuple[Setting, ...]:
    """The fields of props class `cls`, each with its kind, default and docstring (read once)."""
    if cls not in _SETTINGS:
        hints = typing.get_type_hints(cls, include_extras=True)
        _SETTINGS[cls] = tuple(Setting(cls, f.name, kind_of(hints[f.name]), f) for f in dataclasses.fields(cls))
    return _SETTINGS[cls]


@functools.cache
def field_docs(cls: type) -> dict[str, str]:
    """The docstring under each field of props class `cls`, on one line each."""
    body = ast.parse(textwrap.dedent(inspect.getsource(cls))).body[0]
    assert isinstance(body, ast.ClassDef)
    docs = {}
    for field, doc in zip(body.body, body.body[1:], strict=False):  # each statement and the next
        if (
            isinstance(field, ast.AnnAssign)
            and isinstance(field.target, ast.Name)
            and isinstance(doc, ast.Expr)
            and isinstance(doc.value, ast.Constant)
            and isinstance(doc.value.value, str)
        ):
            docs[field.target.id] = " ".join(doc.value.value.split())
    return docs


def check_value(at: str, value: Any, hint: Any, *, from_json: bool = False) -> Any:
    """`value` checked against type `hint` with its rules, and returned as it is kept."""
    return kind_of(hint).read(value, at, JSON if from_json else PYTHON)


def read(cls: type, data: Any, at: str, *, build: bool = True) -> Any:
    """Props class `cls` built from JSON-like `data`, every error named under `at`; without
    `build`, one layer's shape alone (every key known, every value of its kind)."""
    return PropsKind(cls=cls).read(data, at, JSON if build else LAYER)


def check_fields(props: Any) -> None:
    """Check every field of `props` against its kind and rules, naming errors `<SETTING>.<field>`,
    and keep its values immutable (tuples, read-only mappings), so that frozen props stay frozen.
    A class read from JSON had each value checked where it was written: not again."""
    if _building.get():
        return
    prefix = type(props).SETTING
    for setting in settings_of(type(props)):
        value = getattr(props, setting.name)
        kept = setting.kind.read(value, join(prefix, setting.name), PYTHON)
        if kept is not value:
            object.__setattr__(props, setting.name, kept)


def leaves(
    value: Any, kind: Kind, at: str, rules: tuple[Rule, ...] = ()
) -> Iterator[tuple[str, Any, tuple[Rule, ...]]]:
    """Every value inside `value` (of `kind`), with its path and the rules of the settings it sits
    in (a rule on a list holds for every item of it)."""
    rules = rules + kind.rules
    inner = list(kind.children(value))
    if not inner:
        yield at, value, rules
    for below, item, item_kind in inner:
        yield from leaves(item, item_kind, join(at, below), rules)


class Props:
    """The base of every props class: its fields are checked by their kinds and rules, then the
    rules between its fields run (`check`), each naming the field it is about relative to the class."""

    SETTING: ClassVar[str] = ""
    """Where the class's settings sit, in the names of its errors when it is built in Python."""

    def __post_init__(self) -> None:
        check_fields(self)
        try:
            self.check()
        except SettingsError as err:
            raise err.of(type(self), type(self).SETTING) from None

    def check(self) -> None:
        """The rules between this class's fields; raise SettingsError(<field>, value, fix)."""
