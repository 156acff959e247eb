"""Stubbed ECS and CodeDeploy for the bluegreen command: botocore's Stubber asserts every call and
its parameters, in order. Revisions are built as describe_task_definition gives them."""

from __future__ import annotations

import io
import json

import boto3
from botocore.stub import Stubber

from ecs_bluegreen import cli
from ecs_bluegreen.cli.aws import Clients
from ecs_bluegreen.cli.engines import CodeDeployEngine

ARN = "arn:aws:ecs:ap-northeast-1:123456789012:task-definition/web-dev:{}"
OUTPUTS = {
    "region": "ap-northeast-1",
    "cluster_name": "web-dev",
    "service_name": "web-dev",
    "container_name": "nginx",
    "container_port": 80,
    "codedeploy_app_name": "web-dev",
    "codedeploy_group_name": "web-dev",
    "task_definition_arn": ARN.format(4),
}
EXECUTION_ROLE = "arn:aws:iam::123456789012:role/web-dev-task-execution"
TERRAFORM_TAGS = {"Project": "web", "bluegreen:registered-by": "terraform"}


def revision(
    number: int,
    *,
    image: str = "nginx:1.27",
    cpu: str = "256",
    memory: str = "512",
    environment: dict[str, str] | None = None,
    tags: dict[str, str] | None = None,
) -> dict:
    """A describe_task_definition answer, as ECS gives it."""
    body = {
        "taskDefinitionArn": ARN.format(number),
        "family": "web-dev",
        "revision": number,
        "status": "ACTIVE",
        "networkMode": "awsvpc",
        "requiresCompatibilities": ["FARGATE"],
        "cpu": cpu,
        "memory": memory,
        "executionRoleArn": EXECUTION_ROLE,
        "containerDefinitions": [
            {
                "name": "nginx",
                "image": image,
                "essential": True,
                "cpu": 0,
                "portMappings": [{"containerPort": 80, "hostPort": 80, "protocol": "tcp"}],
                "environment": [{"name": k, "value": v} for k, v in sorted((environment or {}).items())],
                "mountPoints": [],
                "volumesFrom": [],
                "logConfiguration": {
                    "logDriver": "awslogs",
                    "options": {
                        "awslogs-group": "/ecs/web-dev",
                        "awslogs-region": "ap-northeast-1",
                        "awslogs-stream-prefix": "nginx",
                    },
                },
            }
        ],
    }
    tags = TERRAFORM_TAGS if tags is None else tags
    return {"taskDefinition": body, "tags": [{"key": k, "value": v} for k, v in tags.items()]}


def deployed_by_us(number: int, base: int, **shape) -> dict:
    """A revision `bluegreen deploy` registered from Terraform's revision `base`."""
    return revision(
        number,
        tags={
            "Project": "web",
            "bluegreen:registered-by": "bluegreen deploy",
            "bluegreen:terraform-revision": ARN.format(base),
        },
        **shape,
    )


class Aws:
    """Stubbed ECS and CodeDeploy; every expected call is queued in order, then checked."""

    def __init__(self) -> None:
        kw = {"region_name": "ap-northeast-1", "aws_access_key_id": "x", "aws_secret_access_key": "x"}
        self.ecs, self.codedeploy = boto3.client("ecs", **kw), boto3.client("codedeploy", **kw)
        self.ecs_stub, self.codedeploy_stub = Stubber(self.ecs), Stubber(self.codedeploy)

    def idle(self) -> None:
        """No deployment of the group runs: what `deploy` checks first, unless it is a dry run."""
        self.codedeploy_stub.add_response(
            "list_deployments",
            {"deployments": []},
            {
                "applicationName": "web-dev",
                "deploymentGroupName": "web-dev",
                "includeOnlyStatuses": list(CodeDeployEngine.RUNNING),
            },
        )

    def running(self, number: int) -> None:
        self.ecs_stub.add_response(
            "describe_services",
            {"services": [{"taskDefinition": ARN.format(number)}]},
            {"cluster": "web-dev", "services": ["web-dev"]},
        )

    def describe(self, answer: dict) -> None:
        self.ecs_stub.add_response(
            "describe_task_definition",
            answer,
            {"taskDefinition": answer["taskDefinition"]["taskDefinitionArn"], "include": ["TAGS"]},
        )

    def register(self, expected: dict, number: int) -> None:
        self.ecs_stub.add_response(
            "register_task_definition", {"taskDefinition": {"taskDefinitionArn": ARN.format(number)}}, expected
        )

    def create(self, number: int, description: str, hooks: list[dict[str, str]] | None = None) -> None:
        """A deployment whose AppSpec names revision `number` (and `hooks`, in their order)."""
        spec = {
            "version": "0.0",
            "Resources": [
                {
                    "TargetService": {
                        "Type": "AWS::ECS::Service",
                        "Properties": {
                            "TaskDefinition": ARN.format(number),
                            "LoadBalancerInfo": {"ContainerName": "nginx", "ContainerPort": 80},
                        },
                    }
                }
            ],
        }
        if hooks:
            spec["Hooks"] = hooks
        self.codedeploy_stub.add_response(
            "create_deployment",
            {"deploymentId": "d-NEW"},
            {
                "applicationName": "web-dev",
                "deploymentGroupName": "web-dev",
                "description": description,
                "revision": {
                    "revisionType": "AppSpecContent",
                    "appSpecContent": {"content": json.dumps(spec, sort_keys=True)},
                },
            },
        )

    def run(self, *args: str, tmp_path, outputs: dict | None = None, sleep=lambda s: None) -> tuple[int, str, str]:
        path = tmp_path / "outputs.json"
        path.write_text(json.dumps(outputs or OUTPUTS))
        out, err = io.StringIO(), io.StringIO()
        with self.ecs_stub, self.codedeploy_stub:
            code = cli.main(
                [*args, "--outputs", str(path)],
                clients=lambda o: Clients(self.ecs, self.codedeploy),
                out=out,
                err=err,
                sleep=sleep,
            )
            self.ecs_stub.assert_no_pending_responses()
            self.codedeploy_stub.assert_no_pending_responses()
        return code, out.getvalue(), err.getvalue()


def register_request(source: dict, image: str, base: int) -> dict:
    """What registering Terraform's revision `base` with `image` must send."""
    body = source["taskDefinition"]
    containers = [dict(c, image=image) for c in body["containerDefinitions"]]
    return {
        "family": "web-dev",
        "executionRoleArn": EXECUTION_ROLE,
        "networkMode": "awsvpc",
        "containerDefinitions": containers,
        "requiresCompatibilities": ["FARGATE"],
        "cpu": body["cpu"],
        "memory": body["memory"],
        "tags": [
            {"key": "Project", "value": "web"},
            {"key": "bluegreen:registered-by", "value": "bluegreen deploy"},
            {"key": "bluegreen:terraform-revision", "value": ARN.format(base)},
        ],
    }
