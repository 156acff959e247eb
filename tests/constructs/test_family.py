"""cdktf or cdktn: the library runs on the family of the app, chosen once, and says so when mixed."""

from __future__ import annotations

import importlib
import importlib.util
from types import SimpleNamespace

import pytest

from ecs_bluegreen.constructs.cdk import App, TerraformStack
from ecs_bluegreen.constructs.family import ENV, FAMILIES, FAMILY, FamilyError, check_app, select

OTHER = "cdktn" if FAMILY.name == "cdktf" else "cdktf"


def test_the_aws_alias_is_the_familys_own_module():
    import ecs_bluegreen.constructs.aws.lb as alias

    real = importlib.import_module(f"{FAMILY.provider}.lb")
    assert alias is real and alias.Lb is real.Lb
    assert real.__spec__.name == f"{FAMILY.provider}.lb"  # the alias gave the module its spec back


def test_the_core_classes_are_the_familys_own():
    core = importlib.import_module(FAMILY.core)
    assert (App, TerraformStack) == (core.App, core.TerraformStack)


def test_an_imported_family_wins():
    assert select({}, {FAMILY.core: object()}) == FAMILY


def test_the_environment_variable_must_name_a_family():
    with pytest.raises(FamilyError, match=rf"{ENV}='cdk': use 'cdktf' or 'cdktn'"):
        select({ENV: "cdk"}, {})


def test_the_environment_variable_needs_its_family_installed():
    if importlib.util.find_spec(FAMILIES[OTHER].provider) is not None:
        pytest.skip(f"{OTHER} is installed here too")
    with pytest.raises(FamilyError, match=rf"pip install 'ecs-bluegreen\[{OTHER}\]'"):
        select({ENV: OTHER}, {})


def test_a_construct_in_an_app_of_the_other_family_is_refused_with_the_fix():
    other_app = type("App", (), {"__module__": OTHER})()
    scope = SimpleNamespace(node=SimpleNamespace(root=other_app))
    with pytest.raises(
        FamilyError,
        match=rf"EcsBlueGreen 'web': the app is built on {OTHER}, but ecs_bluegreen "
        rf"loaded {FAMILY.name}. Import {OTHER} before ecs_bluegreen, or set "
        rf"{ENV}={OTHER}",
    ):
        check_app(scope, "EcsBlueGreen 'web'")


def test_an_app_of_the_same_family_passes():
    check_app(TerraformStack(App(), "same"), "EcsBlueGreen 'web'")
