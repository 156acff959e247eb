"""Errors of the ECS blue/green lifecycle, as CodeDeploy names them.

https://docs.aws.amazon.com/codedeploy/latest/APIReference/CommonErrors.html and the Errors section
of each action's page (CreateDeployment, ContinueDeployment, StopDeployment,
PutLifecycleEventHookExecutionStatus, CreateDeploymentConfig)."""

from __future__ import annotations

from moto.codedeploy.exceptions import CodeDeployException


class _Error(CodeDeployException):
    code = 400
    name = ""

    def __init__(self, message: str):
        super().__init__(self.name or type(self).__name__, message)


class DeploymentLimitExceededException(_Error):
    """CreateDeployment while the group has a deployment in progress."""


class DeploymentAlreadyCompletedException(_Error):
    """StopDeployment or ContinueDeployment of a deployment that ended."""


class DeploymentIsNotInReadyStateException(_Error):
    """ContinueDeployment(READY_WAIT) of a deployment that does not wait for it."""


class InvalidDeploymentWaitTypeException(_Error):
    """ContinueDeployment with a wait type the deployment is not in."""


class InvalidLifecycleEventHookExecutionIdException(_Error):
    """PutLifecycleEventHookExecutionStatus for an execution CodeDeploy did not start."""


class LifecycleEventAlreadyCompletedException(_Error):
    """PutLifecycleEventHookExecutionStatus for a hook that reported already."""


class InvalidLifecycleEventHookExecutionStatusException(_Error):
    """A hook may report Succeeded or Failed only."""


class InvalidRevisionException(_Error):
    """An AppSpec that is not one for an ECS service."""


class InvalidDeploymentConfigNameException(_Error):
    """A deployment config that is neither predefined nor created."""


class DeploymentConfigAlreadyExistsException(_Error):
    pass


class DeploymentConfigDoesNotExistException(_Error):
    pass


class DeploymentConfigInUseException(_Error):
    pass


class DeploymentTargetDoesNotExistException(_Error):
    pass


class InvalidECSServiceException(_Error):
    """The group's ECS service, cluster or load balancer is not there."""
