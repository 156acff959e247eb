"""ECR: an image repository for the service, on request, with the settings a production one has."""

from __future__ import annotations

import json

from constructs import Construct

from ..settings import RepositoryProps, check_value
from .aws.ecr_lifecycle_policy import EcrLifecyclePolicy
from .aws.ecr_repository import (
    EcrRepository,
    EcrRepositoryEncryptionConfiguration,
    EcrRepositoryImageScanningConfiguration,
)
from .part import Part
from .suppressions import suppress


class ImageRepository(Part):
    """The service's ECR repository and its lifecycle policy; ``url`` is what to push to."""

    def __init__(self, scope: Construct, id: str, *, name: str, props: RepositoryProps) -> None:
        check_value("props", props, RepositoryProps)
        super().__init__(scope, id)
        self.repository = EcrRepository(
            self,
            "repository",
            name=props.name or name,
            image_tag_mutability="IMMUTABLE" if props.immutable_tags else "MUTABLE",
            image_scanning_configuration=EcrRepositoryImageScanningConfiguration(scan_on_push=props.scan_on_push),
            encryption_configuration=[
                EcrRepositoryEncryptionConfiguration(
                    encryption_type="KMS" if props.kms_key_arn else "AES256",
                    kms_key=props.kms_key_arn,
                )
            ],
            force_delete=props.force_delete or None,
        )
        self.url: str = self.repository.repository_url
        EcrLifecyclePolicy(
            self,
            "lifecycle",
            repository=self.repository.name,
            policy=json.dumps(
                {
                    "rules": [
                        {
                            "rulePriority": 1,
                            "description": f"keep the last {props.keep_images} images",
                            "selection": {
                                "tagStatus": "any",
                                "countType": "imageCountMoreThan",
                                "countNumber": props.keep_images,
                            },
                            "action": {"type": "expire"},
                        }
                    ]
                },
                sort_keys=True,
            ),
        )
        if props.kms_key_arn is None:
            suppress(
                self.repository,
                "CKV_AWS_136",
                "Encrypted with AES-256 under keys ECR manages; set repository.kms_key_arn for a key of your own.",
            )
        if not props.immutable_tags:
            suppress(
                self.repository, "CKV_AWS_51", "Tags may be pushed again on request (repository.immutable_tags=False)."
            )
        if not props.scan_on_push:
            suppress(self.repository, "CKV_AWS_163", "Not scanned on push on request (repository.scan_on_push=False).")
