"""ECR: an image repository for the service, on request."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, ClassVar

from .kinds import Props
from .rules import Arn, Pattern, Range

_NAME_FIX = (
    "ECR names have 2 to 256 lowercase letters, digits and '._-/', each part starting and ending with a "
    "letter or digit, e.g. 'shop/web'."
)


@dataclass(frozen=True, kw_only=True)
class RepositoryProps(Props):
    """An ECR repository for the service's images: scanned on push, tags immutable, old images
    expired, encrypted."""

    SETTING: ClassVar[str] = "repository"

    name: Annotated[
        str | None,
        Pattern(
            r"(?=[\s\S]{2,256}(?![\s\S]))(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*"
            r"[a-z0-9]+(?:[._-][a-z0-9]+)*",
            _NAME_FIX,
        ),
    ] = None
    """Name of the repository, e.g. "shop/web". Default: None (the service's name)."""
    keep_images: Annotated[int, Range(1, 10000, "images")] = 30
    """Images kept; older ones expire (lifecycle policy), 1 to 10000. Default: 30."""
    scan_on_push: bool = True
    """Scan each image for vulnerabilities when it is pushed. Default: True."""
    immutable_tags: bool = True
    """Refuse to push a tag again, so that a tag always names one image. Default: True."""
    kms_key_arn: Annotated[str | None, Arn("kms", ("key/",))] = None
    """KMS key that encrypts the images. Default: None (AES-256 with keys ECR manages)."""
    force_delete: bool = False
    """Let Terraform delete the repository while it holds images. Default: False."""
