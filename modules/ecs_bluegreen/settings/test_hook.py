"""A test-traffic hook the stack creates: a Lambda function CodeDeploy runs at AfterAllowTestTraffic."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, ClassVar, Literal

from .errors import SettingsError
from .kinds import Props
from .rules import FREE_TEXT, URL_PATH, Pattern, Range

RESERVED_VARIABLES = ("TEST_URL", "TEST_PATH")
"""The variables the stack gives the function: where the test listener is."""
_VARIABLE = Pattern(
    rf"(?!(?:{'|'.join(RESERVED_VARIABLES)})(?![\s\S]))[A-Za-z_][A-Za-z0-9_]*",
    "Name variables with letters, digits and underscores, not starting with a digit; "
    f"{' and '.join(RESERVED_VARIABLES)} are the stack's.",
)
BUILT_IN_HANDLER = "smoke_test.handler"
Runtime = Literal["python3.12", "python3.13", "nodejs20.x", "nodejs22.x"]
"""The Lambda runtimes the hook's code may run on."""
BUILT_IN_RUNTIME: Runtime = "python3.12"


@dataclass(frozen=True, kw_only=True)
class TestTrafficHookProps(Props):
    """A Lambda function the stack creates for the AfterAllowTestTraffic hook: tests against the
    test listener before production traffic moves; "Failed" rolls the deployment back."""

    __test__: ClassVar[bool] = False  # not a test class, whatever pytest makes of its name

    SETTING: ClassVar[str] = "deployment.test_traffic_hook"

    source_dir: str | None = None
    """Folder of your test code, zipped at synth; it gets TEST_URL and reports its result with
    PutLifecycleEventHookExecutionStatus (its role may). Default: None (the built-in smoke test)."""
    handler: Annotated[
        str, Pattern(r"[A-Za-z0-9_./-]+\.[A-Za-z0-9_$]+", "Use '<file>.<function>', e.g. 'tests.handler'.")
    ] = BUILT_IN_HANDLER
    """Handler of your code, "<file>.<function>". Default: "smoke_test.handler" (the built-in)."""
    runtime: Runtime = BUILT_IN_RUNTIME
    """Lambda runtime of your code. Default: "python3.12" (the built-in's)."""
    path: Annotated[str, URL_PATH] = "/"
    """Path the built-in smoke test requests at the test listener; a 2xx or 3xx answer passes. Default: "/"."""
    timeout_seconds: Annotated[int, Range(10, 900, "seconds")] = 60
    """Seconds the function may run, 10 to 900. Default: 60."""
    environment: Mapping[Annotated[str, _VARIABLE], Annotated[str, FREE_TEXT]] = field(default_factory=dict)
    """More environment variables for your code (TEST_URL and TEST_PATH are the stack's). Default: {} (none)."""

    def check(self) -> None:
        if self.source_dir is None:
            if self.handler != BUILT_IN_HANDLER or self.runtime != BUILT_IN_RUNTIME:
                raise SettingsError(
                    "handler" if self.handler != BUILT_IN_HANDLER else "runtime",
                    self.handler if self.handler != BUILT_IN_HANDLER else self.runtime,
                    "The built-in smoke test has its own handler and runtime: set source_dir "
                    "to run your code, or leave these at their defaults.",
                )
        elif not Path(self.source_dir).is_dir():
            raise SettingsError(
                "source_dir",
                self.source_dir,
                f"No folder there (relative paths start at {Path.cwd()}): give the folder of your test code.",
            )
