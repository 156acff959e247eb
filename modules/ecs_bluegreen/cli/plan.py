"""What `bluegreen deploy` rolls out: Terraform owns the task definition's shape, a deployment
owns the image. The plan is facts; render.py says them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..contract import BY_TERRAFORM
from ..revisions import Change, Provenance, container, deploy_tags, diff, label, register_request, with_image
from .exits import CommandError, Exit

if TYPE_CHECKING:
    from .service import LiveService


@dataclass(frozen=True)
class DeployPlan:
    """What a deployment rolls out: an existing revision (`deploy_arn`) or a new one (`register`)."""

    container_name: str
    running_arn: str
    terraform_arn: str | None  # None: --task-definition, deployed as given
    image: str
    image_given: bool
    deploy_arn: str | None
    register: dict[str, Any] | None
    changes: list[Change]  # against the running revision, the app image first if it changes
    drift: list[Change] | None  # made by hand in the running revision; None: cannot be checked
    origin: str  # who registered the running revision
    terraform_image: str | None

    @property
    def shape_changes(self) -> list[Change]:
        """The changes beyond the app container's image."""
        return [c for c in self.changes if c.field != f"{self.container_name}.image"]

    @property
    def nothing_to_deploy(self) -> bool:
        return self.terraform_arn is not None and not self.changes


def image_of(described: Mapping[str, Any], container_name: str) -> str:
    try:
        return str(container(described["taskDefinition"], container_name)["image"])
    except LookupError as err:
        raise CommandError(str(err)) from None


def plan_deployment(service: LiveService, *, image: str | None, task_definition: str | None) -> DeployPlan:
    """What `bluegreen deploy` would roll out, against what runs now.

    Without `task_definition`, the new revision is Terraform's latest with `image` (default: the
    image that runs now) in the app container; Terraform's revision is deployed as is when its image
    is that image already."""
    name = service.outputs.container_name
    running_arn = service.current_task_definition()
    running = service.describe(running_arn)
    running_image = image_of(running, name)
    terraform_arn = terraform_image = deploy_arn = None
    register: dict[str, Any] | None = None
    if task_definition is not None:
        given = service.describe(task_definition)
        deploy_arn, target, target_image = task_definition, given["taskDefinition"], image_of(given, name)
    else:
        terraform_arn = _terraform_arn(service)
        terraform = service.describe(terraform_arn)
        terraform_image = image_of(terraform, name)
        target_image = image or running_image
        target = with_image(terraform["taskDefinition"], name, target_image)
        if terraform_image == target_image:
            deploy_arn = terraform_arn
        else:
            register = {**register_request(target), "tags": deploy_tags(terraform)}
    changes = diff(running["taskDefinition"], target, skip_image_of=name)
    if target_image != running_image:
        changes.insert(
            0, Change(f"{name}.image", running_image, target_image, f"{name} image {running_image} → {target_image}")
        )
    drift, origin = _drift(service, running)
    return DeployPlan(
        container_name=name,
        running_arn=running_arn,
        terraform_arn=terraform_arn,
        image=target_image,
        image_given=image is not None,
        deploy_arn=deploy_arn,
        register=register,
        changes=changes,
        drift=drift,
        origin=origin,
        terraform_image=terraform_image,
    )


def _terraform_arn(service: LiveService) -> str:
    if not service.outputs.task_definition_arn:
        raise CommandError(
            "the stack's outputs lack task_definition_arn, the revision Terraform registered last: "
            "apply the stack with this version of the library, or pass --task-definition ARN",
            Exit.BAD_INPUT,
        )
    return service.outputs.task_definition_arn


def _drift(service: LiveService, running: Mapping[str, Any]) -> tuple[list[Change] | None, str]:
    """What the running revision has that neither its Terraform revision nor its image explain
    (made by hand), and who registered it. The list is None when that cannot be checked."""
    from botocore.exceptions import ClientError

    name = service.outputs.container_name
    origin = Provenance.of(running)
    if origin.terraform_revision is None:
        return None, "registered neither by Terraform nor by bluegreen (by hand, or by another tool)"
    if origin.registered_by == BY_TERRAFORM:
        return [], "registered by Terraform"
    source = label(origin.terraform_revision)
    try:
        base = service.describe(origin.terraform_revision)["taskDefinition"]
        expected = with_image(base, name, image_of(running, name))
    except ClientError:
        return None, f"registered by bluegreen from {source}, which is gone"
    except LookupError:
        return None, f"registered by bluegreen from {source}, which has no container {name!r}"
    return diff(expected, running["taskDefinition"], skip_image_of=name), f"registered by bluegreen from {source}"


def terraform_status(service: LiveService) -> dict[str, Any] | None:
    """Whether Terraform's latest revision is live: the running revision has its shape (the image
    aside). None when the stack has no task_definition_arn output."""
    outputs = service.outputs
    if not outputs.task_definition_arn:
        return None
    running_arn = service.current_task_definition()
    running = service.describe(running_arn)
    terraform = service.describe(outputs.task_definition_arn)
    image_of(terraform, outputs.container_name)  # Terraform's revision has the app container
    expected = with_image(
        terraform["taskDefinition"], outputs.container_name, image_of(running, outputs.container_name)
    )
    pending = diff(running["taskDefinition"], expected, skip_image_of=outputs.container_name)
    return {
        "terraformTaskDefinitionArn": outputs.task_definition_arn,
        "runningTaskDefinitionArn": running_arn,
        "live": not pending,
        "pending": [c.as_json() for c in pending],
    }
