"""The composite: one call wires the network, load balancer, IAM, ECS and the engine together
(CodeDeploy, or ECS-native blue/green)."""

from __future__ import annotations

from constructs import Construct

from .part import Part
from ..contract import HOOK_EVENTS
from ..settings import BlueGreenServiceProps, SettingsError, check_value
from .alarms import DeploymentAlarms
from .cdk import TerraformStack
from .codedeploy import BlueGreenDeployment
from .ecs import FargateService
from .family import check_app
from .iam import ServiceRoles, hook_arns
from .load_balancer import BlueGreenLoadBalancer
from .native import NativeBlueGreen, NativeService, native_bindings
from .network import Network
from .notifications import DeploymentTopic
from .repository import ImageRepository
from .task_definition import secret_grants
from .test_hook import VPC_ACCESS_POLICY, TestTrafficHook


def _check_name_is_free(scope: Construct, name: str) -> None:
    """Every resource of a service is named after it: two services of one name in one stack would
    collide in AWS (load balancer, target groups, roles, cluster)."""
    stack = TerraformStack.of(scope)
    for other in stack.node.find_all():
        if isinstance(other, EcsBlueGreen) and other.props.name == name:
            raise SettingsError("name", name, f"The stack has a service of this name already "
                                              f"({other.node.path}): give each service its own name.")


