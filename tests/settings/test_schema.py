"""The JSON Schema of the settings (ecs_bluegreen/settings.schema.json): in step with the code,
accepting the example and every setting, refusing a typo, a value of the wrong kind, and a value
out of its setting's range, choices or pattern."""

from __future__ import annotations

import copy
import json

import pytest
from full_settings import FULL
from paths import ROOT

from ecs_bluegreen.settings.schema import PUBLISHED

pytestmark = pytest.mark.toolchain  # the schema is one file for every tier; jsonschema is a dev tool of tier A


@pytest.fixture(scope="module")
def validator():
    import jsonschema  # a dev tool of tier A: imported here, so that the other tiers can collect this module

    schema = json.loads(PUBLISHED.read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_the_example_cdktf_json_is_valid(validator):
    assert list(validator.iter_errors(json.loads((ROOT / "cdktf.json").read_text()))) == []


def test_a_file_of_every_setting_is_valid(validator):
    assert list(validator.iter_errors(FULL)) == []


@pytest.mark.parametrize(
    "where,key,value,message",
    [
        (["environments", "dev", "app"], "servce", {}, "'servce' was unexpected"),
        (["defaults", "app", "service"], "cpu", "256", "'256' is not of type 'integer'"),
        (["defaults", "app", "load_balancer"], "type", "classic", "'classic' is not one of"),
        (["defaults"], "region", "ap-northeast-1\n", "does not match"),
        # The rules that are data are in the schema too: a value of the right kind out of its range.
        (["defaults", "app", "service"], "cpu", 300, "300 is not one of [256, 512"),
        (["defaults", "app", "service"], "platform_version", "9.9", "'9.9' is not one of ['LATEST', '1.4.0']"),
        (["defaults", "app", "service"], "desired_count", 5001, "5001 is greater than the maximum of 5000"),
        (["defaults", "app", "load_balancer"], "test_port", 0, "0 is less than the minimum of 1"),
        (["defaults", "app", "service"], "image", "Nginx:latest", "does not match"),
    ],
)
def test_a_typo_or_a_wrong_kind_is_flagged(validator, where, key, value, message):
    config = copy.deepcopy(FULL)
    target = config
    for part in where:
        target = target[part]
    target[key] = value
    errors = list(validator.iter_errors({"context": {"bluegreen": config}}))

    def messages(found):
        for error in found:
            yield error.message
            yield from messages(error.context or [])

    assert errors and any(message in m for m in messages(errors)), list(messages(errors))
