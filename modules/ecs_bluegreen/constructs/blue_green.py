"""The composite: one call wires the network, load balancer, IAM, ECS and CodeDeploy together."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from constructs import Construct

from ..cdk import TerraformStack
from ..contract import HOOK_EVENTS
from ..family import check_app
from ..validation import SettingsError, check_aws_name, check_types, check_value
from .alarms import MAX_DEPLOYMENT_GROUP_ALARMS, DeploymentAlarms
from .containers import grants, secrets_of
from .codedeploy import ALL_AT_ONCE, BlueGreenDeployment, DeploymentProps
from .ecs import FargateService, ServiceProps
from .iam import IamProps, ServiceRoles
from .load_balancer import TARGET_GROUP_SUFFIXES, BlueGreenLoadBalancer, LoadBalancerProps
from .network import Network, NetworkProps
from .notifications import DeploymentTopic
from .repository import ImageRepository, RepositoryProps
from .test_hook import VPC_ACCESS_POLICY, TestTrafficHook

MAX_NAME_LENGTH = 32 - max(len(s) for s in TARGET_GROUP_SUFFIXES)
"""Target group names ("<name>-green") may have 32 characters at most."""


@dataclass(frozen=True, kw_only=True)
class BlueGreenServiceProps:
    """Everything one ECS blue/green service needs. Only `name` and `service.image` are required."""

    SETTING: ClassVar[str] = ""
    """Where its settings sit, in the names of its errors."""

    name: str
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
    """CodeDeploy behaviour. Default: all at once, old tasks kept 60 min, rollback on fail/stop."""
    repository: RepositoryProps | None = None
    """An ECR repository for the service's images; its URL is the output repository_url. Default: None (none)."""

    def __post_init__(self) -> None:
        check_types(self)
        check_aws_name("name", self.name, MAX_NAME_LENGTH,
                       "The name (it becomes '<name>-green' for a target group)")
        if self.name.lower().startswith("internal-"):
            raise SettingsError("name", self.name,
                                "Load balancer names must not start with 'internal-'; rename it.")
        self._check_network_load_balancer()
        self._check_task()
        alarms = self.deployment.alarms
        if alarms is not None:
            total = alarms.created_count(network=self.load_balancer.is_network) + len(alarms.existing_alarm_names)
            if total > MAX_DEPLOYMENT_GROUP_ALARMS:
                raise SettingsError(
                    "deployment.alarms", total,
                    f"CodeDeploy watches at most {MAX_DEPLOYMENT_GROUP_ALARMS} alarms per deployment "
                    "group: turn some off (None) or list fewer existing_alarm_names.",
                )

    def _check_task(self) -> None:
        """The rules between the task and the other sections: the health check probes a port a
        container listens on; ECS Exec and a task role's grants need a role of the stack's."""
        port = self.load_balancer.health_check.port
        if port is not None and port not in self.service.ports:
            raise SettingsError(
                "load_balancer.health_check.port", port,
                f"No container of the task listens on it (ports: {', '.join(map(str, self.service.ports))}): "
                "probe service.container_port (leave it unset), or a port a sidecar lists.",
            )
        self._check_test_traffic_hook()
        if self.service.execute_command is not None and not self.iam.create_task_role \
                and self.iam.task_role_arn is None:
            raise SettingsError(
                "service.execute_command", self.service.execute_command,
                "ECS Exec runs through the task role: set iam.create_task_role=True (the stack grants it the "
                "ssmmessages actions), or name your own in iam.task_role_arn (with those actions).",
            )

    def _check_test_traffic_hook(self) -> None:
        """The created hook function runs in the tasks' private subnets. It reports to CodeDeploy's
        API through the NAT gateway, and reaches the test listener directly (an internal load
        balancer) or through that NAT (an internet-facing one), whose address must be let in."""
        if self.deployment.test_traffic_hook is None:
            return
        if self.network.vpc_id is None and not self.network.nat_gateway:
            raise SettingsError(
                "network.nat_gateway", False,
                "The test-traffic hook runs in the tasks' private subnets and reports its result to CodeDeploy "
                "through the NAT gateway: keep nat_gateway=True, or drop deployment.test_traffic_hook.",
            )
        if self.network.vpc_id is not None and not self.load_balancer.internal \
                and not self.load_balancer.test_ingress_cidrs:
            raise SettingsError(
                "load_balancer.test_ingress_cidrs", (),
                "The test-traffic hook reaches the internet-facing test listener through your VPC's NAT "
                "gateway: list the NAT's public address here (e.g. '203.0.113.7/32'), or make the load "
                "balancer internal.",
            )

    def _check_network_load_balancer(self) -> None:
        if not self.load_balancer.is_network:
            return
        if self.deployment.deployment_config_name != ALL_AT_ONCE:
            raise SettingsError(
                "deployment.deployment_config_name", self.deployment.deployment_config_name,
                f"With a network load balancer CodeDeploy supports only {ALL_AT_ONCE}: use it, "
                "or switch load_balancer.type to 'application' for canary or linear shifts.",
            )
        if self.deployment.traffic_shift is not None:
            raise SettingsError(
                "deployment.traffic_shift", self.deployment.traffic_shift,
                f"With a network load balancer CodeDeploy shifts all traffic at once ({ALL_AT_ONCE}): "
                "drop traffic_shift, or switch load_balancer.type to 'application'.",
            )
        scaling = self.service.autoscaling
        if scaling is not None and scaling.requests_per_target is not None:
            raise SettingsError(
                "service.autoscaling.requests_per_target", scaling.requests_per_target,
                "Request counts come from an application load balancer: scale an NLB service on CPU only.",
            )


