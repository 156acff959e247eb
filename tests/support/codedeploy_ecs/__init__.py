"""CodeDeploy's ECS blue/green lifecycle for moto: a backend laid out as moto's own (models,
responses, urls, exceptions), which `install()` puts in the place of moto's CodeDeploy backend.

    python3 -m pipenv run python tests/support/codedeploy_ecs/server.py -p 4566   # moto_server, with it

models.py says what it does and which AWS pages it follows; server.py, how to move its clock."""

from __future__ import annotations

from .models import CLOCK, codedeploy_backends


def install() -> None:
    """Serve CodeDeploy from this backend: moto finds a service's backends as
    `moto.<service>.<service>_backends`, and their URLs in the backend class's own urls module."""
    import moto.codedeploy
    import moto.codedeploy.models

    moto.codedeploy.codedeploy_backends = codedeploy_backends  # type: ignore[attr-defined]
    moto.codedeploy.models.codedeploy_backends = codedeploy_backends


__all__ = ["CLOCK", "codedeploy_backends", "install"]
