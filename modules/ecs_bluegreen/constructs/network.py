"""The network: an existing VPC and subnets, or a small VPC created for the service."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import ClassVar

from constructs import Construct

from ..aws.data_aws_availability_zones import DataAwsAvailabilityZones
from ..aws.default_security_group import DefaultSecurityGroup
from ..aws.eip import Eip
from ..aws.internet_gateway import InternetGateway
from ..aws.nat_gateway import NatGateway
from ..aws.route import Route
from ..aws.route_table import RouteTable
from ..aws.route_table_association import RouteTableAssociation
from ..aws.subnet import Subnet
from ..aws.vpc import Vpc
from ..cdk import Fn
from ..validation import SettingsError, check_range, check_types, check_value, region_of_zone
from .suppressions import suppress

SUBNET_BITS = 4
"""A created subnet is 1/16 of the VPC: a /16 VPC gives /20 subnets of 4,091 usable addresses."""
MIN_SUBNETS = 2
"""An ALB needs subnets in at least two Availability Zones; we hold an NLB to the same bar."""


@dataclass(frozen=True, kw_only=True)
class NetworkProps:
    """Where the load balancer and the tasks run: reuse a VPC, or let the construct create one."""

    SETTING: ClassVar[str] = "network"
    """Where its settings sit, in the names of its errors."""

    vpc_id: str | None = None
    """Existing VPC to use; set the two subnet lists with it. Default: None (create a VPC)."""
    public_subnet_ids: tuple[str, ...] = ()
    """Existing subnets for the load balancer, in two or more AZs. Default: () (created)."""
    private_subnet_ids: tuple[str, ...] = ()
    """Existing subnets for the tasks, in two or more AZs. Default: () (created)."""
    vpc_cidr: str = "10.0.0.0/16"
    """CIDR of a created VPC, /16 to /24; each subnet gets 1/16 of it. Default: "10.0.0.0/16"."""
    az_count: int = 2
    """Availability Zones a created VPC spans, 2 to 4. Default: 2."""
    availability_zones: tuple[str, ...] = ()
    """Zones of a created VPC, az_count of them, e.g. ("ap-northeast-1a", "ap-northeast-1c"). Default: () (the first available)."""
    nat_gateway: bool = True
    """Give created private subnets a NAT gateway so tasks can pull images. Default: True."""

    def __post_init__(self) -> None:
        check_types(self)
        if self.vpc_id is None:
            if self.public_subnet_ids or self.private_subnet_ids:
                raise SettingsError(
                    "network.vpc_id",
                    None,
                    "Subnet ids were given without their VPC: set vpc_id as well, or drop the "
                    "subnet ids to create a VPC.",
                )
            try:
                net = ipaddress.ip_network(self.vpc_cidr, strict=True)
            except ValueError as err:
                raise SettingsError(
                    "network.vpc_cidr", self.vpc_cidr, f"Use an IPv4 CIDR such as 10.0.0.0/16 ({err})."
                ) from None
            if net.version != 4 or not 16 <= net.prefixlen <= 24:
                raise SettingsError(
                    "network.vpc_cidr",
                    self.vpc_cidr,
                    "Use an IPv4 block from /16 to /24: AWS allows no larger VPC, and each "
                    "subnet gets 1/16 of it, so /24 gives the smallest subnet AWS allows (/28).",
                )
            if net.is_loopback or net.is_link_local or net.is_multicast or net.is_reserved or \
                    net.subnet_of(ipaddress.ip_network("0.0.0.0/8")):
                raise SettingsError(
                    "network.vpc_cidr", self.vpc_cidr,
                    "AWS refuses loopback, link-local, multicast and reserved ranges for a VPC: use a "
                    "private range such as 10.0.0.0/16, 172.16.0.0/16 or 192.168.0.0/16.",
                )
            check_range("network.az_count", self.az_count, 2, 4)
            zones = self.availability_zones
            if zones and (len(zones) != self.az_count or len(set(zones)) != len(zones)):
                raise SettingsError(
                    "network.availability_zones", zones,
                    f"Give az_count ({self.az_count}) distinct zones, or set az_count to match.",
                )
            for zone in zones:
                if region_of_zone(zone) is None:
                    raise SettingsError("network.availability_zones", zone,
                                        "Use zone names such as 'ap-northeast-1a': a region AWS has, and a letter.")
            if len({region_of_zone(zone) for zone in zones}) > 1:
                raise SettingsError("network.availability_zones", zones,
                                    "A VPC lives in one region: give zones of the same region.")
            return
        if self.availability_zones:
            raise SettingsError("network.availability_zones", self.availability_zones,
                                "Zones apply to a created VPC; an existing one brings its subnets' zones.")
        for name in ("public_subnet_ids", "private_subnet_ids"):
            ids = getattr(self, name)
            if len(set(ids)) < MIN_SUBNETS:
                raise SettingsError(
                    f"network.{name}",
                    ids,
                    f"With an existing VPC, give at least {MIN_SUBNETS} distinct subnet ids in "
                    "different Availability Zones.",
                )


class Network(Construct):
    """The VPC and the two subnet tiers the service uses.

    With ``vpc_id`` set, nothing is created. Otherwise a VPC with one public and one private subnet
    per AZ, an internet gateway, and (by default) one NAT gateway for the private tier.
    """

    vpc_id: str
    public_subnet_ids: list[str]
    private_subnet_ids: list[str]
    vpc: Vpc | None = None
    nat_gateway: NatGateway | None = None
    nat_eip: Eip | None = None

    def __init__(self, scope: Construct, id: str, *, name: str, props: NetworkProps) -> None:
        check_value("props", props, NetworkProps)
        super().__init__(scope, id)
        if props.vpc_id is not None:
            self.vpc_id = props.vpc_id
            self.public_subnet_ids = list(props.public_subnet_ids)
            self.private_subnet_ids = list(props.private_subnet_ids)
            return

        self.vpc = Vpc(
            self,
            "vpc",
            cidr_block=props.vpc_cidr,
            enable_dns_hostnames=True,
            enable_dns_support=True,
            tags={"Name": name},
        )
        suppress(self.vpc, "CKV2_AWS_11", "Flow logs cost per GB; turn them on account-wide, or bring a "
                 "VPC that has them (network.vpc_id).")
        self.vpc_id = self.vpc.id
        # Terraform adopts the VPC's default security group and removes its rules: nothing can
        # use it by accident.
        DefaultSecurityGroup(self, "default-sg", vpc_id=self.vpc.id, tags={"Name": f"{name}-default-closed"})
        if props.availability_zones:
            zone_names: list[str] = list(props.availability_zones)
        else:
            zones = DataAwsAvailabilityZones(self, "zones", state="available")
            suppress(zones, "CKV_AWS_394", "The first az_count available zones are used; pin them with "
                     "network.availability_zones so a new zone never moves a subnet.")
            zone_names = [Fn.element(zones.names, i) for i in range(props.az_count)]
        # Sixteen equal slots: room for 4 AZs x 2 tiers, and for subnets added later.
        blocks = list(ipaddress.ip_network(props.vpc_cidr).subnets(prefixlen_diff=SUBNET_BITS))
        igw = InternetGateway(self, "igw", vpc_id=self.vpc.id, tags={"Name": name})

        public_rt = RouteTable(self, "public-rt", vpc_id=self.vpc.id, tags={"Name": f"{name}-public"})
        Route(self, "public-default", route_table_id=public_rt.id,
              destination_cidr_block="0.0.0.0/0", gateway_id=igw.id)
        private_rt = RouteTable(self, "private-rt", vpc_id=self.vpc.id, tags={"Name": f"{name}-private"})

        self.public_subnets: list[Subnet] = []
        self.private_subnets: list[Subnet] = []
        for i in range(props.az_count):
            az = zone_names[i]
            public = Subnet(
                self, f"public-{i}", vpc_id=self.vpc.id, cidr_block=str(blocks[i]),
                availability_zone=az, tags={"Name": f"{name}-public-{i}", "Tier": "public"},
            )
            private = Subnet(
                self, f"private-{i}", vpc_id=self.vpc.id,
                cidr_block=str(blocks[props.az_count + i]),
                availability_zone=az, tags={"Name": f"{name}-private-{i}", "Tier": "private"},
            )
            RouteTableAssociation(self, f"public-{i}-rt", subnet_id=public.id, route_table_id=public_rt.id)
            RouteTableAssociation(self, f"private-{i}-rt", subnet_id=private.id, route_table_id=private_rt.id)
            self.public_subnets.append(public)
            self.private_subnets.append(private)
        self.public_subnet_ids = [s.id for s in self.public_subnets]
        self.private_subnet_ids = [s.id for s in self.private_subnets]

        if props.nat_gateway:
            eip = Eip(self, "nat-eip", domain="vpc", tags={"Name": f"{name}-nat"})
            self.nat_eip = eip
            # One NAT gateway, not one per AZ: it costs a fraction, at the price of all task
            # egress (image pulls, logs) depending on the first AZ.
            self.nat_gateway = NatGateway(
                self, "nat", allocation_id=eip.allocation_id, subnet_id=self.public_subnets[0].id,
                tags={"Name": name}, depends_on=[igw],
            )
            Route(self, "private-default", route_table_id=private_rt.id,
                  destination_cidr_block="0.0.0.0/0", nat_gateway_id=self.nat_gateway.id)
