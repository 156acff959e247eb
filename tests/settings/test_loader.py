"""Settings from JSON (cdktf.json context or BLUEGREEN_CONFIG) and the example app in main.py."""

from __future__ import annotations

import json

import pytest
from helpers import resource

import main
from ecs_bluegreen import SettingsError, environment_settings, load_config

CONFIG = {
    "project": "shop",
    "defaults": {
        "backend": {"bucket": "shop-state"},
        "app": {"service": {"image": "nginx:1.27"}, "load_balancer": {"test_ingress_cidrs": ["10.0.0.0/8"]}},
    },
    "environments": {
        "dev": {},
        "prod": {"region": "eu-west-1", "app": {"service": {"cpu": 512, "memory": 1024}}},
    },
}


def test_each_environment_gets_its_own_name_state_key_and_tags():
    settings = environment_settings(CONFIG)
    assert list(settings) == ["dev", "prod"]
    assert settings["dev"].app.name == "shop-dev"
    assert settings["prod"].backend.key == "shop/prod/terraform.tfstate"
    assert settings["dev"].backend.key == "shop/dev/terraform.tfstate"
    assert dict(settings["prod"].default_tags) == {"Project": "shop", "Environment": "prod"}


def test_environment_overrides_merge_deeply_over_defaults():
    prod = environment_settings(CONFIG)["prod"]
    assert prod.region == "eu-west-1"
    assert (prod.app.service.cpu, prod.app.service.memory, prod.app.service.image) == (512, 1024, "nginx:1.27")
    # JSON lists become the tuples the props expect.
    assert prod.app.load_balancer.test_ingress_cidrs == ("10.0.0.0/8",)
    assert environment_settings(CONFIG)["dev"].region == "ap-northeast-1"


def test_selecting_environments():
    assert list(environment_settings(CONFIG, ["prod"])) == ["prod"]


@pytest.mark.parametrize(
    "config,selected,pattern",
    [
        (
            {**CONFIG, "environments": {"dev": {"app": {"servce": {}}}}},
            None,
            r"bluegreen\.environments\.dev\.app\.servce: .*Unknown setting\. Valid keys here: name, service",
        ),
        (
            {**CONFIG, "environments": {"dev": {"app": {"service": {"cpu": "256"}}}}},
            None,
            r"^bluegreen\.environments\.dev\.app\.service\.cpu: invalid value '256'\. Expected a whole number\.$",
        ),
        (
            {**CONFIG, "defaults": {"backend": {"bucket": "shop-state"}}},
            None,
            r"^bluegreen\.defaults\.app\.service: not set\. "
            r"This setting is required: the container and the Fargate service\. "
            r"Set it here for every environment, or in bluegreen\.environments\.dev\.app\.service for .dev. alone\.$",
        ),
        (CONFIG, ["staging"], r"BLUEGREEN_ENVIRONMENTS: invalid value 'staging'\. .*dev, prod"),
        ({**CONFIG, "environments": {}}, None, r"bluegreen\.environments: .*at least one environment"),
        ({**CONFIG, "environments": {"Dev": {}}}, None, r"bluegreen\.environments\.Dev: .*lowercase"),
        ({**CONFIG, "project": "My Shop"}, None, r"bluegreen\.project: .*'My Shop'"),
        ({**CONFIG, "extra": 1}, None, r"bluegreen\.extra: .*Unknown setting"),
        (
            {**CONFIG, "environments": {"dev": {"app": {"load_balancer": "alb"}}}},
            None,
            r"bluegreen\.environments\.dev\.app\.load_balancer: .*Expected an object",
        ),
    ],
)
def test_bad_config_names_the_json_path(config, selected, pattern):
    with pytest.raises(SettingsError, match=pattern):
        environment_settings(config, selected)


