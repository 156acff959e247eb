"""`bluegreen review` on real plans: the example stack applied on the emulator, then real
`terraform plan`s of changes a reviewer must catch, each classified by the review. And the rollout
timeline, from synthesized stacks, for the predefined configs, custom shifts and an approval wait."""

from __future__ import annotations

import contextlib
import io
import json
from typing import Any

import pytest
from emulator import e2e_config, synth_example, tolerate_emulator_gaps
from helpers import with_setting

from ecs_bluegreen import cli
from ecs_bluegreen.contract import APPSPEC_OUTPUTS, PREDEFINED_SHIFTS
from ecs_bluegreen.review import FindingClass, PlanError, load_plan, review
from ecs_bluegreen.review.timeline import rollout_timeline, timeline_of

DESTROYS, INTERRUPTS, NEXT_DEPLOY, REACH = (
    FindingClass.DESTROYS,
    FindingClass.INTERRUPTS,
    FindingClass.NEXT_DEPLOY,
    FindingClass.REACH,
)

SERVICE = "aws_ecs_service.blue-green_ecs_service"


@pytest.fixture(scope="module")
def plan_of(applied, tmp_path_factory):
    """A real plan of the applied stack after one change to its settings: Terraform's JSON plan."""
    base = e2e_config(applied.moto)
    made: dict[str, dict] = {}

    def make(name: str, changes: dict[str, Any]) -> dict:
        if name not in made:
            config = base
            for path, value in changes.items():
                config = with_setting(config, path, value)
            workdir = synth_example(config, tmp_path_factory.mktemp(name)) / changes.get(f"{DEV}.name", "web-dev")
            tolerate_emulator_gaps(workdir / "cdk.tf.json")
            run = applied.terraform.run
            run(workdir, "init", "-input=false", env=applied.env)
            run(workdir, "plan", "-input=false", "-refresh=false", "-out=review.tfplan", env=applied.env)
            shown = run(workdir, "show", "-json", "review.tfplan", env=applied.env)
            (workdir / "plan.json").write_text(shown.stdout)
            made[name] = {"plan": load_plan(shown.stdout, name), "file": workdir / "plan.json", "dir": workdir}
        return made[name]

    return make


DEV = "environments.dev.app"
CASES = {
    "target group replaced": {f"{DEV}.service.container_port": 8080},
    "wider ingress": {f"{DEV}.load_balancer.prod_ingress_cidrs": ["10.0.0.0/8"]},
    "test listener opened": {f"{DEV}.load_balancer.test_ingress_cidrs": ["10.0.0.0/8"]},
    "new alarm": {
        f"{DEV}.deployment": {
            "alarms": {"p99_latency_seconds": 2.0, "http_5xx_rate_percent": 5.0},
            "notifications": {},
        }
    },
    "platform version": {f"{DEV}.service.platform_version": "LATEST"},
    "image": {"defaults.app.service.image": "public.ecr.aws/nginx/nginx:1.28"},
    "trust added": {f"{DEV}.deployment.test_traffic_hook": {"path": "/"}},
    "renamed": {f"{DEV}.name": "web-dev2"},
    "third zone": {f"{DEV}.network.az_count": 3},
}


def _review(plan_of, case: str):
    return review(plan_of(case, CASES[case])["plan"])


def _classes(result) -> dict[FindingClass, list[str]]:
    found: dict[FindingClass, list[str]] = {}
    for f in result.findings:
        found.setdefault(f.klass, []).append(f.address)
    return found


@pytest.mark.e2e
def test_a_forced_target_group_replacement_interrupts_and_names_the_attribute(plan_of):
    result = _review(plan_of, "target group replaced")
    interrupts = {f.address: f for f in result.of_class(INTERRUPTS)}
    for color in ("blue", "green"):
        finding = interrupts[f"aws_lb_target_group.blue-green_load-balancer_{color}"]
        assert "replaced, because port cannot change in place" in finding.what
        assert "downtime" in finding.why
    assert result.blocking(set())


