"""The load balancer in front of the service: its listeners, who may reach them, and health checks."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Annotated, ClassVar, Literal

from .errors import SettingsError
from .kinds import Props
from .rules import PORT, URL_PATH, Arn, BucketName, Cidr, Pattern, Range, Unique

MATCHER_RANGE = {"application": (200, 499), "network": (200, 599)}
"""The codes a target group's HTTP health check may count healthy, by load balancer type."""
# The names of ELB's predefined security policies: the TLS 1.3 families (2021-06, FIPS 2023-04,
# post-quantum 2025-09) and the older fixed names. A name outside them is one ELB refuses.
SSL_POLICY = (
    r"ELBSecurityPolicy-(?:"
    r"TLS13-1-[0-3](?:-(?:Res|Ext[0-2]))?(?:-2021-06|-FIPS-2023-04|-PQ-2025-09|-FIPS-PQ-2025-09)"
    r"|2015-05|2016-08|TLS-1-0-2015-04|TLS-1-1-2017-01|TLS-1-2-2017-01|TLS-1-2-Ext-2018-06"
    r"|FS-2018-06|FS-1-1-2019-08|FS-1-2-2019-08|FS-1-2-Res-2019-08|FS-1-2-Res-2020-10)"
)
TARGET_GROUP_SUFFIXES = ("-blue", "-green")
"""The two target groups are named "<name>-blue" and "<name>-green"."""
HTTP_PORT = 80
HTTPS_PORT = 443
CIDRS = Unique("List each CIDR block once.")


@dataclass(frozen=True, kw_only=True)
class HealthCheckProps(Props):
    """How the load balancer decides a task is healthy (the same for blue and green)."""

    SETTING: ClassVar[str] = "load_balancer.health_check"

    protocol: Literal["HTTP", "TCP"] = "HTTP"
    """"HTTP" probes `path`; "TCP" (NLB only) just connects. Default: "HTTP"."""
    path: Annotated[str, URL_PATH] = "/"
    """HTTP path probed on each task. Default: "/"."""
    matcher: Annotated[
        str,
        Pattern(
            r"[0-9]{3}(?:-[0-9]{3})?(?:,[0-9]{3}(?:-[0-9]{3})?)*",
            "Use HTTP codes such as '200', '200,204' or '200-399'.",
        ),
    ] = "200"
    """HTTP codes counted healthy, e.g. "200" or "200-399". Default: "200"."""
    interval_seconds: Annotated[int, Range(5, 300, "seconds")] = 30
    """Seconds between probes, 5 to 300. Default: 30."""
    timeout_seconds: Annotated[int, Range(2, 120, "seconds")] = 5
    """Seconds before a probe fails, 2 to 120 and below the interval. Default: 5."""
    healthy_threshold: Annotated[int, Range(2, 10)] = 5
    """Passing probes before a task is healthy, 2 to 10. Default: 5."""
    unhealthy_threshold: Annotated[int, Range(2, 10)] = 2
    """Failing probes before a task is unhealthy, 2 to 10. Default: 2."""
    port: Annotated[int | None, PORT] = None
    """Port probed on each task, when it is not the traffic port (a container's port: service.container_port or a
    sidecar's). Default: None (the traffic port)."""

    def check(self) -> None:
        if self.timeout_seconds >= self.interval_seconds:
            raise SettingsError(
                "timeout_seconds",
                self.timeout_seconds,
                f"It must be shorter than interval_seconds ({self.interval_seconds}).",
            )


