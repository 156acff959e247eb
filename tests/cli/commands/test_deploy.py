"""`bluegreen deploy`: Terraform owns the task definition's shape, a deployment owns the image.

Each path runs `cli.main` against botocore's Stubber, which asserts every ECS and CodeDeploy call
and its parameters in order: image only, settings only (with and without a new registration),
both, the --task-definition escape hatch, a revision changed by hand, one of unknown origin,
nothing to deploy, a dry run, and `status`. The emulator run of the same flow is in cli/test_main.py.
"""

from __future__ import annotations

import json

import pytest
from stubbed_aws import ARN, OUTPUTS, Aws, deployed_by_us, register_request, revision

from ecs_bluegreen.revisions import diff

pytestmark = pytest.mark.family_free  # the deploy command's plan of revisions, on stubbed AWS


def test_image_only_starts_from_terraforms_revision(tmp_path):
    aws = Aws()
    aws.idle()
    terraform = revision(4)
    aws.running(5)
    aws.describe(deployed_by_us(5, 4, image="nginx:1.28"))
    aws.describe(terraform)
    aws.register(register_request(terraform, "nginx:1.29", 4), 6)
    aws.create(6, "bluegreen: web-dev:6 with nginx:1.29")
    code, out, err = aws.run("deploy", "--image", "nginx:1.29", tmp_path=tmp_path)
    assert (code, err) == (0, "")
    assert out == (
        "from web-dev:5 to Terraform's web-dev:4 with image nginx:1.29\n"
        "  nginx image nginx:1.28 → nginx:1.29\n"
        "  the settings stay: the running revision has Terraform's already\n"
        f"registered {ARN.format(6)}\nstarted d-NEW\n"
    )


def test_settings_only_keeps_the_running_image(tmp_path):
    aws = Aws()
    aws.idle()
    terraform = revision(6, cpu="512", memory="1024", environment={"LOG_LEVEL": "debug"})
    aws.running(5)
    aws.describe(deployed_by_us(5, 4, image="nginx:1.28"))
    aws.describe(terraform)
    aws.describe(revision(4))  # the running revision's own Terraform revision, to look for drift
    aws.register(register_request(terraform, "nginx:1.28", 6), 7)
    aws.create(7, "bluegreen: web-dev:7 with nginx:1.28")
    code, out, err = aws.run("deploy", outputs={**OUTPUTS, "task_definition_arn": ARN.format(6)}, tmp_path=tmp_path)
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "from web-dev:5 to Terraform's web-dev:6 with the image that runs now, nginx:1.28",
        "  cpu 256 → 512",
        "  memory 512 → 1024",
        "  nginx environment +LOG_LEVEL",
        "note: Terraform's revision has image nginx:1.27 (the settings' image, which only the first "
        "deployment uses); the image that runs now stays. Pass --image to change it",
        f"registered {ARN.format(7)}",
        "started d-NEW",
    ]


def test_settings_only_deploys_terraforms_revision_as_is_when_it_has_the_running_image(tmp_path):
    aws = Aws()
    aws.idle()
    aws.running(2)
    aws.describe(revision(2))
    aws.describe(revision(4, cpu="512", memory="1024"))
    aws.create(4, "bluegreen: web-dev:4 with nginx:1.27")
    code, out, err = aws.run("deploy", tmp_path=tmp_path)
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "from web-dev:2 to Terraform's web-dev:4 with the image that runs now, nginx:1.27",
        "  cpu 256 → 512",
        "  memory 512 → 1024",
        f"using {ARN.format(4)}",
        "started d-NEW",
    ]


def test_settings_and_image_together(tmp_path):
    aws = Aws()
    aws.idle()
    terraform = revision(6, cpu="512", memory="1024")
    aws.running(5)
    aws.describe(deployed_by_us(5, 4, image="nginx:1.28"))
    aws.describe(terraform)
    aws.describe(revision(4))
    aws.register(register_request(terraform, "nginx:1.29", 6), 7)
    aws.create(7, "bluegreen: web-dev:7 with nginx:1.29")
    code, out, _ = aws.run(
        "deploy",
        "--image",
        "nginx:1.29",
        "--json",
        outputs={**OUTPUTS, "task_definition_arn": ARN.format(6)},
        tmp_path=tmp_path,
    )
    assert code == 0
    doc = json.loads(out)
    assert [c["summary"] for c in doc["changes"]] == [
        "nginx image nginx:1.28 → nginx:1.29",
        "cpu 256 → 512",
        "memory 512 → 1024",
    ]
    assert doc["changes"][1] == {"field": "cpu", "before": "256", "after": "512", "summary": "cpu 256 → 512"}
    assert {
        k: doc[k]
        for k in (
            "deploymentId",
            "taskDefinitionArn",
            "registered",
            "runningTaskDefinitionArn",
            "terraformTaskDefinitionArn",
            "image",
            "drift",
            "warnings",
            "dryRun",
        )
    } == {
        "deploymentId": "d-NEW",
        "taskDefinitionArn": ARN.format(7),
        "registered": True,
        "runningTaskDefinitionArn": ARN.format(5),
        "terraformTaskDefinitionArn": ARN.format(6),
        "image": "nginx:1.29",
        "drift": [],
        "warnings": [],
        "dryRun": False,
    }


