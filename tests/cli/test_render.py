"""What a followed deployment looks like, drawn from a snapshot with no AWS at all: the live view
on a terminal (live.py), and the plain lines through a pipe (render.py)."""

from __future__ import annotations

import dataclasses
import datetime
import io


def _snapshot(**changes):
    from ecs_bluegreen.cli.snapshot import Route, Snapshot, Step, TaskSet

    events = (
        "BeforeInstall",
        "Install",
        "AfterInstall",
        "AllowTestTraffic",
        "AfterAllowTestTraffic",
        "BeforeAllowTraffic",
        "AllowTraffic",
        "AfterAllowTraffic",
    )
    states = ["Succeeded"] * 6 + ["InProgress", "Pending"]
    base = Snapshot(
        "d-ABC123",
        "web-dev",
        "InProgress",
        tuple(
            Step(name, state, "web-dev-smoke-test" if name == "AfterAllowTestTraffic" else None)
            for name, state in zip(events, states, strict=True)
        ),
        (
            Route("production", 80, (("web-dev-blue", 90.0), ("web-dev-green", 10.0))),
            Route("test", 8080, (("web-dev-green", 100.0),)),
        ),
        (
            TaskSet("Blue", "PRIMARY", "web-dev-blue", 90.0, 2, 2),
            TaskSet("Green", "ACTIVE", "web-dev-green", 10.0, 2, 2),
        ),
        None,
        (("web-dev-blue-5xx", "OK"), ("web-dev-green-p99-latency", "OK")),
        {},
        {},
        datetime.datetime(2026, 12, 2, 16, 0, tzinfo=datetime.timezone.utc),
    )
    return dataclasses.replace(base, **changes)


def test_the_live_view_is_one_tree_of_lifecycle_traffic_task_sets_and_alarms():
    """What the terminal shows, exactly (rich's own capture, no colours): test_lifecycle.py proves
    it is drawn in place on a real pseudo-terminal, but cannot pin its layout."""
    from rich.console import Console

    from ecs_bluegreen.cli.live import view

    console = Console(width=110, record=True, color_system=None, file=io.StringIO())
    console.print(view(_snapshot()))
    assert (
        console.export_text()
        == """\
d-ABC123  web-dev  InProgress
├── Lifecycle
│   ├── ✔ BeforeInstall         Succeeded
│   ├── ✔ Install               Succeeded
│   ├── ✔ AfterInstall          Succeeded
│   ├── ✔ AllowTestTraffic      Succeeded
│   ├── ✔ AfterAllowTestTraffic Succeeded  hook web-dev-smoke-test
│   ├── ✔ BeforeAllowTraffic    Succeeded
│   ├── ◌ AllowTraffic          InProgress
│   └── · AfterAllowTraffic     Pending
├── Traffic
│   ├── production :80    web-dev-blue █████████░ 90%  web-dev-green █░░░░░░░░░ 10%
│   └── test       :8080  web-dev-green ██████████ 100%
├── Task sets
│   ├── Blue   PRIMARY  web-dev-blue             2/2 running  90%
│   └── Green  ACTIVE   web-dev-green            2/2 running  10%
└── Alarms
    ├── web-dev-blue-5xx           OK
    └── web-dev-green-p99-latency  OK
"""
    )


def test_plain_lines_say_only_what_changed_and_an_ending_last():
    """Through a pipe, one line per change: a countdown alone is no change, an alarm that changes
    is its own line, and the status of an ending comes after what led to it."""
    from ecs_bluegreen.cli.render import progress_lines
    from ecs_bluegreen.cli.snapshot import Ending, Route, Step, Wait

    at = datetime.datetime(2026, 12, 2, 16, 0, tzinfo=datetime.timezone.utc)
    wait = Wait("termination", at + datetime.timedelta(minutes=60), datetime.timedelta(minutes=60), after_traffic=True)
    moved = _snapshot(
        steps=tuple(dataclasses.replace(s, status="Succeeded") for s in _snapshot().steps),
        routes=(
            Route("production", 80, (("web-dev-blue", 0.0), ("web-dev-green", 100.0))),
            Route("test", 8080, (("web-dev-green", 100.0),)),
        ),
        wait=wait,
    )
    later = dataclasses.replace(moved, wait=dataclasses.replace(wait, left=datetime.timedelta(minutes=59)))
    assert progress_lines(moved, later) == []
    alarmed = dataclasses.replace(later, alarms=(("web-dev-blue-5xx", "OK"), ("web-dev-green-p99-latency", "ALARM")))
    assert progress_lines(later, alarmed) == ["alarm web-dev-green-p99-latency ALARM"]
    stopped = dataclasses.replace(
        alarmed,
        status="Stopped",
        ending=Ending.FAILED,
        wait=None,
        steps=(*alarmed.steps[:-1], Step("AfterAllowTraffic", "Skipped")),
        routes=_snapshot().routes[1:],
    )
    assert progress_lines(alarmed, stopped) == ["lifecycle AfterAllowTraffic: Skipped", "status Stopped"]
    assert progress_lines(None, moved)[0] == "status InProgress"
    assert (
        "termination wait until 17:00:00 UTC (1h 00m left): the original task set is kept for rollback; "
        "`bluegreen finish` ends it now, `bluegreen rollback` returns traffic to it" in progress_lines(None, moved)
    )
