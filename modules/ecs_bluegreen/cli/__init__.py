"""The `bluegreen` command: deploy, roll back and follow what Terraform cannot do on a CODE_DEPLOY
service. Needs only boto3 and the stack's outputs (contract.py); it never loads the CDKTF bindings."""

from .main import main

__all__ = ["main"]
