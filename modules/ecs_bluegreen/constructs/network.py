"""The network: an existing VPC and subnets, or a small VPC created for the service."""

from __future__ import annotations

import ipaddress

from constructs import Construct

from ..settings import NetworkProps, check_value
from ..settings.network import MAX_ZONES, SUBNET_BITS
from .aws.data_aws_availability_zones import DataAwsAvailabilityZones
from .aws.default_security_group import DefaultSecurityGroup
from .aws.eip import Eip
from .aws.internet_gateway import InternetGateway
from .aws.nat_gateway import NatGateway
from .aws.route import Route
from .aws.route_table import RouteTable
from .aws.route_table_association import RouteTableAssociation
from .aws.subnet import Subnet
from .aws.vpc import Vpc
from .cdk import Fn
from .part import Part
from .suppressions import suppress


class Network(Part):
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
        self.vpc = vpc = Vpc(
            self,
            "vpc",
            cidr_block=props.vpc_cidr,
            enable_dns_hostnames=True,
            enable_dns_support=True,
            tags={"Name": name},
        )
        suppress(
            vpc,
            "CKV2_AWS_11",
            "Flow logs cost per GB; turn them on account-wide, or bring a VPC that has them (network.vpc_id).",
        )
        self.vpc_id = vpc.id
        # Terraform adopts the VPC's default security group and removes its rules: nothing can
        # use it by accident.
        DefaultSecurityGroup(self, "default-sg", vpc_id=vpc.id, tags={"Name": f"{name}-default-closed"})
        igw = InternetGateway(self, "igw", vpc_id=vpc.id, tags={"Name": name})
        public_rt = RouteTable(self, "public-rt", vpc_id=vpc.id, tags={"Name": f"{name}-public"})
        Route(
            self, "public-default", route_table_id=public_rt.id, destination_cidr_block="0.0.0.0/0", gateway_id=igw.id
        )
        private_rt = RouteTable(self, "private-rt", vpc_id=vpc.id, tags={"Name": f"{name}-private"})
        self.public_subnets, self.private_subnets = self._subnets(name, props, public_rt, private_rt)
        self.public_subnet_ids = [s.id for s in self.public_subnets]
        self.private_subnet_ids = [s.id for s in self.private_subnets]
        if props.nat_gateway:
            self.nat_eip = Eip(self, "nat-eip", domain="vpc", tags={"Name": f"{name}-nat"})
            # One NAT gateway, not one per AZ: it costs a fraction, at the price of all task
            # egress (image pulls, logs) depending on the first AZ.
            self.nat_gateway = NatGateway(
                self,
                "nat",
                allocation_id=self.nat_eip.allocation_id,
                subnet_id=self.public_subnets[0].id,
                tags={"Name": name},
                depends_on=[igw],
            )
            Route(
                self,
                "private-default",
                route_table_id=private_rt.id,
                destination_cidr_block="0.0.0.0/0",
                nat_gateway_id=self.nat_gateway.id,
            )

    def _zones(self, props: NetworkProps) -> list[str]:
        """The zones named in the settings, or the first available ones (read at plan)."""
        if props.availability_zones:
            return list(props.availability_zones)
        zones = DataAwsAvailabilityZones(self, "zones", state="available")
        suppress(
            zones,
            "CKV_AWS_394",
            "The first az_count available zones are used; pin them with "
            "network.availability_zones so a new zone never moves a subnet.",
        )
        return [Fn.element(zones.names, i) for i in range(props.az_count)]

    def _subnets(
        self, name: str, props: NetworkProps, public_rt: RouteTable, private_rt: RouteTable
    ) -> tuple[list[Subnet], list[Subnet]]:
        """A public and a private subnet per zone, each with its tier's route table."""
        assert self.vpc is not None
        zones = self._zones(props)
        # Sixteen equal slots, each zone's two at a fixed place (MAX_ZONES): raising az_count adds
        # subnets and never renumbers one; the last eight are left for subnets added later.
        blocks = list(ipaddress.ip_network(props.vpc_cidr).subnets(prefixlen_diff=SUBNET_BITS))
        public_subnets: list[Subnet] = []
        private_subnets: list[Subnet] = []
        for i, zone in enumerate(zones):
            for tier, block, table, subnets in (
                ("public", blocks[i], public_rt, public_subnets),
                ("private", blocks[MAX_ZONES + i], private_rt, private_subnets),
            ):
                subnet = Subnet(
                    self,
                    f"{tier}-{i}",
                    vpc_id=self.vpc.id,
                    cidr_block=str(block),
                    availability_zone=zone,
                    tags={"Name": f"{name}-{tier}-{i}", "Tier": tier},
                )
                RouteTableAssociation(self, f"{tier}-{i}-rt", subnet_id=subnet.id, route_table_id=table.id)
                subnets.append(subnet)
        return public_subnets, private_subnets
