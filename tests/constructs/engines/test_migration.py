"""The migration of a live service from CodeDeploy to ECS-native blue/green, resource by resource.

The same environment (scenarios.MIGRATION) is synthesized on CodeDeploy, at step 1 (engine "ecs"
with deployment.migration) and at step 2 (engine "ecs"). What no other test proves: that no
resource in the traffic path is replaced, since every resource both steps keep has the same
arguments except the ECS service's deployment fields, which the provider updates in place
(UpdateService carries deployment_controller, deployment_configuration, alarms and load_balancer;
none of them forces a new service); and that each step adds and removes exactly what the README's
migration says, the CodeDeploy resources last. Tier A has no native engine, so this runs on tiers
B and C (repo/test_tiers.py checks that it ran there), and tier A refuses step 1 on one line.
"""

from __future__ import annotations

import json
import re

import pytest
from helpers import ref, resource
from scenarios import MIGRATION

from ecs_bluegreen import BlueGreenStack, SettingsError
from ecs_bluegreen.constructs.cdk import App
from ecs_bluegreen.review import FindingClass, review

INTERRUPTS = FindingClass.INTERRUPTS

native = pytest.mark.native  # deselected on tier A (conftest.py), which has the refusal below

UPDATED_IN_PLACE = {
    "aws_ecs_service": {"deployment_controller", "deployment_configuration", "alarms", "load_balancer", "lifecycle"}
}
"""The only arguments a kept resource may change between the steps, besides `depends_on` (an order,
not an argument) and what the later step's `ignore_changes` leaves alone (no change is planned for
it: the rules' weights at step 2, which ECS owns by then); any other change could replace it."""

CODEDEPLOY = {
    "aws_codedeploy_app.blue-green_codedeploy_app",
    "aws_codedeploy_deployment_group.blue-green_codedeploy_group",
    "aws_iam_role.blue-green_iam_codedeploy",
    "aws_iam_role_policy_attachment.blue-green_iam_codedeploy-policy",
    "aws_iam_role_policy.blue-green_iam_codedeploy-hooks",
}
NATIVE = {
    "aws_lb_listener_rule.blue-green_ecs-native_prod-rule",
    "aws_lb_listener_rule.blue-green_ecs-native_test-rule",
    "aws_iam_role.blue-green_iam_infrastructure",
    "aws_iam_role_policy_attachment.blue-green_iam_infrastructure-policy",
    "aws_iam_role.blue-green_iam_ecs-hooks",
    "aws_iam_role_policy.blue-green_iam_ecs-hooks-invoke",
}
HOOK_REPORTING = {
    # The smoke test answers ECS instead of calling CodeDeploy: its grant and its way to the API go.
    "aws_iam_role_policy.blue-green_test-traffic-hook_report",
    "aws_vpc_security_group_egress_rule.blue-green_test-traffic-hook_egress-443",
}


def _bodies(doc):
    return {
        f"{t}.{k}": {a: v for a, v in body.items() if a != "//"}
        for t, bodies in doc["resource"].items()
        for k, body in bodies.items()
    }


@pytest.fixture(scope="module")
def steps(synthesized):
    return {step: synthesized[f"migration:{step}"].doc for step in ("codedeploy", "step-1", "ecs")}


def _changed(before, after):
    """Kept addresses whose arguments differ, beyond what updates in place."""
    changed = {}
    for address in sorted(set(before) & set(after)):
        ignored = set(after[address].get("lifecycle", {}).get("ignore_changes", []))
        allowed = UPDATED_IN_PLACE.get(address.split(".")[0], set()) | ignored | {"depends_on"}
        fields = {
            a for a in set(before[address]) | set(after[address]) if before[address].get(a) != after[address].get(a)
        } - allowed
        if fields:
            changed[address] = sorted(fields)
    return changed


@native
@pytest.mark.parametrize("pair", [("codedeploy", "step-1"), ("step-1", "ecs"), ("codedeploy", "ecs")])
def test_no_kept_resource_changes_an_argument_that_could_replace_it(steps, pair):
    before, after = (_bodies(steps[p]) for p in pair)
    assert _changed(before, after) == {}


@native
def test_step_1_adds_the_rules_and_the_roles_and_keeps_codedeploy(steps):
    before, after = _bodies(steps["codedeploy"]), _bodies(steps["step-1"])
    assert set(after) - set(before) == NATIVE
    assert set(before) - set(after) == HOOK_REPORTING
    assert set(after) >= CODEDEPLOY


