"""The operator's whole deployment: deploy, test, approve, watch, finish or roll back, with the real
`bluegreen` command on main.py's dev stack, applied by real Terraform on the emulator whose
CodeDeploy runs the ECS blue/green lifecycle (codedeploy_ecs/). Each test checks what happened
through boto3 (listener weights, statuses, task sets), and that `terraform plan` then changes
nothing. This is the only module where deployments run to their end; cli/test_main.py proves the
command's inputs, outputs and errors.

The stack is the session's `deployable`, which only the modules that deploy use; the tests that
need other deployment settings (an approval wait, a canary) apply them with Terraform and put the
example's back at the end of the module. Every test leaves no deployment running, so the next one
can start its own."""

from __future__ import annotations

import json
import os
import pty
import re
import select
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from emulator import e2e_config, synth_example, tolerate_emulator_gaps

from ecs_bluegreen import cli

pytestmark = pytest.mark.e2e

ROOT = Path(cli.__file__).resolve().parent.parent
HOUR = 3600
IMAGES = (f"public.ecr.aws/nginx/nginx:1.{minor}" for minor in range(40, 100))
"""A new image for each deployment, so that each registers a revision of its own."""


class Background:
    """A command running in the background, its lines read as they come."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.process = process
        self.lines: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line)

    def printed(self, pattern: str, timeout: float = 60) -> str:
        """The first line (without its time stamp) that matches `pattern`, once printed."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = [line for line in plain("".join(self.lines)) if re.search(pattern, line)]
            if found:
                return found[0]
            if self.process.poll() is not None and not self.reader.is_alive():
                break
            time.sleep(0.1)
        error = self.process.stderr.read() if self.process.poll() is not None and self.process.stderr else ""
        raise AssertionError(f"no line matching {pattern!r}: {''.join(self.lines)}{error}")

    def communicate(self, timeout: float) -> tuple[str, str]:
        assert self.process.stderr is not None
        self.process.wait(timeout=timeout)
        self.reader.join(timeout=10)
        return "".join(self.lines), self.process.stderr.read()

    @property
    def returncode(self) -> int | None:
        return self.process.returncode


