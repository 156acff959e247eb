"""The floor: the provider plus one resource on the same bindings, synthesized like main.py.

Whatever main.py costs beyond this is our own constructs; the rest is loading the bindings.
"""

from __future__ import annotations

import sys
import tempfile

from cdktf import App, TerraformStack
from cdktf_cdktf_provider_aws.provider import AwsProvider
from cdktf_cdktf_provider_aws.s3_bucket import S3Bucket


def main() -> int:
    with tempfile.TemporaryDirectory() as outdir:
        app = App(outdir=outdir)
        stack = TerraformStack(app, "floor")
        AwsProvider(stack, "aws", region="ap-northeast-1")
        S3Bucket(stack, "bucket", bucket="floor-example")
        app.synth()
    return 0


if __name__ == "__main__":
    sys.exit(main())
