# Made by tools/generated.py: the types a type checker reads for cdktf_cdktf_provider_aws.lb_listener_rule (see __init__.py).
from cdktf_cdktf_provider_aws.lb_listener_rule import *