def test_the_escape_hatch_deploys_the_given_revision_as_is(tmp_path):
    aws = Aws()
    aws.idle()
    aws.running(5)
    aws.describe(deployed_by_us(5, 4, image="nginx:1.28"))
    aws.describe(revision(9, image="nginx:1.30", memory="1024", tags={}))
    aws.describe(revision(4))
    aws.create(9, "bluegreen: web-dev:9 with nginx:1.30")
    code, out, err = aws.run("deploy", "--task-definition", ARN.format(9), tmp_path=tmp_path)
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "from web-dev:5 to web-dev:9, as given (--task-definition)",
        "  nginx image nginx:1.28 → nginx:1.30",
        "  memory 512 → 1024",
        f"using {ARN.format(9)}",
        "started d-NEW",
    ]


def test_a_change_made_by_hand_is_named_and_warned_of(tmp_path):
    aws = Aws()
    aws.idle()
    # web-dev:5 says bluegreen registered it from Terraform's web-dev:4, yet it has more memory
    # and a DEBUG variable that web-dev:4 lacks: someone registered an edited copy.
    aws.running(5)
    aws.describe(deployed_by_us(5, 4, image="nginx:1.28", memory="1024", environment={"DEBUG": "1"}))
    aws.describe(revision(4))
    aws.register(register_request(revision(4), "nginx:1.28", 4), 6)
    aws.create(6, "bluegreen: web-dev:6 with nginx:1.28")
    code, out, err = aws.run("deploy", tmp_path=tmp_path)
    assert code == 0
    assert out.splitlines()[:3] == [
        "from web-dev:5 to Terraform's web-dev:4 with the image that runs now, nginx:1.28",
        "  memory 1024 → 512",
        "  nginx environment -DEBUG",
    ]
    assert err == (
        "bluegreen: warning: web-dev:5 has changes that neither Terraform nor a deployment made "
        "(by hand?): memory 512 → 1024; nginx environment +DEBUG. This deployment drops those not "
        "in Terraform's settings; to keep them, put them in the settings\n"
    )


def test_a_revision_of_unknown_origin_is_warned_of(tmp_path):
    aws = Aws()
    aws.idle()
    aws.running(8)
    aws.describe(revision(8, image="nginx:1.28", environment={"DEBUG": "1"}, tags={}))
    aws.describe(revision(4))
    aws.register(register_request(revision(4), "nginx:1.28", 4), 9)
    aws.create(9, "bluegreen: web-dev:9 with nginx:1.28")
    code, _, err = aws.run("deploy", tmp_path=tmp_path)
    assert code == 0
    assert err == (
        "bluegreen: warning: web-dev:8 was registered neither by Terraform nor by bluegreen (by "
        "hand, or by another tool): the changes listed also undo whatever was changed in it by hand\n"
    )


def test_a_revision_whose_terraform_revision_is_gone_is_warned_of(tmp_path):
    aws = Aws()
    aws.running(5)
    aws.describe(deployed_by_us(5, 3, image="nginx:1.28"))
    aws.describe(revision(4, cpu="512", memory="1024"))
    aws.ecs_stub.add_client_error(
        "describe_task_definition",
        "ClientException",
        "Unable to describe task definition.",
        expected_params={"taskDefinition": ARN.format(3), "include": ["TAGS"]},
    )
    code, out, err = aws.run("deploy", "--dry-run", tmp_path=tmp_path)
    assert code == 0 and "  cpu 256 → 512" in out
    assert err == (
        "bluegreen: warning: web-dev:5 was registered by bluegreen from web-dev:3, which is gone: "
        "the changes listed also undo whatever was changed in it by hand\n"
    )