class Operator:
    """The `bluegreen` command on the applied stack, and what AWS (the emulator) says."""

    def __init__(self, applied, tmp_path_factory) -> None:
        self.applied = applied
        self.moto = applied.moto
        self.tmp = tmp_path_factory
        self.env = {
            **os.environ,
            **applied.env,
            "AWS_ENDPOINT_URL": applied.moto.url,
            "TF_CLI_CONFIG_FILE": str(applied.terraform.cli_config),
        }
        self.stack = ["--stack-dir", str(applied.workdir)]
        self.codedeploy, self.elbv2, self.ecs = (applied.client(s) for s in ("codedeploy", "elbv2", "ecs"))
        self.settings: dict = {}

    # --- the command ----------------------------------------------------------------------------

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "ecs_bluegreen.cli", *args, *self.stack],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    def start(self, *args: str) -> Background:
        """The command in the background (its output a pipe: no terminal)."""
        return Background(
            subprocess.Popen(
                [sys.executable, "-m", "ecs_bluegreen.cli", *args, *self.stack],
                cwd=ROOT,
                env=self.env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        )

    def deploy(self) -> str:
        """`bluegreen deploy` of a new image, without waiting; the deployment's id."""
        proc = self.run("deploy", "--image", next(IMAGES), "--json")
        assert proc.returncode == 0, proc.stderr
        return str(json.loads(proc.stdout)["deploymentId"])

    # --- AWS, as boto3 reads it ---------------------------------------------------------------------

    def info(self, deployment_id: str) -> dict:
        return self.codedeploy.get_deployment(deploymentId=deployment_id)["deploymentInfo"]

    def weights(self, listener: str) -> dict[str, int]:
        """The share of each target group (by name) in the "prod" or "test" listener's forward."""
        (found,) = self.elbv2.describe_listeners(ListenerArns=[self.applied.outputs[f"{listener}_listener_arn"]])[
            "Listeners"
        ]
        (action,) = found["DefaultActions"]
        if "ForwardConfig" in action and action["ForwardConfig"].get("TargetGroups"):
            groups = {g["TargetGroupArn"]: g.get("Weight", 1) for g in action["ForwardConfig"]["TargetGroups"]}
        else:
            groups = {action["TargetGroupArn"]: 1}
        total = sum(groups.values())
        return {arn.split(":targetgroup/")[1].split("/")[0]: round(100 * w / total) for arn, w in groups.items() if w}

    def task_sets(self) -> list[dict]:
        (service,) = self.ecs.describe_services(cluster="web-dev", services=["web-dev"])["services"]
        return service.get("taskSets", [])

    def service_revision(self) -> str:
        (service,) = self.ecs.describe_services(cluster="web-dev", services=["web-dev"])["services"]
        return str(service["taskDefinition"])

    def serving(self) -> str:
        """The target group production is on now."""
        (name,) = self.weights("prod")
        return name

    def until(self, what: str, check, timeout: float = 60):
        """Poll (each boto3 call moves the emulator up to its clock) until `check()` is truthy."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = check()
            if value:
                return value
            time.sleep(0.25)
        raise AssertionError(f"not within {timeout} s: {what}")

    def in_termination_wait(self, deployment_id: str) -> bool:
        info = self.info(deployment_id)
        return info["status"] == "InProgress" and bool(info.get("instanceTerminationWaitTimeStarted"))

    def running(self) -> list[str]:
        return self.codedeploy.list_deployments(
            applicationName="web-dev",
            deploymentGroupName="web-dev",
            includeOnlyStatuses=["Created", "Queued", "InProgress", "Baking", "Ready"],
        )["deployments"]

    # --- Terraform ---------------------------------------------------------------------------------

    def apply_deployment_settings(self, settings: dict) -> None:
        """Synthesize the e2e stack with these `app.deployment` settings for dev, and apply it."""
        if settings == self.settings:
            return
        config = e2e_config(self.moto)
        config["environments"]["dev"]["app"]["deployment"].update(settings)
        folder = synth_example(config, self.tmp.mktemp("settings")) / "web-dev"
        tolerate_emulator_gaps(folder / "cdk.tf.json")
        shutil.copyfile(folder / "cdk.tf.json", self.applied.workdir / "cdk.tf.json")
        self.applied.tf("apply", "-input=false", "-auto-approve")
        self.settings = settings

    def assert_plan_is_clean(self) -> None:
        plan = self.applied.tf("plan", "-input=false", "-detailed-exitcode", check=False)
        assert plan.returncode == 0, f"Terraform wants to undo the deployment:\n{plan.stdout[-6000:]}\n{plan.stderr}"


@pytest.fixture(scope="module")
def applied(deployable):
    """The stack this module deploys on: the session's `deployable`, on an emulator of its own,
    which no module that checks the stack as Terraform applied it uses (conftest.py)."""
    return deployable


@pytest.fixture(scope="module")
def op(applied, tmp_path_factory):
    operator = Operator(applied, tmp_path_factory)
    # A day ahead of this machine's clock, as a server's may be: a wait's time left must be counted
    # against AWS's time (its Date header), never the machine's.
    applied.moto.advance(24 * HOUR)
    yield operator
    for deployment_id in operator.running():  # a failed test's leftover, so the next module can deploy
        operator.codedeploy.stop_deployment(deploymentId=deployment_id, autoRollbackEnabled=True)
    operator.apply_deployment_settings({})


@pytest.fixture
def idle(op):
    """No deployment runs when the test starts, nor when it ends."""
    assert op.running() == []
    yield op
    assert op.running() == [], "the test left a deployment running"


def one_line_error(proc: subprocess.CompletedProcess[str], pattern: str, code: int = 1) -> str:
    assert proc.returncode == code, (proc.stdout, proc.stderr)
    (line,) = proc.stderr.strip().splitlines()
    assert line.startswith("bluegreen: error: ") and re.search(pattern, line), line
    return line


def traffic(listener: str, weights: dict[str, int]) -> str:
    """The line that shows a listener's weights (target groups by name)."""
    return f"traffic {listener} " + ", ".join(f"{name} {weight}%" for name, weight in sorted(weights.items()))


def plain(out: str) -> list[str]:
    """Lines without their time stamps."""
    return [re.sub(r"^\d\d:\d\d:\d\d ", "", line) for line in out.splitlines()]


def test_by_default_traffic_moves_at_once_and_the_original_goes_after_60_minutes(idle):
    """1. The setup we automate: `deploy --wait` follows it through the termination wait to Succeeded."""
    op = idle
    before, old = op.service_revision(), op.serving()
    waiting = op.start("deploy", "--image", next(IMAGES), "--wait", "--poll", "1")
    deployment_id = op.until("a deployment runs", lambda: (op.running() or [None])[0])
    op.until("the termination wait", lambda: op.in_termination_wait(deployment_id))
    new = op.serving()
    assert new != old and op.weights("prod") == {new: 100} and op.weights("test") == {new: 100}
    sets = {t["status"]: t for t in op.task_sets()}
    assert set(sets) == {"PRIMARY", "ACTIVE"}  # the original is kept for rollback
    assert re.fullmatch(
        r"termination wait until \d\d:\d\d:\d\d UTC \((?:59m \d\ds|1h 00m) left\): the original task "
        r"set is kept for rollback; `bluegreen finish` ends it now, `bluegreen rollback` returns "
        r"traffic to it",
        waiting.printed(r"^termination wait"),
    )
    op.moto.advance(59 * 60)
    assert op.info(deployment_id)["status"] == "InProgress"
    op.moto.advance(61)
    out, err = waiting.communicate(timeout=30)
    assert waiting.returncode == 0, err
    lines = plain(out)
    assert lines[-2:] == ["status Succeeded", f"{deployment_id} succeeded"]
    assert "lifecycle AllowTraffic: Succeeded" in lines
    assert traffic("production :80", {old: 0, new: 100}) in lines
    info = op.info(deployment_id)
    assert info["status"] == "Succeeded"
    (task_set,) = op.task_sets()
    assert task_set["status"] == "PRIMARY" and op.service_revision() != before
    assert task_set["taskDefinition"] == op.service_revision()
    op.assert_plan_is_clean()


def test_finish_ends_the_termination_wait_at_once(idle):
    """4. `finish`: the original task set goes now, and the deployment succeeds before the wait ends;
    `finish` and `rollback` of an ended deployment are refused."""
    op = idle
    deployment_id = op.deploy()
    op.until("the termination wait", lambda: op.in_termination_wait(deployment_id))
    proc = op.run("finish", "--json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == {"deploymentId": deployment_id, "continued": "TERMINATION_WAIT"}
    info = op.info(deployment_id)
    assert info["status"] == "Succeeded"
    assert (info["completeTime"] - info["createTime"]).total_seconds() < 10 * 60
    (task_set,) = op.task_sets()
    assert task_set["status"] == "PRIMARY" and task_set["taskDefinition"] == op.service_revision()
    one_line_error(
        op.run("finish", "--deployment-id", deployment_id),
        rf"^bluegreen: error: {deployment_id} ended Succeeded already: nothing to finish$",
    )
    one_line_error(
        op.run("rollback", "--deployment-id", deployment_id), r"ended Succeeded already: nothing to roll back"
    )
    one_line_error(op.run("finish"), r"no deployment is running in web-dev/web-dev: nothing to finish$")
    op.assert_plan_is_clean()


def test_a_second_deploy_in_the_termination_wait_is_refused_with_the_way_out(idle):
    """9. One deployment of a group at a time: the refusal names the one in the way, its state and
    what ends it; after `finish` the same deploy goes through."""
    op = idle
    first = op.deploy()
    op.until("the termination wait", lambda: op.in_termination_wait(first))
    image = next(IMAGES)
    refused = op.run("deploy", "--image", image)
    one_line_error(
        refused,
        rf"^bluegreen: error: {first} is in its termination wait until \d\d:\d\d:\d\d UTC "
        r"\(production is on the new task set; the original is kept for rollback\); one "
        r"deployment of web-dev runs at a time: `bluegreen finish` ends it now, or `bluegreen "
        r"watch` follows it to its end$",
    )
    assert refused.stdout == ""  # refused before anything was planned or registered
    assert op.run("finish").returncode == 0
    proc = op.run("deploy", "--image", image, "--json")
    assert proc.returncode == 0, proc.stderr
    second = json.loads(proc.stdout)["deploymentId"]
    op.until("the termination wait", lambda: op.in_termination_wait(second))
    op.moto.advance(HOUR)
    assert op.info(second)["status"] == "Succeeded"
    op.assert_plan_is_clean()


def test_a_hook_that_fails_rolls_the_deployment_back(idle):
    """5. The test plays the hook function (the emulator runs no Lambda code): Failed fails the
    deployment, CodeDeploy rolls back, and `watch` exits 1 saying so."""
    op = idle
    old, tested = op.serving(), op.weights("test")
    proc = op.run("deploy", "--image", next(IMAGES), "--hook", "AfterAllowTestTraffic=smoke-test", "--json")
    assert proc.returncode == 0, proc.stderr
    deployment_id = json.loads(proc.stdout)["deploymentId"]
    watching = op.start("watch", "--poll", "1")
    # watch has found the deployment before the hook fails it: on a loaded machine its start could
    # otherwise come after the rollback, with nothing left to watch.
    watching.printed(rf"^watching {deployment_id}: ")
    (hook,) = op.until(
        "the hook is invoked", lambda: [h for h in op.moto.hooks() if h["deploymentId"] == deployment_id]
    )
    assert (hook["lifecycleEventName"], hook["functionName"]) == ("AfterAllowTestTraffic", "smoke-test")
    # The new task set is on the test listener, production still on the original: what the hook tests.
    new = next(name for name in op.weights("test"))
    assert new != old and op.weights("prod") == {old: 100}
    op.codedeploy.put_lifecycle_event_hook_execution_status(
        deploymentId=deployment_id,
        lifecycleEventHookExecutionId=hook["lifecycleEventHookExecutionId"],
        status="Failed",
    )
    out, err = watching.communicate(timeout=30)
    info = op.info(deployment_id)
    assert (info["status"], info["errorInformation"]["code"]) == ("Failed", "HOOK_EXECUTION_FAILURE")
    rollback = info["rollbackInfo"]["rollbackDeploymentId"]
    assert op.info(rollback)["creator"] == "codeDeployRollback"
    assert op.weights("prod") == {old: 100} and op.weights("test") == tested  # both listeners as they were
    (task_set,) = op.task_sets()
    assert task_set["status"] == "PRIMARY"
    assert watching.returncode == 1
    reason = info["errorInformation"]["message"]
    assert err == f"bluegreen: error: {deployment_id} failed: {reason}; rolled back by {rollback}\n"
    assert "lifecycle AfterAllowTestTraffic: Failed (hook smoke-test)" in plain(out)
    op.assert_plan_is_clean()


def test_an_alarm_in_alarm_rolls_the_deployment_back(idle):
    """6. One of the group's rollback alarms goes into ALARM (moto's set_alarm_state) in the
    termination wait: the deployment stops, and traffic returns to the original task set."""
    op = idle
    group = op.codedeploy.get_deployment_group(applicationName="web-dev", deploymentGroupName="web-dev")[
        "deploymentGroupInfo"
    ]
    alarm = group["alarmConfiguration"]["alarms"][0]["name"]
    old = op.serving()
    deployment_id = op.deploy()
    op.until("the termination wait", lambda: op.in_termination_wait(deployment_id))
    assert op.serving() != old
    watching = op.start("watch", "--deployment-id", deployment_id, "--poll", "1")
    assert re.search(rf"\b{alarm} OK\b", watching.printed(r"^alarms "))  # the first snapshot, before the alarm
    cloudwatch = op.applied.client("cloudwatch")
    cloudwatch.set_alarm_state(AlarmName=alarm, StateValue="ALARM", StateReason="p99 over 2 s")
    try:
        out, err = watching.communicate(timeout=30)
        info = op.info(deployment_id)
        assert (info["status"], info["errorInformation"]["code"]) == ("Stopped", "ALARM_ACTIVE")
        assert info["rollbackInfo"]["rollbackDeploymentId"]
        assert op.weights("prod") == {old: 100}
        assert watching.returncode == 1 and f"alarm {alarm} ALARM" in plain(out), (out, err)
    finally:
        cloudwatch.set_alarm_state(AlarmName=alarm, StateValue="OK", StateReason="back to normal")
    op.assert_plan_is_clean()


def test_watch_follows_a_deployment_another_process_started(idle):
    """7. `watch` with no id finds the running deployment (here started by another `deploy`, as CI
    would), follows it to its end, and exits 0 when it succeeded."""
    op = idle
    deployment_id = op.deploy()
    watching = op.start("watch", "--poll", "1")
    watching.printed(r"^termination wait until ")  # watch has seen it running...
    op.moto.advance(HOUR)  # ...before it ends
    out, err = watching.communicate(timeout=30)
    assert watching.returncode == 0, err
    lines = plain(out)
    assert lines[0].startswith(f"watching {deployment_id}: bluegreen: web-dev:")
    statuses = [line for line in lines if line.startswith("status ")]
    # From where the emulator has got to when watch first looks (it may not have started it yet).
    assert statuses in (
        ["status Created", "status InProgress", "status Succeeded"],
        ["status InProgress", "status Succeeded"],
    ), statuses
    assert lines[-2:] == ["status Succeeded", f"{deployment_id} succeeded"]
    op.assert_plan_is_clean()


def _on_a_terminal(op, *args: str, until) -> str:
    """Run the command on a pseudo-terminal, calling `until()` between reads until the command ends;
    everything it drew."""
    controller, terminal = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "ecs_bluegreen.cli", *args, *op.stack],
        cwd=ROOT,
        env={**op.env, "TERM": "xterm-256color", "COLUMNS": "120"},
        stdin=terminal,
        stdout=terminal,
        stderr=terminal,
    )
    os.close(terminal)
    drawn = b""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        ready, _, _ = select.select([controller], [], [], 0.25)
        if ready:
            try:
                chunk = os.read(controller, 65536)
            except OSError:  # the command ended and closed the terminal
                break
            if not chunk:
                break
            drawn += chunk
        until(drawn.decode(errors="replace"))
        if proc.poll() is not None and not ready:
            break
    proc.wait(timeout=10)
    os.close(controller)
    assert proc.returncode == 0, drawn.decode(errors="replace")
    return drawn.decode(errors="replace")


