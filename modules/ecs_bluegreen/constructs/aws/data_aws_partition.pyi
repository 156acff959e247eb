# Made by tools/generated.py: the types a type checker reads for cdktf_cdktf_provider_aws.data_aws_partition (see __init__.py).
from cdktf_cdktf_provider_aws.data_aws_partition import *