@pytest.mark.e2e
def test_a_wider_ingress_changes_who_can_reach_what(plan_of):
    result = _review(plan_of, "wider ingress")
    assert not result.of_class(INTERRUPTS)
    (finding,) = result.of_class(REACH)
    assert finding.what == "tcp/80 10.0.0.0/16 → 10.0.0.0/8: wider"
    assert finding.why == "16,711,680 more addresses can reach it."
    assert finding.address == (
        "aws_vpc_security_group_ingress_rule.blue-green_load-balancer_prod-ingress-10-0-0-0_16 → "
        "aws_vpc_security_group_ingress_rule.blue-green_load-balancer_prod-ingress-10-0-0-0_8"
    )


@pytest.mark.e2e
def test_the_test_listener_opened_is_named_as_such(plan_of):
    result = _review(plan_of, "test listener opened")
    (finding,) = result.of_class(REACH)
    assert finding.what == "tcp/8080 10.0.0.0/8: opened"
    assert finding.why == "the test listener serves the new task set before production does"


@pytest.mark.e2e
def test_a_new_role_says_who_may_assume_it_and_its_policies_what_they_allow(plan_of):
    """The built-in test hook's role, planned for real: its trust names the principal, each inline
    policy its actions and resources, and the managed policy is named."""
    result = _review(plan_of, "trust added")
    reach = {f.address: f.what for f in result.of_class(REACH)}
    role = "aws_iam_role.blue-green_test-traffic-hook_role"
    assert reach[role] == (
        "trust created (who may assume the role): Allow sts:AssumeRole by service lambda.amazonaws.com"
    )
    (report,) = [what for address, what in reach.items() if address.endswith("_report")]
    assert report.startswith(
        "permissions of role web-dev-test-hook created: Allow "
        "codedeploy:PutLifecycleEventHookExecutionStatus on arn:aws:codedeploy:"
    ), report
    assert (
        "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole attached to role "
        "web-dev-test-hook" in reach.values()
    )
    assert not result.blocking(set())


@pytest.mark.e2e
def test_a_replaced_log_group_destroys_its_logs_and_is_never_safe_in_place(plan_of):
    """A renamed service, planned for real: every replaced resource is named, none is counted as
    safe in place, and the log group's replacement is a data loss of its own."""
    result = _review(plan_of, "renamed")
    (logs,) = [f for f in result.of_class(DESTROYS) if f.type == "aws_cloudwatch_log_group"]
    assert logs.what == "replaced, because name cannot change in place"
    assert logs.why.startswith("lost: its log events")
    assert logs in result.blocking(set())
    assert all(verb in ("created", "updated in place") for counts in result.counts.values() for verb in counts)
    replaced = {f.address for f in result.findings if "delete" in f.actions}
    reach = {f.address: f.what for f in result.of_class(REACH)}
    # What follows a renamed role and group is told as such, not as an unknown.
    assert reach["aws_iam_role_policy_attachment.blue-green_iam_execution-policy"] == (
        "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy attached again to role "
        "web-dev2-task-execution (was web-dev-task-execution)"
    )
    assert reach["aws_vpc_security_group_ingress_rule.blue-green_ecs_from-lb"].endswith(
        " → tcp/80 a group this plan creates"
    )
    planned = plan_of("renamed", CASES["renamed"])["plan"]["resource_changes"]
    assert replaced == {c["address"] for c in planned if "delete" in c["change"]["actions"]}
    # The service is created anew with its new groups: the AppSpec outputs that change with them
    # reach it at apply, as the task definition does, so neither waits for the next deploy.
    outputs = plan_of("renamed", CASES["renamed"])["plan"]["output_changes"]
    assert any(
        name.endswith(key) and change["actions"] == ["update"]
        for name, change in outputs.items()
        for key in APPSPEC_OUTPUTS
        if key != "task_definition_arn"
    )
    assert not result.of_class(NEXT_DEPLOY)


