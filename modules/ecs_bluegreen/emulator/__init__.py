"""The emulator: moto_server with the blue/green deployments of both engines, to rehearse a
deployment with no AWS account.

    bluegreen emulator -p 4566        (pip install 'ecs-bluegreen[emulator]')

moto 5.2.5 stores a CodeDeploy deployment and leaves it Created, and has no ECS service
deployments. Here both run, on one clock that a test or a user moves:
- codedeploy/: CodeDeploy's ECS blue/green lifecycle (the default engine);
- ecs/: ECS's own blue/green service deployments (engine "ecs"), with pause hooks;
- s3.py: the state bucket's TLS-only policy, read as S3 reads it;
- server.py: the server, its clock and its hooks, on loopback.

Each behaviour cites the AWS page it follows. Nothing of moto is imported until `install()`.
"""

from __future__ import annotations


def install() -> None:
    """Put the emulator's backends in the place of moto's own."""
    from . import codedeploy, ecs, s3

    codedeploy.install()
    ecs.install()
    s3.install()
