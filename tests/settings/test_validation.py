"""Every bad setting fails when the props are built: a SettingsError (a ValueError) that names the
setting, shows the value and says how to fix it. Nothing reaches jsii or Terraform."""

from __future__ import annotations

import pytest

from ecs_bluegreen import (
    AlarmProps,
    AutoscalingProps,
    BlueGreenServiceProps,
    DeploymentProps,
    HealthCheckProps,
    IamProps,
    LoadBalancerProps,
    MigrationProps,
    NetworkProps,
    NotificationProps,
    PauseProps,
    ServiceProps,
    SettingsError,
    StackSettings,
    StateBackendProps,
    TrafficShiftProps,
)

pytestmark = pytest.mark.family_free  # settings and their errors, before any construct

IMAGE = "public.ecr.aws/nginx/nginx:1.27"


def app(**kwargs):
    kwargs.setdefault("name", "web")
    kwargs.setdefault("service", ServiceProps(image=IMAGE))
    return BlueGreenServiceProps(**kwargs)


CASES = {
    # Ports
    "equal ports": (
        lambda: LoadBalancerProps(prod_port=8080, test_port=8080),
        r"load_balancer\.test_port: invalid value 8080\. .*different from the production port \(8080\)",
    ),
    "port zero": (lambda: LoadBalancerProps(prod_port=0), r"load_balancer\.prod_port: .* 1 to 65535"),
    "port too high": (lambda: LoadBalancerProps(test_port=70000), r"load_balancer\.test_port: .*70000.* 1 to 65535"),
    "container port": (lambda: ServiceProps(image=IMAGE, container_port=65536), r"service\.container_port"),
    # Names AWS rejects
    "name too long": (lambda: app(name="a" * 27), r"name: invalid value 'a{27}'\. It is 27 characters; .* at most 26"),
    "name illegal char": (lambda: app(name="web_dev"), r"name: .*'web_dev'.* letters, digits and hyphens"),
    "name edge hyphen": (lambda: app(name="web-"), r"name: .*must not start or end with a hyphen"),
    "name internal-": (lambda: app(name="internal-web"), r"name: .*must not start with 'internal-'"),
    "name empty": (lambda: app(name=""), r"name: invalid value ''"),
    # Waits
    "termination wait negative": (
        lambda: DeploymentProps(termination_wait_minutes=-1),
        r"deployment\.termination_wait_minutes: .*-1.* 0 to 2880 minutes",
    ),
    "termination wait too long": (
        lambda: DeploymentProps(termination_wait_minutes=2881),
        r"deployment\.termination_wait_minutes: .*2881",
    ),
    "approval wait with continue": (
        lambda: DeploymentProps(approval_wait_minutes=30),
        r"deployment\.approval_wait_minutes: .*30.*STOP_DEPLOYMENT",
    ),
    "stop without wait": (
        lambda: DeploymentProps(ready_action="STOP_DEPLOYMENT"),
        r"deployment\.approval_wait_minutes: invalid value 0\. .*1 to 2880",
    ),
    "stop without rollback": (
        lambda: DeploymentProps(ready_action="STOP_DEPLOYMENT", approval_wait_minutes=5, auto_rollback=False),
        r"deployment\.auto_rollback: .*keep auto_rollback=True",
    ),
    "unknown ready action": (
        lambda: DeploymentProps(ready_action="WAIT"),
        r"deployment\.ready_action: .*'WAIT'.*one of 'CONTINUE_DEPLOYMENT', 'STOP_DEPLOYMENT'",
    ),
    "ec2 deployment config": (
        lambda: DeploymentProps(deployment_config_name="CodeDeployDefault.OneAtATime"),
        r"deployment\.deployment_config_name: .*ECSAllAtOnce",
    ),
    "nlb with canary": (
        lambda: app(
            load_balancer=LoadBalancerProps(type="network"),
            deployment=DeploymentProps(deployment_config_name="CodeDeployDefault.ECSLinear10PercentEvery1Minutes"),
        ),
        r"deployment\.deployment_config_name: .*network load balancer .*only CodeDeployDefault\.ECSAllAtOnce",
    ),
    "classic load balancer": (
        lambda: LoadBalancerProps(type="classic"),
        r"load_balancer\.type: .*'classic'.*one of 'application', 'network'",
    ),
    # Fargate sizes
    "cpu not offered": (lambda: ServiceProps(image=IMAGE, cpu=300), r"service\.cpu: .*300.* 256, 512, 1024"),
    "memory not paired": (
        lambda: ServiceProps(image=IMAGE, cpu=256, memory=4096),
        r"service\.memory: .*4096.*With cpu=256, Fargate offers memory from 512 to 2048",
    ),
    # CIDRs
    "cidr prefix": (
        lambda: LoadBalancerProps(prod_ingress_cidrs=("10.0.0.0/33",)),
        r"load_balancer\.prod_ingress_cidrs\[0\]: .*'10\.0\.0\.0/33'.*CIDR block",
    ),
    "cidr host bits": (
        lambda: LoadBalancerProps(test_ingress_cidrs=("10.0.0.1/24",)),
        r"load_balancer\.test_ingress_cidrs\[0\]: .*'10\.0\.0\.1/24'.*host bits",
    ),
    "cidr garbage": (
        lambda: LoadBalancerProps(test_ingress_cidrs=("office",)),
        r"test_ingress_cidrs\[0\]: .*'office'",
    ),
    "cidr twice": (
        lambda: LoadBalancerProps(test_ingress_cidrs=("10.0.0.0/8", "10.0.0.0/8")),
        r"test_ingress_cidrs: .*List each CIDR block once",
    ),
    "vpc cidr too large": (lambda: NetworkProps(vpc_cidr="10.0.0.0/8"), r"network\.vpc_cidr: .*/16 to /24"),
    "vpc cidr ipv6": (lambda: NetworkProps(vpc_cidr="2001:db8::/56"), r"network\.vpc_cidr: .*IPv4"),
    "vpc cidr garbage": (lambda: NetworkProps(vpc_cidr="10.0.0/16"), r"network\.vpc_cidr: .*'10\.0\.0/16'"),
    # Subnets
    "one subnet": (
        lambda: NetworkProps(
            vpc_id="vpc-1", public_subnet_ids=("subnet-1",), private_subnet_ids=("subnet-2", "subnet-3")
        ),
        r"network\.public_subnet_ids: .*at least 2 distinct subnet ids",
    ),
    "same subnet twice": (
        lambda: NetworkProps(
            vpc_id="vpc-1", public_subnet_ids=("subnet-1", "subnet-2"), private_subnet_ids=("subnet-3", "subnet-3")
        ),
        r"network\.private_subnet_ids: .*at least 2 distinct",
    ),
    "subnets without vpc": (
        lambda: NetworkProps(public_subnet_ids=("subnet-1", "subnet-2")),
        r"network\.vpc_id: .*set vpc_id as well",
    ),
    "one az": (lambda: NetworkProps(az_count=1), r"network\.az_count: .*2 to 4"),
    "zones not matching count": (
        lambda: NetworkProps(availability_zones=("ap-northeast-1a",)),
        r"network\.availability_zones: .*az_count \(2\) distinct zones",
    ),
    "zone name": (lambda: NetworkProps(availability_zones=("tokyo-a", "tokyo-c")), r"availability_zones: .*'tokyo-a'"),
    "zones with existing vpc": (
        lambda: NetworkProps(
            vpc_id="vpc-1",
            public_subnet_ids=("s-1", "s-2"),
            private_subnet_ids=("s-3", "s-4"),
            availability_zones=("ap-northeast-1a", "ap-northeast-1c"),
        ),
        r"availability_zones: .*created VPC",
    ),
    # Service
    "bad image": (lambda: ServiceProps(image="not an image"), r"service\.image: .*'not an image'.*nginx:1\.27"),
    "uppercase repository": (lambda: ServiceProps(image="Nginx:latest"), r"service\.image"),
    "empty image": (lambda: ServiceProps(image=""), r"service\.image"),
    "env var name": (
        lambda: ServiceProps(image=IMAGE, environment={"1BAD": "x"}),
        r"^service\.environment\.1BAD: invalid name '1BAD'\.",
    ),
    "env var value type": (
        lambda: ServiceProps(image=IMAGE, environment={"PORT": 80}),
        r"^service\.environment\.PORT: invalid value 80\. Expected text\.$",
    ),
    "container name": (lambda: ServiceProps(image=IMAGE, container_name="my app"), r"service\.container_name"),
    "log retention": (
        lambda: ServiceProps(image=IMAGE, log_retention_days=13),
        r"service\.log_retention_days: .*13.*1, 3, 5",
    ),
    "platform version": (
        lambda: ServiceProps(image=IMAGE, platform_version="v1"),
        r"service\.platform_version: .*'1\.4\.0'",
    ),
    "architecture": (
        lambda: ServiceProps(image=IMAGE, cpu_architecture="arm64"),
        r"^service\.cpu_architecture: invalid value 'arm64'\. Use one of 'X86_64', 'ARM64'\.$",
    ),
    "ephemeral storage": (
        lambda: ServiceProps(image=IMAGE, ephemeral_storage_gib=201),
        r"^service\.ephemeral_storage_gib: invalid value 201\. Use a value from 20 to 200 GiB\.$",
    ),
    "stop timeout": (
        lambda: ServiceProps(image=IMAGE, stop_timeout_seconds=1),
        r"^service\.stop_timeout_seconds: invalid value 1\. Use a value from 2 to 120 seconds\.$",
    ),
    "cluster arn as name": (
        lambda: ServiceProps(image=IMAGE, cluster_name="arn:aws:ecs:x:1:cluster/c"),
        r"service\.cluster_name: .*name \(not the ARN\)",
    ),
    "negative count": (lambda: ServiceProps(image=IMAGE, desired_count=-1), r"service\.desired_count"),
    "autoscaling min above max": (
        lambda: AutoscalingProps(min_capacity=5, max_capacity=2),
        r"service\.autoscaling\.min_capacity: .*5.*max_capacity \(2\)",
    ),
    "autoscaling target": (lambda: AutoscalingProps(cpu_target_percent=95), r"cpu_target_percent: .*10 to 90 percent"),
    # Health check and target groups
    "health path": (lambda: HealthCheckProps(path="healthz"), r"health_check\.path: .*'healthz'.*'/healthz'"),
    "health matcher": (lambda: HealthCheckProps(matcher="ok"), r"health_check\.matcher: .*'ok'"),
    "health timeout": (
        lambda: HealthCheckProps(interval_seconds=10, timeout_seconds=10),
        r"health_check\.timeout_seconds: .*shorter than interval_seconds \(10\)",
    ),
    "health threshold": (lambda: HealthCheckProps(healthy_threshold=11), r"healthy_threshold: .*2 to 10"),
    "deregistration delay": (
        lambda: LoadBalancerProps(deregistration_delay_seconds=4000),
        r"deregistration_delay_seconds: .*0 to 3600 seconds",
    ),
    # IAM
    "role not an arn": (
        lambda: IamProps(codedeploy_role_arn="codedeploy-role"),
        r"iam\.codedeploy_role_arn: .*full ARN",
    ),
    "role arn of another service": (
        lambda: IamProps(execution_role_arn="arn:aws:s3:::bucket"),
        r"iam\.execution_role_arn",
    ),
    "task role twice": (
        lambda: IamProps(task_role_arn="arn:aws:iam::123456789012:role/a", create_task_role=True),
        r"iam\.create_task_role: .*one of the two",
    ),
    "policies without role": (
        lambda: IamProps(task_role_policy_arns=("arn:aws:iam::aws:policy/ReadOnlyAccess",)),
        r"iam\.task_role_policy_arns: .*create_task_role=True",
    ),
    # Backend and stack
    "bucket name": (lambda: StateBackendProps(bucket="My_Bucket", key="k"), r"backend\.bucket: .*'My_Bucket'"),
    "absolute key": (lambda: StateBackendProps(bucket="state", key="/dev/tfstate"), r"backend\.key: .*relative"),
    "no lock at all": (
        lambda: StateBackendProps(bucket="state", key="k", use_lockfile=False),
        r"backend\.use_lockfile: .*corrupt",
    ),
    "backend region": (
        lambda: StateBackendProps(bucket="state", key="k", region="tokyo"),
        r"backend\.region: .*'tokyo'",
    ),
    "stack region": (
        lambda: StackSettings(app=app(), backend=StateBackendProps(bucket="state", key="k"), region="Tokyo"),
        r"region: .*'Tokyo'.*ap-northeast-1",
    ),
    "aws: tag": (
        lambda: StackSettings(
            app=app(), backend=StateBackendProps(bucket="state", key="k"), default_tags={"aws:owner": "x"}
        ),
        r"^default_tags\.aws:owner: invalid name 'aws:owner'\. .*may not start with 'aws:'",
    ),
    # Types, as a Python user can get them wrong
    "port as string": (
        lambda: LoadBalancerProps(prod_port="80"),
        r"load_balancer\.prod_port: invalid value '80'\. Expected a whole number\.$",
    ),
    "port as bool": (
        lambda: LoadBalancerProps(prod_port=True),
        r"load_balancer\.prod_port: invalid value True\. Expected a whole number\.$",
    ),
    "list not tuple": (
        lambda: LoadBalancerProps(test_ingress_cidrs=["10.0.0.0/8"]),
        r"test_ingress_cidrs: invalid value \['10\.0\.0\.0/8'\]\. Expected a tuple of text \(in JSON, a "
        r"list\)\. Pass a tuple",
    ),
    "props of the wrong kind": (
        lambda: app(network=LoadBalancerProps()),
        r"^network: invalid value LoadBalancerProps\(\.\.\.\)\. Expected NetworkProps \(build "
        r"it with NetworkProps\(\.\.\.\)\)\.$",
    ),
    "missing image": (lambda: ServiceProps(image=None), r"service\.image: invalid value None\. Expected text\.$"),
    # Pauses at other stages: ECS's alone, once per stage, at the stages ECS pauses at.
    "codedeploy pauses": (
        lambda: DeploymentProps(pauses=(PauseProps(stage="POST_SCALE_UP"),)),
        r"deployment\.pauses: .*CodeDeploy waits for approval only before production traffic moves.*engine='ecs'",
    ),
    "native pause twice": (
        lambda: DeploymentProps(
            engine="ecs",
            ready_action="STOP_DEPLOYMENT",
            approval_wait_minutes=5,
            pauses=(PauseProps(stage="POST_TEST_TRAFFIC_SHIFT"),),
        ),
        r"deployment\.pauses: .*POST_TEST_TRAFFIC_SHIFT is paused at twice .*pause once per stage",
    ),
    "pause stage": (
        lambda: PauseProps(stage="BAKE_TIME"),
        r"deployment\.pauses\.stage: invalid value 'BAKE_TIME'.*'POST_PRODUCTION_TRAFFIC_SHIFT'",
    ),
    "pause timeout": (
        lambda: PauseProps(stage="POST_SCALE_UP", timeout_minutes=20161),
        r"deployment\.pauses\.timeout_minutes: invalid value 20161.*20160",
    ),
    # A setting the ECS-native engine has no equivalent for: the reason and the alternative.
    "native own config": (
        lambda: DeploymentProps(engine="ecs", deployment_config_name="my-config"),
        r"deployment\.deployment_config_name: .*'my-config'.*lives in CodeDeploy.*give its steps as "
        r"traffic_shift",
    ),
    "native bake time": (
        lambda: DeploymentProps(engine="ecs", termination_wait_minutes=1441),
        r"deployment\.termination_wait_minutes: .*1441.*bake time, at most 1440",
    ),
    "native step time": (
        lambda: DeploymentProps(
            engine="ecs", traffic_shift=TrafficShiftProps(type="canary", percentage=10, interval_minutes=2000)
        ),
        r"deployment\.traffic_shift\.interval_minutes: .*at most 1440",
    ),
    "native linear step": (
        lambda: DeploymentProps(
            engine="ecs", traffic_shift=TrafficShiftProps(type="linear", percentage=2, interval_minutes=1)
        ),
        r"deployment\.traffic_shift\.percentage: .*at least 3 percent",
    ),
    "native no rollback": (
        lambda: DeploymentProps(engine="ecs", auto_rollback=False),
        r"deployment\.auto_rollback: .*rolls a failed blue/green deployment back itself",
    ),
    "native poll failures": (
        lambda: DeploymentProps(engine="ecs", alarms=AlarmProps(ignore_poll_alarm_failure=True)),
        r"deployment\.alarms\.ignore_poll_alarm_failure: .*no such switch",
    ),
    "native notifications": (
        lambda: DeploymentProps(engine="ecs", notifications=NotificationProps()),
        r"deployment\.notifications: .*CodeDeploy triggers.*EventBridge",
    ),
    "migration on codedeploy": (
        lambda: DeploymentProps(migration=MigrationProps(live_target_group="blue")),
        r"deployment\.migration: .*set engine='ecs' with it",
    ),
    "migration target group": (
        lambda: MigrationProps(live_target_group="purple"),
        r"migration\.live_target_group: invalid value 'purple'",
    ),
    "codedeploy role on native": (
        lambda: app(
            deployment=DeploymentProps(engine="ecs"),
            iam=IamProps(codedeploy_role_arn="arn:aws:iam::123456789012:role/cd"),
        ),
        r"iam\.codedeploy_role_arn: .*runs no CodeDeploy",
    ),
    "infrastructure role on codedeploy": (
        lambda: app(iam=IamProps(infrastructure_role_arn="arn:aws:iam::123456789012:role/ecs")),
        r"iam\.infrastructure_role_arn: .*Only engine 'ecs' assumes",
    ),
    "unknown engine": (
        lambda: DeploymentProps(engine="ecs-native"),
        r"deployment\.engine: invalid value 'ecs-native'",
    ),
}


@pytest.mark.parametrize("build,pattern", CASES.values(), ids=CASES.keys())
def test_bad_setting_raises_a_clear_error(build, pattern):
    with pytest.raises(SettingsError, match=pattern) as err:
        build()
    assert isinstance(err.value, ValueError)
    assert err.value.fix and err.value.field in str(err.value)


def test_error_message_has_field_value_and_fix():
    with pytest.raises(SettingsError) as err:
        DeploymentProps(termination_wait_minutes=3000)
    assert str(err.value) == (
        "deployment.termination_wait_minutes: invalid value 3000. Use a value from 0 to 2880 minutes."
    )


def test_longest_allowed_name_fits_every_aws_limit():
    props = app(name="a" * 26)
    # Target groups ("-green") and the load balancer ("-alb"/"-nlb") allow 32 characters.
    assert max(len(f"{props.name}{suffix}") for suffix in ("-green", "-blue", "-alb", "-nlb")) == 32


def test_props_are_immutable():
    props = LoadBalancerProps()
    with pytest.raises(Exception, match="cannot assign"):
        props.prod_port = 81
