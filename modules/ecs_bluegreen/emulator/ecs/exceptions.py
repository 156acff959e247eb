"""Errors of ECS's service deployments, as ECS names them: the Errors section of
ContinueServiceDeployment, StopServiceDeployment and DescribeServiceDeployments
(https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContinueServiceDeployment.html)."""

from __future__ import annotations

from moto.ecs.exceptions import ECSException


class _Error(ECSException):
    def __init__(self, message: str) -> None:
        super().__init__(type(self).__name__, message)


class ServiceDeploymentNotFoundException(_Error):
    """A service deployment ARN that names none."""


class ConflictException(_Error):
    """Stop or continue a deployment that is not in progress, or a hook that waits no more."""


class InvalidParameterException(_Error):
    """A hook id that names no pause hook of the deployment, or an action that is none."""


class ClientException(_Error):
    """An answer for a hook that is not waiting for one."""
