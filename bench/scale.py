"""Synthesize N blue/green services, in one stack or in N stacks, and time repeated synths.

    python bench/scale.py --services 50 --layout one-stack
    python bench/scale.py --services 1 --repeat 3      # a watch loop: synth again in one process

Prints one JSON line: the seconds each synth took inside this process (import time excluded).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time

from ecs_bluegreen import (
    BlueGreenServiceProps,
    BlueGreenStack,
    EcsBlueGreen,
    NetworkProps,
    ServiceProps,
    StackSettings,
    StateBackendProps,
    add_s3_backend,
)
from ecs_bluegreen.constructs.cdk import App, TerraformStack
from ecs_bluegreen.constructs.provider import add_aws_provider

# Services share one existing VPC, as teams with many services do.
NETWORK = NetworkProps(
    vpc_id="vpc-0123456789abcdef0",
    public_subnet_ids=("subnet-0a", "subnet-0b"),
    private_subnet_ids=("subnet-1a", "subnet-1b"),
)


def _props(i: int) -> BlueGreenServiceProps:
    return BlueGreenServiceProps(
        name=f"svc-{i:03d}", network=NETWORK, service=ServiceProps(image="public.ecr.aws/nginx/nginx:1.27")
    )


def build(app: App, services: int, layout: str) -> None:
    backend = StateBackendProps(bucket="bench-state", key="bench/terraform.tfstate")
    if layout == "stacks":
        for i in range(services):
            BlueGreenStack(
                app,
                f"svc-{i:03d}",
                settings=StackSettings(
                    app=_props(i),
                    backend=StateBackendProps(bucket="bench-state", key=f"svc-{i:03d}/terraform.tfstate"),
                ),
            )
        return
    stack = TerraformStack(app, "services")
    add_aws_provider(stack, region="ap-northeast-1", default_tags={}, endpoint=None)
    add_s3_backend(stack, backend, region="ap-northeast-1")
    for i in range(services):
        EcsBlueGreen(stack, f"svc-{i:03d}", props=_props(i))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--services", type=int, default=1)
    parser.add_argument("--layout", choices=["one-stack", "stacks"], default="one-stack")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    seconds = []
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as outdir:
            started = time.perf_counter()
            app = App(outdir=outdir)
            build(app, args.services, args.layout)
            app.synth()
            seconds.append(round(time.perf_counter() - started, 3))
    print(json.dumps({"synth_seconds": seconds}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
