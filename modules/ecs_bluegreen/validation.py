"""Settings validation: one error type, one type checker, small reusable checks.

Every props class calls :func:`check_types` first, then its own rules, from ``__post_init__``.
A bad value therefore fails when the props are built, long before jsii or Terraform sees it, and
the message names the setting, the value and the fix.

Why a checker of our own (check_value, some 80 lines) and not a library:
- cattrs (jsii brings it) converts rather than checks: its default structure hooks turn "256"
  into 256, 3.7 into 3, "false" into True and 5 into "5", so a wrong kind passes silently; strict
  hooks for each type, plus its error tree rewritten into our one line, would be more code than
  this, and jsii allows any cattrs from 1.8 to 26, whose hooks and errors have changed between
  releases, so the behaviour would hang on what a consumer's resolver picked;
- pydantic would add a compiled dependency (pydantic-core) to every consumer's install, for
  validation the props classes (frozen dataclasses, the public API) already declare in their
  type hints; its JSON Schema would describe its models, not these classes.
The JSON Schema (app/schema.py) is made from the same type hints, so the two cannot disagree.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import ipaddress
import json
import math
import re
import types
import typing
from collections.abc import Mapping
from types import MappingProxyType
from typing import Annotated, Any, Literal, Union, get_args, get_origin


class _Missing:
    """The value of a required setting nobody wrote."""

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


class SettingsError(ValueError):
    """A setting has a value that would produce wrong or rejected infrastructure."""

    def __init__(self, field: str, value: Any, fix: str) -> None:
        self.field = field
        self.value = value
        self.fix = fix
        what = "not set" if value is MISSING else f"invalid value {_shown(value)}"
        super().__init__(f"{field}: {what}. {fix}")

    def at(self, field: str, fix: str | None = None) -> SettingsError:
        """The same error, named where the user wrote the setting."""
        return SettingsError(field, self.value, self.fix if fix is None else fix)


def _shown(value: Any) -> str:
    """A value as a message shows it: props objects by their class, not their whole repr."""
    return f"{type(value).__name__}(...)" if dataclasses.is_dataclass(value) else repr(value)


FREE_TEXT = "free text"
"""Marks a text setting that may hold any characters (`Annotated[str, FREE_TEXT]`): a container's
environment variable values. Every other text setting refuses control characters and spaces at
either end, which no AWS name, ARN or identifier has."""

ANY_REGION = "any region"
"""Marks a setting whose ARNs may name another region than the stack's (`Annotated[str,
ANY_REGION]`): ECS reads a secret or parameter from any region by its full ARN, and the task
role's statements name what the app calls, wherever it is."""

TOKEN_MARKER = "${TfToken["
"""How cdktf (and cdktn) encode a value Terraform knows only at apply, e.g. another resource's ARN."""


def is_token(value: object) -> bool:
    """A reference to a value known only at apply (`secret.arn` of a resource in your stack): its
    form cannot be checked before synth; Terraform and AWS check it."""
    return isinstance(value, str) and TOKEN_MARKER in value


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _type_name(hint: Any, from_json: bool) -> str:
    origin = get_origin(hint)
    if origin is Annotated:
        return _type_name(get_args(hint)[0], from_json)
    if origin is Literal:
        return "one of " + ", ".join(json.dumps(a) if from_json else repr(a) for a in get_args(hint))
    if origin in (Union, types.UnionType):
        return " or ".join(_type_name(a, from_json) for a in get_args(hint))
    if origin is tuple:
        item = _type_name(get_args(hint)[0], from_json)
        return f"a list of {item}" if from_json else f"a tuple of {item} (in JSON, a list)"
    if origin in (Mapping, dict):
        key, val = get_args(hint)
        return f"an object of {_type_name(val, from_json)}" if from_json else \
            f"a mapping of {_type_name(key, from_json)} to {_type_name(val, from_json)}"
    if hint is type(None):
        return "null" if from_json else "None"
    if dataclasses.is_dataclass(hint):
        return f"an object with keys from: {', '.join(f.name for f in dataclasses.fields(hint))}" if from_json \
            else f"{hint.__name__} (build it with {hint.__name__}(...))"
    return {str: "text", int: "a whole number", float: "a finite number", bool: "true or false" if from_json
            else "True or False"}.get(hint, getattr(hint, "__name__", str(hint)))


def check_value(path: str, value: Any, hint: Any, *, from_json: bool = False) -> Any:
    """`value` checked against its type `hint`, all the way down, and returned as it is kept:
    JSON lists become tuples, mappings become read-only. One checker knows every setting's kind,
    for the Python API and for JSON alike; it raises SettingsError naming the exact path."""
    origin = get_origin(hint)
    if origin is Annotated:
        base, *marks = get_args(hint)
        if base is str and FREE_TEXT in marks:
            if not isinstance(value, str):
                raise SettingsError(path, value, f"Expected {_type_name(str, from_json)}.")
            if "\x00" in value:
                raise SettingsError(path, value, "Remove the NUL character: no process environment can hold it.")
            return value
        return check_value(path, value, base, from_json=from_json)
    if origin in (Union, types.UnionType):
        arms = get_args(hint)
        if value is None and type(None) in arms:
            return None
        for arm in arms:
            if arm is type(None):
                continue
            try:
                return check_value(path, value, arm, from_json=from_json)
            except SettingsError as err:
                if len([a for a in arms if a is not type(None)]) == 1:
                    raise err from None
        raise SettingsError(path, value, f"Expected {_type_name(hint, from_json)}.")
    if origin is Literal:
        if any(value == a and type(value) is type(a) for a in get_args(hint)):
            return value
        raise SettingsError(path, value, f"Use {_type_name(hint, from_json)}.")
    if origin is tuple:
        item = get_args(hint)[0]
        if not isinstance(value, tuple) and not (from_json and isinstance(value, list)):
            extra = " Pass a tuple, e.g. (\"a\", \"b\"): props are immutable." if isinstance(value, list) else ""
            raise SettingsError(path, value, f"Expected {_type_name(hint, from_json)}.{extra}")
        return tuple(check_value(f"{path}[{i}]", v, item, from_json=from_json) for i, v in enumerate(value))
    if origin in (Mapping, dict):
        key_hint, value_hint = get_args(hint)
        if not isinstance(value, Mapping):
            raise SettingsError(path, value, f"Expected {_type_name(hint, from_json)}.")
        checked = {}
        for key, item in value.items():
            check_value(path, key, key_hint, from_json=from_json)
            checked[key] = check_value(f"{path}.{key}", item, value_hint, from_json=from_json)
        return MappingProxyType(checked)
    if dataclasses.is_dataclass(hint):
        if not isinstance(value, hint):
            raise SettingsError(path, value, f"Expected {_type_name(hint, from_json)}.")
        return value
    if hint is bool:
        ok = isinstance(value, bool)
    elif hint is int:
        # bool is an int subclass; `port=True` is a mistake, not port 1.
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif hint is float:
        ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    elif hint is str:
        ok = isinstance(value, str)
        if ok and (_CONTROL.search(value) or value != value.strip()):
            raise SettingsError(path, value, "Remove the spaces at either end and any control character "
                                             "(newline, tab): no AWS name or identifier has them.")
    else:
        ok = hint is Any or isinstance(value, hint)
    if not ok:
        raise SettingsError(path, value, f"Expected {_type_name(hint, from_json)}.")
    return value


@functools.lru_cache(maxsize=None)
def field_docs(cls: type) -> dict[str, str]:
    """The docstring under each field of props class `cls`, on one line each."""
    import inspect

    source = inspect.getsource(cls)
    found = re.findall(r'^    (\w+): [^\n]*\n    """(.*?)"""', source, re.M | re.S)
    return {name: " ".join(doc.split()) for name, doc in found}


def check_types(props: Any) -> None:
    """Check every field of dataclass `props` (from its __post_init__), and keep its mappings
    read-only, so that frozen props stay frozen. Errors name `<props.SETTING>.<field>`."""
    hints = typing.get_type_hints(type(props), include_extras=True)
    prefix = type(props).SETTING
    for f in dataclasses.fields(props):
        value = getattr(props, f.name)
        checked = check_value(f"{prefix}.{f.name}" if prefix else f.name, value, hints[f.name])
        if checked is not value:
            object.__setattr__(props, f.name, checked)


def matches(pattern: re.Pattern[str], value: str) -> bool:
    """The whole of `value` matches: no `$` before a trailing newline, no prefix match."""
    return pattern.fullmatch(value) is not None


def check_range(field: str, value: int, low: int, high: int, unit: str = "") -> None:
    if not low <= value <= high:
        suffix = f" {unit}" if unit else ""
        raise SettingsError(field, value, f"Use a value from {low} to {high}{suffix}.")


def check_port(field: str, value: int) -> None:
    check_range(field, value, 1, 65535)


def check_cidrs(field: str, values: tuple[str, ...]) -> None:
    for value in values:
        try:
            ipaddress.ip_network(value, strict=True)
        except ValueError as err:
            raise SettingsError(
                field, value, f"Use a CIDR block such as '203.0.113.0/24' ({err})."
            ) from None
    if len(set(values)) != len(values):
        raise SettingsError(field, values, "List each CIDR block once.")


_AWS_NAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?")


def check_aws_name(field: str, value: str, max_length: int, what: str) -> None:
    """Names of load balancers and target groups: letters, digits, hyphens; no edge hyphen."""
    if not matches(_AWS_NAME, value):
        raise SettingsError(
            field,
            value,
            f"{what} may contain only letters, digits and hyphens, and must not start or end "
            "with a hyphen.",
        )
    if len(value) > max_length:
        raise SettingsError(
            field,
            value,
            f"It is {len(value)} characters; {what[:1].lower() + what[1:]} allows at most {max_length}. "
            "Choose a shorter name.",
        )


@functools.lru_cache(maxsize=1)
def regions() -> dict[str, str]:
    """Every AWS region, and the partition it belongs to, from botocore's endpoint data (boto3 is
    a dependency, and its data is kept current with each release)."""
    import botocore.session

    data = botocore.session.get_session().get_data("endpoints")
    return {region: partition["partition"] for partition in data["partitions"] for region in partition["regions"]}


def check_region(field: str, value: str) -> None:
    if value not in regions():
        close = difflib.get_close_matches(value, regions(), n=3)
        hint = f" Did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
        raise SettingsError(field, value, f"Use an AWS region code such as 'ap-northeast-1'; AWS has no "
                                          f"region by this name.{hint}")


def region_of_zone(zone: str) -> str | None:
    """'ap-northeast-1a' -> 'ap-northeast-1'; None when the name is no zone of a known region."""
    region = zone[:-1]
    return region if zone[-1:].isalpha() and zone[-1:].islower() and region in regions() else None


# [registry[:port]/]path[:tag][@sha256:digest], as Docker parses an image reference.
_IMAGE = re.compile(
    r"(?:[a-zA-Z0-9.-]+(?::\d+)?/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
    r"(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*"
    r"(?::[\w][\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?"
)


def check_image(field: str, value: str) -> None:
    if is_token(value):
        return
    if not matches(_IMAGE, value) or len(value) > 255:
        raise SettingsError(
            field, value,
            "Use an image reference such as 'nginx:1.27' or "
            "'123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/app:v1'.",
        )


_BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
_IP_ADDRESS = re.compile(r"\d+\.\d+\.\d+\.\d+")
# Names S3 keeps for its own features (access points, Object Lambda, directory buckets, examples).
_RESERVED_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
_RESERVED_SUFFIXES = ("-s3alias", "--ol-s3", "--x-s3", ".mrap", "--table-s3")


def check_bucket_name(field: str, value: str) -> None:
    if not matches(_BUCKET, value) or ".." in value or ".-" in value or "-." in value or matches(_IP_ADDRESS, value):
        raise SettingsError(
            field, value,
            "S3 bucket names have 3 to 63 lowercase letters, digits, dots and hyphens, and start "
            "and end with a letter or digit.",
        )
    reserved = [p for p in _RESERVED_PREFIXES if value.startswith(p)] + \
        [s for s in _RESERVED_SUFFIXES if value.endswith(s)]
    if reserved:
        raise SettingsError(field, value, f"S3 reserves names with '{reserved[0]}' for its own features: "
                                          "choose another name.")


_TABLE = re.compile(r"[A-Za-z0-9_.-]{3,255}")


def check_table_name(field: str, value: str | None) -> None:
    if value is not None and not matches(_TABLE, value):
        raise SettingsError(field, value, "DynamoDB table names have 3 to 255 letters, digits, '_', '-' and '.'.")


_ARN = re.compile(r"arn:(?P<partition>aws[a-z-]*):(?P<service>[a-z0-9-]+):(?P<region>[a-z0-9-]*):"
                  r"(?P<account>\d{12}|aws)?:(?P<resource>[^\s]+)")


# Services whose ARNs have no region part; every other service this library references is regional.
_GLOBAL_SERVICES = frozenset({"iam"})


def parse_arn(value: str) -> re.Match[str] | None:
    return _ARN.fullmatch(value)


def check_arn(field: str, value: str | None, service: str, resource: str | tuple[str, ...] = ()) -> None:
    """An ARN of `service` (and, with `resource`, of those resource types: 'role/', 'policy/'),
    in a partition and region AWS has."""
    if value is None or is_token(value):
        return
    kinds = (resource,) if isinstance(resource, str) else resource
    arn = parse_arn(value)
    what = f"{service} {' or '.join(k.rstrip('/:') for k in kinds)}" if kinds else f"{service} resource"
    example = f"arn:aws:{service}:{'' if service in _GLOBAL_SERVICES else '<region>'}:<account>:{kinds[0] if kinds else ''}<name>"
    if arn is None or arn["service"] != service or (kinds and not arn["resource"].startswith(kinds)):
        raise SettingsError(field, value, f"Pass the full ARN of an existing {what} ({example}), or leave it unset.")
    region, account = arn["region"], arn["account"]
    if (service in _GLOBAL_SERVICES) == bool(region):
        where = "no region: leave that part empty" if service in _GLOBAL_SERVICES else "the region of the resource"
        raise SettingsError(field, value, f"{service} ARNs carry {where} ({example}).")
    if not account or (account == "aws" and not (service == "iam" and arn["resource"].startswith("policy/"))):
        raise SettingsError(field, value, f"The ARN needs the 12-digit account ID that owns the {what} ({example}).")
    if region and (region not in regions() or regions()[region] != arn["partition"]):
        raise SettingsError(field, value, f"The ARN names region '{region}' in partition '{arn['partition']}', "
                                          "which AWS does not have: check the ARN.")


def check_arns_in_region(region: str, props: Any, path: str = "") -> None:
    """Every regional ARN anywhere in `props` names `region`: a load balancer takes ACM
    certificates of its own region, S3 KMS keys of its own, CodeDeploy SNS topics of its own. Global
    ARNs (IAM) have no region and pass, and so do settings marked ANY_REGION. Errors name the
    setting by its attribute path."""
    hints = typing.get_type_hints(type(props), include_extras=True)
    for f in dataclasses.fields(props):
        if ANY_REGION in getattr(hints[f.name], "__metadata__", ()):
            continue
        _check_in_region(region, getattr(props, f.name), f"{path}.{f.name}" if path else f.name)


def _check_in_region(region: str, value: Any, here: str) -> None:
    if dataclasses.is_dataclass(value):
        check_arns_in_region(region, value, here)
    elif isinstance(value, tuple):
        for i, item in enumerate(value):
            _check_in_region(region, item, f"{here}[{i}]")
    elif isinstance(value, Mapping):
        for key, item in value.items():
            _check_in_region(region, item, f"{here}.{key}")
    elif isinstance(value, str):
        arn = parse_arn(value)
        if arn is not None and arn["region"] and arn["region"] != region:
            raise SettingsError(here, value, f"The stack is in {region}, and {arn['service']} serves it only "
                                             f"what is in {region}: use one from {region}.")