def test_load_config_reads_cdktf_json_context_or_a_plain_file(tmp_path):
    plain = tmp_path / "settings.json"
    plain.write_text(json.dumps(CONFIG))
    assert load_config(plain) == CONFIG
    wrapped = tmp_path / "cdktf.json"
    wrapped.write_text(json.dumps({"language": "python", "context": {"bluegreen": CONFIG}}))
    assert load_config(wrapped) == CONFIG


@pytest.mark.parametrize("content,pattern", [(None, "No such file"), ("{oops", "not valid JSON")])
def test_load_config_errors(tmp_path, content, pattern):
    path = tmp_path / "settings.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(SettingsError, match=rf"BLUEGREEN_CONFIG: .*{pattern}"):
        load_config(path)


def test_main_synthesizes_one_stack_per_environment(synthesized):
    dev = synthesized["main:web-dev"].doc
    prod = synthesized["main:web-prod"].doc
    assert dev["terraform"]["backend"]["s3"]["key"] == "web/dev/terraform.tfstate"
    assert prod["terraform"]["backend"]["s3"]["key"] == "web/prod/terraform.tfstate"
    assert resource(dev, "aws_ecs_service", "ecs/service")["desired_count"] == 1
    assert "aws_appautoscaling_target" in prod["resource"]
    assert resource(prod, "aws_vpc", "network/vpc")["cidr_block"] == "10.1.0.0/16"


def test_main_reports_bad_settings_without_a_traceback(tmp_path, monkeypatch, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({**CONFIG, "environments": {"dev": {"app": {"load_balancer": {"test_port": 80}}}}}))
    monkeypatch.setenv("BLUEGREEN_CONFIG", str(bad))
    monkeypatch.delenv("BLUEGREEN_ENVIRONMENTS", raising=False)
    assert main.main() == 2
    err = capsys.readouterr().err
    assert err.startswith("error: bluegreen.environments.dev.app.load_balancer.test_port: invalid value 80.")
    assert "Traceback" not in err


def test_main_synthesizes_the_selected_environment(tmp_path, monkeypatch, capsys):
    config = tmp_path / "settings.json"
    config.write_text(json.dumps(CONFIG))
    monkeypatch.setenv("BLUEGREEN_CONFIG", str(config))
    monkeypatch.setenv("BLUEGREEN_ENVIRONMENTS", "prod")
    assert main.main(outdir=str(tmp_path / "out")) == 0
    assert "synthesized shop-prod" in capsys.readouterr().out
    doc = json.loads((tmp_path / "out" / "stacks" / "shop-prod" / "cdk.tf.json").read_text())
    assert doc["provider"]["aws"][0]["region"] == "eu-west-1"
    assert not (tmp_path / "out" / "stacks" / "shop-dev").exists()


@pytest.mark.parametrize(
    "secret_in,variable_in,named",
    [
        ("defaults", "environments.dev", "bluegreen.environments.dev.app.service.environment.DB"),
        ("environments.dev", "defaults", "bluegreen.environments.dev.app.service.secrets.DB"),
        ("defaults", "defaults", "bluegreen.defaults.app.service.secrets.DB"),
    ],
)
def test_a_variable_both_plain_and_secret_is_named_where_the_clash_was_made(secret_in, variable_in, named):
    """What no other test proves: an error about two settings (SettingsError.instead) is named at the
    one the environment wrote, not at the defaults' it met, which the user did not touch."""
    import copy

    config = copy.deepcopy(CONFIG)
    secret = {"arn": "arn:aws:ssm:ap-northeast-1:123456789012:parameter/db"}
    for where, key, value in ((secret_in, "secrets", secret), (variable_in, "environment", "x")):
        layer = config
        for part in where.split("."):
            layer = layer.setdefault(part, {})
        layer.setdefault("app", {}).setdefault("service", {})[key] = {"DB": value}
    with pytest.raises(SettingsError) as raised:
        environment_settings(config, ["dev"])
    assert raised.value.field == named, str(raised.value)
    assert str(raised.value).startswith(f"{named}: invalid name 'DB'. DB is both a plain environment variable")
