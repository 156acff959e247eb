"""moto_server with CodeDeploy's ECS blue/green lifecycle: the way to rehearse a deployment locally.

    MOTO_IAM_LOAD_MANAGED_POLICIES=true python3 -m pipenv run python tests/codedeploy_ecs/server.py -p 4566

It takes moto_server's -H and -p. Besides the AWS APIs it answers, on the same port:

    GET  /moto-api/codedeploy-ecs/clock                   {"now": "..."}: the emulator's time
    POST /moto-api/codedeploy-ecs/clock  {"advance_seconds": 3600}   move it forward (a wait ends)
    GET  /moto-api/codedeploy-ecs/hooks                   the hook functions CodeDeploy invoked:
         deploymentId, lifecycleEventHookExecutionId, lifecycleEventName, functionName, status

A hook is reported as the function would report it:
    aws deploy put-lifecycle-event-hook-execution-status --deployment-id D \
        --lifecycle-event-hook-execution-id ID --status Succeeded
"""

from __future__ import annotations

import argparse
import datetime
import json
import signal
import sys
from collections.abc import Callable, Iterable
from email.utils import formatdate
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    # Run as a script, Python puts this folder first on the path, where models.py and responses.py
    # would shadow modules of the same names (moto imports the `responses` library): the folder
    # above instead, so that this package imports as codedeploy_ecs.
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

from codedeploy_ecs import install  # noqa: E402
from codedeploy_ecs.models import CLOCK, LOCK, CodeDeployEcsBackend  # noqa: E402

PREFIX = "/moto-api/codedeploy-ecs/"


class Lifecycle:
    """WSGI middleware: every running deployment moves up to the clock before a request is
    answered, so that ECS, ELB and CloudWatch reads see it where it is; and the clock's endpoints."""

    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path.startswith(PREFIX):
            return self._own(path[len(PREFIX):], environ, start_response)
        with LOCK:
            for backend in list(CodeDeployEcsBackend.instances):
                backend.advance()
        return self.app(environ, start_response)

    def _own(self, name: str, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        if name == "clock" and method == "POST":
            size = int(environ.get("CONTENT_LENGTH") or 0)
            try:
                seconds = float(json.loads(environ["wsgi.input"].read(size) or b"{}")["advance_seconds"])
                now = CLOCK.advance(seconds)
            except (KeyError, TypeError, ValueError) as error:
                return _json(start_response, 400, {"error": f"give {{\"advance_seconds\": N}} with N >= 0 ({error})"})
            for backend in list(CodeDeployEcsBackend.instances):
                backend.advance()
            return _json(start_response, 200, {"now": now.isoformat()})
        if name == "clock":
            return _json(start_response, 200, {"now": CLOCK.now().isoformat()})
        if name == "hooks":
            with LOCK:
                for backend in list(CodeDeployEcsBackend.instances):
                    backend.advance()
                hooks = [h for b in CodeDeployEcsBackend.instances for h in b.hook_invocations]
            return _json(start_response, 200, {"hooks": hooks})
        return _json(start_response, 404, {"error": f"no {PREFIX}{name}: there are clock and hooks"})


def _json(start_response: Callable[..., Any], status: int, body: dict[str, Any]) -> list[bytes]:
    data = json.dumps(body).encode()
    reason = {200: "OK", 400: "Bad Request", 404: "Not Found"}[status]
    start_response(f"{status} {reason}", [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
    return [data]


def dated_by_the_clock(handler: type) -> type:
    """The request handler, with every answer's Date header on the clock, as AWS's is its own: a
    client that counts a wait down against the server's time (as `bluegreen` does) sees the
    emulator's. http.server writes that header, from date_time_string, with the status line."""

    class Dated(handler):  # type: ignore[misc, valid-type]
        def date_time_string(self, timestamp: float | None = None) -> str:
            return formatdate(CLOCK.now().replace(tzinfo=datetime.timezone.utc).timestamp() if timestamp is None
                              else timestamp, usegmt=True)

    return Dated


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("-H", "--host", default="127.0.0.1", help="the address to bind (default: 127.0.0.1)")
    parser.add_argument("-p", "--port", type=int, default=5000, help="the port (default: 5000)")
    args = parser.parse_args(argv)

    install()
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
    from werkzeug.serving import run_simple

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    signal.signal(signal.SIGINT, lambda *_: sys.exit(0))
    app = DomainDispatcherApplication(create_backend_app)
    run_simple(args.host, args.port, Lifecycle(app), threaded=True,
               request_handler=dated_by_the_clock(MotoRequestHandler))


if __name__ == "__main__":
    main()
