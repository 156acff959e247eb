"""ECR: an image repository for the service, on request, with the settings a production one has."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import ClassVar

from constructs import Construct

from ..aws.ecr_lifecycle_policy import EcrLifecyclePolicy
from ..aws.ecr_repository import (
    EcrRepository,
    EcrRepositoryEncryptionConfiguration,
    EcrRepositoryImageScanningConfiguration,
)
from ..validation import SettingsError, check_arn, check_range, check_types, check_value, matches
from .suppressions import suppress

_REPOSITORY_NAME = re.compile(r"(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*")


@dataclass(frozen=True, kw_only=True)
class RepositoryProps:
    """An ECR repository for the service's images: scanned on push, tags immutable, old images
    expired, encrypted."""

    SETTING: ClassVar[str] = "repository"
    """Where its settings sit, in the names of its errors."""

    name: str | None = None
    """Name of the repository, e.g. "shop/web". Default: None (the service's name)."""
    keep_images: int = 30
    """Images kept; older ones expire (lifecycle policy), 1 to 10000. Default: 30."""
    scan_on_push: bool = True
    """Scan each image for vulnerabilities when it is pushed. Default: True."""
    immutable_tags: bool = True
    """Refuse to push a tag again, so that a tag always names one image. Default: True."""
    kms_key_arn: str | None = None
    """KMS key that encrypts the images. Default: None (AES-256 with keys ECR manages)."""
    force_delete: bool = False
    """Let Terraform delete the repository while it holds images. Default: False."""

    def __post_init__(self) -> None:
        check_types(self)
        if self.name is not None and (not matches(_REPOSITORY_NAME, self.name) or not 2 <= len(self.name) <= 256):
            raise SettingsError(
                "repository.name", self.name,
                "ECR names have 2 to 256 lowercase letters, digits and '._-/', each part starting and "
                "ending with a letter or digit, e.g. 'shop/web'.",
            )
        check_range("repository.keep_images", self.keep_images, 1, 10000, "images")
        check_arn("repository.kms_key_arn", self.kms_key_arn, "kms", "key/")


class ImageRepository(Construct):
    """The service's ECR repository and its lifecycle policy; ``url`` is what to push to."""

    def __init__(self, scope: Construct, id: str, *, name: str, props: RepositoryProps) -> None:
        check_value("props", props, RepositoryProps)
        super().__init__(scope, id)
        self.repository = EcrRepository(
            self, "repository", name=props.name or name,
            image_tag_mutability="IMMUTABLE" if props.immutable_tags else "MUTABLE",
            image_scanning_configuration=EcrRepositoryImageScanningConfiguration(scan_on_push=props.scan_on_push),
            encryption_configuration=[EcrRepositoryEncryptionConfiguration(
                encryption_type="KMS" if props.kms_key_arn else "AES256", kms_key=props.kms_key_arn,
            )],
            force_delete=props.force_delete or None,
        )
        self.url: str = self.repository.repository_url
        EcrLifecyclePolicy(self, "lifecycle", repository=self.repository.name, policy=json.dumps({"rules": [{
            "rulePriority": 1,
            "description": f"keep the last {props.keep_images} images",
            "selection": {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": props.keep_images},
            "action": {"type": "expire"},
        }]}, sort_keys=True))
        if props.kms_key_arn is None:
            suppress(self.repository, "CKV_AWS_136", "Encrypted with AES-256 under keys ECR manages; set "
                     "repository.kms_key_arn for a key of your own.")
        if not props.immutable_tags:
            suppress(self.repository, "CKV_AWS_51", "Tags may be pushed again on request (repository.immutable_tags=False).")
        if not props.scan_on_push:
            suppress(self.repository, "CKV_AWS_163", "Not scanned on push on request (repository.scan_on_push=False).")
