"""The settings of a whole stack: one environment's service and state, or the state bucket's stack."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any

from .aws import parse_arn, region_of_zone
from .blue_green import BlueGreenServiceProps
from .errors import SettingsError
from .kinds import Props, PropsKind, leaves
from .rules import ANY_REGION, Pattern, Region, StateKey
from .state import CustomEndpointProps, StateBackendProps, StateBucketProps

_TAG_FIX = "Tag keys have 1 to 128 characters and may not start with 'aws:'; values have at most 256."
TAGS = Mapping[
    Annotated[str, Pattern(r"(?![Aa][Ww][Ss]:)[\s\S]{1,128}", _TAG_FIX)],
    Annotated[str, Pattern(r"[\s\S]{0,256}", _TAG_FIX)],
]


def check_arns_in_region(region: str, props: Any, at: str) -> None:
    """Every regional ARN anywhere in `props` names `region`: a load balancer takes ACM
    certificates of its own region, S3 KMS keys of its own, CodeDeploy SNS topics of its own. Global
    ARNs (IAM) have no region and pass, and so do settings marked ANY_REGION."""
    for path, value, rules in leaves(props, PropsKind(cls=type(props)), at):
        if ANY_REGION in rules or not isinstance(value, str):
            continue
        arn = parse_arn(value)
        if arn is not None and arn["region"] and arn["region"] != region:
            raise SettingsError(
                path,
                value,
                f"The stack is in {region}, and {arn['service']} serves it only what "
                f"is in {region}: use one from {region}.",
            )


@dataclass(frozen=True, kw_only=True)
class StackSettings(Props):
    """One environment: where it runs, where its state lives, and the service itself."""

    app: BlueGreenServiceProps
    """The blue/green service. Required."""
    backend: StateBackendProps
    """The S3 state backend. Required."""
    region: Annotated[str, Region()] = "ap-northeast-1"
    """AWS region of every resource. Default: "ap-northeast-1" (Tokyo, as in the source setup)."""
    default_tags: TAGS = field(default_factory=dict)
    """Tags the provider puts on every resource. Default: {} (none)."""
    endpoint: CustomEndpointProps | None = None
    """Send all AWS calls (provider and backend) to an emulator. Default: None (real AWS)."""

    def check(self) -> None:
        for zone in self.app.network.availability_zones:
            if region_of_zone(zone) != self.region:
                raise SettingsError(
                    "app.network.availability_zones",
                    zone,
                    f"The stack is in {self.region}: use zones of that region, e.g. '{self.region}a'.",
                )
        check_arns_in_region(self.region, self.app, "app")


@dataclass(frozen=True, kw_only=True)
class BootstrapSettings(Props):
    """The stack that creates the state bucket, applied once before any other stack."""

    state: StateBucketProps
    """The bucket (and optional lock table) to create. Required."""
    region: Annotated[str, Region()] = "ap-northeast-1"
    """Region of the bucket. Default: "ap-northeast-1"."""
    migrated: bool = False
    """Keep this stack's own state in the bucket it made (set after the first apply). Default: False (local state)."""
    state_key: Annotated[str, StateKey()] = "bootstrap/terraform.tfstate"
    """Key of this stack's own state once migrated. Default: "bootstrap/terraform.tfstate"."""
    default_tags: TAGS = field(default_factory=dict)
    """Tags the provider puts on every resource. Default: {} (none)."""
    endpoint: CustomEndpointProps | None = None
    """Send all AWS calls to an emulator. Default: None (real AWS)."""

    def check(self) -> None:
        check_arns_in_region(self.region, self.state, "state")
