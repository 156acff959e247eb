# Made by tools/generated.py: the types a type checker reads for cdktf_cdktf_provider_aws.s3_bucket_public_access_block (see __init__.py).
from cdktf_cdktf_provider_aws.s3_bucket_public_access_block import *
