"""ECS's own blue/green service deployments for moto: a backend laid out as moto's own (models,
responses, urls, exceptions), which `install()` puts in the place of moto's ECS backend. models.py
says what it does and which AWS pages it follows."""

from __future__ import annotations

from .models import ecs_backends


def install() -> None:
    """Serve ECS from this backend: moto finds a service's backends as `moto.<service>.<service>_backends`
    (and the modules that read ECS's, as `ecs_backends` of moto.ecs.models), and their URLs in the
    backend class's own urls module."""
    import moto.ecs
    import moto.ecs.models
    import moto.ecs.responses

    moto.ecs.ecs_backends = ecs_backends  # type: ignore[attr-defined, assignment]
    moto.ecs.models.ecs_backends = ecs_backends  # type: ignore[assignment]
    moto.ecs.responses.ecs_backends = ecs_backends  # type: ignore[attr-defined, assignment]


__all__ = ["ecs_backends", "install"]
