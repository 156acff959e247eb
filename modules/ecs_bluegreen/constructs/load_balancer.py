"""The load balancer: production and test listeners, and the blue and green target groups."""

from __future__ import annotations

from collections.abc import Sequence

from constructs import Construct

from ..settings import LoadBalancerProps, check_value
from ..settings.load_balancer import HTTP_PORT, TARGET_GROUP_SUFFIXES
from .aws.lb import Lb, LbAccessLogs
from .aws.lb_listener import LbListener, LbListenerDefaultAction, LbListenerDefaultActionRedirect
from .aws.lb_target_group import LbTargetGroup, LbTargetGroupHealthCheck
from .aws.security_group import SecurityGroup
from .aws.vpc_security_group_ingress_rule import VpcSecurityGroupIngressRule
from .cdk import TerraformResourceLifecycle
from .ownership import listener_ignore_changes
from .part import Part
from .suppressions import suppress


def _ingress_id(prefix: str, cidr: str) -> str:
    # Keyed by the CIDR, not its position: reordering the list must not replace rules.
    return f"{prefix}-{cidr.replace('/', '_').replace(':', '.')}"


class BlueGreenLoadBalancer(Part):
    """A load balancer with a production and a test listener, each forwarding to one of two
    target groups (blue and green) that CodeDeploy swaps at every deployment."""

    redirect_listener: LbListener | None = None

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        name: str,
        props: LoadBalancerProps,
        vpc_id: str,
        subnet_ids: Sequence[str],
        target_port: int,
    ) -> None:
        check_value("props", props, LoadBalancerProps)
        super().__init__(scope, id)
        self.props = props
        plain = "TCP" if props.is_network else "HTTP"
        prod_protocol = "HTTPS" if props.certificate_arn else plain
        test_protocol = "HTTPS" if props.test_listener_https else plain
        self.security_group = self._security_group(name, vpc_id)
        self.lb = self._load_balancer(name, subnet_ids)
        self.blue_target_group, self.green_target_group = (
            self._target_group(name, suffix, vpc_id, target_port, plain) for suffix in TARGET_GROUP_SUFFIXES
        )
        self.prod_listener = self._listener(
            "prod-listener", props.production_port, prod_protocol, self.blue_target_group
        )
        self.test_listener = self._listener("test-listener", props.test_port, test_protocol, self.green_target_group)
        if not props.is_network:
            self._suppress_plain_http(prod_protocol, test_protocol)
        if props.redirects_http:
            # Not a CodeDeploy listener: Terraform keeps owning its action.
            self.redirect_listener = LbListener(
                self,
                "redirect-listener",
                load_balancer_arn=self.lb.arn,
                port=HTTP_PORT,
                protocol="HTTP",
                default_action=[
                    LbListenerDefaultAction(
                        type="redirect",
                        redirect=LbListenerDefaultActionRedirect(
                            protocol="HTTPS", port=str(props.production_port), status_code="HTTP_301"
                        ),
                    )
                ],
            )

    def _security_group(self, name: str, vpc_id: str) -> SecurityGroup:
        """The load balancer's group: each listener's port open to its CIDRs, one rule per CIDR."""
        props = self.props
        group = SecurityGroup(
            self,
            "sg",
            name=f"{name}-lb",
            vpc_id=vpc_id,
            description=f"{name} load balancer: production and test listeners",
            tags={"Name": f"{name}-lb"},
        )
        openings = [
            ("prod", props.production_port, props.prod_ingress_cidrs),
            ("test", props.test_port, props.test_ingress_cidrs),
        ]
        if props.redirects_http:
            openings.append(("redirect", HTTP_PORT, props.prod_ingress_cidrs))
        for listener, port, cidrs in openings:
            for cidr in cidrs:
                rule = VpcSecurityGroupIngressRule(
                    self,
                    _ingress_id(f"{listener}-ingress", cidr),
                    security_group_id=group.id,
                    description=f"{listener} listener from {cidr}",
                    ip_protocol="tcp",
                    from_port=port,
                    to_port=port,
                    cidr_ipv6=cidr if ":" in cidr else None,
                    cidr_ipv4=None if ":" in cidr else cidr,
                )
                if port == HTTP_PORT and cidr == "0.0.0.0/0":
                    suppress(
                        rule,
                        "CKV_AWS_260",
                        "The public listener port, as in the source setup; narrow "
                        "load_balancer.prod_ingress_cidrs to restrict it.",
                    )
        return group

    def _load_balancer(self, name: str, subnet_ids: Sequence[str]) -> Lb:
        props = self.props
        network = props.is_network
        lb = Lb(
            self,
            "lb",
            name=f"{name}{props.name_suffix}",
            load_balancer_type=props.type,
            internal=props.internal,
            subnets=list(subnet_ids),
            security_groups=[self.security_group.id],
            enable_deletion_protection=props.deletion_protection,
            access_logs=LbAccessLogs(
                bucket=props.access_logs_bucket, enabled=True, prefix=props.access_logs_prefix or None
            )
            if props.access_logs_bucket
            else None,
            tags={"Name": f"{name}{props.name_suffix}"},
            # What each type has: an NLB balances across zones; an ALB reads HTTP.
            enable_cross_zone_load_balancing=True if network else None,
            drop_invalid_header_fields=None if network else props.drop_invalid_header_fields,
            idle_timeout=None if network else props.idle_timeout_seconds,
        )
        if not props.deletion_protection:
            suppress(
                lb,
                "CKV_AWS_150",
                "Off by default so that `terraform destroy` works; set load_balancer.deletion_protection.",
            )
        if props.access_logs_bucket is None:
            suppress(
                lb,
                "CKV_AWS_91",
                "Access logs need a bucket with a log-delivery policy; set load_balancer.access_logs_bucket.",
            )
        if not props.is_network and not props.internal:
            suppress(
                lb,
                "CKV2_AWS_28",
                "A WAF web ACL costs per ACL and rule: associate yours with load_balancer.lb in your stack.",
            )
        if not props.redirects_http:
            suppress(
                lb,
                "CKV2_AWS_20",
                "No HTTPS listener to redirect to without "
                "load_balancer.certificate_arn (or redirect_http is off); an NLB forwards TCP.",
            )
        return lb

    def _target_group(self, name: str, suffix: str, vpc_id: str, port: int, protocol: str) -> LbTargetGroup:
        """ "<name>-blue" or "<name>-green": IP targets, the same health check on both."""
        hc = self.props.health_check
        http = hc.protocol == "HTTP"
        return LbTargetGroup(
            self,
            suffix.lstrip("-"),
            name=f"{name}{suffix}",
            target_type="ip",
            vpc_id=vpc_id,
            port=port,
            protocol=protocol,
            deregistration_delay=str(self.props.deregistration_delay_seconds),
            health_check=LbTargetGroupHealthCheck(
                enabled=True,
                protocol=hc.protocol,
                interval=hc.interval_seconds,
                timeout=hc.timeout_seconds,
                healthy_threshold=hc.healthy_threshold,
                unhealthy_threshold=hc.unhealthy_threshold,
                port=str(hc.port) if hc.port is not None else None,
                path=hc.path if http else None,
                matcher=hc.matcher if http else None,
            ),
            tags={"Name": f"{name}{suffix}"},
        )

    def _listener(self, id: str, port: int, protocol: str, target_group: LbTargetGroup) -> LbListener:
        """A listener CodeDeploy routes through: Terraform leaves its action to CodeDeploy."""
        return LbListener(
            self,
            id,
            load_balancer_arn=self.lb.arn,
            port=port,
            protocol=protocol,
            certificate_arn=self.props.certificate_arn if protocol == "HTTPS" else None,
            ssl_policy=self.props.ssl_policy if protocol == "HTTPS" else None,
            default_action=[LbListenerDefaultAction(type="forward", target_group_arn=target_group.arn)],
            lifecycle=TerraformResourceLifecycle(ignore_changes=listener_ignore_changes()),
        )

    def _suppress_plain_http(self, prod_protocol: str, test_protocol: str) -> None:
        for group, protocol in ((self.blue_target_group, prod_protocol), (self.green_target_group, test_protocol)):
            if protocol != "HTTPS":
                suppress(
                    group,
                    "CKV_AWS_378",
                    "Plain HTTP end to end, for want of a certificate on its listener; the "
                    "tasks sit in private subnets behind the load balancer only.",
                )
        if prod_protocol != "HTTPS":
            for check in ("CKV_AWS_2", "CKV_AWS_103"):
                suppress(
                    self.prod_listener,
                    check,
                    "Plain HTTP, as in the source setup, because no certificate was "
                    "given: set load_balancer.certificate_arn for HTTPS.",
                )
        if test_protocol != "HTTPS":
            for check in ("CKV_AWS_2", "CKV_AWS_103"):
                suppress(
                    self.test_listener,
                    check,
                    "Reachable only from load_balancer.test_ingress_cidrs (closed by "
                    "default); set test_listener_https for HTTPS.",
                )

    def allow_test_traffic_from_hook(self, security_group_id: str | None, nat_address: str | None) -> None:
        """Let the stack's test-traffic hook reach the test listener: by its security group (an
        internal load balancer), or from the NAT gateway's public address (an internet-facing one,
        where traffic from the private subnets comes back from the NAT)."""
        port = self.props.test_port
        if security_group_id is not None:
            VpcSecurityGroupIngressRule(
                self,
                "test-ingress-hook",
                security_group_id=self.security_group.id,
                description="test listener from the test-traffic hook",
                referenced_security_group_id=security_group_id,
                ip_protocol="tcp",
                from_port=port,
                to_port=port,
            )
        if nat_address is not None:
            VpcSecurityGroupIngressRule(
                self,
                "test-ingress-nat",
                security_group_id=self.security_group.id,
                description="test listener from the NAT gateway, for the test-traffic hook",
                cidr_ipv4=f"{nat_address}/32",
                ip_protocol="tcp",
                from_port=port,
                to_port=port,
            )

    @property
    def prod_url(self) -> str:
        scheme = "https" if self.props.certificate_arn else "http"
        return f"{scheme}://{self.lb.dns_name}:{self.props.production_port}"

    @property
    def test_url(self) -> str:
        scheme = "https" if self.props.test_listener_https else "http"
        return f"{scheme}://{self.lb.dns_name}:{self.props.test_port}"
