"""Where the load balancer and the tasks run: an existing VPC and subnets, or a small VPC created."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Annotated, ClassVar

from .aws import region_of_zone
from .errors import SettingsError
from .kinds import Props
from .rules import Range

SUBNET_BITS = 4
"""A created subnet is 1/16 of the VPC: a /16 VPC gives /20 subnets of 4,091 usable addresses."""
MAX_ZONES = 4
"""The most zones a created VPC spans. Each zone's public subnet has slot i of the sixteen, its
private subnet slot MAX_ZONES + i, whatever az_count is: a zone added later only adds subnets."""
MIN_SUBNETS = 2
"""An ALB needs subnets in at least two Availability Zones; we hold an NLB to the same bar."""


@dataclass(frozen=True, kw_only=True)
class NetworkProps(Props):
    """Where the load balancer and the tasks run: reuse a VPC, or let the construct create one."""

    SETTING: ClassVar[str] = "network"

    vpc_id: str | None = None
    """Existing VPC to use; set the two subnet lists with it. Default: None (create a VPC)."""
    public_subnet_ids: tuple[str, ...] = ()
    """Existing subnets for the load balancer, in two or more AZs. Default: () (created)."""
    private_subnet_ids: tuple[str, ...] = ()
    """Existing subnets for the tasks, in two or more AZs. Default: () (created)."""
    vpc_cidr: str = "10.0.0.0/16"
    """CIDR of a created VPC, /16 to /24; each subnet gets 1/16 of it. Default: "10.0.0.0/16"."""
    az_count: Annotated[int, Range(MIN_SUBNETS, MAX_ZONES)] = 2
    """Availability Zones a created VPC spans, 2 to 4; raising it later only adds subnets. Default: 2."""
    availability_zones: tuple[str, ...] = ()
    """Zones of a created VPC, az_count of them, e.g. ("ap-northeast-1a", "ap-northeast-1c"). Default: () (the first
    available)."""
    nat_gateway: bool = True
    """Give created private subnets a NAT gateway so tasks can pull images. Default: True."""

    def check(self) -> None:
        if self.vpc_id is None:
            if self.public_subnet_ids or self.private_subnet_ids:
                raise SettingsError(
                    "vpc_id",
                    None,
                    "Subnet ids were given without their VPC: set vpc_id as well, or "
                    "drop the subnet ids to create a VPC.",
                )
            self._check_created()
            return
        if self.availability_zones:
            raise SettingsError(
                "availability_zones",
                self.availability_zones,
                "Zones apply to a created VPC; an existing one brings its subnets' zones.",
            )
        for name in ("public_subnet_ids", "private_subnet_ids"):
            ids = getattr(self, name)
            if len(set(ids)) < MIN_SUBNETS:
                raise SettingsError(
                    name,
                    ids,
                    f"With an existing VPC, give at least {MIN_SUBNETS} distinct subnet "
                    "ids in different Availability Zones.",
                )

    def _check_created(self) -> None:
        try:
            net = ipaddress.ip_network(self.vpc_cidr, strict=True)
        except ValueError as err:
            raise SettingsError("vpc_cidr", self.vpc_cidr, f"Use an IPv4 CIDR such as 10.0.0.0/16 ({err}).") from None
        if not isinstance(net, ipaddress.IPv4Network) or not 16 <= net.prefixlen <= 24:
            raise SettingsError(
                "vpc_cidr",
                self.vpc_cidr,
                "Use an IPv4 block from /16 to /24: AWS allows no larger VPC, and each subnet gets "
                "1/16 of it, so /24 gives the smallest subnet AWS allows (/28).",
            )
        if (
            net.is_loopback
            or net.is_link_local
            or net.is_multicast
            or net.is_reserved
            or net.subnet_of(ipaddress.IPv4Network("0.0.0.0/8"))
        ):
            raise SettingsError(
                "vpc_cidr",
                self.vpc_cidr,
                "AWS refuses loopback, link-local, multicast and reserved ranges for a VPC: use a "
                "private range such as 10.0.0.0/16, 172.16.0.0/16 or 192.168.0.0/16.",
            )
        zones = self.availability_zones
        if zones and (len(zones) != self.az_count or len(set(zones)) != len(zones)):
            raise SettingsError(
                "availability_zones",
                zones,
                f"Give az_count ({self.az_count}) distinct zones, or set az_count to match.",
            )
        for zone in zones:
            if region_of_zone(zone) is None:
                raise SettingsError(
                    "availability_zones",
                    zone,
                    "Use zone names such as 'ap-northeast-1a': a region AWS has, and a letter.",
                )
        if len({region_of_zone(zone) for zone in zones}) > 1:
            raise SettingsError(
                "availability_zones", zones, "A VPC lives in one region: give zones of the same region."
            )
