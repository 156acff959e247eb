"""The `bluegreen` command: deploy, follow, approve, finish and roll back what Terraform cannot do
on a running blue/green service, on either engine (engines/), and review a plan (the review
package). Needs only boto3 and the stack's outputs (contract.py); it never loads the CDKTF bindings."""

from .main import main

__all__ = ["main"]
