"""The load balancer: production and test listeners, and the blue and green target groups."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import ClassVar, Literal

from constructs import Construct

from ..aws.lb import Lb, LbAccessLogs
from ..aws.lb_listener import (
    LbListener,
    LbListenerDefaultAction,
    LbListenerDefaultActionRedirect,
)
from ..aws.lb_target_group import LbTargetGroup, LbTargetGroupHealthCheck
from ..aws.security_group import SecurityGroup
from ..aws.vpc_security_group_ingress_rule import VpcSecurityGroupIngressRule
from ..cdk import TerraformResourceLifecycle
from ..validation import (
    SettingsError,
    check_arn,
    check_bucket_name,
    check_cidrs,
    check_port,
    check_range,
    check_types,
    check_value,
    matches,
)
from .ownership import listener_ignore_changes
from .suppressions import suppress

_MATCHER = re.compile(r"\d{3}(-\d{3})?(,\d{3}(-\d{3})?)*")
# The codes a target group's HTTP health check may count healthy, by load balancer type.
MATCHER_RANGE = {"application": (200, 499), "network": (200, 599)}
_ACM_ARN = re.compile(r"arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate/[A-Za-z0-9-]+")
# The names of ELB's predefined security policies: the TLS 1.3 families (2021-06, FIPS 2023-04,
# post-quantum 2025-09) and the older fixed names. A name outside them is one ELB refuses.
SSL_POLICY = re.compile(
    r"ELBSecurityPolicy-(?:"
    r"TLS13-1-[0-3](?:-(?:Res|Ext[0-2]))?(?:-2021-06|-FIPS-2023-04|-PQ-2025-09|-FIPS-PQ-2025-09)"
    r"|2015-05|2016-08|TLS-1-0-2015-04|TLS-1-1-2017-01|TLS-1-2-2017-01|TLS-1-2-Ext-2018-06"
    r"|FS-2018-06|FS-1-1-2019-08|FS-1-2-2019-08|FS-1-2-Res-2019-08|FS-1-2-Res-2020-10)")
HTTP_PORT = 80
HTTPS_PORT = 443


@dataclass(frozen=True, kw_only=True)
class HealthCheckProps:
    """How the load balancer decides a task is healthy (the same for blue and green)."""

    SETTING: ClassVar[str] = "load_balancer.health_check"
    """Where its settings sit, in the names of its errors."""

    protocol: Literal["HTTP", "TCP"] = "HTTP"
    """"HTTP" probes `path`; "TCP" (NLB only) just connects. Default: "HTTP"."""
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
    port: int | None = None
    """Port probed on each task, when it is not the traffic port (a container's port: service.container_port or a sidecar's). Default: None (the traffic port)."""

    def __post_init__(self) -> None:
        check_types(self)
        if not self.path.startswith("/") or len(self.path) > 1024 or " " in self.path:
            raise SettingsError(
                "load_balancer.health_check.path", self.path,
                "Use an absolute URL path without spaces, such as '/' or '/healthz'.",
            )
        if not matches(_MATCHER, self.matcher):
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
        if self.port is not None:
            check_port("load_balancer.health_check.port", self.port)


@dataclass(frozen=True, kw_only=True)
class LoadBalancerProps:
    """The load balancer in front of the service, and who may reach its two listeners."""

    SETTING: ClassVar[str] = "load_balancer"
    """Where its settings sit, in the names of its errors."""

    type: Literal["application", "network"] = "application"
    """"application" (ALB) or "network" (NLB); a Classic LB cannot do blue/green. Default: "application"."""
    internal: bool = False
    """Place the load balancer on private addresses only. Default: False (internet-facing)."""
    prod_port: int | None = None
    """Port of the production listener (the live task set). Default: None (80, or 443 with a certificate)."""
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
    certificate_arn: str | None = None
    """ACM certificate: the production listener serves HTTPS (ALB only). Default: None (plain HTTP)."""
    ssl_policy: str = "ELBSecurityPolicy-TLS13-1-2-2021-06"
    """TLS policy of HTTPS listeners. Default: "ELBSecurityPolicy-TLS13-1-2-2021-06" (TLS 1.2 and 1.3)."""
    redirect_http: bool = True
    """With a certificate, port 80 redirects to HTTPS (301). Default: True."""
    test_listener_https: bool = False
    """With a certificate, the test listener serves HTTPS too. Default: False."""
    deletion_protection: bool = False
    """Refuse to delete the load balancer until this is turned off. Default: False."""
    access_logs_bucket: str | None = None
    """S3 bucket for access logs (its policy must let the load balancer write). Default: None (off)."""
    access_logs_prefix: str = ""
    """Key prefix of the access logs. Default: "" (the bucket's root)."""
    idle_timeout_seconds: int = 60
    """Seconds an idle connection stays open, 1 to 4000 (ALB only). Default: 60."""
    drop_invalid_header_fields: bool = True
    """Drop HTTP headers that are not valid, against request smuggling (ALB only). Default: True."""

    def __post_init__(self) -> None:
        check_types(self)
        if self.prod_port is not None:
            check_port("load_balancer.prod_port", self.prod_port)
        check_port("load_balancer.test_port", self.test_port)
        if self.production_port == self.test_port:
            raise SettingsError(
                "load_balancer.test_port", self.test_port,
                "The test listener needs its own port, different from the production port "
                f"({self.production_port}); the usual pair is 80 and 8080.",
            )
        check_cidrs("load_balancer.prod_ingress_cidrs", self.prod_ingress_cidrs)
        check_cidrs("load_balancer.test_ingress_cidrs", self.test_ingress_cidrs)
        check_range("load_balancer.deregistration_delay_seconds", self.deregistration_delay_seconds, 0, 3600, "seconds")
        check_range("load_balancer.idle_timeout_seconds", self.idle_timeout_seconds, 1, 4000, "seconds")
        self._check_tls()
        self._check_network_limits()
        if self.access_logs_bucket is not None:
            check_bucket_name("load_balancer.access_logs_bucket", self.access_logs_bucket)
        if self.access_logs_prefix.startswith("/") or self.access_logs_prefix.endswith("/") or \
                "AWSLogs" in self.access_logs_prefix:
            raise SettingsError("load_balancer.access_logs_prefix", self.access_logs_prefix,
                                "Give a prefix without leading or trailing '/' and without 'AWSLogs'.")

    def _check_tls(self) -> None:
        if self.certificate_arn is None:
            if self.test_listener_https:
                raise SettingsError("load_balancer.test_listener_https", True,
                                    "HTTPS needs a certificate: set certificate_arn as well.")
            return
        if not matches(_ACM_ARN, self.certificate_arn):
            raise SettingsError(
                "load_balancer.certificate_arn", self.certificate_arn,
                "Give the ARN of an ACM certificate, "
                "'arn:aws:acm:<region>:<account>:certificate/<id>'.",
            )
        check_arn("load_balancer.certificate_arn", self.certificate_arn, "acm", "certificate/")
        if not matches(SSL_POLICY, self.ssl_policy):
            raise SettingsError("load_balancer.ssl_policy", self.ssl_policy,
                                "Use one of ELB's predefined security policies, e.g. "
                                "'ELBSecurityPolicy-TLS13-1-2-2021-06' (TLS 1.3 and 1.2) or "
                                "'ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09' (post-quantum).")
        if self.redirect_http and HTTP_PORT in (self.production_port, self.test_port):
            raise SettingsError(
                "load_balancer.redirect_http", True,
                f"Port {HTTP_PORT} redirects to HTTPS, so no listener can use it: move that "
                "listener, or set redirect_http=False.",
            )

    def _check_network_limits(self) -> None:
        if self.is_network:
            for name, value, default in (("certificate_arn", self.certificate_arn, None),
                                         ("idle_timeout_seconds", self.idle_timeout_seconds, 60)):
                if value != default:
                    raise SettingsError(f"load_balancer.{name}", value,
                                        "This setting applies to an application load balancer only.")
        elif self.health_check.protocol == "TCP":
            raise SettingsError("load_balancer.health_check.protocol", "TCP",
                                "An application load balancer checks health over HTTP: use 'HTTP'.")
        if self.health_check.protocol == "HTTP":
            low, high = MATCHER_RANGE[self.type]
            codes = [int(c) for c in re.findall(r"\d{3}", self.health_check.matcher)]
            if any(not low <= c <= high for c in codes):
                raise SettingsError("load_balancer.health_check.matcher", self.health_check.matcher,
                                    f"A {self.type} load balancer counts codes from {low} to {high} healthy: "
                                    "keep the codes in that range.")

    @property
    def is_network(self) -> bool:
        return self.type == "network"

    @property
    def production_port(self) -> int:
        if self.prod_port is not None:
            return self.prod_port
        return HTTPS_PORT if self.certificate_arn else HTTP_PORT

    @property
    def redirects_http(self) -> bool:
        return self.certificate_arn is not None and self.redirect_http

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
        check_value("props", props, LoadBalancerProps)
        super().__init__(scope, id)
        self.props = props
        plain = "TCP" if props.is_network else "HTTP"
        prod_protocol = "HTTPS" if props.certificate_arn else plain
        test_protocol = "HTTPS" if props.test_listener_https else plain

        self.security_group = SecurityGroup(
            self, "sg", name=f"{name}-lb", vpc_id=vpc_id,
            description=f"{name} load balancer: production and test listeners",
            tags={"Name": f"{name}-lb"},
        )
        openings = [("prod", props.production_port, props.prod_ingress_cidrs),
                    ("test", props.test_port, props.test_ingress_cidrs)]
        if props.redirects_http:
            openings.append(("redirect", HTTP_PORT, props.prod_ingress_cidrs))
        for listener, port, cidrs in openings:
            for cidr in cidrs:
                rule = VpcSecurityGroupIngressRule(
                    self, _ingress_id(f"{listener}-ingress", cidr),
                    security_group_id=self.security_group.id,
                    description=f"{listener} listener from {cidr}",
                    ip_protocol="tcp", from_port=port, to_port=port,
                    **({"cidr_ipv6": cidr} if ":" in cidr else {"cidr_ipv4": cidr}),
                )
                if port == HTTP_PORT and cidr == "0.0.0.0/0":
                    suppress(rule, "CKV_AWS_260", "The public listener port, as in the source setup; narrow "
                             "load_balancer.prod_ingress_cidrs to restrict it.")

        type_specific = {"enable_cross_zone_load_balancing": True} if props.is_network else {
            "drop_invalid_header_fields": props.drop_invalid_header_fields,
            "idle_timeout": props.idle_timeout_seconds,
        }
        self.lb = Lb(
            self, "lb", name=f"{name}{props.name_suffix}",
            load_balancer_type=props.type, internal=props.internal,
            subnets=subnet_ids, security_groups=[self.security_group.id],
            enable_deletion_protection=props.deletion_protection,
            access_logs=LbAccessLogs(bucket=props.access_logs_bucket, enabled=True,
                                     prefix=props.access_logs_prefix or None)
            if props.access_logs_bucket else None,
            tags={"Name": f"{name}{props.name_suffix}"},
            **type_specific,
        )
        self._suppress_load_balancer_findings()

        hc = props.health_check
        http_check = {"path": hc.path, "matcher": hc.matcher} if hc.protocol == "HTTP" else {}
        groups = tuple(
            LbTargetGroup(
                self, suffix.lstrip("-"), name=f"{name}{suffix}",
                target_type="ip", vpc_id=vpc_id, port=target_port, protocol=plain,
                deregistration_delay=str(props.deregistration_delay_seconds),
                health_check=LbTargetGroupHealthCheck(
                    enabled=True, protocol=hc.protocol,
                    interval=hc.interval_seconds, timeout=hc.timeout_seconds,
                    healthy_threshold=hc.healthy_threshold,
                    unhealthy_threshold=hc.unhealthy_threshold,
                    port=str(hc.port) if hc.port is not None else None,
                    **http_check,
                ),
                tags={"Name": f"{name}{suffix}"},
            )
            for suffix in TARGET_GROUP_SUFFIXES
        )
        self.blue_target_group, self.green_target_group = groups

        lifecycle = TerraformResourceLifecycle(ignore_changes=listener_ignore_changes())
        self.prod_listener = LbListener(
            self, "prod-listener", load_balancer_arn=self.lb.arn,
            port=props.production_port, protocol=prod_protocol,
            **self._tls(prod_protocol),
            default_action=[LbListenerDefaultAction(type="forward", target_group_arn=self.blue_target_group.arn)],
            lifecycle=lifecycle,
        )
        self.test_listener = LbListener(
            self, "test-listener", load_balancer_arn=self.lb.arn,
            port=props.test_port, protocol=test_protocol,
            **self._tls(test_protocol),
            default_action=[LbListenerDefaultAction(type="forward", target_group_arn=self.green_target_group.arn)],
            lifecycle=lifecycle,
        )
        if not props.is_network:
            for group, protocol in zip(groups, (prod_protocol, test_protocol)):
                if protocol != "HTTPS":
                    suppress(group, "CKV_AWS_378", "Plain HTTP end to end, for want of a certificate on its "
                             "listener; the tasks sit in private subnets behind the load balancer only.")
            if prod_protocol != "HTTPS":
                for check in ("CKV_AWS_2", "CKV_AWS_103"):
                    suppress(self.prod_listener, check, "Plain HTTP, as in the source setup, because no "
                             "certificate was given: set load_balancer.certificate_arn for HTTPS.")
            if test_protocol != "HTTPS":
                for check in ("CKV_AWS_2", "CKV_AWS_103"):
                    suppress(self.test_listener, check, "Reachable only from load_balancer.test_ingress_cidrs "
                             "(closed by default); set test_listener_https for HTTPS.")
        self.redirect_listener: LbListener | None = None
        if props.redirects_http:
            # Not a CodeDeploy listener: Terraform keeps owning its action.
            self.redirect_listener = LbListener(
                self, "redirect-listener", load_balancer_arn=self.lb.arn,
                port=HTTP_PORT, protocol="HTTP",
                default_action=[LbListenerDefaultAction(type="redirect", redirect=LbListenerDefaultActionRedirect(
                    protocol="HTTPS", port=str(props.production_port), status_code="HTTP_301"))],
            )

    def allow_test_traffic_from_hook(self, security_group_id: str | None, nat_address: str | None) -> None:
        """Let the stack's test-traffic hook reach the test listener: by its security group (an
        internal load balancer), or from the NAT gateway's public address (an internet-facing one,
        where traffic from the private subnets comes back from the NAT)."""
        port = self.props.test_port
        if security_group_id is not None:
            VpcSecurityGroupIngressRule(
                self, "test-ingress-hook", security_group_id=self.security_group.id,
                description="test listener from the test-traffic hook", referenced_security_group_id=security_group_id,
                ip_protocol="tcp", from_port=port, to_port=port,
            )
        if nat_address is not None:
            VpcSecurityGroupIngressRule(
                self, "test-ingress-nat", security_group_id=self.security_group.id,
                description="test listener from the NAT gateway, for the test-traffic hook",
                cidr_ipv4=f"{nat_address}/32", ip_protocol="tcp", from_port=port, to_port=port,
            )

    def _suppress_load_balancer_findings(self) -> None:
        props = self.props
        if not props.deletion_protection:
            suppress(self.lb, "CKV_AWS_150", "Off by default so that `terraform destroy` works; set "
                     "load_balancer.deletion_protection.")
        if props.access_logs_bucket is None:
            suppress(self.lb, "CKV_AWS_91", "Access logs need a bucket with a log-delivery policy; set "
                     "load_balancer.access_logs_bucket.")
        if not props.is_network and not props.internal:
            suppress(self.lb, "CKV2_AWS_28", "A WAF web ACL costs per ACL and rule: associate yours with "
                     "load_balancer.lb in your stack.")
        if not props.redirects_http:
            suppress(self.lb, "CKV2_AWS_20", "No HTTPS listener to redirect to without "
                     "load_balancer.certificate_arn (or redirect_http is off); an NLB forwards TCP.")

    def _tls(self, protocol: str) -> dict[str, str]:
        if protocol != "HTTPS":
            return {}
        return {"certificate_arn": self.props.certificate_arn, "ssl_policy": self.props.ssl_policy}

    @property
    def prod_url(self) -> str:
        scheme = "https" if self.props.certificate_arn else "http"
        return f"{scheme}://{self.lb.dns_name}:{self.props.production_port}"

    @property
    def test_url(self) -> str:
        scheme = "https" if self.props.test_listener_https else "http"
        return f"{scheme}://{self.lb.dns_name}:{self.props.test_port}"
