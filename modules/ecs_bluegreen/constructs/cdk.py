"""The core classes of the CDK family in use (see family.py): cdktf's or cdktn's, by one name."""

from __future__ import annotations

import importlib

from .family import FAMILY

_core = importlib.import_module(FAMILY.core)

App = _core.App
AssetType = _core.AssetType
Fn = _core.Fn
ITerraformDependable = _core.ITerraformDependable
LocalBackend = _core.LocalBackend
S3Backend = _core.S3Backend
S3BackendEndpointConfig = _core.S3BackendEndpointConfig
TerraformAsset = _core.TerraformAsset
TerraformDataSource = _core.TerraformDataSource
TerraformOutput = _core.TerraformOutput
TerraformResource = _core.TerraformResource
TerraformResourceLifecycle = _core.TerraformResourceLifecycle
TerraformStack = _core.TerraformStack

__all__ = [
    "App",
    "AssetType",
    "Fn",
    "ITerraformDependable",
    "LocalBackend",
    "S3Backend",
    "S3BackendEndpointConfig",
    "TerraformAsset",
    "TerraformDataSource",
    "TerraformOutput",
    "TerraformResource",
    "TerraformResourceLifecycle",
    "TerraformStack",
]
