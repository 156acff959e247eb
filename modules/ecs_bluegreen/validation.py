"""Settings validation: one error type, one type checker, small reusable checks.

Every props class calls :func:`check_types` first, then its own rules, from ``__post_init__``.
A bad value therefore fails when the props are built, long before jsii or Terraform sees it, and
the message names the setting, the value and the fix.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import re
import types
import typing
from collections.abc import Mapping
from typing import Any, Literal, Union, get_args, get_origin


class SettingsError(ValueError):
    """A setting has a value that would produce wrong or rejected infrastructure."""

    def __init__(self, field: str, value: Any, fix: str) -> None:
        self.field = field
        self.value = value
        self.fix = fix
        super().__init__(f"{field}: invalid value {value!r}. {fix}")


def _type_name(hint: Any) -> str:
    origin = get_origin(hint)
    if origin is Literal:
        return "one of " + ", ".join(repr(a) for a in get_args(hint))
    if origin in (Union, types.UnionType):
        return " or ".join(_type_name(a) for a in get_args(hint))
    if origin is tuple:
        return f"a list of {_type_name(get_args(hint)[0])}"
    if origin in (Mapping, dict):
        key, val = get_args(hint)
        return f"a mapping of {_type_name(key)} to {_type_name(val)}"
    if hint is type(None):
        return "None"
    if dataclasses.is_dataclass(hint):
        return hint.__name__
    return getattr(hint, "__name__", str(hint))


def _matches(value: Any, hint: Any) -> bool:
    origin = get_origin(hint)
    if hint is Any:
        return True
    if origin is Literal:
        return any(value == a and type(value) is type(a) for a in get_args(hint))
    if origin in (Union, types.UnionType):
        return any(_matches(value, a) for a in get_args(hint))
    if origin is tuple:
        item = get_args(hint)[0]
        return isinstance(value, tuple) and all(_matches(v, item) for v in value)
    if origin in (Mapping, dict):
        key, val = get_args(hint)
        return isinstance(value, Mapping) and all(
            _matches(k, key) and _matches(v, val) for k, v in value.items()
        )
    if hint is type(None):
        return value is None
    if hint is int:
        # bool is an int subclass; `port=True` is a mistake, not port 1.
        return isinstance(value, int) and not isinstance(value, bool)
    if hint is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return isinstance(value, hint)


def check_types(props: Any, prefix: str) -> None:
    """Raise SettingsError for the first field of dataclass `props` whose value has the wrong type."""
    hints = typing.get_type_hints(type(props))
    for f in dataclasses.fields(props):
        value = getattr(props, f.name)
        hint = hints[f.name]
        if not _matches(value, hint):
            extra = ""
            if get_origin(hint) is tuple and isinstance(value, list):
                extra = " Pass a tuple, e.g. (\"a\", \"b\"), so the props stay immutable."
            raise SettingsError(
                f"{prefix}.{f.name}", value, f"Expected {_type_name(hint)}.{extra}"
            )


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


_AWS_NAME = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$")


def check_aws_name(field: str, value: str, max_length: int, what: str) -> None:
    """Names of load balancers and target groups: letters, digits, hyphens; no edge hyphen."""
    if not _AWS_NAME.match(value):
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
            f"It is {len(value)} characters; {what} allows at most {max_length}. "
            "Choose a shorter name.",
        )


_REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d$")


def check_region(field: str, value: str) -> None:
    if not _REGION.match(value):
        raise SettingsError(field, value, "Use an AWS region code such as 'ap-northeast-1'.")


# [registry[:port]/]path[:tag][@sha256:digest], as Docker parses an image reference.
_IMAGE = re.compile(
    r"^(?:[a-zA-Z0-9.-]+(?::\d+)?/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
    r"(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*"
    r"(?::[\w][\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$"
)


def check_image(field: str, value: str) -> None:
    if not _IMAGE.match(value) or len(value) > 255:
        raise SettingsError(
            field, value,
            "Use an image reference such as 'nginx:1.27' or "
            "'123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/app:v1'.",
        )


_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")


def check_bucket_name(field: str, value: str) -> None:
    if not _BUCKET.match(value) or ".." in value or re.match(r"^\d+\.\d+\.\d+\.\d+$", value):
        raise SettingsError(
            field, value,
            "S3 bucket names have 3 to 63 lowercase letters, digits, dots and hyphens, and start "
            "and end with a letter or digit.",
        )


_TABLE = re.compile(r"^[A-Za-z0-9_.-]{3,255}$")


def check_table_name(field: str, value: str | None) -> None:
    if value is not None and not _TABLE.match(value):
        raise SettingsError(field, value, "DynamoDB table names have 3 to 255 letters, digits, '_', '-' and '.'.")


_ARN = re.compile(r"^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:(\d{12}|aws)?:.+$")


def check_arn(field: str, value: str | None, service: str) -> None:
    if value is None:
        return
    if not _ARN.match(value) or value.split(":")[2] != service:
        raise SettingsError(
            field, value, f"Pass the full ARN of an existing {service} resource, or leave it unset."
        )
