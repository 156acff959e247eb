"""The rules that are data, declared on a setting's type: `Annotated[int, Range(1, 5000)]`.

A rule looks at one value that is already of its setting's kind (kinds.py checks that first) and
says what is wrong with it: `check` returns the fix, or None. The same rule gives the JSON Schema
its keywords (`schema`) and the settings reference its "allowed" column (`describe`). Rules
between settings are code, in the `check` method of their props class.

A value known only at apply (a token, from the Python API) passes every rule: Terraform and AWS
check it.
"""

from __future__ import annotations

import re
from collections.abc import Sized
from dataclasses import dataclass, field
from typing import Any

from . import aws

# The end of the text, for a pattern read by Python (where `$` matches before a final newline) and
# by JavaScript (where it does not) alike.
END = r"(?![\s\S])"


class Rule:
    """A rule about one setting's value."""

    def check(self, value: Any) -> str | None:
        """The fix for a value this rule refuses, or None."""
        return None

    def schema(self) -> dict[str, Any]:
        """The JSON Schema keywords that say the same, as far as JSON Schema can."""
        return {}

    def describe(self) -> str:
        """The rule in a few words, for the settings reference ("" when the description says it)."""
        return ""


@dataclass(frozen=True)
class Marker(Rule):
    """A mark on a setting that changes how it is checked, rather than a check of its own."""

    name: str


FREE_TEXT = Marker("free text")
"""Text that may hold any character but NUL (`Annotated[str, FREE_TEXT]`): a container's
environment variable values, commands, log options. Every other text setting refuses control
characters and spaces at either end, which no AWS name, ARN or identifier has."""

ANY_REGION = Marker("any region")
"""ARNs in this setting may name another region than the stack's: ECS reads a secret or parameter
from any region by its full ARN, and the task role's statements name what the app calls, wherever
it is. Every other ARN must name the stack's region."""


@dataclass(frozen=True)
class Fix(Rule):
    """The fix for a value outside a Literal's choices, instead of "Use one of ..."; `{choices}`
    stands for the choices."""

    text: str


@dataclass(frozen=True)
class Range(Rule):
    """A number from `low` to `high` (inclusive; above `low` with `above`), in `unit`."""

    low: float | None = None
    high: float | None = None
    unit: str = ""
    above: bool = False
    fix: str | None = None

    def check(self, value: Any) -> str | None:
        low_ok = self.low is None or (value > self.low if self.above else value >= self.low)
        if low_ok and (self.high is None or value <= self.high):
            return None
        return self.fix or f"Use a value {self.describe()}."

    def describe(self) -> str:
        return f"{self._span()} {self.unit}".rstrip()

    def _span(self) -> str:
        low = _number(self.low)
        if self.high is None:
            return f"above {low}" if self.above else f"of at least {low}"
        if self.low is None:
            return f"of at most {_number(self.high)}"
        return f"{'above' if self.above else 'from'} {low} {'up ' if self.above else ''}to {_number(self.high)}"

    def schema(self) -> dict[str, Any]:
        found: dict[str, Any] = {}
        if self.low is not None:
            found["exclusiveMinimum" if self.above else "minimum"] = self.low
        if self.high is not None:
            found["maximum"] = self.high
        return found


def _number(value: float | None) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


PORT = Range(1, 65535)


@dataclass(frozen=True)
class Pattern(Rule):
    """Text that matches `regex` whole; written so that Python and JavaScript read it alike."""

    regex: str
    fix: str
    compiled: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "compiled", re.compile(self.regex, re.ASCII))

    def check(self, value: Any) -> str | None:
        return None if self.compiled.fullmatch(value) else self.fix

    def schema(self) -> dict[str, Any]:
        return {"pattern": f"^(?:{self.regex}){END}"}


URL_PATH = Pattern(r"/[^ ]{0,1023}", "Use an absolute URL path without spaces, such as '/' or '/healthz'.")
"""A path that an HTTP check requests."""


@dataclass(frozen=True)
class Length(Rule):
    """Text (or a list) of `low` to `high` items."""

    low: int
    high: int
    fix: str

    def check(self, value: Any) -> str | None:
        return None if self.low <= len(value) <= self.high else self.fix

    def schema(self) -> dict[str, Any]:
        return {"minLength": self.low, "maxLength": self.high}

    def describe(self) -> str:
        return f"{self.low} to {self.high} characters"


@dataclass(frozen=True)
class NonEmpty(Rule):
    """A list or mapping with at least one item."""

    fix: str

    def check(self, value: Sized) -> str | None:
        return None if len(value) else self.fix

    def schema(self) -> dict[str, Any]:
        return {"minItems": 1}

    def describe(self) -> str:
        return "at least one"