def test_the_live_view_on_a_terminal_and_as_plain_lines(idle):
    """8. On a terminal, `watch` draws one tree (lifecycle, traffic, task sets, the wait, alarms)
    and redraws it in place; through a pipe, the same deployment is a line per change, with no
    terminal codes."""
    op = idle
    deployment_id = op.deploy()
    advanced = []

    def finish_the_wait(drawn: str) -> None:
        if not advanced and "termination wait until" in drawn:
            advanced.append(op.moto.advance(HOUR))

    drawn = _on_a_terminal(op, "watch", "--poll", "1", until=finish_the_wait)
    assert advanced, drawn
    assert "\x1b[" in drawn  # drawn with the terminal's codes...
    assert re.search(r"\x1b\[\d*A", drawn) or "\x1b[2K" in drawn  # ...and redrawn in place (cursor up, erase)
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", drawn)
    for part in (
        deployment_id,
        "Lifecycle",
        "✔ BeforeInstall",
        "Traffic",
        "production :80",
        "test",
        "Task sets",
        "Alarms",
        "termination wait until",
        "bluegreen finish",
        f"{deployment_id} succeeded",
    ):
        assert part in text, (part, text[-3000:])
    # The same deployment, ended, through a pipe: its last state as lines, no codes.
    piped = op.run("watch", "--deployment-id", deployment_id)
    assert piped.returncode == 0 and "\x1b" not in piped.stdout
    lines = plain(piped.stdout)
    assert [line.split(":")[0] for line in lines if line.startswith("lifecycle ")] == [
        f"lifecycle {event}"
        for event in (
            "BeforeInstall",
            "Install",
            "AfterInstall",
            "AllowTestTraffic",
            "AfterAllowTestTraffic",
            "BeforeAllowTraffic",
            "AllowTraffic",
            "AfterAllowTraffic",
        )
    ]
    assert lines[-2:] == ["status Succeeded", f"{deployment_id} succeeded"]
    (alarms,) = [line for line in lines if line.startswith("alarms ")]
    assert all(alarm.endswith(" OK") for alarm in alarms.removeprefix("alarms ").split(", ")), alarms


