"""The stacks the unit tests read, one per option worth covering. Each also goes through
`terraform validate` in constructs/test_validate.py, so every option is proved by real Terraform."""

from __future__ import annotations

from ecs_bluegreen import (
    AlarmProps,
    AutoscalingProps,
    BlueGreenServiceProps,
    BootstrapSettings,
    ContainerHealthCheckProps,
    ContainerProps,
    CustomEndpointProps,
    DeploymentProps,
    ExecuteCommandProps,
    HealthCheckProps,
    IamProps,
    LoadBalancerProps,
    LogProps,
    MigrationProps,
    NetworkProps,
    NotificationProps,
    PolicyStatementProps,
    RepositoryProps,
    SecretProps,
    ServiceProps,
    StackSettings,
    StateBackendProps,
    StateBucketProps,
    TestTrafficHookProps,
    TrafficShiftProps,
)

IMAGE = "public.ecr.aws/nginx/nginx:1.27"
ACCOUNT = "123456789012"
SECRET = f"arn:aws:secretsmanager:ap-northeast-1:{ACCOUNT}:secret:web/db-AbCdEf"
PARAMETER = f"arn:aws:ssm:ap-northeast-1:{ACCOUNT}:parameter/web/api-key"
KMS_KEY = f"arn:aws:kms:ap-northeast-1:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
CERTIFICATE = f"arn:aws:acm:ap-northeast-1:{ACCOUNT}:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789"


def _settings(
    name: str, *, backend: StateBackendProps | None = None, stack: dict | None = None, **app: object
) -> StackSettings:
    app.setdefault("service", ServiceProps(image=IMAGE))
    return StackSettings(
        app=BlueGreenServiceProps(name=name, **app),
        backend=backend or StateBackendProps(bucket="tests-tfstate", key=f"{name}/terraform.tfstate"),
        **(stack or {}),
    )


