"""The CodeDeploy engine's part (the default): the service runs under the CODE_DEPLOY controller,
and a CodeDeploy application and deployment group, with the role CodeDeploy assumes, move its
traffic between the target groups. Its notifications are the group's triggers."""

from __future__ import annotations

from constructs import Construct

from ..codedeploy import CodeDeployBlueGreen
from ..notifications import DeploymentTopic
from ..ownership import service_ignore_changes
from ..service import ServiceBlocks
from .base import BlueGreenService, EnginePart, Outputs, after


class CodeDeployPart(EnginePart):
    """A CodeDeploy deployment group deploys the service."""

    NAME = "codedeploy"
    SERVICE_DEPLOYED_BY = "ECS service deployed by CodeDeploy."

    def service_blocks(self, scope: Construct, service: BlueGreenService) -> ServiceBlocks:
        """The CODE_DEPLOY controller, production on the blue target group; CodeDeploy's AppSpec
        owns the task definition, the load balancer and the network from the first deployment on."""
        return ServiceBlocks(
            "CODE_DEPLOY",
            service.load_balancer.blue_target_group,
            service_ignore_changes(autoscaling=self.props.service.autoscaling is not None),
        )

    def complete(self, scope: Construct, service: BlueGreenService) -> None:
        """The notifications' topic, the role, the application and the deployment group, then the
        test-traffic hook (which reports its result to the group), and the role's grant to invoke
        the hooks."""
        props, lb, deployment, roles = self.props, service.load_balancer, self.props.deployment, service.roles
        if deployment.notifications is not None:
            service.notifications = DeploymentTopic(
                scope, "notifications", name=props.name, props=deployment.notifications
            )
        role_arn = roles.add_codedeploy_role()
        service.codedeploy = codedeploy = CodeDeployBlueGreen(
            scope,
            "codedeploy",
            name=props.name,
            props=deployment,
            service_role_arn=role_arn,
            cluster_name=service.ecs.cluster_name,
            service_name=service.ecs.service.name,
            prod_listener_arn=lb.prod_listener.arn,
            test_listener_arn=lb.test_listener.arn,
            blue_target_group_name=lb.blue_target_group.name,
            green_target_group_name=lb.green_target_group.name,
            alarm_names=service.alarms.alarm_names if service.alarms else [],
            topic_arn=service.notifications.topic_arn if service.notifications else None,
        )
        created = service.test_traffic_hooks(reports_to=codedeploy.deployment_group.arn)
        if (deployment.hooks or created) and roles.codedeploy_role is not None:
            roles.grant(roles.codedeploy_role, "codedeploy-hooks", codedeploy.hook_statements(created))

    def outputs(self, service: BlueGreenService, values: Outputs) -> Outputs:
        """The application and the deployment group, which `bluegreen` deploys through."""
        codedeploy = service.codedeploy
        assert codedeploy is not None
        return after(
            values,
            "container_port",
            {
                "codedeploy_app_name": (codedeploy.application.name, "CodeDeploy application."),
                "codedeploy_group_name": (
                    codedeploy.deployment_group.deployment_group_name,
                    "CodeDeploy deployment group.",
                ),
            },
        )
