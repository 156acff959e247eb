# Made by tools/generated.py: the types a type checker reads for cdktf_cdktf_provider_aws.route_table_association (see __init__.py).
from cdktf_cdktf_provider_aws.route_table_association import *
