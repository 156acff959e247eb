"""The ECS-native engine's part (deployment.engine "ecs"): the service runs under ECS's own
controller, with the deployment configuration (strategy, steps, bake time, lifecycle hooks), the
alarms, and the load balancer's alternate target group, listener rules and the infrastructure role
ECS moves traffic with. No CodeDeploy, but through step 1 of a migration from it."""

from __future__ import annotations

from constructs import Construct

from ...contract import ENGINE_OUTPUT, NATIVE_TRAFFIC_OUTPUTS
from ...settings import BlueGreenServiceProps
from ..ecs_native import EcsNativeBlueGreen, native_bindings
from ..iam import hook_arns
from ..ownership import service_ignore_changes
from ..service import ServiceBlocks
from .base import BlueGreenService, EnginePart, Outputs, after
from .codedeploy import CodeDeployPart


class EcsNativePart(EnginePart):
    """ECS deploys the service itself. `retiring`: CodeDeploy's part, kept through step 1 of a
    migration (deployment.migration) and gone at step 2, as AWS's migration guide orders."""

    NAME = "ecs"
    SERVICE_DEPLOYED_BY = "ECS service deployed by ECS itself (blue/green)."

    def __init__(self, props: BlueGreenServiceProps) -> None:
        native_bindings(props.deployment)  # refused here, before any resource, on bindings without it
        super().__init__(props)
        self.retiring = CodeDeployPart(props) if props.deployment.migration is not None else None

    def service_blocks(self, scope: Construct, service: BlueGreenService) -> ServiceBlocks:
        """The test-traffic hook and the listener rules first, since the service names them, then
        the roles ECS assumes (to move traffic, to run the hooks), then the service's blocks."""
        props, lb, deployment, roles = self.props, service.load_balancer, self.props.deployment, service.roles
        created = service.test_traffic_hooks()
        service.ecs_native = native = EcsNativeBlueGreen(
            scope,
            "ecs-native",
            props=deployment,
            network=props.load_balancer.is_network,
            prod_listener=lb.prod_listener,
            test_listener=lb.test_listener,
            target_groups=(lb.blue_target_group, lb.green_target_group),
        )
        infrastructure_role_arn = roles.add_infrastructure_role()
        arns = hook_arns(scope, deployment.hooks, created)
        hook_role_arn = roles.native_hook_role(arns) if arns else None
        return ServiceBlocks(
            "ECS",
            native.live_target_group,
            service_ignore_changes(
                autoscaling=props.service.autoscaling is not None, migrating=deployment.migration is not None
            ),
            load_balancer={"advanced_configuration": native.advanced_configuration(infrastructure_role_arn)},
            service={
                "deployment_configuration": native.deployment_configuration(arns, hook_role_arn),
                "alarms": native.alarms(service.alarms.alarm_names if service.alarms else []),
            },
            depends_on=tuple(native.rules),
        )

    def complete(self, scope: Construct, service: BlueGreenService) -> None:
        """Nothing names the service on this engine; through step 1 of a migration, CodeDeploy's
        group still does."""
        if self.retiring is not None:
            self.retiring.complete(scope, service)

    def outputs(self, service: BlueGreenService, values: Outputs) -> Outputs:
        """The engine (a stack without it runs CodeDeploy's), and the listener rules ECS shifts
        traffic on (an application load balancer's)."""
        native = service.ecs_native
        assert native is not None
        values = {**values, ENGINE_OUTPUT: ("ecs", "Engine of the service's blue/green deployments: ECS-native.")}
        if native.prod_listener_rule is not None and native.test_listener_rule is not None:
            prod, test = NATIVE_TRAFFIC_OUTPUTS
            values = after(
                values,
                "test_listener_arn",
                {
                    prod: (native.prod_listener_rule.arn, "Production listener rule ECS shifts traffic on."),
                    test: (native.test_listener_rule.arn, "Test listener rule ECS shifts test traffic on."),
                },
            )
        return values
