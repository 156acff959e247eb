"""moto_server with CodeDeploy's ECS blue/green lifecycle: the way to rehearse a deployment locally.

    MOTO_IAM_LOAD_MANAGED_POLICIES=true python3 -m pipenv run python tests/support/codedeploy_ecs/server.py -p 4566

It takes moto_server's -H and -p; with -p 0 and --port-file F it binds a free port itself and writes
the port to F once it listens, so that no other process can take the port between its choice and
its use. Every answer of 400 or more is logged with its X-Amz-Target and the start of its body, so
that a failed apply's log says which call failed and why. Besides the AWS APIs it answers, on the same port:

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

from codedeploy_ecs import install
from codedeploy_ecs.models import CLOCK, LOCK, CodeDeployEcsBackend

PREFIX = "/moto-api/codedeploy-ecs/"


class Lifecycle:
    """WSGI middleware: every running deployment moves up to the clock before a request is
    answered, so that ECS, ELB and CloudWatch reads see it where it is; and the clock's endpoints."""

    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path.startswith(PREFIX):
            return self._own(path[len(PREFIX) :], environ, start_response)
        with LOCK:
            for backend in list(CodeDeployEcsBackend.instances):
                backend.advance()
        status: list[str] = []

        def recorded(code: str, headers: list[tuple[str, str]], *exc_info: Any) -> Any:
            status.append(code)
            return start_response(code, headers, *exc_info)

        body = self.app(environ, recorded)
        if status and int(status[0][:3]) >= 400:
            answer, body = body, list(body)
            getattr(answer, "close", lambda: None)()  # as the server would once it was sent (PEP 3333)
            target = environ.get("HTTP_X_AMZ_TARGET") or environ.get("QUERY_STRING") or "-"
            text = b"".join(body)[:300].decode(errors="replace").replace("\n", " ")
            print(f"answered {status[0][:3]} to {environ.get('REQUEST_METHOD')} {path} {target}: {text}", flush=True)
        return body

    def _own(self, name: str, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        if name == "clock" and method == "POST":
            size = int(environ.get("CONTENT_LENGTH") or 0)
            try:
                seconds = float(json.loads(environ["wsgi.input"].read(size) or b"{}")["advance_seconds"])
                now = CLOCK.advance(seconds)
            except (KeyError, TypeError, ValueError) as error:
                return _json(start_response, 400, {"error": f'give {{"advance_seconds": N}} with N >= 0 ({error})'})
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
            return formatdate(
                CLOCK.now().replace(tzinfo=datetime.timezone.utc).timestamp() if timestamp is None else timestamp,
                usegmt=True,
            )

    return Dated


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("-H", "--host", default="127.0.0.1", help="the address to bind (default: 127.0.0.1)")
    parser.add_argument("-p", "--port", type=int, default=5000, help="the port (default: 5000; 0: a free one)")
    parser.add_argument("--port-file", type=Path, help="where to write the port once it listens")
    args = parser.parse_args(argv)

    install()
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
    from werkzeug.serving import make_server

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    signal.signal(signal.SIGINT, lambda *_: sys.exit(0))
    app = DomainDispatcherApplication(create_backend_app)
    server = make_server(
        args.host, args.port, Lifecycle(app), threaded=True, request_handler=dated_by_the_clock(MotoRequestHandler)
    )
    if args.port_file:
        partial = args.port_file.with_name(args.port_file.name + ".partial")
        partial.write_text(str(server.port))
        partial.replace(args.port_file)  # whole or absent: the reader never sees half a number
    print(f"listening on http://{args.host}:{server.port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
