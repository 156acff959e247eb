"""The floor: the provider plus one ECS cluster on the same family and bindings, synthesized like
main.py, importing them as any program of that family does (cdktf's bindings load every submodule
at once; cdktn's load lazily by themselves).

Whatever main.py costs beyond this is our own constructs; the rest is loading the bindings.
"""

from __future__ import annotations

import sys
import tempfile

try:
    from cdktf import App, TerraformStack
    from cdktf_cdktf_provider_aws.ecs_cluster import EcsCluster
    from cdktf_cdktf_provider_aws.provider import AwsProvider
except ImportError:  # a virtualenv of the cdktn family (tier C)
    from cdktn import App, TerraformStack  # type: ignore[no-redef]
    from cdktn_provider_aws.ecs_cluster import EcsCluster  # type: ignore[no-redef]
    from cdktn_provider_aws.provider import AwsProvider  # type: ignore[no-redef]


def main() -> int:
    with tempfile.TemporaryDirectory() as outdir:
        app = App(outdir=outdir)
        stack = TerraformStack(app, "floor")
        AwsProvider(stack, "aws", region="ap-northeast-1")
        EcsCluster(stack, "cluster", name="floor-example")
        app.synth()
    return 0


if __name__ == "__main__":
    sys.exit(main())
