"""What a stack and its readers agree on: output names, and the tags on task definition revisions.

The stacks write them; `bluegreen`, other stacks (through remote state) and scripts read them.
They are API: renaming one breaks every reader, so the tests pin them. Light on purpose: the
command imports it without the CDKTF bindings.
"""

from __future__ import annotations

import re
from typing import Literal, get_args

Engine = Literal["codedeploy", "ecs"]
"""Who runs a blue/green deployment: a CodeDeploy deployment group, or ECS itself (ECS-native)."""
ENGINES: tuple[Engine, ...] = get_args(Engine)

DEPLOY_OUTPUTS = (
    "region",
    "cluster_name",
    "service_name",
    "container_name",
    "container_port",
    "codedeploy_app_name",
    "codedeploy_group_name",
)
"""What a deployment cannot do without, on the CodeDeploy engine."""
ENGINE_OUTPUT = "engine"
"""Written by a stack on the ECS-native engine ("ecs"); a stack without it runs CodeDeploy's."""
NATIVE_DEPLOY_OUTPUTS = ("region", "cluster_name", "service_name", "container_name", "container_port", ENGINE_OUTPUT)
"""What a deployment cannot do without, on the ECS-native engine (no CodeDeploy names)."""
REQUIRED_OUTPUTS: dict[Engine, tuple[str, ...]] = {"codedeploy": DEPLOY_OUTPUTS, "ecs": NATIVE_DEPLOY_OUTPUTS}
"""What a deployment cannot do without, by the engine the stack's output `engine` names."""

APPSPEC_OUTPUTS = (
    "platform_version",
    "task_subnet_ids",
    "task_security_group_ids",
    "assign_public_ip",
    "task_definition_arn",
    "hooks",
)
"""What a deployment carries when the stack has it: the settings Terraform leaves to CodeDeploy
(written into the AppSpec), the revision Terraform registered last, which it starts from, and the
Lambda functions of the lifecycle hooks."""

HookEvent = Literal[
    "BeforeInstall", "AfterInstall", "AfterAllowTestTraffic", "BeforeAllowTraffic", "AfterAllowTraffic"
]
"""The lifecycle events of an ECS deployment that run a Lambda function, in the order they happen."""
HOOK_EVENTS: tuple[HookEvent, ...] = get_args(HookEvent)

NATIVE_STAGES = (
    "RECONCILE_SERVICE",
    "PRE_SCALE_UP",
    "SCALE_UP",
    "POST_SCALE_UP",
    "TEST_TRAFFIC_SHIFT",
    "POST_TEST_TRAFFIC_SHIFT",
    "PRODUCTION_TRAFFIC_SHIFT",
    "POST_PRODUCTION_TRAFFIC_SHIFT",
    "BAKE_TIME",
    "CLEAN_UP",
)
"""The lifecycle stages of an ECS blue/green service deployment, in order (the ECS API's
ServiceDeploymentLifecycleStage): what the command reads, and what the emulator runs."""

HOOK_STAGES: dict[HookEvent, str] = {
    "BeforeInstall": "PRE_SCALE_UP",
    "AfterInstall": "POST_SCALE_UP",
    "AfterAllowTestTraffic": "POST_TEST_TRAFFIC_SHIFT",
    "BeforeAllowTraffic": "PRODUCTION_TRAFFIC_SHIFT",
    "AfterAllowTraffic": "POST_PRODUCTION_TRAFFIC_SHIFT",
}
"""The ECS-native lifecycle stage each AppSpec event runs at: before the new tasks start
(PRE_SCALE_UP); once they run (POST_SCALE_UP); once all test traffic reaches them
(POST_TEST_TRAFFIC_SHIFT); while production traffic moves to them (PRODUCTION_TRAFFIC_SHIFT, where
ECS runs the hook at each step of a canary or linear shift, and CodeDeploy ran BeforeAllowTraffic
once, before any moved, and where ECS runs it again when it rolls back); once all of it has moved
(POST_PRODUCTION_TRAFFIC_SHIFT). The stage names are those of the ECS API's DeploymentLifecycleHook."""

LAMBDA_FUNCTION = re.compile(
    r"(?:arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:)?[A-Za-z0-9_-]{1,64}"
    r"(?::(?:\$LATEST|[A-Za-z0-9_-]{1,128}))?"
)
"""A Lambda function as CodeDeploy takes it: its name (with an optional version or alias), or its ARN."""

TRAFFIC_OUTPUTS = (
    "load_balancer_dns_name",
    "prod_url",
    "test_url",
    "blue_target_group_name",
    "green_target_group_name",
    "prod_listener_arn",
    "test_listener_arn",
)
"""Where traffic enters, for scripts, alarms and other stacks."""

NATIVE_TRAFFIC_OUTPUTS = ("prod_listener_rule_arn", "test_listener_rule_arn")
"""The listener rules ECS shifts traffic on (ECS-native engine, application load balancer)."""

REPOSITORY_OUTPUTS = ("repository_url",)
"""Where images go, when the stack creates the repository (`repository` set)."""

REGISTERED_BY = "bluegreen:registered-by"
"""Tag on a task definition revision: who registered it."""
TERRAFORM_REVISION = "bluegreen:terraform-revision"
"""Tag on a revision `bluegreen deploy` registered: the Terraform revision it started from."""
BY_TERRAFORM = "terraform"
BY_DEPLOY = "bluegreen deploy"

PREDEFINED_SHIFTS = {
    "CodeDeployDefault.ECSAllAtOnce": ("all-at-once", 100, 0),
    "CodeDeployDefault.ECSCanary10Percent5Minutes": ("canary", 10, 5),
    "CodeDeployDefault.ECSCanary10Percent15Minutes": ("canary", 10, 15),
    "CodeDeployDefault.ECSLinear10PercentEvery1Minutes": ("linear", 10, 1),
    "CodeDeployDefault.ECSLinear10PercentEvery3Minutes": ("linear", 10, 3),
}
"""CodeDeploy's predefined ECS deployment configs, and how each moves traffic: (kind, percent per
step, minutes between steps). The stacks accept these names; `bluegreen review` reads the steps."""
