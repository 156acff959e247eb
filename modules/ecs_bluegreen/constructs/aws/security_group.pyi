# Made by tools/generated.py: the types a type checker reads for cdktf_cdktf_provider_aws.security_group (see __init__.py).
from cdktf_cdktf_provider_aws.security_group import *