SCENARIOS: dict[str, StackSettings | BootstrapSettings] = {
    # Only the required settings: every default at work.
    "defaults": _settings("web-test"),
    "existing-vpc": _settings(
        "web-vpc",
        network=NetworkProps(
            vpc_id="vpc-0123456789abcdef0",
            public_subnet_ids=("subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"),
            private_subnet_ids=("subnet-0bbbbbbbbbbbbbbb1", "subnet-0bbbbbbbbbbbbbbb2"),
        ),
    ),
    "nlb": _settings("web-nlb", load_balancer=LoadBalancerProps(type="network")),
    "approval": _settings(
        "web-approval",
        deployment=DeploymentProps(
            ready_action="STOP_DEPLOYMENT",
            approval_wait_minutes=30,
            termination_wait_minutes=5,
            deployment_config_name="CodeDeployDefault.ECSCanary10Percent5Minutes",
        ),
    ),
    "autoscaling": _settings(
        "web-scaling",
        service=ServiceProps(
            image=IMAGE, autoscaling=AutoscalingProps(min_capacity=3, max_capacity=9, cpu_target_percent=60)
        ),
    ),
    "reuse": _settings(
        "web-reuse",
        deployment=DeploymentProps(hooks={"AfterAllowTestTraffic": "web-reuse-smoke"}),
        repository=RepositoryProps(name="shop/web", immutable_tags=False, scan_on_push=False, force_delete=True),
        service=ServiceProps(image=IMAGE, cluster_name="shared-cluster"),
        iam=IamProps(
            codedeploy_role_arn=f"arn:aws:iam::{ACCOUNT}:role/codedeploy",
            execution_role_arn=f"arn:aws:iam::{ACCOUNT}:role/exec",
            task_role_arn=f"arn:aws:iam::{ACCOUNT}:role/app",
        ),
        backend=StateBackendProps(
            bucket="tests-tfstate", key="reuse/terraform.tfstate", region="us-east-1", dynamodb_table="terraform-locks"
        ),
    ),
    "custom": _settings(
        "web-custom",
        service=ServiceProps(
            image="123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/web:v42",
            container_name="web",
            container_port=8000,
            cpu=1024,
            memory=4096,
            environment={"LOG_LEVEL": "debug", "APP_ENV": "custom"},
            desired_count=4,
            platform_version="LATEST",
            log_retention_days=90,
            container_insights=False,
            health_check_grace_period_seconds=120,
        ),
        network=NetworkProps(vpc_cidr="10.20.0.0/20", az_count=3, nat_gateway=False),
        load_balancer=LoadBalancerProps(
            internal=True,
            prod_port=8000,
            test_port=9000,
            prod_ingress_cidrs=("10.0.0.0/8", "2001:db8::/32"),
            test_ingress_cidrs=("198.51.100.0/24",),
            health_check=HealthCheckProps(
                path="/healthz",
                matcher="200-299",
                interval_seconds=15,
                timeout_seconds=10,
                healthy_threshold=3,
                unhealthy_threshold=4,
            ),
            deregistration_delay_seconds=30,
        ),
        iam=IamProps(
            create_task_role=True,
            task_role_policy_arns=(
                "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
                f"arn:aws:iam::{ACCOUNT}:policy/app-secrets",
            ),
        ),
        deployment=DeploymentProps(termination_wait_minutes=0, auto_rollback=False),
        stack={"region": "eu-west-1", "default_tags": {"Team": "platform", "CostCenter": "42"}},
    ),
    "emulator": _settings(
        "web-emulator",
        stack={"endpoint": CustomEndpointProps(url="http://127.0.0.1:4566")},
        backend=StateBackendProps(
            bucket="tests-tfstate", key="emulator/terraform.tfstate", dynamodb_table="terraform-locks"
        ),
    ),
    "bootstrap": BootstrapSettings(state=StateBucketProps(bucket="tests-tfstate")),
    "bootstrap-migrated": BootstrapSettings(
        state=StateBucketProps(
            bucket="tests-tfstate",
            lock_table="terraform-locks",
            kms_key_arn=f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        ),
        region="eu-west-1",
        migrated=True,
        endpoint=CustomEndpointProps(url="http://localhost:4566"),
    ),
    # Traffic control (the production-grade options).
    "canary-alarms": _settings(
        "web-canary",
        deployment=DeploymentProps(
            traffic_shift=TrafficShiftProps(type="canary", percentage=20, interval_minutes=10),
            alarms=AlarmProps(
                p99_latency_seconds=1.5,
                http_5xx_count=5,
                period_seconds=30,
                evaluation_periods=3,
                existing_alarm_names=("web-business-kpi",),
            ),
            notifications=NotificationProps(),
        ),
    ),
    "linear-requests": _settings(
        "web-linear",
        service=ServiceProps(image=IMAGE, autoscaling=AutoscalingProps(requests_per_target=500)),
        deployment=DeploymentProps(
            traffic_shift=TrafficShiftProps(type="linear", percentage=25, interval_minutes=2),
            notifications=NotificationProps(
                topic_arn=f"arn:aws:sns:ap-northeast-1:{ACCOUNT}:ops", events=("DeploymentStart", "DeploymentReady")
            ),
        ),
    ),
    "https": _settings(
        "web-https",
        load_balancer=LoadBalancerProps(
            certificate_arn=CERTIFICATE,
            test_listener_https=True,
            test_ingress_cidrs=("10.0.0.0/8",),
            deletion_protection=True,
            access_logs_bucket="web-lb-logs",
            access_logs_prefix="web-https",
            idle_timeout_seconds=120,
        ),
    ),
    "nlb-autoscaling": _settings(
        "web-nlb-scale",
        load_balancer=LoadBalancerProps(type="network", health_check=HealthCheckProps(protocol="TCP")),
        service=ServiceProps(image=IMAGE, autoscaling=AutoscalingProps(min_capacity=2, max_capacity=4)),
        deployment=DeploymentProps(alarms=AlarmProps()),
    ),
    "https-plain-test": _settings(
        "web-https-plain",
        load_balancer=LoadBalancerProps(certificate_arn=CERTIFICATE, redirect_http=False, internal=True),
        network=NetworkProps(availability_zones=("ap-northeast-1a", "ap-northeast-1c")),
        # The built-in test-traffic hook on an internal load balancer: let in by its security group.
        deployment=DeploymentProps(test_traffic_hook=TestTrafficHookProps()),
    ),
    # The task's shape: Graviton, more ephemeral storage, a read-only root file system, a stop timeout.
    "graviton": _settings(
        "web-graviton",
        service=ServiceProps(
            image=IMAGE,
            cpu_architecture="ARM64",
            ephemeral_storage_gib=50,
            readonly_root_filesystem=True,
            stop_timeout_seconds=90,
        ),
    ),
    # A real service: secrets, sidecars with dependencies, health checks, task permissions, ECS Exec.
    "real-service": _settings(
        "web-real",
        service=ServiceProps(
            image=IMAGE,
            environment={"LOG_LEVEL": "info"},
            secrets={
                "DB_PASSWORD": SecretProps(arn=SECRET, json_key="password"),
                "DB_PASSWORD_OLD": SecretProps(arn=SECRET, json_key="password", version_stage="AWSPREVIOUS"),
                "API_KEY": SecretProps(arn=PARAMETER),
            },
            secrets_kms_key_arn=KMS_KEY,
            health_check=ContainerHealthCheckProps(
                command=("CMD-SHELL", "curl -f http://localhost/ || exit 1"), start_period_seconds=30
            ),
            depends_on={"envoy": "HEALTHY", "migrate": "SUCCESS"},
            log=LogProps(
                driver="awsfirelens",
                options={
                    "Name": "cloudwatch_logs",
                    "region": "ap-northeast-1",
                    "log_group_name": "/web/app",
                    "auto_create_group": "true",
                },
            ),
            sidecars=(
                ContainerProps(
                    name="log-router",
                    image="public.ecr.aws/aws-observability/aws-for-fluent-bit:stable",
                    firelens="fluentbit",
                ),
                ContainerProps(
                    name="envoy",
                    image="public.ecr.aws/appmesh/aws-appmesh-envoy:v1.29.4.0-prod",
                    ports=(9901,),
                    depends_on={"log-router": "START"},
                    health_check=ContainerHealthCheckProps(
                        command=("CMD", "curl", "-f", "http://localhost:9901/ready"), retries=5
                    ),
                ),
                ContainerProps(
                    name="migrate",
                    image="123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/web-migrate:v1",
                    essential=False,
                    command=("./migrate", "up"),
                    secrets={"DB_PASSWORD": SecretProps(arn=SECRET, json_key="password")},
                ),
            ),
            execute_command=ExecuteCommandProps(kms_key_arn=KMS_KEY),
        ),
        load_balancer=LoadBalancerProps(health_check=HealthCheckProps(path="/ready", port=9901)),
        iam=IamProps(
            create_task_role=True,
            task_role_statements=(
                PolicyStatementProps(actions=("s3:GetObject",), resources=("arn:aws:s3:::web-assets/*",)),
                PolicyStatementProps(
                    actions=("sqs:SendMessage",),
                    resources=(f"arn:aws:sqs:ap-northeast-1:{ACCOUNT}:web-jobs",),
                    conditions={"Bool": {"aws:SecureTransport": ("true",)}},
                ),
            ),
        ),
        deployment=DeploymentProps(
            hooks={
                "BeforeInstall": "web-real-migrations",
                "AfterAllowTraffic": f"arn:aws:lambda:ap-northeast-1:{ACCOUNT}:function:web-real-notify:live",
            },
            test_traffic_hook=TestTrafficHookProps(path="/ready"),
        ),
        repository=RepositoryProps(keep_images=50, kms_key_arn=KMS_KEY),
    ),
}