def test_a_terraform_revision_without_the_app_container_is_one_clear_error(tmp_path):
    aws = Aws()
    aws.idle()
    aws.running(2)
    aws.describe(revision(2))
    other = revision(4)
    other["taskDefinition"]["containerDefinitions"][0]["name"] = "app"
    aws.describe(other)
    code, _, err = aws.run("deploy", tmp_path=tmp_path)
    assert (code, err) == (1, "bluegreen: error: web-dev:4 has no container 'nginx' (it has app)\n")


def test_nothing_to_deploy_when_terraforms_settings_and_the_image_already_run(tmp_path):
    aws = Aws()
    aws.idle()
    aws.running(5)
    aws.describe(deployed_by_us(5, 4, image="nginx:1.28"))
    aws.describe(revision(4))
    code, out, err = aws.run("deploy", tmp_path=tmp_path)
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        f"nothing to deploy: web-dev:5 has the settings of Terraform's web-dev:4 and image nginx:1.28 already; "
        f"to start it again, pass --task-definition {ARN.format(5)}",
        # Why a new image in the settings did not count: the settings' image is only the first.
        "note: Terraform's revision has image nginx:1.27 (the settings' image, which only the first "
        "deployment uses); the image that runs now stays. Pass --image to change it",
    ]


def test_dry_run_shows_the_changes_and_deploys_nothing(tmp_path):
    aws = Aws()
    aws.running(2)
    aws.describe(revision(2))
    aws.describe(revision(4, cpu="512", memory="1024"))
    code, out, _ = aws.run("deploy", "--image", "nginx:1.29", "--dry-run", "--json", tmp_path=tmp_path)
    doc = json.loads(out)
    assert code == 0 and doc["dryRun"] is True and doc["deploymentId"] is None
    assert [c["summary"] for c in doc["changes"]] == [
        "nginx image nginx:1.27 → nginx:1.29",
        "cpu 256 → 512",
        "memory 512 → 1024",
    ]


def test_deploy_without_the_terraform_revision_output_says_how_to_get_it(tmp_path):
    aws = Aws()
    aws.idle()
    aws.running(2)
    aws.describe(revision(2))
    outputs = {k: v for k, v in OUTPUTS.items() if k != "task_definition_arn"}
    code, _, err = aws.run("deploy", outputs=outputs, tmp_path=tmp_path)
    assert code == 2
    assert err.startswith("bluegreen: error: the stack's outputs lack task_definition_arn")


def _status(aws: Aws, running: dict, terraform: dict) -> None:
    aws.codedeploy_stub.add_response(
        "list_deployments", {"deployments": []}, {"applicationName": "web-dev", "deploymentGroupName": "web-dev"}
    )
    aws.running(running["taskDefinition"]["revision"])
    aws.describe(running)
    if terraform is not running:
        aws.describe(terraform)
    # Where production's traffic goes: the group's listeners (no ELB client here, so none read).
    aws.codedeploy_stub.add_response(
        "get_deployment_group",
        {"deploymentGroupInfo": {"applicationName": "web-dev", "deploymentGroupName": "web-dev"}},
        {"applicationName": "web-dev", "deploymentGroupName": "web-dev"},
    )


def test_status_says_terraforms_revision_waits_for_a_deployment(tmp_path):
    aws = Aws()
    _status(aws, deployed_by_us(5, 4, image="nginx:1.28"), revision(6, cpu="512", memory="1024"))
    code, out, _ = aws.run("status", outputs={**OUTPUTS, "task_definition_arn": ARN.format(6)}, tmp_path=tmp_path)
    assert code == 0
    assert out.splitlines()[1] == (
        "Terraform's web-dev:6 waits for a deployment; against the running web-dev:5: "
        "cpu 256 → 512; memory 512 → 1024. Roll it out with `bluegreen deploy`"
    )


def test_status_says_terraforms_revision_is_live(tmp_path):
    aws = Aws()
    _status(aws, deployed_by_us(5, 4, image="nginx:1.28"), revision(4))
    code, out, _ = aws.run("status", "--json", tmp_path=tmp_path)
    assert code == 0
    assert json.loads(out)["terraformRevision"] == {
        "terraformTaskDefinitionArn": ARN.format(4),
        "runningTaskDefinitionArn": ARN.format(5),
        "live": True,
        "pending": [],
    }