@pytest.mark.e2e
def test_a_third_zone_only_adds_subnets(plan_of):
    """What no other test proves: raising network.az_count, planned for real by Terraform, creates
    the new zone's two subnets and their route table associations, and otherwise only adds the new
    public subnet to the load balancer in place: each zone's subnets have fixed slots
    (constructs/network.py), so none is renumbered or replaced."""
    plan = plan_of("third zone", CASES["third zone"])["plan"]
    changed = {
        c["address"]: c["change"]["actions"]
        for c in plan["resource_changes"]
        if c["change"]["actions"] != ["no-op"] and c.get("mode", "managed") == "managed"
    }
    created = {
        f"{kind}.blue-green_network_{tier}-2{suffix}": ["create"]
        for tier in ("public", "private")
        for kind, suffix in (("aws_subnet", ""), ("aws_route_table_association", "-rt"))
    }
    assert changed == {**created, "aws_lb.blue-green_load-balancer_lb": ["update"]}
    created = {
        c["address"]: c["change"]["after"]["cidr_block"]
        for c in plan["resource_changes"]
        if c["type"] == "aws_subnet" and c["change"]["actions"] == ["create"]
    }
    assert created == {
        "aws_subnet.blue-green_network_public-2": "10.0.32.0/20",
        "aws_subnet.blue-green_network_private-2": "10.0.96.0/20",
    }
    (lb,) = [c["change"] for c in plan["resource_changes"] if c["address"] == "aws_lb.blue-green_load-balancer_lb"]
    assert len(lb["before"]["subnets"]) == 2 and lb["after_unknown"]["subnets"]  # the third is known at apply
    assert not review(plan).blocking(set())


@pytest.mark.e2e
def test_a_new_alarm_is_safe_in_place(plan_of):
    result = _review(plan_of, "new alarm")
    assert not result.findings
    # The load balancer's 5xx rate, and the deployment group's alarm list that now names it.
    assert result.counts == {
        "aws_cloudwatch_metric_alarm": {"created": 1},
        "aws_codedeploy_deployment_group": {"updated in place": 1},
    }


@pytest.mark.e2e
def test_a_platform_version_change_takes_effect_at_the_next_deploy(plan_of):
    result = _review(plan_of, "platform version")
    (finding,) = result.findings
    assert finding.klass == NEXT_DEPLOY and finding.address == "output.platform_version"
    assert finding.what == 'platform_version "1.4.0" → "LATEST"'
    assert "next `bluegreen deploy`" in finding.why


@pytest.mark.e2e
def test_an_image_change_is_nothing_to_review_because_codedeploy_owns_it(plan_of):
    result = _review(plan_of, "image")
    assert not result.findings
    (note,) = result.notes
    assert "only the image differs" in note and "Nothing to review: the image is the deployment's" in note


@pytest.mark.e2e
@pytest.mark.parametrize("case", sorted(CASES))
def test_the_three_formats_and_the_exit_code(plan_of, case):
    plan = plan_of(case, CASES[case])
    result = review(plan["plan"])
    code = 4 if result.of_class(INTERRUPTS) else 0
    outputs = {}
    for fmt in ("text", "markdown", "json"):
        out = io.StringIO()
        assert cli.main(["review", "--plan", str(plan["file"]), "--format", fmt], out=out, err=io.StringIO()) == code
        outputs[fmt] = out.getvalue()
    data = json.loads(outputs["json"])
    assert [(f["klass"], f["address"]) for f in data["findings"]] == [
        (f.klass.number, f.address) for f in result.findings
    ]
    assert data["in_place"] == result.counts and data["notes"] == list(result.notes)
    assert bool(data["blocking"]) == (code == 4)
    assert outputs["markdown"].startswith("### Blue/green plan review")
    for finding in result.findings:
        assert f"   {finding.address}" in outputs["text"] and f"| `{finding.address}`" in outputs["markdown"]
    for note in result.notes:
        assert f"note: {note}" in outputs["text"] and f"> {note}" in outputs["markdown"]
    assert "Rollout timeline" in outputs["text"] and "Rollout timeline" in outputs["markdown"]
    if code == 4:
        allow = [arg for address in data["blocking"] for arg in ("--allow", address)]
        assert cli.main(["review", "--plan", str(plan["file"]), *allow], out=io.StringIO(), err=io.StringIO()) == 0


@pytest.mark.e2e
def test_review_runs_the_plan_itself_in_a_stack_folder(plan_of, applied, monkeypatch):
    plan = plan_of("wider ingress", CASES["wider ingress"])
    for key, value in applied.env.items():
        monkeypatch.setenv(key, value)
    out = io.StringIO()
    assert cli.main(["review", "--stack-dir", str(plan["dir"]), "--format", "json"], out=out, err=io.StringIO()) == 0
    assert [f["what"] for f in json.loads(out.getvalue())["findings"]] == ["tcp/80 10.0.0.0/16 → 10.0.0.0/8: wider"]