def test_with_an_approval_wait_production_moves_only_when_approved(idle):
    """2. With an approval wait the deployment is Ready: the test listener is on the new target
    group and production on the old. `finish` is refused (traffic has not moved); `approve` moves
    production, and a second `approve` is refused. A deployment not approved in time stops."""
    op = idle
    op.apply_deployment_settings({"ready_action": "STOP_DEPLOYMENT", "approval_wait_minutes": 30})
    op.assert_plan_is_clean()
    old = op.serving()
    deployment_id = op.deploy()
    op.until("Ready", lambda: op.info(deployment_id)["status"] == "Ready")
    (new,) = op.weights("test")
    assert new != old and op.weights("prod") == {old: 100}
    op.moto.advance(20 * 60)  # within the 30 minutes
    one_line_error(
        op.run("finish"),
        rf"traffic has not moved yet: {deployment_id} waits for approval until "
        r"\d\d:\d\d:\d\d UTC\. Approve it with `bluegreen approve`",
    )
    proc = op.run("approve")
    assert (proc.returncode, proc.stdout) == (
        0,
        f"approved {deployment_id}: production traffic moves to the new task set\n",
    ), proc.stderr
    op.until("the termination wait", lambda: op.in_termination_wait(deployment_id))
    assert op.weights("prod") == {new: 100}
    one_line_error(
        op.run("approve"),
        rf"nothing waits for approval: {deployment_id} is in its termination wait .*"
        r"`bluegreen finish` ends the termination wait now$",
    )
    assert op.run("finish").returncode == 0
    assert op.info(deployment_id)["status"] == "Succeeded"
    # Not approved within the 30 minutes: STOP_DEPLOYMENT stops it, and production never moved.
    unapproved = op.deploy()
    op.until("Ready", lambda: op.info(unapproved)["status"] == "Ready")
    op.moto.advance(31 * 60)
    assert op.info(unapproved)["status"] == "Stopped" and op.weights("prod") == {new: 100}
    op.assert_plan_is_clean()


