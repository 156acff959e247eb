"""A blue/green service on the ECS-native engine, built through boto3 as the console would build
it: a VPC with two subnets, a load balancer with a production (80) and a test (8080) listener,
a rule on each that forwards to the blue target group, a cluster, and a Fargate service whose
deployment controller is ECS with the strategy given. For the emulator's own tests, which prove
the emulator against AWS's API rather than against the stacks."""

from __future__ import annotations

import json
import urllib.request
from dataclasses import dataclass, field
from typing import Any


@dataclass
class NativeService:
    """What was built, by the names and ARNs a test reads back."""

    clients: dict[str, Any]
    cluster: str
    service: str
    target_groups: tuple[str, str]  # blue (production's at first), green (the alternate)
    production_rule: str
    test_rule: str  # on an NLB, the listeners themselves
    revisions: list[str] = field(default_factory=list)  # task definition ARNs registered, in order

    @property
    def ecs(self) -> Any:
        return self.clients["ecs"]

    def register(self, image: str) -> str:
        arn = self.ecs.register_task_definition(
            family=self.service,
            containerDefinitions=[{"name": "app", "image": image, "portMappings": [{"containerPort": 80}]}],
            networkMode="awsvpc",
            requiresCompatibilities=["FARGATE"],
            cpu="256",
            memory="512",
        )["taskDefinition"]["taskDefinitionArn"]
        self.revisions.append(arn)
        return str(arn)

    def deploy(self, image: str) -> str:
        """UpdateService to a new revision with `image`: the new service deployment's ARN."""
        answer = self.ecs.update_service(
            cluster=self.cluster, service=self.service, taskDefinition=self.register(image)
        )
        return str(answer["service"]["currentServiceDeployment"])

    def deployment(self, arn: str) -> dict[str, Any]:
        (found,) = self.ecs.describe_service_deployments(serviceDeploymentArns=[arn])["serviceDeployments"]
        return dict(found)

    def weights(self, rule: str) -> dict[str, int]:
        """Each target group's weight in a rule's forward action (an NLB listener's), by name."""
        return {name: int(weight) for name, weight in forward_weights(self.clients["elbv2"], rule).items()}

    def live(self) -> dict[str, Any]:
        (found,) = self.ecs.describe_services(cluster=self.cluster, services=[self.service])["services"]
        return dict(found)


def build(
    client, name: str, configuration: dict[str, Any], *, alarms: list[str] = (), network: bool = False
) -> NativeService:
    """The service `name` (its cluster, load balancer and groups named after it) with the
    deployment configuration given (its strategy, bake time, hooks), on `client(service)`; with
    `network`, behind an NLB, whose listeners themselves ECS shifts (no rules)."""
    clients = {n: client(n) for n in ("ec2", "elbv2", "ecs", "cloudwatch")}
    ec2, elbv2, ecs = clients["ec2"], clients["elbv2"], clients["ecs"]
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=f"ap-northeast-1{zone}")["Subnet"][
            "SubnetId"
        ]
        for i, zone in ((1, "a"), (2, "c"))
    ]
    group = ec2.create_security_group(GroupName=f"{name}-tasks", Description="tasks", VpcId=vpc)["GroupId"]
    balancer = elbv2.create_load_balancer(Name=name, Subnets=subnets, Type="network" if network else "application")[
        "LoadBalancers"
    ][0]["LoadBalancerArn"]
    protocol = "TCP" if network else "HTTP"
    blue, green = (
        elbv2.create_target_group(Name=f"{name}-{color}", Protocol=protocol, Port=80, VpcId=vpc, TargetType="ip")[
            "TargetGroups"
        ][0]["TargetGroupArn"]
        for color in ("blue", "green")
    )
    forward = [
        {
            "Type": "forward",
            "ForwardConfig": {
                "TargetGroups": [{"TargetGroupArn": blue, "Weight": 1}, {"TargetGroupArn": green, "Weight": 0}]
            },
        }
    ]
    rules = []
    for port in (80, 8080):
        if network:  # an NLB has no rules: the listener forwards
            rules.append(
                elbv2.create_listener(LoadBalancerArn=balancer, Protocol="TCP", Port=port, DefaultActions=forward)[
                    "Listeners"
                ][0]["ListenerArn"]
            )
            continue
        listener = elbv2.create_listener(
            LoadBalancerArn=balancer,
            Protocol="HTTP",
            Port=port,
            DefaultActions=[{"Type": "fixed-response", "FixedResponseConfig": {"StatusCode": "404"}}],
        )["Listeners"][0]["ListenerArn"]
        rules.append(
            elbv2.create_rule(
                ListenerArn=listener,
                Priority=1,
                Conditions=[{"Field": "path-pattern", "Values": ["/*"]}],
                Actions=forward,
            )["Rules"][0]["RuleArn"]
        )
    ecs.create_cluster(clusterName=name)
    built = NativeService(clients, name, name, (blue, green), rules[0], rules[1])
    if alarms:
        configuration = {**configuration, "alarms": {"alarmNames": list(alarms), "enable": True, "rollback": True}}
    ecs.create_service(
        cluster=name,
        serviceName=name,
        taskDefinition=built.register("nginx:1.27"),
        desiredCount=2,
        launchType="FARGATE",
        deploymentController={"type": "ECS"},
        deploymentConfiguration=configuration,
        networkConfiguration={"awsvpcConfiguration": {"subnets": subnets, "securityGroups": [group]}},
        loadBalancers=[
            {
                "targetGroupArn": blue,
                "containerName": "app",
                "containerPort": 80,
                "advancedConfiguration": {
                    "alternateTargetGroupArn": green,
                    "productionListenerRule": rules[0],
                    "testListenerRule": rules[1],
                    "roleArn": "arn:aws:iam::123456789012:role/ecs-infrastructure",
                },
            }
        ],
    )
    return built


def forward_weights(elbv2: Any, arn: str) -> dict[str, float]:
    """Each target group's weight in the forward action of a listener rule, or of a listener (its
    default action), by the group's name, as ELB reads them back; a forward to one group is 1."""
    if ":listener/" in arn:
        actions = elbv2.describe_listeners(ListenerArns=[arn])["Listeners"][0]["DefaultActions"]
    else:
        actions = elbv2.describe_rules(RuleArns=[arn])["Rules"][0]["Actions"]
    weights: dict[str, float] = {}
    for action in actions:
        groups = (action.get("ForwardConfig") or {}).get("TargetGroups") or [
            {"TargetGroupArn": action["TargetGroupArn"], "Weight": 1}
        ]
        for group in groups:
            name = group["TargetGroupArn"].split(":targetgroup/")[1].split("/")[0]
            weights[name] = weights.get(name, 0.0) + float(group.get("Weight", 1))
    return weights


def api(url: str, name: str, body: dict | None = None) -> dict:
    """One of the emulator's own endpoints (/moto-api/bluegreen/<name>)."""
    request = urllib.request.Request(
        f"{url}/moto-api/bluegreen/{name}",
        data=None if body is None else json.dumps(body).encode(),
        method="GET" if body is None else "POST",
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        return dict(json.loads(answer.read()))
