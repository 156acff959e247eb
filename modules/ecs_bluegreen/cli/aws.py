"""boto3 for the command: the clients, and what AWS (or whatever answered instead) said, on one line."""

from __future__ import annotations

import os
import re
from html.parser import HTMLParser
from typing import Any, NamedTuple

from .exits import CommandError, Exit
from .outputs import StackOutputs


class Clients(NamedTuple):
    """The AWS clients a command uses, in the stack's region: ECS and CodeDeploy act; ELB (the
    listeners' weights) and CloudWatch (the rollback alarms) are read to show a deployment's progress."""

    ecs: Any
    codedeploy: Any
    elbv2: Any = None
    cloudwatch: Any = None


def boto_clients(outputs: StackOutputs) -> Clients:
    """The clients in the stack's region."""
    import boto3
    from botocore.config import Config

    # AWS_ENDPOINT_URL (an emulator) and credentials come from the environment, as for the AWS CLI.
    # An endpoint that takes the connection and never answers must fail in seconds, not minutes:
    # 5 s to connect, 10 s per answer, one retry (about 25 s in all).
    session = boto3.session.Session(region_name=outputs.region)
    config = Config(connect_timeout=5, read_timeout=10, retries={"total_max_attempts": 2, "mode": "standard"})
    try:
        return Clients(*(session.client(name, config=config) for name in ("ecs", "codedeploy", "elbv2", "cloudwatch")))
    except ValueError as err:  # botocore's words for an endpoint URL it cannot use
        raise CommandError(
            f"{err}: set AWS_ENDPOINT_URL to a URL such as http://127.0.0.1:4566, or unset it for AWS itself",
            Exit.BAD_INPUT,
        ) from None


def as_command_error(error: Exception) -> CommandError | None:
    """A botocore error as one line and its exit code; None for anything else."""
    from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError, ProfileNotFound

    if isinstance(error, NoCredentialsError):
        return CommandError(
            "no AWS credentials found: set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY", Exit.BAD_INPUT
        )
    if isinstance(error, ProfileNotFound):
        return CommandError(f"{error}: check AWS_PROFILE", Exit.BAD_INPUT)
    if isinstance(error, ClientError):
        return CommandError(f"{error.operation_name} refused: {refusal(error.response)}", Exit.FAILED)
    if isinstance(error, BotoCoreError):
        return CommandError(f"{one_line(str(error))}{_hint(error)}", Exit.FAILED)
    return None


class _PageText(HTMLParser):
    """The title and the first paragraph of an HTML page, as plain text."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: dict[str, str] = {}
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        self._in = tag if tag in ("title", "h1", "p") and tag not in self.parts else None

    def handle_endtag(self, tag: str) -> None:
        self._in = None

    def handle_data(self, data: str) -> None:
        if self._in:
            self.parts[self._in] = " ".join(f"{self.parts.get(self._in, '')} {data}".split())


def one_line(text: str, limit: int = 240) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def refusal(response: dict[str, Any]) -> str:
    """What AWS said, on one line. An endpoint that is not an AWS API (a proxy, an emulator's error
    page) may answer with HTML: then the HTTP status and the page's own words, not its markup."""
    info = response.get("Error", {})
    meta = response.get("ResponseMetadata", {})
    message = str(info.get("Message") or "")
    content_type = meta.get("HTTPHeaders", {}).get("content-type", "")
    if content_type.startswith("text/html") or re.match(r"\s*<(!doctype|html)\b", message, re.I):
        page = _PageText()
        page.feed(message)
        title = page.parts.get("title") or page.parts.get("h1") or ""
        status = str(meta.get("HTTPStatusCode") or info.get("Code") or "")
        heading = title if title.startswith(status) else f"{status} {title}".strip()
        detail = page.parts.get("p", "").split(". ")[0].rstrip(".")
        reason = f"HTTP {heading}" + (f": {detail}" if detail else "")
        return one_line(f"{reason} (an HTML page, not an AWS API answer)")
    return one_line(f"{info.get('Code')}: {message}")


def _hint(error: Exception) -> str:
    """What to do about a call that got no answer."""
    from botocore.exceptions import ConnectTimeoutError, EndpointConnectionError, ReadTimeoutError

    where = "AWS_ENDPOINT_URL (is the emulator running?)" if os.environ.get("AWS_ENDPOINT_URL") else "the network"
    if isinstance(error, ReadTimeoutError):
        return f": the endpoint took the connection but gave no answer in 10 s, twice. Check {where}"
    if isinstance(error, (EndpointConnectionError, ConnectTimeoutError)):
        return f": nothing answered there. Check {where}"
    return ""