@native
def test_step_2_removes_codedeploy_and_nothing_else(steps):
    before, after = _bodies(steps["step-1"]), _bodies(steps["ecs"])
    assert set(before) - set(after) == CODEDEPLOY
    assert set(after) - set(before) == set()


@native
def test_step_1_hands_the_service_to_ecs_on_the_group_that_serves_production(steps):
    """The live group (green here, after an odd number of CodeDeploy deployments) stays live: the
    rules forward all traffic to it, and the service names it, with the other as the alternate."""
    doc = steps["step-1"]
    green, blue = (ref(doc, "aws_lb_target_group", f"load-balancer/{c}", "arn") for c in ("green", "blue"))
    for rule in ("prod-rule", "test-rule"):
        forward = resource(doc, "aws_lb_listener_rule", f"ecs-native/{rule}")["action"][0]["forward"]
        assert forward["target_group"] == [{"arn": green, "weight": 100}, {"arn": blue, "weight": 0}]
    service = resource(doc, "aws_ecs_service", "ecs/service")
    assert service["deployment_controller"] == {"type": "ECS"}
    (load_balancer,) = service["load_balancer"]
    assert load_balancer["target_group_arn"] == green
    assert load_balancer["advanced_configuration"]["alternate_target_group_arn"] == blue
    # Terraform sends the load balancer block this once; from step 2 on, ECS owns it again.
    assert "load_balancer" not in service["lifecycle"]["ignore_changes"]
    assert "load_balancer" in resource(steps["ecs"], "aws_ecs_service", "ecs/service")["lifecycle"]["ignore_changes"]
    assert (
        "load_balancer"
        in resource(steps["codedeploy"], "aws_ecs_service", "ecs/service")["lifecycle"]["ignore_changes"]
    )


@native
def test_the_task_definition_is_the_same_revision_on_both_engines(steps):
    """No new revision at any step: the tasks running now are the ones ECS takes over."""
    bodies = [
        {k: v for k, v in resource(steps[s], "aws_ecs_task_definition", "ecs/task").items() if k != "//"}
        for s in steps
    ]
    assert bodies[0] == bodies[1] == bodies[2]


@native
def test_the_outputs_name_the_engine(steps):
    assert "engine" not in steps["codedeploy"]["output"]
    assert steps["step-1"]["output"]["engine"]["value"] == steps["ecs"]["output"]["engine"]["value"] == "ecs"
    assert "codedeploy_app_name" in steps["codedeploy"]["output"]
    assert "codedeploy_app_name" not in steps["step-1"]["output"]


@pytest.mark.without_native
def test_bindings_without_the_engine_refuse_step_1_before_any_resource(tmp_path):
    app = App(outdir=str(tmp_path))
    with pytest.raises(SettingsError) as raised:
        BlueGreenStack(app, "step-1", settings=MIGRATION["step-1"])
    assert "\n" not in str(raised.value) and "6.4.0" in str(raised.value)


# --- the review of each step's plan ----------------------------------------------------------------

_REFERENCE = re.compile(r"^\$\{([\w-]+)\.([\w-]+)\.(\w+)\}$")