# ECS-native blue/green (deployment.engine "ecs"): synthesized only where the bindings have it
# (tiers B and C, hashicorp/aws 6.x), since no 6.x provider binary can run `terraform validate` here.
NATIVE_SCENARIOS: dict[str, StackSettings] = {
    # Every default, on the other engine: all at once, 60 minutes of bake time.
    "native-defaults": _settings("web-native", deployment=DeploymentProps(engine="ecs")),
    # A predefined canary, the alarms, the built-in test-traffic hook and hooks of your own.
    "native-canary": _settings(
        "web-native-canary",
        load_balancer=LoadBalancerProps(internal=True),
        deployment=DeploymentProps(
            engine="ecs",
            deployment_config_name="CodeDeployDefault.ECSCanary10Percent5Minutes",
            termination_wait_minutes=30,
            alarms=AlarmProps(existing_alarm_names=("web-business-kpi",)),
            test_traffic_hook=TestTrafficHookProps(),
            hooks={"BeforeInstall": "web-native-migrations", "AfterAllowTraffic": "web-native-migrations"},
        ),
    ),
    # A custom linear shift, with roles of your own.
    "native-linear": _settings(
        "web-native-linear",
        iam=IamProps(infrastructure_role_arn=f"arn:aws:iam::{ACCOUNT}:role/ecs-infrastructure"),
        deployment=DeploymentProps(
            engine="ecs",
            termination_wait_minutes=0,
            traffic_shift=TrafficShiftProps(type="linear", percentage=25, interval_minutes=2),
        ),
    ),
    # A network load balancer: ECS shifts its listeners themselves, canary steps too.
    "native-nlb": _settings(
        "web-native-nlb",
        load_balancer=LoadBalancerProps(type="network", health_check=HealthCheckProps(protocol="TCP")),
        deployment=DeploymentProps(
            engine="ecs",
            alarms=AlarmProps(),
            traffic_shift=TrafficShiftProps(type="canary", percentage=20, interval_minutes=5),
        ),
    ),
}

MIGRATION = {
    # The same environment, on CodeDeploy, in step 1 of the migration, and on ECS-native (step 2),
    # with a hook and the built-in test-traffic hook, which both engines run.
    step: _settings(
        "web-move",
        load_balancer=LoadBalancerProps(internal=True),
        deployment=DeploymentProps(
            hooks={"AfterInstall": "web-move-warmup"}, test_traffic_hook=TestTrafficHookProps(), **engine
        ),
    )
    for step, engine in (
        ("codedeploy", {}),
        ("step-1", {"engine": "ecs", "migration": MigrationProps(live_target_group="green")}),
        ("ecs", {"engine": "ecs"}),
    )
}
