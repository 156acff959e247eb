"""A consumer of ecs_bluegreen: a project of its own, with its own main.py, cdktf.json and modules/.

Stacks:
- "shop": two blue/green services, api and web, in one VPC that this project creates and passes
  in; each service's outputs under its own prefix; a ReadableStack, so no address has a hash.
- "shop-edge": a CDKTF cross-stack reference to the shop stack (web's production URL in SSM).
- "web-reader", when READ_STATE holds {"bucket", "key", "region", "endpoint"}: reads another
  project's blue/green stack through S3 remote state, and builds on its outputs an SSM parameter
  with the production URL and a CPU alarm on the service.
"""

from __future__ import annotations

import json
import os

import ecs_bluegreen  # first: the provider bindings then load only what the stacks use

# isort: split
from cdktf import App, DataTerraformRemoteStateS3, TerraformStack
from cdktf_cdktf_provider_aws.cloudwatch_metric_alarm import CloudwatchMetricAlarm
from cdktf_cdktf_provider_aws.provider import AwsProvider, AwsProviderEndpoints
from cdktf_cdktf_provider_aws.ssm_parameter import SsmParameter
from modules.network import SharedVpc

import modules
from ecs_bluegreen import (
    BlueGreenServiceProps,
    EcsBlueGreen,
    NetworkProps,
    ReadableStack,
    ServiceProps,
    service_outputs,
)

REGION = "ap-northeast-1"


def shop(app: App) -> EcsBlueGreen:
    stack = ReadableStack(app, "shop")  # addresses without a hash: api_ecs_service, shared_vpc
    AwsProvider(stack, "aws", region=REGION, default_tags=[{"tags": {"Owner": modules.OWNER}}])
    shared = SharedVpc(stack, "shared", cidr="10.20.0.0/16", zones=(f"{REGION}a", f"{REGION}c"))
    network = NetworkProps(
        vpc_id=shared.vpc.id,
        public_subnet_ids=tuple(s.id for s in shared.public),
        private_subnet_ids=tuple(s.id for s in shared.private),
    )
    services = {}
    for name in ("api", "web"):
        services[name] = EcsBlueGreen(
            stack,
            name,
            props=BlueGreenServiceProps(
                name=f"shop-{name}",
                network=network,
                service=ServiceProps(image="public.ecr.aws/nginx/nginx:1.27", container_name=name),
            ),
        )
        service_outputs(services[name], prefix=f"{name}_")
    return services["web"]


def edge(app: App, web: EcsBlueGreen) -> None:
    stack = TerraformStack(app, "shop-edge")
    AwsProvider(stack, "aws", region=REGION)
    SsmParameter(stack, "web-url", name="/shop/web/prod-url", type="String", value=web.load_balancer.prod_url)


def web_reader(app: App, state: dict) -> None:
    stack = TerraformStack(app, "web-reader")
    url = state["endpoint"]
    AwsProvider(
        stack,
        "aws",
        region=state["region"],
        skip_credentials_validation=True,
        skip_requesting_account_id=True,
        skip_region_validation=True,
        skip_metadata_api_check="true",
        endpoints=[AwsProviderEndpoints(ssm=url, cloudwatch=url, sts=url)],
    )
    web = DataTerraformRemoteStateS3(
        stack,
        "web",
        bucket=state["bucket"],
        key=state["key"],
        region=state["region"],
        endpoints={"s3": url},
        use_path_style=True,
        skip_credentials_validation=True,
        skip_requesting_account_id=True,
        skip_region_validation=True,
        skip_metadata_api_check=True,
    )
    SsmParameter(stack, "prod-url", name="/reader/web-dev/prod-url", type="String", value=web.get_string("prod_url"))
    CloudwatchMetricAlarm(
        stack,
        "cpu",
        alarm_name="reader-web-dev-cpu-high",
        namespace="AWS/ECS",
        metric_name="CPUUtilization",
        dimensions={"ClusterName": web.get_string("cluster_name"), "ServiceName": web.get_string("service_name")},
        statistic="Average",
        period=60,
        evaluation_periods=3,
        threshold=85,
        comparison_operator="GreaterThanThreshold",
    )


def main() -> None:
    app = App()
    edge(app, shop(app))
    if os.environ.get("READ_STATE"):
        web_reader(app, json.loads(os.environ["READ_STATE"]))
    app.synth()
    # Where each import came from, for the test: the library from the installed wheel, `modules`
    # from this project.
    print(json.dumps({"ecs_bluegreen": ecs_bluegreen.__file__, "modules": modules.__file__}))


if __name__ == "__main__":
    main()
