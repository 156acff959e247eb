"""A test-traffic hook the stack creates: a Lambda function CodeDeploy runs at AfterAllowTestTraffic
(ECS-native: at POST_TEST_TRAFFIC_SHIFT), when the test listener serves the new task set and
production still runs the old one.

The function runs in the tasks' private subnets. It reaches the test listener from there: an
internal load balancer lets its security group in; an internet-facing one sees it come from the
NAT gateway's public address, which the stack lets in when it created that gateway (with your own
VPC, list your NAT's address in load_balancer.test_ingress_cidrs). Its role may write its logs,
manage its network interfaces (AWSLambdaVPCAccessExecutionRole) and, on CodeDeploy, report the
result of exactly this deployment group's hooks. ECS-native takes the result as the function's
answer, so there it needs no grant and no way to an AWS API.
"""

from __future__ import annotations

import hashlib
import io
import json
import tempfile
import zipfile
from pathlib import Path
from typing import ClassVar

from constructs import Construct

from ..settings import TestTrafficHookProps, check_value
from .aws.iam_role import IamRole
from .aws.iam_role_policy import IamRolePolicy
from .aws.iam_role_policy_attachment import IamRolePolicyAttachment
from .aws.lambda_function import LambdaFunction, LambdaFunctionEnvironment, LambdaFunctionVpcConfig
from .aws.security_group import SecurityGroup
from .aws.vpc_security_group_egress_rule import VpcSecurityGroupEgressRule
from .cdk import AssetType, Fn, TerraformAsset
from .iam import assume_role_policy
from .part import Part
from .suppressions import suppress

BUILT_IN = Path(__file__).resolve().parent.parent / "hooks" / "smoke_test.py"
VPC_ACCESS_POLICY = "policy/service-role/AWSLambdaVPCAccessExecutionRole"
SUPPRESSIONS = (
    (
        "CKV_AWS_116",
        "CodeDeploy invokes it synchronously and reads its result: a dead-letter queue "
        "would hold nothing anyone reads.",
    ),
    ("CKV_AWS_115", "Runs once per deployment: reserved concurrency would only take from the account's."),
    (
        "CKV_AWS_173",
        "Its variables are the test URL and your settings, no secrets: the default key encrypts them at rest.",
    ),
    ("CKV_AWS_272", "Code is the stack's own asset, deployed by Terraform; no code signing profile."),
    ("CKV_AWS_50", "One request per deployment; its logs say what it saw, tracing adds nothing."),
)
"""The checkov findings the function is exempt from, each with its reason."""


def built_in_archive() -> Path:
    """The built-in smoke test as a zip whose bytes depend on its source only (fixed names, times
    and modes), so that its asset, and the synthesized JSON, are the same on every synth."""
    source = BUILT_IN.read_bytes()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        info = zipfile.ZipInfo("smoke_test.py", date_time=(1980, 1, 1, 0, 0, 0))
        info.external_attr = 0o644 << 16
        archive.writestr(info, source)
    data = buffer.getvalue()
    folder = Path(tempfile.gettempdir()) / f"ecs-bluegreen-hook-{hashlib.sha256(data).hexdigest()[:16]}"
    folder.mkdir(exist_ok=True)
    path = folder / "smoke_test.zip"
    if not path.exists() or path.read_bytes() != data:
        path.write_bytes(data)
    return path


class TestTrafficHook(Part):
    """The function, its role and its security group; ``function`` is what the AppSpec names."""

    __test__: ClassVar[bool] = False

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        name: str,
        props: TestTrafficHookProps,
        test_url: str,
        test_port: int,
        vpc_id: str,
        subnet_ids: list[str],
        deployment_group_arn: str | None,
        vpc_access_policy_arn: str,
    ) -> None:
        check_value("props", props, TestTrafficHookProps)
        super().__init__(scope, id)
        if props.source_dir is None:
            asset = TerraformAsset(self, "code", path=str(built_in_archive()), type=AssetType.FILE)
        else:
            asset = TerraformAsset(self, "code", path=str(Path(props.source_dir).resolve()), type=AssetType.ARCHIVE)

        self.role = IamRole(
            self, "role", name=f"{name}-test-hook", assume_role_policy=assume_role_policy("lambda.amazonaws.com")
        )
        grants = self._grants(vpc_access_policy_arn, deployment_group_arn)
        egress = {test_port: "the test listener"}
        if deployment_group_arn is not None:
            egress[443] = "CodeDeploy's API, for the result"
        self.security_group = self._security_group(name, vpc_id, egress)
        self.function = LambdaFunction(
            self,
            "function",
            function_name=f"{name}-test-traffic",
            role=self.role.arn,
            handler=props.handler,
            runtime=props.runtime,
            timeout=props.timeout_seconds,
            memory_size=256,
            filename=asset.path,
            source_code_hash=Fn.filebase64sha256(asset.path),
            environment=LambdaFunctionEnvironment(
                variables={**props.environment, "TEST_URL": test_url, "TEST_PATH": props.path}
            ),
            vpc_config=LambdaFunctionVpcConfig(subnet_ids=subnet_ids, security_group_ids=[self.security_group.id]),
            # Its network interfaces need the role's grant first.
            depends_on=grants,
        )
        for check, reason in SUPPRESSIONS:
            suppress(self.function, check, reason)

    def _grants(
        self, vpc_access_policy_arn: str, deployment_group_arn: str | None
    ) -> list[IamRolePolicyAttachment | IamRolePolicy]:
        """The role's grants: its network interfaces and logs, and on CodeDeploy (a deployment group
        to report to) the result of exactly that group's hooks."""
        grants: list[IamRolePolicyAttachment | IamRolePolicy] = [
            IamRolePolicyAttachment(self, "role-policy", role=self.role.name, policy_arn=vpc_access_policy_arn)
        ]
        if deployment_group_arn is not None:
            statement = {
                "Sid": "ReportHookStatus",
                "Effect": "Allow",
                "Action": "codedeploy:PutLifecycleEventHookExecutionStatus",
                "Resource": deployment_group_arn,
            }
            policy = json.dumps({"Version": "2012-10-17", "Statement": [statement]}, sort_keys=True)
            grants.append(IamRolePolicy(self, "report", name="report-hook-status", role=self.role.name, policy=policy))
        return grants

    def _security_group(self, name: str, vpc_id: str, egress: dict[int, str]) -> SecurityGroup:
        """The function's group: out to each port of `egress` (and what is there), nothing in."""
        group = SecurityGroup(
            self,
            "sg",
            name=f"{name}-test-hook",
            vpc_id=vpc_id,
            description=f"{name} test-traffic hook: to the test listener and AWS",
            tags={"Name": f"{name}-test-hook"},
        )
        for port, what in sorted(egress.items()):
            VpcSecurityGroupEgressRule(
                self,
                f"egress-{port}",
                security_group_id=group.id,
                description=what,
                cidr_ipv4="0.0.0.0/0",
                ip_protocol="tcp",
                from_port=port,
                to_port=port,
            )
        return group
