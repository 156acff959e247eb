# Made by tools/generated.py: the types a type checker reads for cdktf_cdktf_provider_aws.vpc_security_group_egress_rule (see __init__.py).
from cdktf_cdktf_provider_aws.vpc_security_group_egress_rule import *
