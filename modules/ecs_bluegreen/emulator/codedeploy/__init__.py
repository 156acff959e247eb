"""CodeDeploy's ECS blue/green lifecycle for moto: a backend laid out as moto's own (models,
responses, urls, exceptions), which `install()` puts in the place of moto's CodeDeploy backend.
models.py says what it does and which AWS pages it follows."""

from __future__ import annotations

from .models import codedeploy_backends


def install() -> None:
    """Serve CodeDeploy from this backend: moto finds a service's backends as
    `moto.<service>.<service>_backends`, and their URLs in the backend class's own urls module."""
    import moto.codedeploy
    import moto.codedeploy.models

    moto.codedeploy.codedeploy_backends = codedeploy_backends  # type: ignore[attr-defined, assignment]
    moto.codedeploy.models.codedeploy_backends = codedeploy_backends  # type: ignore[assignment]


__all__ = ["codedeploy_backends", "install"]