@dataclass(frozen=True, kw_only=True)
class LoadBalancerProps(Props):
    """The load balancer in front of the service, and who may reach its two listeners."""

    SETTING: ClassVar[str] = "load_balancer"

    type: Literal["application", "network"] = "application"
    """"application" (ALB) or "network" (NLB); a Classic LB cannot do blue/green. Default: "application"."""
    internal: bool = False
    """Place the load balancer on private addresses only. Default: False (internet-facing)."""
    prod_port: Annotated[int | None, PORT] = None
    """Port of the production listener (the live task set). Default: None (80, or 443 with a certificate)."""
    test_port: Annotated[int, PORT] = 8080
    """Port of the test listener, which reaches the new (green) task set first. Default: 8080."""
    prod_ingress_cidrs: Annotated[tuple[Annotated[str, Cidr()], ...], CIDRS] = ("0.0.0.0/0",)
    """CIDRs allowed to the production port. Default: ("0.0.0.0/0",) (the world)."""
    test_ingress_cidrs: Annotated[tuple[Annotated[str, Cidr()], ...], CIDRS] = ()
    """CIDRs allowed to the test port. Default: () (closed to everyone)."""
    health_check: HealthCheckProps = field(default_factory=HealthCheckProps)
    """Target group health check. Default: HTTP GET "/" expecting 200 every 30 s."""
    deregistration_delay_seconds: Annotated[int, Range(0, 3600, "seconds")] = 300
    """Seconds a leaving task keeps draining connections, 0 to 3600. Default: 300."""
    certificate_arn: Annotated[str | None, Arn("acm", ("certificate/",))] = None
    """ACM certificate: the production listener serves HTTPS (ALB only). Default: None (plain HTTP)."""
    ssl_policy: Annotated[
        str,
        Pattern(
            SSL_POLICY,
            "Use one of ELB's predefined security policies, e.g. "
            "'ELBSecurityPolicy-TLS13-1-2-2021-06' (TLS 1.3 and 1.2) or "
            "'ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09' (post-quantum).",
        ),
    ] = "ELBSecurityPolicy-TLS13-1-2-2021-06"
    """TLS policy of HTTPS listeners. Default: "ELBSecurityPolicy-TLS13-1-2-2021-06" (TLS 1.2 and 1.3)."""
    redirect_http: bool = True
    """With a certificate, port 80 redirects to HTTPS (301). Default: True."""
    test_listener_https: bool = False
    """With a certificate, the test listener serves HTTPS too. Default: False."""
    deletion_protection: bool = False
    """Refuse to delete the load balancer until this is turned off. Default: False."""
    access_logs_bucket: Annotated[str | None, BucketName()] = None
    """S3 bucket for access logs (its policy must let the load balancer write). Default: None (off)."""
    access_logs_prefix: Annotated[
        str,
        Pattern(
            r"(?!/)(?![\s\S]*AWSLogs)(?:[\s\S]*[^/])?",
            "Give a prefix without leading or trailing '/' and without 'AWSLogs'.",
        ),
    ] = ""
    """Key prefix of the access logs. Default: "" (the bucket's root)."""
    idle_timeout_seconds: Annotated[int, Range(1, 4000, "seconds")] = 60
    """Seconds an idle connection stays open, 1 to 4000 (ALB only). Default: 60."""
    drop_invalid_header_fields: bool = True
    """Drop HTTP headers that are not valid, against request smuggling (ALB only). Default: True."""

    def check(self) -> None:
        if self.production_port == self.test_port:
            raise SettingsError(
                "test_port",
                self.test_port,
                "The test listener needs its own port, different from the production port "
                f"({self.production_port}); the usual pair is 80 and 8080.",
            )
        if self.certificate_arn is None and self.test_listener_https:
            raise SettingsError("test_listener_https", True, "HTTPS needs a certificate: set certificate_arn as well.")
        if (
            self.certificate_arn is not None
            and self.redirect_http
            and HTTP_PORT in (self.production_port, self.test_port)
        ):
            raise SettingsError(
                "redirect_http",
                True,
                f"Port {HTTP_PORT} redirects to HTTPS, so no listener can use it: move that listener, or set "
                "redirect_http=False.",
            )
        self._check_type_limits()

    def _check_type_limits(self) -> None:
        if self.is_network:
            for name, value, default in (
                ("certificate_arn", self.certificate_arn, None),
                ("idle_timeout_seconds", self.idle_timeout_seconds, 60),
            ):
                if value != default:
                    raise SettingsError(name, value, "This setting applies to an application load balancer only.")
        elif self.health_check.protocol == "TCP":
            raise SettingsError(
                "health_check.protocol", "TCP", "An application load balancer checks health over HTTP: use 'HTTP'."
            )
        if self.health_check.protocol == "HTTP":
            low, high = MATCHER_RANGE[self.type]
            codes = [int(c) for c in re.findall(r"\d{3}", self.health_check.matcher)]
            if any(not low <= c <= high for c in codes):
                raise SettingsError(
                    "health_check.matcher",
                    self.health_check.matcher,
                    f"A {self.type} load balancer counts codes from {low} to {high} healthy: "
                    "keep the codes in that range.",
                )

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
