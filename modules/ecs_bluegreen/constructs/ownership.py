"""What CodeDeploy owns after the first blue/green deployment, so that Terraform leaves it alone.

Terraform creates these resources, then CodeDeploy changes them at every deployment: it swaps the
task set behind the service and flips (or weights) the listener actions between the blue and green
target groups. If Terraform managed those fields, the next `terraform apply` would undo a
deployment, or fail, because ECS rejects such updates on a CODE_DEPLOY service. The lists below
become each resource's `lifecycle.ignore_changes`, computed here from the settings rather than
copied by hand into each resource.
"""

from __future__ import annotations

LISTENER_FIELDS = ("default_action",)
"""CodeDeploy rewrites the forward action and may leave a weighted forward to both groups."""

SERVICE_FIELDS = ("task_definition", "load_balancer", "network_configuration", "platform_version")
"""ECS accepts changes to these only through a new CodeDeploy deployment (the AppSpec)."""


def listener_ignore_changes() -> list[str]:
    return list(LISTENER_FIELDS)


def service_ignore_changes(*, autoscaling: bool) -> list[str]:
    """Fields of the ECS service Terraform must not manage.

    With autoscaling, Application Auto Scaling owns the task count as well.
    """
    fields = list(SERVICE_FIELDS)
    if autoscaling:
        fields.append("desired_count")
    return fields
