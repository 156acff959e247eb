"""The ECS actions of a blue/green service deployment, on top of moto's ECS responses.

Each action answers as its page of the API reference says
(https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_<Action>.html)."""

from __future__ import annotations

from typing import Any

from moto.core.responses import ActionResult
from moto.ecs.responses import EC2ContainerServiceResponse

from ..clock import LOCK
from .models import EcsDeploymentsBackend, ecs_backends


class EcsDeploymentsResponse(EC2ContainerServiceResponse):
    @property
    def ecs_backend(self) -> EcsDeploymentsBackend:
        return ecs_backends[self.current_account][self.region]

    def call_action(self) -> Any:
        with LOCK:
            return super().call_action()

    def create_service(self) -> ActionResult:
        """moto's CreateService, then the deploymentConfiguration it drops (the answer holds the
        service itself, so it shows the configuration and the first deployment)."""
        created = super().create_service()
        self.ecs_backend.configure_deployments(
            self._get_param("cluster", "default"),
            self._get_param("serviceName"),
            self._get_param("deploymentConfiguration") or {},
        )
        return created

    def list_service_deployments(self) -> ActionResult:
        found = self.ecs_backend.list_service_deployments(
            self._get_param("cluster", "default"), self._get_param("service"), self._get_param("status")
        )
        return ActionResult({"serviceDeployments": found})

    def describe_service_deployments(self) -> ActionResult:
        found, failures = self.ecs_backend.describe_service_deployments(self._get_param("serviceDeploymentArns") or [])
        return ActionResult({"serviceDeployments": found, "failures": failures})

    def describe_service_revisions(self) -> ActionResult:
        found, failures = self.ecs_backend.describe_service_revisions(self._get_param("serviceRevisionArns") or [])
        return ActionResult({"serviceRevisions": found, "failures": failures})

    def stop_service_deployment(self) -> ActionResult:
        arn = self.ecs_backend.stop_service_deployment(
            self._get_param("serviceDeploymentArn"), self._get_param("stopType")
        )
        return ActionResult({"serviceDeploymentArn": arn})

    def continue_service_deployment(self) -> ActionResult:
        arn = self.ecs_backend.continue_service_deployment(
            self._get_param("serviceDeploymentArn"), self._get_param("hookId"), self._get_param("action")
        )
        return ActionResult({"serviceDeploymentArn": arn})