@dataclass(frozen=True)
class Unique(Rule):
    """A list whose items differ."""

    fix: str

    def check(self, value: Any) -> str | None:
        return None if len(set(value)) == len(value) else self.fix

    def schema(self) -> dict[str, Any]:
        return {"uniqueItems": True}

    def describe(self) -> str:
        return "each once"


@dataclass(frozen=True)
class Arn(Rule):
    """The full ARN of a resource of `service` (of the resource types `kinds`, e.g. "role/"), in a
    partition and region AWS has."""

    service: str
    kinds: tuple[str, ...] = ()

    def check(self, value: Any) -> str | None:
        return aws.arn_problem(value, self.service, self.kinds)

    def schema(self) -> dict[str, Any]:
        region = "" if self.service in aws.GLOBAL_SERVICES else "[a-z]{2}(?:-[a-z]+)+-[0-9]+"
        account = r"(?:[0-9]{12}|aws)" if self.service == "iam" else "[0-9]{12}"
        kinds = f"(?:{'|'.join(re.escape(k) for k in self.kinds)})" if self.kinds else ""
        return {"pattern": f"^arn:aws[a-z-]*:{re.escape(self.service)}:{region}:{account}:{kinds}\\S+{END}"}

    def describe(self) -> str:
        kinds = " or ".join(k.rstrip("/:") for k in self.kinds)
        return f"ARN of {self.service} {kinds}".rstrip()


@dataclass(frozen=True)
class Image(Rule):
    """An image reference as Docker parses it: [registry[:port]/]path[:tag][@sha256:digest]."""

    def check(self, value: Any) -> str | None:
        if re.fullmatch(aws.IMAGE, value) and len(value) <= 255:
            return None
        return (
            "Use an image reference such as 'nginx:1.27' or "
            "'123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/app:v1'."
        )

    def schema(self) -> dict[str, Any]:
        return {"pattern": f"^(?:{aws.IMAGE}){END}", "maxLength": 255}

    def describe(self) -> str:
        return "image reference"


@dataclass(frozen=True)
class Region(Rule):
    """A region AWS has."""

    def check(self, value: Any) -> str | None:
        return aws.region_problem(value)

    def schema(self) -> dict[str, Any]:
        return {"pattern": f"^[a-z]{{2}}(?:-[a-z]+)+-[0-9]+{END}"}

    def describe(self) -> str:
        return "AWS region"


@dataclass(frozen=True)
class Cidr(Rule):
    """An IPv4 or IPv6 CIDR block, without host bits."""

    def check(self, value: Any) -> str | None:
        return aws.cidr_problem(value)

    def schema(self) -> dict[str, Any]:
        return {"pattern": f"^[0-9A-Fa-f:.]+/[0-9]{{1,3}}{END}"}

    def describe(self) -> str:
        return "CIDR block"


@dataclass(frozen=True)
class BucketName(Rule):
    """An S3 bucket name S3 lets you create."""

    def check(self, value: Any) -> str | None:
        return aws.bucket_problem(value)

    def schema(self) -> dict[str, Any]:
        return {"pattern": f"^{aws.BUCKET}{END}"}

    def describe(self) -> str:
        return "S3 bucket name"


@dataclass(frozen=True)
class StateKey(Rule):
    """A relative S3 object key of non-empty parts."""

    def check(self, value: Any) -> str | None:
        return aws.state_key_problem(value)

    def schema(self) -> dict[str, Any]:
        return {"pattern": f"^(?!/)(?![\\s\\S]*//)(?![\\s\\S]*/{END}){aws.STATE_KEY}{END}"}

    def describe(self) -> str:
        return "S3 object key"


@dataclass(frozen=True)
class AwsName(Rule):
    """A name of load balancers and target groups: letters, digits, hyphens, no edge hyphen, at
    most `max_length` characters; `what` says what the name is, in the message."""

    max_length: int
    what: str
    PATTERN = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"

    def check(self, value: Any) -> str | None:
        if not re.fullmatch(self.PATTERN, value):
            return (
                f"{self.what} may contain only letters, digits and hyphens, and must not start or end with a hyphen."
            )
        if len(value) > self.max_length:
            return (
                f"It is {len(value)} characters; {self.what[:1].lower() + self.what[1:]} allows at most "
                f"{self.max_length}. Choose a shorter name."
            )
        return None

    def schema(self) -> dict[str, Any]:
        return {"pattern": f"^{self.PATTERN}{END}", "maxLength": self.max_length}

    def describe(self) -> str:
        return f"up to {self.max_length} letters, digits, hyphens"