CANARY_OUTPUT = Path(os.environ.get("BLUEGREEN_CANARY_OUTPUT", os.devnull))
"""Where the canary test writes what `deploy --wait` printed (for a closing note), if set."""


def test_rollback_during_a_canary_puts_the_weights_back(idle):
    """3. A custom canary (10 %, then the rest after 5 minutes: a deployment config of our own, which
    the emulator holds): at 10 %, `rollback`. The weights return to the original target group,
    the status is Stopped, the rollback is recorded, and `deploy --wait` exits 1 saying so."""
    op = idle
    op.apply_deployment_settings({"traffic_shift": {"type": "canary", "percentage": 10, "interval_minutes": 5}})
    op.assert_plan_is_clean()
    old, tested = op.serving(), op.weights("test")
    waiting = op.start("deploy", "--image", next(IMAGES), "--wait", "--poll", "1")
    deployment_id = op.until("a deployment runs", lambda: (op.running() or [None])[0])
    op.until("10 % on the new target group", lambda: len(op.weights("prod")) == 2)
    weights = op.weights("prod")
    new = next(name for name in weights if name != old)
    assert weights == {old: 90, new: 10}
    time.sleep(1.5)  # one more poll of deploy --wait, so that it prints the 10 % step
    proc = op.run("rollback")
    assert proc.returncode == 0, proc.stderr
    out, err = waiting.communicate(timeout=30)
    CANARY_OUTPUT.write_text(out + err)
    info = op.info(deployment_id)
    assert (info["status"], info["errorInformation"]["code"]) == ("Stopped", "MANUAL_STOP")
    rollback = info["rollbackInfo"]["rollbackDeploymentId"]
    assert op.weights("prod") == {old: 100} and op.weights("test") == tested  # both listeners as they were
    (task_set,) = op.task_sets()
    assert task_set["status"] == "PRIMARY"
    assert waiting.returncode == 1
    assert err == (
        f"bluegreen: error: {deployment_id} stopped: The deployment was stopped by a user.; rolled back "
        f"by {rollback}\n"
    )
    lines = plain(out)
    canary = lines.index(traffic("production :80", {old: 90, new: 10}))
    back = [line for line in lines[canary + 1 :] if line.startswith("traffic production :80 ")]
    assert back and f" {old} 100%" in back[-1], lines  # back, as the rollback left it
    assert lines[-1] == "status Stopped"
    op.assert_plan_is_clean()
