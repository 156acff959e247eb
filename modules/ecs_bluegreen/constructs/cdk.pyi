# Made by tools/generated.py: the types a type checker reads for cdktf's core classes (see cdk.py).
from cdktf import (
    App as App,
    AssetType as AssetType,
    Fn as Fn,
    ITerraformDependable as ITerraformDependable,
    LocalBackend as LocalBackend,
    S3Backend as S3Backend,
    S3BackendEndpointConfig as S3BackendEndpointConfig,
    TerraformAsset as TerraformAsset,
    TerraformDataSource as TerraformDataSource,
    TerraformOutput as TerraformOutput,
    TerraformResource as TerraformResource,
    TerraformResourceLifecycle as TerraformResourceLifecycle,
    TerraformStack as TerraformStack,
)
