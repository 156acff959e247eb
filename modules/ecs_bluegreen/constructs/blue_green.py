"""The composite: one call wires the network, load balancer, IAM, ECS and the engine's part together
(CodeDeploy, or ECS-native blue/green; engines/)."""

from __future__ import annotations

from constructs import Construct

from ..contract import HOOK_EVENTS
from ..settings import BlueGreenServiceProps, SettingsError, check_value
from .alarms import DeploymentAlarms
from .cdk import TerraformStack
from .codedeploy import CodeDeployBlueGreen
from .ecs import FargateService
from .ecs_native import EcsNativeBlueGreen
from .engines import EnginePart, engine_part
from .family import check_app
from .iam import ServiceRoles
from .load_balancer import BlueGreenLoadBalancer
from .network import Network
from .notifications import DeploymentTopic
from .part import Part
from .repository import ImageRepository
from .task_definition import secret_grants
from .test_hook import VPC_ACCESS_POLICY, TestTrafficHook


def _check_name_is_free(scope: Construct, name: str) -> None:
    """Every resource of a service is named after it: two services of one name in one stack would
    collide in AWS (load balancer, target groups, roles, cluster)."""
    stack = TerraformStack.of(scope)
    for other in stack.node.find_all():
        if isinstance(other, EcsBlueGreen) and other.props.name == name:
            raise SettingsError(
                "name",
                name,
                f"The stack has a service of this name already ({other.node.path}): give each service its own name.",
            )


class EcsBlueGreen(Part):
    """An ECS Fargate service behind a load balancer, deployed blue/green by CodeDeploy or by ECS
    itself (deployment.engine): the engine's part (``engine``, engines/) adds what differs.

    Every part is a public attribute: ``network``, ``roles``, ``load_balancer`` (listeners and
    target groups), ``ecs`` (cluster, task definition, service), ``codedeploy`` (CodeDeploy's
    application, deployment group and any custom config: engine "codedeploy", and step 1 of a
    migration), ``ecs_native`` (engine "ecs": the listener rules), and ``alarms``,
    ``notifications``, ``test_traffic_hook`` and ``repository`` when set. The construct creates no
    provider and no backend; the stack does.
    """

    repository: ImageRepository | None = None
    alarms: DeploymentAlarms | None = None
    notifications: DeploymentTopic | None = None
    test_traffic_hook: TestTrafficHook | None = None
    codedeploy: CodeDeployBlueGreen | None = None
    ecs_native: EcsNativeBlueGreen | None = None

    def __init__(self, scope: Construct, id: str, *, props: BlueGreenServiceProps) -> None:
        check_app(scope, f"EcsBlueGreen {id!r}")
        check_value("props", props, BlueGreenServiceProps)
        _check_name_is_free(scope, props.name)
        engine = engine_part(props)
        super().__init__(scope, id)
        self.props = props
        self.engine: EnginePart = engine
        name = props.name
        if props.repository is not None:
            self.repository = ImageRepository(self, "repository", name=name, props=props.repository)
        self.network = Network(self, "network", name=name, props=props.network)
        self.roles = ServiceRoles(self, "iam", name=name, props=props.iam)
        self.load_balancer = lb = BlueGreenLoadBalancer(
            self,
            "load-balancer",
            name=name,
            props=props.load_balancer,
            vpc_id=self.network.vpc_id,
            subnet_ids=self.network.public_subnet_ids,
            target_port=props.service.container_port,
        )
        if props.deployment.alarms is not None:
            self.alarms = DeploymentAlarms(
                self,
                "alarms",
                name=name,
                props=props.deployment.alarms,
                load_balancer=lb.lb,
                target_groups={"blue": lb.blue_target_group, "green": lb.green_target_group},
                network=props.load_balancer.is_network,
            )
        blocks = engine.service_blocks(scope=self, service=self)
        self.ecs = FargateService(
            self,
            "ecs",
            name=name,
            props=props.service,
            vpc_id=self.network.vpc_id,
            subnet_ids=self.network.private_subnet_ids,
            load_balancer_security_group_id=lb.security_group.id,
            target_groups=(lb.blue_target_group, lb.green_target_group),
            load_balancer=lb.lb,
            execution_role_arn=self.roles.execution_role_arn,
            task_role_arn=self.roles.task_role_arn,
            depends_on=[lb.prod_listener, lb.test_listener, *blocks.depends_on],
            engine=blocks,
            health_check_port=props.load_balancer.health_check.port,
        )
        self._grant_the_task()
        engine.complete(scope=self, service=self)

    def _grant_the_task(self) -> None:
        """Grants the task's settings need, on the roles the stack created (a role passed in by ARN
        is yours: give it the same): its secrets to the execution role, ECS Exec to the task role."""
        statements = secret_grants(self.props.service)
        if statements and self.roles.execution_role is not None:
            self.roles.grant(self.roles.execution_role, "execution-secrets", statements)
        if self.props.service.execute_command is not None and self.roles.task_role is not None:
            self.roles.grant(self.roles.task_role, "task-exec", self.ecs.execute_command_statements())

    def test_traffic_hooks(self, *, reports_to: str | None = None) -> dict[str, str]:
        """The function of the test-traffic hook the stack creates (deployment.test_traffic_hook),
        by event: {} when unset. The engine's part asks for it where it needs it, and the first ask
        creates it, let in to the test listener: reporting its result to the deployment group
        `reports_to` (CodeDeploy), or answering with it (ECS-native)."""
        props, lb = self.props, self.load_balancer
        if props.deployment.test_traffic_hook is None:
            return {}
        if self.test_traffic_hook is None:
            hook = self.test_traffic_hook = TestTrafficHook(
                self,
                "test-traffic-hook",
                name=props.name,
                props=props.deployment.test_traffic_hook,
                test_url=lb.test_url,
                test_port=props.load_balancer.test_port,
                vpc_id=self.network.vpc_id,
                subnet_ids=self.network.private_subnet_ids,
                deployment_group_arn=reports_to,
                vpc_access_policy_arn=self.roles.aws_managed(VPC_ACCESS_POLICY),
            )
            internal = props.load_balancer.internal
            lb.allow_test_traffic_from_hook(
                hook.security_group.id if internal else None,
                self.network.nat_eip.public_ip if not internal and self.network.nat_eip else None,
            )
        return {"AfterAllowTestTraffic": self.test_traffic_hook.function.arn}

    @property
    def hooks(self) -> dict[str, str]:
        """The Lambda function of each lifecycle event, in the order they happen: deployment.hooks,
        and the test-traffic hook the stack creates."""
        hooks = dict(self.props.deployment.hooks)
        if self.test_traffic_hook is not None:
            hooks["AfterAllowTestTraffic"] = self.test_traffic_hook.function.function_name
        return {event: hooks[event] for event in HOOK_EVENTS if event in hooks}
