"""What AWS accepts, as far as it can be known without asking AWS: regions, zones, ARNs, names.

Regions come from botocore's endpoint data (boto3 is a dependency, and its data is kept current
with each release), read on first use from the file itself: importing botocore would cost more
than the rest of a settings check.
"""

from __future__ import annotations

import difflib
import functools
import gzip
import importlib.util
import ipaddress
import json
import re
from pathlib import Path

TOKEN_MARKER = "${TfToken["
"""How cdktf (and cdktn) encode a value Terraform knows only at apply, e.g. another resource's ARN."""


def is_token(value: object) -> bool:
    """A reference to a value known only at apply (`secret.arn` of a resource in your stack): its
    form cannot be checked before synth; Terraform and AWS check it."""
    return isinstance(value, str) and TOKEN_MARKER in value


@functools.lru_cache(maxsize=1)
def regions() -> dict[str, str]:
    """Every AWS region, and the partition it belongs to."""
    spec = importlib.util.find_spec("botocore")
    if spec is None or spec.origin is None:
        raise ImportError("ecs_bluegreen needs botocore (with boto3, a dependency): pip install boto3")
    folder = Path(spec.origin).parent / "data"
    plain, packed = folder / "endpoints.json", folder / "endpoints.json.gz"  # botocore packs some of its data
    data = json.loads(plain.read_bytes() if plain.exists() else gzip.decompress(packed.read_bytes()))
    return {region: partition["partition"] for partition in data["partitions"] for region in partition["regions"]}


def region_problem(value: str) -> str | None:
    """Why `value` is no AWS region code, or None."""
    if value in regions():
        return None
    close = difflib.get_close_matches(value, regions(), n=3)
    hint = f" Did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    return f"Use an AWS region code such as 'ap-northeast-1'; AWS has no region by this name.{hint}"


def region_of_zone(zone: str) -> str | None:
    """'ap-northeast-1a' -> 'ap-northeast-1'; None when the name is no zone of a known region."""
    region = zone[:-1]
    return region if zone[-1:].isalpha() and zone[-1:].islower() and region in regions() else None


_ARN = re.compile(
    r"arn:(?P<partition>aws[a-z-]*):(?P<service>[a-z0-9-]+):(?P<region>[a-z0-9-]*):"
    r"(?P<account>\d{12}|aws)?:(?P<resource>[^\s]+)"
)
GLOBAL_SERVICES = frozenset({"iam"})
"""Services whose ARNs have no region part; every other service this library references is regional."""


def parse_arn(value: str) -> re.Match[str] | None:
    return _ARN.fullmatch(value)


def arn_problem(value: str, service: str, kinds: tuple[str, ...] = ()) -> str | None:
    """Why `value` is no ARN of `service` (and, with `kinds`, of those resource types: 'role/',
    'policy/') in a partition and region AWS has; None when it is one."""
    arn = parse_arn(value)
    what = f"{service} {' or '.join(k.rstrip('/:') for k in kinds)}" if kinds else f"{service} resource"
    where = "" if service in GLOBAL_SERVICES else "<region>"
    example = f"arn:aws:{service}:{where}:<account>:{kinds[0] if kinds else ''}<name>"
    if arn is None or arn["service"] != service or (kinds and not arn["resource"].startswith(kinds)):
        return f"Pass the full ARN of an existing {what} ({example}), or leave it unset."
    region, account = arn["region"], arn["account"]
    if (service in GLOBAL_SERVICES) == bool(region):
        where = "no region: leave that part empty" if service in GLOBAL_SERVICES else "the region of the resource"
        return f"{service} ARNs carry {where} ({example})."
    if not account or (account == "aws" and not (service == "iam" and arn["resource"].startswith("policy/"))):
        return f"The ARN needs the 12-digit account ID that owns the {what} ({example})."
    if region and (region not in regions() or regions()[region] != arn["partition"]):
        return (
            f"The ARN names region '{region}' in partition '{arn['partition']}', which AWS does not have: check "
            "the ARN."
        )
    from .iam_reference import name_problem  # IAM's reference, read only when an ARN is checked

    kind = next((k for k in kinds if arn["resource"].startswith(k)), "")
    return name_problem(value, service, kind)


def cidr_problem(value: str) -> str | None:
    try:
        ipaddress.ip_network(value, strict=True)
    except ValueError as err:
        return f"Use a CIDR block such as '203.0.113.0/24' ({err})."
    return None


# [registry[:port]/]path[:tag][@sha256:digest], as Docker parses an image reference.
IMAGE = (
    r"(?:[a-zA-Z0-9.-]+(?::[0-9]+)?/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
    r"(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*"
    r"(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[a-f0-9]{64})?"
)

BUCKET = r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]"
_BUCKET = re.compile(BUCKET)
_IP_ADDRESS = re.compile(r"\d+\.\d+\.\d+\.\d+")
# Names S3 keeps for its own features (access points, Object Lambda, directory buckets, examples).
_RESERVED_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
_RESERVED_SUFFIXES = ("-s3alias", "--ol-s3", "--x-s3", ".mrap", "--table-s3")


def bucket_problem(value: str) -> str | None:
    if (
        _BUCKET.fullmatch(value) is None
        or ".." in value
        or ".-" in value
        or "-." in value
        or _IP_ADDRESS.fullmatch(value)
    ):
        return (
            "S3 bucket names have 3 to 63 lowercase letters, digits, dots and hyphens, and start "
            "and end with a letter or digit."
        )
    reserved = [p for p in _RESERVED_PREFIXES if value.startswith(p)] + [
        s for s in _RESERVED_SUFFIXES if value.endswith(s)
    ]
    if reserved:
        return f"S3 reserves names with '{reserved[0]}' for its own features: choose another name."
    return None


STATE_KEY = r"[A-Za-z0-9!_.*'()/-]{1,1024}"
_STATE_KEY = re.compile(STATE_KEY)


def state_key_problem(key: str) -> str | None:
    """An S3 object key for a state file: relative, no empty segment (`a//b`), no dot segment."""
    segments = key.split("/")
    if _STATE_KEY.fullmatch(key) is None or "" in segments or "." in segments or ".." in segments:
        return "Use a relative object key of non-empty parts, such as 'ecs-bluegreen/dev/terraform.tfstate'."
    return None
