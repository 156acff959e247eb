"""The consumer's shared VPC: two public and two private subnets, which both of its services use."""

from __future__ import annotations

from cdktf_cdktf_provider_aws.subnet import Subnet
from cdktf_cdktf_provider_aws.vpc import Vpc
from constructs import Construct


class SharedVpc(Construct):
    def __init__(self, scope: Construct, id: str, *, cidr: str, zones: tuple[str, str]) -> None:
        super().__init__(scope, id)
        self.vpc = Vpc(self, "vpc", cidr_block=cidr, enable_dns_hostnames=True, enable_dns_support=True)
        prefix = cidr.split(".0.0/")[0]
        self.public = [
            Subnet(self, f"public-{i}", vpc_id=self.vpc.id, availability_zone=zone, cidr_block=f"{prefix}.{i}.0/24")
            for i, zone in enumerate(zones)
        ]
        self.private = [
            Subnet(
                self, f"private-{i}", vpc_id=self.vpc.id, availability_zone=zone, cidr_block=f"{prefix}.{10 + i}.0/24"
            )
            for i, zone in enumerate(zones)
        ]