class EcsBlueGreen(Part):
    """An ECS Fargate service behind a load balancer, deployed blue/green by CodeDeploy or by ECS
    itself (deployment.engine).

    Every part is a public attribute: ``network``, ``roles``, ``load_balancer`` (listeners and
    target groups), ``ecs`` (cluster, task definition, service), ``deployment`` (CodeDeploy's
    application, deployment group and any custom config; None on engine "ecs" once migrated),
    ``native`` (engine "ecs": the listener rules), and ``alarms``, ``notifications``,
    ``test_traffic_hook`` and ``repository`` when set. The construct creates no provider and no
    backend; the stack does.
    """

    repository: ImageRepository | None = None
    alarms: DeploymentAlarms | None = None
    notifications: DeploymentTopic | None = None
    test_traffic_hook: TestTrafficHook | None = None
    deployment: BlueGreenDeployment | None = None
    native: NativeBlueGreen | None = None

    def __init__(self, scope: Construct, id: str, *, props: BlueGreenServiceProps) -> None:
        check_app(scope, f"EcsBlueGreen {id!r}")
        check_value("props", props, BlueGreenServiceProps)
        _check_name_is_free(scope, props.name)
        if props.deployment.is_native:
            native_bindings(props.deployment)  # refused here, before any resource, on bindings without it
        super().__init__(scope, id)
        self.props = props
        name, deployment = props.name, props.deployment
        # CodeDeploy's resources stay through step 1 of a migration, and go at step 2.
        codedeploy = not deployment.is_native or deployment.migration is not None
        if props.repository is not None:
            self.repository = ImageRepository(self, "repository", name=name, props=props.repository)
        self.network = Network(self, "network", name=name, props=props.network)
        self.roles = ServiceRoles(self, "iam", name=name, props=props.iam, codedeploy=codedeploy,
                                  native=deployment.is_native)
        self.load_balancer = lb = BlueGreenLoadBalancer(
            self, "load-balancer", name=name, props=props.load_balancer, vpc_id=self.network.vpc_id,
            subnet_ids=self.network.public_subnet_ids, target_port=props.service.container_port)
        if deployment.is_native:
            self._add_native()
        else:
            self._add_service()
        self._grant_the_task()
        if deployment.alarms is not None and not deployment.is_native:
            self._add_alarms()
        if deployment.notifications is not None:
            self.notifications = DeploymentTopic(self, "notifications", name=name, props=deployment.notifications)
        if codedeploy:
            self._add_codedeploy()

    def _add_service(self, native: NativeService | None = None) -> None:
        props, lb = self.props, self.load_balancer
        self.ecs = FargateService(
            self, "ecs", name=props.name, props=props.service, vpc_id=self.network.vpc_id,
            subnet_ids=self.network.private_subnet_ids, load_balancer_security_group_id=lb.security_group.id,
            target_groups=(lb.blue_target_group, lb.green_target_group), load_balancer=lb.lb,
            execution_role_arn=self.roles.execution_role_arn, task_role_arn=self.roles.task_role_arn,
            depends_on=[lb.prod_listener, lb.test_listener, *(self.native.rules if self.native else [])],
            health_check_port=props.load_balancer.health_check.port, native=native)

    def _add_alarms(self) -> None:
        props, lb = self.props, self.load_balancer
        assert props.deployment.alarms is not None
        self.alarms = DeploymentAlarms(
            self, "alarms", name=props.name, props=props.deployment.alarms, load_balancer=lb.lb,
            target_groups={"blue": lb.blue_target_group, "green": lb.green_target_group},
            network=props.load_balancer.is_network)

    def _add_native(self) -> None:
        """ECS-native: the alarms and the test-traffic hook first, since the service names them in its
        deployment configuration; then the listener rules, the hook role, and the service."""
        props, lb, deployment = self.props, self.load_balancer, self.props.deployment
        if deployment.alarms is not None:
            self._add_alarms()
        created = self._add_test_traffic_hook(None) if deployment.test_traffic_hook is not None else {}
        self.native = native = NativeBlueGreen(
            self, "ecs-native", props=deployment, network=props.load_balancer.is_network,
            prod_listener=lb.prod_listener, test_listener=lb.test_listener,
            target_groups=(lb.blue_target_group, lb.green_target_group))
        arns = hook_arns(self, deployment.hooks, created)
        self._add_service(native.service(
            infrastructure_role_arn=self.roles.infrastructure_role_arn, hooks=arns,
            hook_role_arn=self.roles.native_hook_role(arns) if arns else None,
            alarm_names=self.alarms.alarm_names if self.alarms else []))

    def _add_codedeploy(self) -> None:
        props, lb, deployment = self.props, self.load_balancer, self.props.deployment
        self.deployment = codedeploy = BlueGreenDeployment(
            self, "codedeploy", name=props.name, props=deployment, service_role_arn=self.roles.codedeploy_role_arn,
            cluster_name=self.ecs.cluster_name, service_name=self.ecs.service.name,
            prod_listener_arn=lb.prod_listener.arn, test_listener_arn=lb.test_listener.arn,
            blue_target_group_name=lb.blue_target_group.name, green_target_group_name=lb.green_target_group.name,
            alarm_names=self.alarms.alarm_names if self.alarms else [],
            topic_arn=self.notifications.topic_arn if self.notifications else None)
        created: dict[str, str] = {}
        if deployment.test_traffic_hook is not None:
            created = (self._add_test_traffic_hook(codedeploy.deployment_group.arn) if self.test_traffic_hook is None
                       else {"AfterAllowTestTraffic": self.test_traffic_hook.function.arn})
        if (deployment.hooks or created) and self.roles.codedeploy_role is not None:
            self.roles.grant(self.roles.codedeploy_role, "codedeploy-hooks", codedeploy.hook_statements(created))

    def _grant_the_task(self) -> None:
        """Grants the task's settings need, on the roles the stack created (a role passed in by ARN
        is yours: give it the same): its secrets to the execution role, ECS Exec to the task role."""
        statements = secret_grants(self.props.service)
        if statements and self.roles.execution_role is not None:
            self.roles.grant(self.roles.execution_role, "execution-secrets", statements)
        if self.props.service.execute_command is not None and self.roles.task_role is not None:
            self.roles.grant(self.roles.task_role, "task-exec", self.ecs.execute_command_statements())

    def _add_test_traffic_hook(self, deployment_group_arn: str | None) -> dict[str, str]:
        """The test-traffic hook the stack creates, let in to the test listener; its ARN by event.
        On CodeDeploy it reports its result to `deployment_group_arn`; on ECS-native it answers."""
        props, lb = self.props, self.load_balancer
        assert props.deployment.test_traffic_hook is not None
        hook = self.test_traffic_hook = TestTrafficHook(
            self, "test-traffic-hook", name=props.name, props=props.deployment.test_traffic_hook, test_url=lb.test_url,
            test_port=props.load_balancer.test_port, vpc_id=self.network.vpc_id,
            subnet_ids=self.network.private_subnet_ids, deployment_group_arn=deployment_group_arn,
            vpc_access_policy_arn=self.roles.aws_managed(VPC_ACCESS_POLICY))
        internal = props.load_balancer.internal
        lb.allow_test_traffic_from_hook(
            hook.security_group.id if internal else None,
            self.network.nat_eip.public_ip if not internal and self.network.nat_eip else None)
        return {"AfterAllowTestTraffic": hook.function.arn}

    @property
    def hooks(self) -> dict[str, str]:
        """The Lambda function of each lifecycle event, in the order they happen: deployment.hooks,
        and the test-traffic hook the stack creates."""
        hooks = dict(self.props.deployment.hooks)
        if self.test_traffic_hook is not None:
            hooks["AfterAllowTestTraffic"] = self.test_traffic_hook.function.function_name
        return {event: hooks[event] for event in HOOK_EVENTS if event in hooks}