def test_diff_names_containers_added_and_removed_and_nested_fields():
    before = revision(1)["taskDefinition"]
    after = json.loads(json.dumps(before))
    after["containerDefinitions"][0]["logConfiguration"]["options"]["awslogs-stream-prefix"] = "app"
    after["containerDefinitions"][0]["environment"] = [{"name": "A", "value": "1"}]
    after["containerDefinitions"].append({"name": "agent", "image": "datadog/agent:7", "essential": False})
    after["ephemeralStorage"] = {"sizeInGiB": 40}
    assert [c.summary for c in diff(before, after)] == [
        "ephemeralStorage.sizeInGiB (none) → 40",
        "container +agent",
        "nginx environment +A",
        "nginx logConfiguration.options.awslogs-stream-prefix nginx → app",
    ]


def test_the_stacks_hooks_go_into_the_appspec_and_hook_replaces_one_event(tmp_path):
    """The stack's output `hooks` names the functions of its lifecycle events; a deployment runs
    them, in the events' order, unless --hook gives another function for an event."""
    aws = Aws()
    aws.idle()
    aws.running(4)
    aws.describe(revision(4))
    aws.register(register_request(revision(4), "nginx:1.29", 4), 5)
    aws.create(
        5,
        "bluegreen: web-dev:5 with nginx:1.29",
        hooks=[
            {"BeforeInstall": "web-dev-migrations"},
            {"AfterAllowTestTraffic": "web-dev-smoke-v2"},
            {"AfterAllowTraffic": "web-dev-notify"},
        ],
    )
    outputs = {
        **OUTPUTS,
        "hooks": {
            "AfterAllowTraffic": "web-dev-notify",
            "AfterAllowTestTraffic": "web-dev-smoke",
            "BeforeInstall": "web-dev-migrations",
        },
    }
    code, out, err = aws.run(
        "deploy",
        "--image",
        "nginx:1.29",
        "--hook",
        "AfterAllowTestTraffic=web-dev-smoke-v2",
        outputs=outputs,
        tmp_path=tmp_path,
    )
    assert (code, err) == (0, "")
    assert out.splitlines()[-1] == (
        "  hooks: BeforeInstall=web-dev-migrations, AfterAllowTestTraffic=web-dev-smoke-v2, "
        "AfterAllowTraffic=web-dev-notify"
    )


def test_a_deployment_changes_the_app_image_only_and_keeps_the_sidecars(tmp_path):
    terraform = revision(4)
    sidecar = {
        "name": "log-router",
        "image": "public.ecr.aws/aws-observability/aws-for-fluent-bit:stable",
        "essential": True,
        "firelensConfiguration": {"type": "fluentbit"},
    }
    terraform["taskDefinition"]["containerDefinitions"].append(sidecar)
    terraform["taskDefinition"]["containerDefinitions"][0]["secrets"] = [
        {"name": "DB_PASSWORD", "valueFrom": "arn:aws:ssm:ap-northeast-1:123456789012:parameter/db"}
    ]
    aws = Aws()
    aws.idle()
    aws.running(4)
    aws.describe(terraform)
    expected = register_request(terraform, "nginx:1.29", 4)
    expected["containerDefinitions"][1] = sidecar  # its image stays
    aws.register(expected, 5)
    aws.create(5, "bluegreen: web-dev:5 with nginx:1.29")
    code, _out, err = aws.run("deploy", "--image", "nginx:1.29", tmp_path=tmp_path)
    assert (code, err) == (0, "")


def test_a_list_of_names_and_values_shows_names_only_at_any_depth():
    """What no other test proves: the differ keys any list of name/value pairs by name, wherever it
    is (a log driver's secretOptions, not only environment and secrets), so that the review and
    `deploy` never print a value or a secret's ARN."""
    from ecs_bluegreen.revisions import diff

    secret = "arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:splunk-token-AbCdEf"
    before = revision(4)["taskDefinition"]
    after = json.loads(json.dumps(before))
    after["containerDefinitions"][0]["logConfiguration"] = {
        "logDriver": "splunk",
        "options": {"splunk-url": "https://splunk.example.com"},
        "secretOptions": [{"name": "splunk-token", "valueFrom": secret}],
    }
    after["containerDefinitions"][0]["environment"] = [{"name": "MODE", "value": "blue"}]
    summaries = [c.summary for c in diff(before, after)]
    assert "nginx logConfiguration.secretOptions +splunk-token" in summaries
    assert "nginx environment +MODE" in summaries
    assert not any(secret in s or "blue" in s for s in summaries), summaries
