"""The load balancer: production and test listeners, and the blue and green target groups."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from cdktf import TerraformResourceLifecycle
from cdktf_cdktf_provider_aws.lb import Lb
from cdktf_cdktf_provider_aws.lb_listener import LbListener, LbListenerDefaultAction
from cdktf_cdktf_provider_aws.lb_target_group import LbTargetGroup, LbTargetGroupHealthCheck
from cdktf_cdktf_provider_aws.security_group import SecurityGroup
from cdktf_cdktf_provider_aws.vpc_security_group_ingress_rule import VpcSecurityGroupIngressRule
from constructs import Construct

from .ownership import listener_ignore_changes
from .validation import SettingsError, check_cidrs, check_port, check_range, check_types

_MATCHER = re.compile(r"^\d{3}(-\d{3})?(,\d{3}(-\d{3})?)*$")


@dataclass(frozen=True, kw_only=True)
class HealthCheckProps:
    """How the load balancer decides a task is healthy (the same for blue and green)."""

    path: str = "/"
    """HTTP path probed on each task. Default: "/"."""
    matcher: str = "200"
    """HTTP codes counted healthy, e.g. "200" or "200-399". Default: "200"."""
    interval_seconds: int = 30
    """Seconds between probes, 5 to 300. Default: 30."""
    timeout_seconds: int = 5
    """Seconds before a probe fails, 2 to 120 and below the interval. Default: 5."""
    healthy_threshold: int = 5
    """Passing probes before a task is healthy, 2 to 10. Default: 5."""
    unhealthy_threshold: int = 2
    """Failing probes before a task is unhealthy, 2 to 10. Default: 2."""

    def __post_init__(self) -> None:
        check_types(self, "load_balancer.health_check")
        if not self.path.startswith("/") or len(self.path) > 1024 or " " in self.path:
            raise SettingsError(
                "load_balancer.health_check.path", self.path,
                "Use an absolute URL path without spaces, such as '/' or '/healthz'.",
            )
        if not _MATCHER.match(self.matcher):
            raise SettingsError(
                "load_balancer.health_check.matcher", self.matcher,
                "Use HTTP codes such as '200', '200,204' or '200-399'.",
            )
        check_range("load_balancer.health_check.interval_seconds", self.interval_seconds, 5, 300, "seconds")
        check_range("load_balancer.health_check.timeout_seconds", self.timeout_seconds, 2, 120, "seconds")
        if self.timeout_seconds >= self.interval_seconds:
            raise SettingsError(
                "load_balancer.health_check.timeout_seconds", self.timeout_seconds,
                f"It must be shorter than interval_seconds ({self.interval_seconds}).",
            )
        check_range("load_balancer.health_check.healthy_threshold", self.healthy_threshold, 2, 10)
        check_range("load_balancer.health_check.unhealthy_threshold", self.unhealthy_threshold, 2, 10)


@dataclass(frozen=True, kw_only=True)
class LoadBalancerProps:
    """The load balancer in front of the service, and who may reach its two listeners."""

    type: Literal["application", "network"] = "application"
    """"application" (ALB) or "network" (NLB); a Classic LB cannot do blue/green. Default: "application"."""
    internal: bool = False
    """Place the load balancer on private addresses only. Default: False (internet-facing)."""
    prod_port: int = 80
    """Port of the production listener, which serves the live (blue) task set. Default: 80."""
    test_port: int = 8080
    """Port of the test listener, which reaches the new (green) task set first. Default: 8080."""
    prod_ingress_cidrs: tuple[str, ...] = ("0.0.0.0/0",)
    """CIDRs allowed to the production port. Default: ("0.0.0.0/0",) (the world)."""
    test_ingress_cidrs: tuple[str, ...] = ()
    """CIDRs allowed to the test port. Default: () (closed to everyone)."""
    health_check: HealthCheckProps = field(default_factory=HealthCheckProps)
    """Target group health check. Default: HTTP GET "/" expecting 200 every 30 s."""
    deregistration_delay_seconds: int = 300
    """Seconds a leaving task keeps draining connections, 0 to 3600. Default: 300."""

    def __post_init__(self) -> None:
        check_types(self, "load_balancer")
        check_port("load_balancer.prod_port", self.prod_port)
        check_port("load_balancer.test_port", self.test_port)
        if self.prod_port == self.test_port:
            raise SettingsError(
                "load_balancer.test_port", self.test_port,
                "The test listener needs its own port, different from prod_port "
                f"({self.prod_port}); the usual pair is 80 and 8080.",
            )
        check_cidrs("load_balancer.prod_ingress_cidrs", self.prod_ingress_cidrs)
        check_cidrs("load_balancer.test_ingress_cidrs", self.test_ingress_cidrs)
        check_range("load_balancer.deregistration_delay_seconds", self.deregistration_delay_seconds, 0, 3600, "seconds")

    @property
    def is_network(self) -> bool:
        return self.type == "network"

    @property
    def name_suffix(self) -> str:
        return "-nlb" if self.is_network else "-alb"


TARGET_GROUP_SUFFIXES = ("-blue", "-green")


def _ingress_id(prefix: str, cidr: str) -> str:
    # Keyed by the CIDR, not its position: reordering the list must not replace rules.
    return f"{prefix}-{cidr.replace('/', '_').replace(':', '.')}"


class BlueGreenLoadBalancer(Construct):
    """A load balancer with a production and a test listener, each forwarding to one of two
    target groups (blue and green) that CodeDeploy swaps at every deployment."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        name: str,
        props: LoadBalancerProps,
        vpc_id: str,
        subnet_ids: list[str],
        target_port: int,
    ) -> None:
        super().__init__(scope, id)
        self.props = props
        listener_protocol = "TCP" if props.is_network else "HTTP"

        self.security_group = SecurityGroup(
            self, "sg", name=f"{name}-lb", vpc_id=vpc_id,
            description=f"{name} load balancer: production and test listeners",
            tags={"Name": f"{name}-lb"},
        )
        for listener, port, cidrs in (
            ("prod", props.prod_port, props.prod_ingress_cidrs),
            ("test", props.test_port, props.test_ingress_cidrs),
        ):
            for cidr in cidrs:
                VpcSecurityGroupIngressRule(
                    self, _ingress_id(f"{listener}-ingress", cidr),
                    security_group_id=self.security_group.id,
                    description=f"{listener} listener from {cidr}",
                    ip_protocol="tcp", from_port=port, to_port=port,
                    **({"cidr_ipv6": cidr} if ":" in cidr else {"cidr_ipv4": cidr}),
                )

        self.lb = Lb(
            self, "lb", name=f"{name}{props.name_suffix}",
            load_balancer_type=props.type, internal=props.internal,
            subnets=subnet_ids, security_groups=[self.security_group.id],
            # Harmless for every client, and closes a request-smuggling vector (ALB only).
            drop_invalid_header_fields=None if props.is_network else True,
            tags={"Name": f"{name}{props.name_suffix}"},
        )

        hc = props.health_check
        self.blue_target_group, self.green_target_group = (
            LbTargetGroup(
                self, suffix.lstrip("-"), name=f"{name}{suffix}",
                target_type="ip", vpc_id=vpc_id, port=target_port, protocol=listener_protocol,
                deregistration_delay=str(props.deregistration_delay_seconds),
                health_check=LbTargetGroupHealthCheck(
                    enabled=True, protocol="HTTP", path=hc.path, matcher=hc.matcher,
                    interval=hc.interval_seconds, timeout=hc.timeout_seconds,
                    healthy_threshold=hc.healthy_threshold,
                    unhealthy_threshold=hc.unhealthy_threshold,
                ),
                tags={"Name": f"{name}{suffix}"},
            )
            for suffix in TARGET_GROUP_SUFFIXES
        )

        lifecycle = TerraformResourceLifecycle(ignore_changes=listener_ignore_changes())
        self.prod_listener = LbListener(
            self, "prod-listener", load_balancer_arn=self.lb.arn,
            port=props.prod_port, protocol=listener_protocol,
            default_action=[LbListenerDefaultAction(type="forward", target_group_arn=self.blue_target_group.arn)],
            lifecycle=lifecycle,
        )
        self.test_listener = LbListener(
            self, "test-listener", load_balancer_arn=self.lb.arn,
            port=props.test_port, protocol=listener_protocol,
            default_action=[LbListenerDefaultAction(type="forward", target_group_arn=self.green_target_group.arn)],
            lifecycle=lifecycle,
        )

    @property
    def prod_url(self) -> str:
        return f"http://{self.lb.dns_name}:{self.props.prod_port}"

    @property
    def test_url(self) -> str:
        return f"http://{self.lb.dns_name}:{self.props.test_port}"