def derived_plan(before: dict, after: dict) -> dict:
    """The plan of going from one synthesized stack to the other, as `terraform show -json` shapes
    it: each address created, deleted, updated or kept, with its values (an ignored field keeps its
    value, as in Terraform), and the outputs' references.

    Derived from the two synths, not planned: no hashicorp/aws 6.x binary can be had here to plan
    with. A reference to a literal attribute (a role's name) is resolved as Terraform would; the
    rest stay references, which the review only compares."""

    def values(doc):
        bodies = {f"{t}.{k}": b for t, kinds in doc["resource"].items() for k, b in kinds.items()}
        resolved = {}
        for address, body in bodies.items():

            def resolve(value):
                if isinstance(value, str) and (m := _REFERENCE.match(value)):
                    target = bodies.get(f"{m[1]}.{m[2]}", {})
                    return target.get(m[3], value) if isinstance(target.get(m[3], value), str) else value
                if isinstance(value, list):
                    return [resolve(v) for v in value]
                if isinstance(value, dict):
                    return {k: resolve(v) for k, v in value.items()}
                return value

            resolved[address] = {k: resolve(v) for k, v in body.items() if k not in ("//", "lifecycle", "depends_on")}
        return resolved

    old, new = values(before), values(after)
    ignored = {
        f"{t}.{k}": b.get("lifecycle", {}).get("ignore_changes", [])
        for t, kinds in after["resource"].items()
        for k, b in kinds.items()
    }
    changes = []
    for address in sorted(set(old) | set(new)):
        kind, name = address.split(".", 1)
        a, b = old.get(address), new.get(address)
        if a is not None and b is not None:  # Terraform keeps the state's value of an ignored field
            b = {**b, **{f: a[f] for f in ignored.get(address, []) if f in a}}
        actions = ["create"] if a is None else ["delete"] if b is None else ["no-op"] if a == b else ["update"]
        changes.append(
            {
                "address": address,
                "mode": "managed",
                "type": kind,
                "name": name,
                "change": {"actions": actions, "before": a, "after": b, "after_unknown": {}},
            }
        )
    outputs = {}
    for key, output in after["output"].items():
        found = re.findall(r"\$\{([\w-]+\.[\w-]+)\.(\w+)\}", json.dumps(output["value"]))
        outputs[key] = {"expression": {"references": [r for ref_, attr in found for r in (f"{ref_}.{attr}", ref_)]}}
    return {
        "format_version": "1.2",
        "resource_changes": changes,
        "output_changes": {},
        "configuration": {"root_module": {"outputs": outputs, "resources": []}},
    }


@native
def test_the_review_of_step_2_lists_what_is_removed_and_that_traffic_is_not_interrupted(steps):
    result = review(derived_plan(steps["step-1"], steps["ecs"]))
    assert result.of_class(INTERRUPTS) == []
    (note,) = [n for n in result.notes if n.startswith("Removes what CodeDeploy used")]
    for address in CODEDEPLOY:
        assert address in note
    assert note.endswith("No deployment goes through them any more, so traffic is not interrupted.")


@native
def test_the_review_of_step_1_says_the_service_is_handed_to_ecs_in_place(steps):
    result = review(derived_plan(steps["codedeploy"], steps["step-1"]))
    assert result.of_class(INTERRUPTS) == []
    assert any(
        n.startswith(
            "aws_ecs_service.blue-green_ecs_service: handed from CodeDeploy to ECS-native blue/green "
            "(BLUE_GREEN), in place"
        )
        for n in result.notes
    )
    (timeline,) = result.timeline
    lines = {line["step"]: line for line in timeline["lines"]}
    assert lines["engine"]["after"] == "ECS-native blue/green, strategy BLUE_GREEN"
    assert lines["rollback window"]["after"].startswith("60 min after traffic has moved: the old revision is kept")
    assert lines["rollback window"]["before"] is None  # the same window, on the other engine


@native
def test_going_back_to_codedeploy_deletes_the_rules_which_interrupts_traffic(steps):
    """The other way (ECS-native to CodeDeploy) deletes the rules ECS shifts traffic on: a finding
    of class 1, and nothing told as a migration."""
    result = review(derived_plan(steps["ecs"], steps["codedeploy"]))
    rules = [f for f in result.of_class(INTERRUPTS) if f.type == "aws_lb_listener_rule"]
    assert [f.address for f in rules] == [
        "aws_lb_listener_rule.blue-green_ecs-native_prod-rule",
        "aws_lb_listener_rule.blue-green_ecs-native_test-rule",
    ]
    assert all(f.what == "deleted" and "ECS shifts traffic on this rule" in f.why for f in rules)
    assert not [n for n in result.notes if n.startswith("Removes what CodeDeploy used")]


@native
@pytest.mark.parametrize(
    "name,strategy,shift,bake",
    [
        ("native-canary", "CANARY", "10% first, the other 90% after 5 min", "30 min"),
        ("native-linear", "LINEAR", "25% every 2 min: 4 steps, 100% after 6 min", "0 min"),
    ],
)
def test_the_timeline_shows_the_strategy_its_steps_and_the_bake_time(synthesized, name, strategy, shift, bake):
    doc = synthesized[name].doc
    (timeline,) = review(derived_plan({"resource": {}, "output": {}}, doc)).timeline
    lines = {line["step"]: line["after"] for line in timeline["lines"]}
    assert lines["engine"] == f"ECS-native blue/green, strategy {strategy}"
    assert lines["traffic shift"] == shift
    assert lines["rollback window"].startswith(f"{bake} after traffic has moved: the old revision is kept (bake time)")
