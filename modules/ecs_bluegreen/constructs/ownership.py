"""What the deployer (CodeDeploy, or ECS-native) owns after the first blue/green deployment, so
that Terraform leaves it alone.

Terraform creates these resources, then CodeDeploy changes them at every deployment: it swaps the
task set behind the service and flips (or weights) the listener actions between the blue and green
target groups. If Terraform managed those fields, the next `terraform apply` would undo a
deployment, or fail, because ECS rejects such updates on a CODE_DEPLOY service. The lists below
become each resource's `lifecycle.ignore_changes`, computed here from the settings rather than
copied by hand into each resource.

On the ECS-native engine the same holds of the listener rules ECS shifts traffic on: it rewrites
their forward weights at every deployment (terraform-aws-alb #409). Its service keeps the same
fields ignored, for a reason of its own: `bluegreen deploy` owns what runs on both engines, so that
a `terraform apply` never starts a deployment, and ECS alternates the target groups of the load
balancer block itself, which an apply that sent them back would undo (terraform-provider-aws #45678).
"""

from __future__ import annotations

LISTENER_FIELDS = ("default_action",)
"""CodeDeploy rewrites the forward action and may leave a weighted forward to both groups; ECS
does the same to an NLB's listeners."""

LISTENER_RULE_FIELDS = ("action",)
"""ECS rewrites the forward weights of the production and test rules (ECS-native, ALB)."""

SERVICE_FIELDS = ("task_definition", "load_balancer", "network_configuration", "platform_version")
"""ECS accepts changes to these only through a new deployment: CodeDeploy's AppSpec, or `bluegreen deploy`."""


def listener_ignore_changes() -> list[str]:
    return list(LISTENER_FIELDS)


def listener_rule_ignore_changes() -> list[str]:
    return list(LISTENER_RULE_FIELDS)


def service_ignore_changes(*, autoscaling: bool, migrating: bool = False) -> list[str]:
    """Fields of the ECS service Terraform must not manage.

    With autoscaling, Application Auto Scaling owns the task count as well. During step 1 of a
    migration to the ECS-native engine, Terraform sets the load balancer block once (its
    alternate target group, rules and role): the one apply that hands the service to ECS.
    """
    fields = [f for f in SERVICE_FIELDS if not (migrating and f == "load_balancer")]
    if autoscaling:
        fields.append("desired_count")
    return fields