def _check_name_is_free(scope: Construct, name: str) -> None:
    """Every resource of a service is named after it: two services of one name in one stack would
    collide in AWS (load balancer, target groups, roles, cluster)."""
    stack = TerraformStack.of(scope)
    for other in stack.node.find_all():
        if isinstance(other, EcsBlueGreen) and other.props.name == name:
            raise SettingsError("name", name, f"The stack has a service of this name already "
                                              f"({other.node.path}): give each service its own name.")


class EcsBlueGreen(Construct):
    """An ECS Fargate service behind a load balancer, deployed blue/green by CodeDeploy.

    Every part is a public attribute: ``network``, ``roles``, ``load_balancer`` (listeners and
    target groups), ``ecs`` (cluster, task definition, service), ``deployment`` (application,
    deployment group and any custom config), and ``alarms``, ``notifications`` and ``repository``
    when set. The construct creates no provider and no backend; the stack does.
    """

    def __init__(self, scope: Construct, id: str, *, props: BlueGreenServiceProps) -> None:
        check_app(scope, f"EcsBlueGreen {id!r}")
        check_value("props", props, BlueGreenServiceProps)
        _check_name_is_free(scope, props.name)
        super().__init__(scope, id)
        self.props = props
        name = props.name

        self.repository: ImageRepository | None = None
        if props.repository is not None:
            self.repository = ImageRepository(self, "repository", name=name, props=props.repository)
        self.network = Network(self, "network", name=name, props=props.network)
        self.roles = ServiceRoles(self, "iam", name=name, props=props.iam)
        self.load_balancer = BlueGreenLoadBalancer(
            self, "load-balancer", name=name, props=props.load_balancer,
            vpc_id=self.network.vpc_id, subnet_ids=self.network.public_subnet_ids,
            target_port=props.service.container_port,
        )
        lb = self.load_balancer
        self.ecs = FargateService(
            self, "ecs", name=name, props=props.service,
            vpc_id=self.network.vpc_id, subnet_ids=self.network.private_subnet_ids,
            load_balancer_security_group_id=lb.security_group.id,
            target_groups=(lb.blue_target_group, lb.green_target_group), load_balancer=lb.lb,
            execution_role_arn=self.roles.execution_role_arn,
            task_role_arn=self.roles.task_role_arn,
            depends_on=[lb.prod_listener, lb.test_listener],
            health_check_port=props.load_balancer.health_check.port,
        )
        # Grants the task's settings need, on the roles the stack created (a role passed in by ARN
        # is yours: give it the same).
        secrets = list(secrets_of(props.service.containers))
        if secrets and self.roles.execution_role is not None:
            self.roles.grant(self.roles.execution_role, "execution-secrets",
                             grants(secrets, props.service.secrets_kms_key_arn))
        if props.service.execute_command is not None and self.roles.task_role is not None:
            self.roles.grant(self.roles.task_role, "task-exec", self.ecs.execute_command_statements())
        deployment = props.deployment
        self.alarms: DeploymentAlarms | None = None
        if deployment.alarms is not None:
            self.alarms = DeploymentAlarms(
                self, "alarms", name=name, props=deployment.alarms, load_balancer=lb.lb,
                target_groups={"blue": lb.blue_target_group, "green": lb.green_target_group},
                network=props.load_balancer.is_network,
            )
        self.notifications: DeploymentTopic | None = None
        if deployment.notifications is not None:
            self.notifications = DeploymentTopic(self, "notifications", name=name, props=deployment.notifications)
        self.deployment = BlueGreenDeployment(
            self, "codedeploy", name=name, props=props.deployment,
            service_role_arn=self.roles.codedeploy_role_arn,
            cluster_name=self.ecs.cluster_name, service_name=self.ecs.service.name,
            prod_listener_arn=lb.prod_listener.arn, test_listener_arn=lb.test_listener.arn,
            blue_target_group_name=lb.blue_target_group.name,
            green_target_group_name=lb.green_target_group.name,
            alarm_names=self.alarms.alarm_names if self.alarms else [],
            topic_arn=self.notifications.topic_arn if self.notifications else None,
        )
        self.test_traffic_hook: TestTrafficHook | None = None
        created: dict[str, str] = {}
        if deployment.test_traffic_hook is not None:
            self.test_traffic_hook = TestTrafficHook(
                self, "test-traffic-hook", name=name, props=deployment.test_traffic_hook, test_url=lb.test_url,
                test_port=props.load_balancer.test_port, vpc_id=self.network.vpc_id,
                subnet_ids=self.network.private_subnet_ids,
                deployment_group_arn=self.deployment.deployment_group.arn,
                vpc_access_policy_arn=self.roles.aws_managed(VPC_ACCESS_POLICY),
            )
            created["AfterAllowTestTraffic"] = self.test_traffic_hook.function.arn
            lb.allow_test_traffic_from_hook(
                self.test_traffic_hook.security_group.id if props.load_balancer.internal else None,
                self.network.nat_eip.public_ip if not props.load_balancer.internal and self.network.nat_eip else None,
            )
        if (deployment.hooks or created) and self.roles.codedeploy_role is not None:
            self.roles.grant(self.roles.codedeploy_role, "codedeploy-hooks", self.deployment.hook_statements(created))

    @property
    def hooks(self) -> dict[str, str]:
        """The Lambda function of each lifecycle event, in the order they happen: deployment.hooks,
        and the test-traffic hook the stack creates."""
        hooks = dict(self.props.deployment.hooks)
        if self.test_traffic_hook is not None:
            hooks["AfterAllowTestTraffic"] = self.test_traffic_hook.function.function_name
        return {event: hooks[event] for event in HOOK_EVENTS if event in hooks}
