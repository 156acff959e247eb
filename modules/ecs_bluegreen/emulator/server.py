"""moto_server with the blue/green deployments of both engines, on loopback: `bluegreen emulator`.

    bluegreen emulator -p 4566
    export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_ENDPOINT_URL=http://127.0.0.1:4566

It binds 127.0.0.1 unless -H says otherwise; with -p 0 and --port-file F it binds a free port itself
and writes the port to F once it listens, so that no other process can take the port between its
choice and its use. Every answer of 400 or more is logged with its X-Amz-Target and the start of
its body, so that a failed apply's log says which call failed and why. Besides the AWS APIs it
answers, on the same port:

    GET  /moto-api/bluegreen/clock                        {"now": "..."}: the emulator's time
    POST /moto-api/bluegreen/clock  {"advance_seconds": 3600}   move it forward (a wait ends)
    GET  /moto-api/bluegreen/codedeploy/hooks             the hook functions CodeDeploy invoked:
         deploymentId, lifecycleEventHookExecutionId, lifecycleEventName, functionName, status
    GET  /moto-api/bluegreen/ecs/hooks                    the hook functions ECS invoked:
         serviceDeploymentArn, hookId, lifecycleStage, functionArn, status
    POST /moto-api/bluegreen/ecs/hooks  {"hookId": ID, "hookStatus": "SUCCEEDED"}
         what the function answers ECS: SUCCEEDED, FAILED, or IN_PROGRESS (ask again)

A CodeDeploy hook is reported as the function would report it:
    aws deploy put-lifecycle-event-hook-execution-status --deployment-id D \
        --lifecycle-event-hook-execution-id ID --status Succeeded
"""

from __future__ import annotations

import datetime
import json
import os
import signal
import sys
from collections.abc import Callable, Iterable
from email.utils import formatdate
from pathlib import Path
from typing import Any

from . import install
from .clock import CLOCK, LOCK

PREFIX = "/moto-api/bluegreen/"


def _backends() -> list[Any]:
    """Every backend whose deployments move on the clock, in every account and region asked."""
    from .codedeploy.models import CodeDeployEcsBackend
    from .ecs.models import EcsDeploymentsBackend

    return [*CodeDeployEcsBackend.instances, *EcsDeploymentsBackend.instances]


def _advance() -> None:
    with LOCK:
        for backend in _backends():
            backend.advance()


class Lifecycle:
    """WSGI middleware: every running deployment moves up to the clock before a request is
    answered, so that ECS, ELB and CloudWatch reads see it where it is; and the emulator's own
    endpoints (the clock, the hooks)."""

    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path.startswith(PREFIX):
            return self._own(path[len(PREFIX) :], environ, start_response)
        _advance()
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
        body: dict[str, Any] = {}
        if method == "POST":
            size = int(environ.get("CONTENT_LENGTH") or 0)
            try:
                body = dict(json.loads(environ["wsgi.input"].read(size) or b"{}"))
            except (TypeError, ValueError) as error:
                return _json(start_response, 400, {"error": f"give a JSON object ({error})"})
        if name == "clock" and method == "POST":
            try:
                now = CLOCK.advance(float(body["advance_seconds"]))
            except (KeyError, TypeError, ValueError) as error:
                return _json(start_response, 400, {"error": f'give {{"advance_seconds": N}} with N >= 0 ({error})'})
            _advance()
            return _json(start_response, 200, {"now": now.isoformat()})
        if name == "clock":
            return _json(start_response, 200, {"now": CLOCK.now().isoformat()})
        if name in ("codedeploy/hooks", "ecs/hooks") and method == "GET":
            _advance()
            engine = name.split("/")[0]
            with LOCK:
                hooks = [h for b in _backends() if _engine(b) == engine for h in b.hook_invocations]
            return _json(start_response, 200, {"hooks": hooks})
        if name == "ecs/hooks":
            return self._answer(body, start_response)
        return _json(
            start_response,
            404,
            {"error": f"no {method} {PREFIX}{name}: there are clock, codedeploy/hooks and ecs/hooks"},
        )

    @staticmethod
    def _answer(body: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        """A Lambda hook's answer to ECS, given in the function's place."""
        from .ecs.models import EcsDeploymentsBackend

        hook_id, status = body.get("hookId"), body.get("hookStatus")
        if not isinstance(hook_id, str) or not isinstance(status, str):
            return _json(start_response, 400, {"error": 'give {"hookId": ID, "hookStatus": "SUCCEEDED"}'})
        for backend in list(EcsDeploymentsBackend.instances):
            if any(h["hookId"] == hook_id for h in backend.hook_invocations):
                try:
                    return _json(start_response, 200, backend.answer_hook(hook_id, status))
                except Exception as error:  # the backend's ClientException, with its message
                    return _json(start_response, 400, {"error": getattr(error, "message", str(error))})
        return _json(start_response, 400, {"error": f"{hook_id} is no hook ECS invoked"})


def _engine(backend: Any) -> str:
    from .ecs.models import EcsDeploymentsBackend

    return "ecs" if isinstance(backend, EcsDeploymentsBackend) else "codedeploy"


def _json(start_response: Callable[..., Any], status: int, body: dict[str, Any]) -> list[bytes]:
    data = json.dumps(body, default=str).encode()
    reason = {200: "OK", 400: "Bad Request", 404: "Not Found"}[status]
    start_response(f"{status} {reason}", [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
    return [data]


def dated_by_the_clock(handler: type) -> type:
    """The request handler, with every answer's Date header on the clock, as AWS's is its own: a
    client that counts a wait down against the server's time (as `bluegreen` does) sees the
    emulator's. http.server writes that header, from date_time_string, with the status line."""

    class Dated(handler):
        def date_time_string(self, timestamp: float | None = None) -> str:
            return formatdate(
                CLOCK.now().replace(tzinfo=datetime.timezone.utc).timestamp() if timestamp is None else timestamp,
                usegmt=True,
            )

    return Dated


def serve(host: str, port: int, port_file: Path | None = None) -> None:
    """Serve until SIGTERM or Ctrl-C."""
    # AWS's managed policies (AWSCodeDeployRoleForECS, which the stacks attach) exist in moto's
    # IAM only with this set; the server sets it for itself, so that nobody has to.
    os.environ.setdefault("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
    install()
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
    from werkzeug.serving import make_server

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    signal.signal(signal.SIGINT, lambda *_: sys.exit(0))
    app = DomainDispatcherApplication(create_backend_app)
    server = make_server(
        host, port, Lifecycle(app), threaded=True, request_handler=dated_by_the_clock(MotoRequestHandler)
    )
    if port_file:
        partial = port_file.with_name(port_file.name + ".partial")
        partial.write_text(str(server.port))
        partial.replace(port_file)  # whole or absent: the reader never sees half a number
    print(f"listening on http://{host}:{server.port}", flush=True)
    server.serve_forever()