# --- the rollout timeline, from synthesized stacks -----------------------------------------------


def _resources(doc: dict) -> dict[str, dict]:
    return {f"{kind}.{name}": body for kind, bodies in doc["resource"].items() for name, body in bodies.items()}


def _timeline(doc: dict):
    """The timeline of a BlueGreenStack's service, from its parts at their addresses."""
    found = _resources(doc)
    return timeline_of(
        group=found["aws_codedeploy_deployment_group.blue-green_codedeploy_group"],
        target_group=found["aws_lb_target_group.blue-green_load-balancer_blue"],
        service=found["aws_ecs_service.blue-green_ecs_service"],
        config=found.get("aws_codedeploy_deployment_config.blue-green_codedeploy_config"),
    )


def _configuration(doc: dict) -> dict:
    """The `configuration` Terraform writes into a plan of this stack: each output's references."""
    import re

    outputs = {}
    for name, body in doc["output"].items():
        references = re.findall(r"\$\{([\w-]+\.[\w-]+)\.[\w-]+\}", json.dumps(body["value"]))
        outputs[name] = {"expression": {"references": references}}
    config = doc["resource"].get("aws_codedeploy_deployment_config", {})
    resources = [
        {
            "address": "aws_codedeploy_deployment_group.blue-green_codedeploy_group",
            "type": "aws_codedeploy_deployment_group",
            "expressions": {
                "deployment_config_name": {
                    "references": [f"aws_codedeploy_deployment_config.{name}" for name in config]
                }
            },
        }
    ]
    return {"root_module": {"outputs": outputs, "resources": resources}}


def test_the_timeline_of_the_defaults(synthesized):
    timeline = _timeline(synthesized["defaults"].doc)
    lines = timeline.lines()
    assert lines["new tasks healthy"].startswith("≥ 150 s after a task starts")  # 5 checks × 30 s
    assert lines["approval"] == "none: traffic moves once the new tasks are healthy"
    assert lines["traffic shift"] == "all at once"
    assert lines["old tasks drain"] == "300 s (deregistration delay)"
    assert lines["rollback window"].startswith("60 min after traffic has moved")
    assert lines["old task set gone"].startswith("≥ 62 min")


@pytest.mark.parametrize(
    "name,traffic,minutes",
    [
        ("CodeDeployDefault.ECSAllAtOnce", "all at once", 0),
        ("CodeDeployDefault.ECSCanary10Percent5Minutes", "10% first, the other 90% after 5 min", 5),
        ("CodeDeployDefault.ECSCanary10Percent15Minutes", "10% first, the other 90% after 15 min", 15),
        ("CodeDeployDefault.ECSLinear10PercentEvery1Minutes", "10% every 1 min: 10 steps, 100% after 9 min", 9),
        ("CodeDeployDefault.ECSLinear10PercentEvery3Minutes", "10% every 3 min: 10 steps, 100% after 27 min", 27),
    ],
)
def test_the_timeline_of_each_predefined_config(name, traffic, minutes):
    assert set(PREDEFINED_SHIFTS) >= {name}
    timeline = timeline_of(group={"deployment_config_name": name, "blue_green_deployment_config": {}})
    assert timeline.lines()["traffic shift"] == traffic and timeline.shift_minutes == minutes


@pytest.mark.parametrize(
    "scenario,traffic",
    [
        ("canary-alarms", "20% first, the other 80% after 10 min"),
        ("linear-requests", "25% every 2 min: 4 steps, 100% after 6 min"),
    ],
)
def test_the_timeline_of_a_custom_shift(synthesized, scenario, traffic):
    assert _timeline(synthesized[scenario].doc).lines()["traffic shift"] == traffic


def test_the_timeline_of_an_approval_wait(synthesized):
    lines = _timeline(synthesized["approval"].doc).lines()
    assert lines["approval"] == ("waits up to 30 min for `aws deploy continue-deployment`, then stops and rolls back")
    assert lines["traffic shift"] == "10% first, the other 90% after 5 min"
    assert lines["rollback window"].startswith("5 min after traffic has moved")


