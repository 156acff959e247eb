# Made by tools/generated.py: the types a type checker reads for cdktf_cdktf_provider_aws.iam_role_policy_attachment (see __init__.py).
from cdktf_cdktf_provider_aws.iam_role_policy_attachment import *
