# Made by tools/generated.py: the types a type checker reads for cdktf_cdktf_provider_aws.s3_bucket_lifecycle_configuration (see __init__.py).
from cdktf_cdktf_provider_aws.s3_bucket_lifecycle_configuration import *