def test_a_file_that_is_no_plan_is_one_line(tmp_path):
    for text, pattern in [
        ("nope", "is not JSON"),
        ('{"values": {}}', "is not a Terraform plan"),
        ('{"format_version": "1.2", "resource_changes": {}}', "resource_changes is an object, not an array"),
        (
            '{"format_version": "1.2", "resource_changes": [{"address": "a", "type": "t"}]}',
            '(resource_changes[0] has no "change")',
        ),
    ]:
        path = tmp_path / "plan.json"
        path.write_text(text)
        err = io.StringIO()
        assert cli.main(["review", "--plan", str(path)], out=io.StringIO(), err=err) == 2
        assert pattern in err.getvalue() and len(err.getvalue().splitlines()) == 1
    with pytest.raises(PlanError):
        load_plan("[]", "x")


def test_the_timeline_shows_before_and_after_where_the_plan_changes_it(synthesized):
    before, after = _resources(synthesized["defaults"].doc), _resources(synthesized["approval"].doc)
    plan = {
        "format_version": "1.2",
        "configuration": _configuration(synthesized["approval"].doc),
        "resource_changes": [
            {
                "address": address,
                "type": address.split(".")[0],
                "mode": "managed",
                "change": {"actions": ["update"], "before": before[address], "after": after[address]},
            }
            for address in sorted(set(before) & set(after))
        ],
    }
    (entry,) = rollout_timeline(plan)
    lines = {line["step"]: line for line in entry["lines"]}
    assert lines["approval"]["before"] == "none: traffic moves once the new tasks are healthy"
    assert lines["approval"]["after"].startswith("waits up to 30 min")
    assert lines["traffic shift"]["before"] == "all at once"
    assert lines["new tasks healthy"]["before"] is None  # unchanged


# --- a plan at the door ---------------------------------------------------------------------------

_KINDS = (None, 0, "x", True, [], {})


def _paths(node, path=()):
    """Every place in a JSON document: (path to it, its value)."""
    yield path, node
    children = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, child in children:
        yield from _paths(child, (*path, key))


def _mutated(document, path, how):
    """`document` with the value at `path` dropped (from its object or array) or given another kind."""
    import copy

    result = copy.deepcopy(document)
    if not path:
        return _KINDS[how] if how is not None else result
    parent = result
    for key in path[:-1]:
        parent = parent[key]
    if how is None:
        del parent[path[-1]]
    else:
        parent[path[-1]] = copy.deepcopy(_KINDS[how])
    return result


def check_any_mutation_is_refused_on_one_line_or_reviewed(seed: dict, tmp_path) -> int:
    """Documents made from a valid plan by dropping a value or changing its kind, at any depth: each
    is refused on one line with exit 2, or reviewed in every format. Never a traceback."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    places = [path for path, _ in _paths(seed)]
    refused = []

    @settings(max_examples=400, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck))
    @given(
        st.lists(
            st.tuples(st.sampled_from(places), st.sampled_from((None, *range(len(_KINDS))))), min_size=1, max_size=3
        )
    )
    def check(mutations):
        document = seed
        for path, how in mutations:
            with contextlib.suppress(KeyError, IndexError, TypeError):  # an earlier mutation removed the place
                document = _mutated(document, path, how)
        path = tmp_path / "plan.json"
        path.write_text(json.dumps(document))
        for fmt in ("text", "markdown", "json"):
            err = io.StringIO()
            code = cli.main(["review", "--plan", str(path), "--format", fmt], out=io.StringIO(), err=err)
            assert code in (0, 2, 4), err.getvalue()
            if code == 2:
                assert len(err.getvalue().splitlines()) == 1 and "is not a Terraform plan" in err.getvalue(), (
                    err.getvalue()
                )
                refused.append(err.getvalue())
                break

    check()
    return len(refused)


@pytest.mark.e2e
def test_a_damaged_plan_is_refused_on_one_line_or_reviewed_never_a_traceback(plan_of, tmp_path):
    """What no other test proves: the plan is checked once, at the door (review/plan.py), so that
    no JSON reaches the review in a shape it cannot read. Seeded by a real plan of the emulator's
    stack; 15 distinct tracebacks (KeyError, AttributeError, TypeError, IndexError) before the check."""
    seed = json.loads(plan_of("wider ingress", CASES["wider ingress"])["file"].read_text())
    assert check_any_mutation_is_refused_on_one_line_or_reviewed(seed, tmp_path) > 0
