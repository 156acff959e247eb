# Made by tools/generated.py: the types a type checker reads for cdktf_cdktf_provider_aws.lb_target_group (see __init__.py).
from cdktf_cdktf_provider_aws.lb_target_group import *
