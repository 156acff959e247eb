"""Everything one ECS blue/green service needs, and the rules between its parts."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, ClassVar

from .deployment import DeploymentProps
from .errors import SettingsError
from .iam import IamProps
from .kinds import Props
from .load_balancer import TARGET_GROUP_SUFFIXES, LoadBalancerProps
from .network import NetworkProps
from .repository import RepositoryProps
from .rules import AwsName, Pattern
from .service import ServiceProps

MAX_NAME_LENGTH = 32 - max(len(s) for s in TARGET_GROUP_SUFFIXES)
"""Target group names ("<name>-green") may have 32 characters at most."""


@dataclass(frozen=True, kw_only=True)
class BlueGreenServiceProps(Props):
    """Everything one ECS blue/green service needs. Only `name` and `service.image` are required."""

    SETTING: ClassVar[str] = ""

    name: Annotated[
        str,
        AwsName(MAX_NAME_LENGTH, "The name (it becomes '<name>-green' for a target group)"),
        Pattern(
            r"(?![Ii][Nn][Tt][Ee][Rr][Nn][Aa][Ll]-)[\s\S]*",
            "Load balancer names must not start with 'internal-'; rename it.",
        ),
    ]
    """Base name of every resource (e.g. "web-dev"), up to 26 characters. Required."""
    service: ServiceProps
    """The container and the Fargate service. Required."""
    network: NetworkProps = field(default_factory=NetworkProps)
    """VPC and subnets to use or create. Default: a new 2-AZ VPC with one NAT gateway."""
    load_balancer: LoadBalancerProps = field(default_factory=LoadBalancerProps)
    """Load balancer, listeners and target groups. Default: ALB, prod 80 open, test 8080 closed."""
    iam: IamProps = field(default_factory=IamProps)
    """Roles to use or create. Default: CodeDeploy and execution roles created, no task role."""
    deployment: DeploymentProps = field(default_factory=DeploymentProps)
    """How deployments run, and on which engine. Default: CodeDeploy, all at once, old tasks kept 60 min, rollback on
    fail/stop."""
    repository: RepositoryProps | None = None
    """An ECR repository for the service's images; its URL is the output repository_url. Default: None (none)."""

    def check(self) -> None:
        """The rules between the sections, the engine's among them (deployment.rules): what it shifts
        behind a network load balancer, the role it assumes, how many alarms it watches."""
        self._check_network_load_balancer()
        self._check_task()
        self.deployment.rules.check_service(self.deployment, load_balancer=self.load_balancer, iam=self.iam)

    def _check_task(self) -> None:
        """The rules between the task and the other sections: the health check probes a port a
        container listens on; the test-traffic hook needs a way out; ECS Exec needs a task role."""
        port = self.load_balancer.health_check.port
        if port is not None and port not in self.service.ports:
            raise SettingsError(
                "load_balancer.health_check.port",
                port,
                f"No container of the task listens on it (ports: {', '.join(map(str, self.service.ports))}): "
                "probe service.container_port (leave it unset), or a port a sidecar lists.",
            )
        self._check_test_traffic_hook()
        if (
            self.service.execute_command is not None
            and not self.iam.create_task_role
            and self.iam.task_role_arn is None
        ):
            raise SettingsError(
                "service.execute_command",
                self.service.execute_command,
                "ECS Exec runs through the task role: set iam.create_task_role=True (the stack grants it the "
                "ssmmessages actions), or name your own in iam.task_role_arn (with those actions).",
            )

    def _check_test_traffic_hook(self) -> None:
        """The created hook function runs in the tasks' private subnets. It reports to CodeDeploy's
        API through the NAT gateway, and reaches the test listener directly (an internal load
        balancer) or through that NAT (an internet-facing one), whose address must be let in."""
        if self.deployment.test_traffic_hook is None:
            return
        # Where the function answers the engine with its result (ECS-native), only an internet-facing
        # test listener needs the NAT (the way to its public address).
        needs_nat = self.deployment.rules.HOOK_REPORTS_TO_AWS or not self.load_balancer.internal
        if self.network.vpc_id is None and not self.network.nat_gateway and needs_nat:
            raise SettingsError(
                "network.nat_gateway",
                False,
                "The test-traffic hook runs in the tasks' private subnets and reports its result to CodeDeploy "
                "through the NAT gateway: keep nat_gateway=True, or drop deployment.test_traffic_hook.",
            )
        if (
            self.network.vpc_id is not None
            and not self.load_balancer.internal
            and not self.load_balancer.test_ingress_cidrs
        ):
            raise SettingsError(
                "load_balancer.test_ingress_cidrs",
                (),
                "The test-traffic hook reaches the internet-facing test listener through your VPC's NAT gateway: "
                "list the NAT's public address here (e.g. '203.0.113.7/32'), or make the load balancer internal.",
            )

    def _check_network_load_balancer(self) -> None:
        if not self.load_balancer.is_network:
            return
        self.deployment.rules.check_network_load_balancer(self.deployment)
        self._check_autoscaling_metric()

    def _check_autoscaling_metric(self) -> None:
        scaling = self.service.autoscaling
        if scaling is not None and scaling.requests_per_target is not None:
            raise SettingsError(
                "service.autoscaling.requests_per_target",
                scaling.requests_per_target,
                "Request counts come from an application load balancer: scale an NLB service on CPU only.",
            )
