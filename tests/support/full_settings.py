"""A settings file that sets every setting, valid as it stands: the bad-input tests break one value
of it at a time, and the JSON Schema must accept it whole."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import ecs_bluegreen

ACCOUNT = "123456789012"
SECRET = f"arn:aws:secretsmanager:ap-northeast-1:{ACCOUNT}:secret:shop/db-AbCdEf"
PARAMETER = f"arn:aws:ssm:ap-northeast-1:{ACCOUNT}:parameter/shop/datadog-api-key"
CERTIFICATE_ID = "0a1b2c3d-4e5f-6789-abcd-ef0123456789"
KMS_KEY = f"arn:aws:kms:ap-northeast-1:{ACCOUNT}:key/0a1b2c3d-4e5f-6789-abcd-ef0123456789"
# A folder of test code that exists wherever the checkout is: the built-in hook's.
HOOK_CODE = str(Path(ecs_bluegreen.__file__).resolve().parent / "hooks")
# A config that sets every setting, valid as it stands; the tests below break one value at a time.
FULL: dict[str, Any] = {
    "project": "shop",
    "defaults": {
        "region": "ap-northeast-1",
        "default_tags": {"Team": "platform"},
        "backend": {
            "bucket": "shop-tfstate",
            "region": "ap-northeast-1",
            "use_lockfile": True,
            "dynamodb_table": "tf-locks",
        },
        "app": {
            "service": {
                "image": "public.ecr.aws/nginx/nginx:1.27",
                "container_name": "web",
                "container_port": 8080,
                "cpu": 512,
                "memory": 1024,
                "environment": {"LOG_LEVEL": "info"},
                "desired_count": 2,
                "platform_version": "1.4.0",
                "assign_public_ip": False,
                "health_check_grace_period_seconds": 60,
                "log_retention_days": 30,
                "container_insights": True,
                "autoscaling": {
                    "min_capacity": 2,
                    "max_capacity": 6,
                    "cpu_target_percent": 60,
                    "requests_per_target": 800,
                },
                "cpu_architecture": "ARM64",
                "ephemeral_storage_gib": 30,
                "readonly_root_filesystem": True,
                "stop_timeout_seconds": 60,
                "secrets": {"DB_PASSWORD": {"arn": SECRET, "json_key": "password", "version_stage": "AWSCURRENT"}},
                "secrets_kms_key_arn": KMS_KEY,
                "health_check": {
                    "command": ["CMD-SHELL", "curl -f http://localhost:8080/healthz || exit 1"],
                    "interval_seconds": 20,
                    "timeout_seconds": 5,
                    "retries": 3,
                    "start_period_seconds": 10,
                },
                "depends_on": {"agent": "HEALTHY"},
                "log": {"driver": "awslogs", "options": {"mode": "non-blocking"}},
                "sidecars": [
                    {
                        "name": "agent",
                        "image": "public.ecr.aws/datadog/agent:7",
                        "essential": True,
                        "ports": [8126],
                        "command": ["agent", "run"],
                        "environment": {"DD_SITE": "datadoghq.com"},
                        "secrets": {"DD_API_KEY": {"arn": PARAMETER}},
                        "depends_on": {"log-router": "START"},
                        "health_check": {"command": ["CMD", "agent", "health"]},
                        "log": {"driver": "awsfirelens", "options": {"Name": "datadog"}},
                        "readonly_root_filesystem": False,
                    },
                    {
                        "name": "log-router",
                        "image": "public.ecr.aws/aws-observability/aws-for-fluent-bit:stable",
                        "essential": True,
                        "firelens": "fluentbit",
                    },
                ],
                "execute_command": {"log_sessions": True, "kms_key_arn": KMS_KEY},
            },
            "network": {
                "vpc_cidr": "10.20.0.0/16",
                "az_count": 2,
                "availability_zones": ["ap-northeast-1a", "ap-northeast-1c"],
                "nat_gateway": True,
            },
            "load_balancer": {
                "type": "application",
                "internal": False,
                "prod_port": 443,
                "test_port": 8443,
                "prod_ingress_cidrs": ["0.0.0.0/0"],
                "test_ingress_cidrs": ["203.0.113.0/24"],
                "health_check": {
                    "protocol": "HTTP",
                    "path": "/healthz",
                    "matcher": "200-299",
                    "interval_seconds": 15,
                    "timeout_seconds": 5,
                    "healthy_threshold": 3,
                    "unhealthy_threshold": 2,
                    "port": 8126,
                },
                "deregistration_delay_seconds": 30,
                "certificate_arn": f"arn:aws:acm:ap-northeast-1:{ACCOUNT}:certificate/{CERTIFICATE_ID}",
                "ssl_policy": "ELBSecurityPolicy-TLS13-1-2-2021-06",
                "redirect_http": True,
                "test_listener_https": True,
                "deletion_protection": False,
                "access_logs_bucket": "shop-lb-logs",
                "access_logs_prefix": "alb",
                "idle_timeout_seconds": 60,
                "drop_invalid_header_fields": True,
            },
            "iam": {
                "create_task_role": True,
                "task_role_policy_arns": ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"],
                "task_role_statements": [
                    {
                        "effect": "Allow",
                        "actions": ["sqs:SendMessage"],
                        "resources": [f"arn:aws:sqs:ap-northeast-1:{ACCOUNT}:shop-orders"],
                        "conditions": {"Bool": {"aws:SecureTransport": ["true"]}},
                    }
                ],
            },
            "deployment": {
                "ready_action": "STOP_DEPLOYMENT",
                "approval_wait_minutes": 30,
                "termination_wait_minutes": 60,
                "auto_rollback": True,
                "traffic_shift": {"type": "canary", "percentage": 10, "interval_minutes": 5},
                "alarms": {
                    "http_5xx_count": 10,
                    "http_5xx_rate_percent": 5.0,
                    "unhealthy_hosts": 1,
                    "p99_latency_seconds": 1.5,
                    "period_seconds": 60,
                    "evaluation_periods": 2,
                    "existing_alarm_names": ["checkout-errors"],
                    "ignore_poll_alarm_failure": False,
                },
                "notifications": {
                    "events": ["DeploymentFailure", "DeploymentRollback"],
                    "topic_arn": f"arn:aws:sns:ap-northeast-1:{ACCOUNT}:shop-deployments",
                },
                "hooks": {
                    "BeforeInstall": "shop-migrations",
                    "AfterAllowTraffic": f"arn:aws:lambda:ap-northeast-1:{ACCOUNT}:function:shop-notify",
                },
                "test_traffic_hook": {
                    "source_dir": HOOK_CODE,
                    "handler": "smoke_test.handler",
                    "runtime": "python3.13",
                    "path": "/healthz",
                    "timeout_seconds": 30,
                    "environment": {"EXPECTED": "ok"},
                },
            },
            "repository": {
                "name": "shop/web",
                "keep_images": 20,
                "scan_on_push": True,
                "immutable_tags": True,
                "kms_key_arn": KMS_KEY,
                "force_delete": False,
            },
        },
    },
    "environments": {"dev": {"app": {"service": {"desired_count": 1}}}, "prod": {}},
    "bootstrap": {
        "state": {
            "lock_table": "tf-locks",
            "noncurrent_version_days": 90,
            "kms_key_arn": f"arn:aws:kms:ap-northeast-1:{ACCOUNT}:key/0a1b2c3d-4e5f-6789-abcd-ef0123456789",
        },
        "migrated": False,
    },
}
