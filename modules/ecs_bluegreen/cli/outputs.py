"""A stack's outputs (contract.py), read once and checked before any AWS call: they are input too."""

from __future__ import annotations

import json
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from ..contract import (
    APPSPEC_OUTPUTS,
    DEPLOY_OUTPUTS,
    ENGINE_OUTPUT,
    NATIVE_DEPLOY_OUTPUTS,
    REQUIRED_OUTPUTS,
    Engine,
    HookEvent,
)
from ..settings import SettingsError, check_value
from ..settings.deployment import LAMBDA
from ..settings.rules import PORT, Arn, Region
from .exits import CommandError, Exit
from .terraform import outputs_of


@dataclass(frozen=True)
class StackOutputs:
    """What `bluegreen` reads of a stack: each output of the kind, and within the rules, the stack writes."""

    region: Annotated[str, Region()]
    cluster_name: str
    service_name: str
    container_name: str
    container_port: Annotated[int, PORT]
    codedeploy_app_name: str | None = None  # None on engine "ecs"
    codedeploy_group_name: str | None = None
    engine: Engine = "codedeploy"
    platform_version: str | None = None
    task_subnet_ids: tuple[str, ...] | None = None
    task_security_group_ids: tuple[str, ...] | None = None
    assign_public_ip: bool | None = None
    task_definition_arn: Annotated[str | None, Arn("ecs", ("task-definition/",))] = None
    hooks: Mapping[HookEvent, Annotated[str, LAMBDA]] | None = None

    @classmethod
    def from_mapping(cls, raw: Mapping[str, Any], source: str, prefix: str = "") -> StackOutputs:
        # `terraform output -json` wraps each value as {"value": ...}; a hand-written file may not.
        values = {k: v["value"] if isinstance(v, Mapping) and "value" in v else v for k, v in raw.items()}
        if not values:
            raise CommandError(f"{source} has no outputs: apply the stack first", Exit.BAD_INPUT)
        if prefix:
            # A stack with several services names each one's outputs `<prefix><name>`.
            values = {k[len(prefix) :]: v for k, v in values.items() if k.startswith(prefix)}
            if not values:
                raise CommandError(f"{source} has no outputs named {prefix}*: check --output-prefix", Exit.BAD_INPUT)
        hints = typing.get_type_hints(cls, include_extras=True)
        # A stack on the ECS-native engine says so (output engine); one without the output runs CodeDeploy.
        try:
            engine = check_value(
                f"output {prefix}{ENGINE_OUTPUT}",
                values.get(ENGINE_OUTPUT, "codedeploy"),
                hints[ENGINE_OUTPUT],
                from_json=True,
            )
        except SettingsError as err:
            raise CommandError(
                f"{source}: {err}; apply the stack again with this version of the library", Exit.BAD_INPUT
            ) from None
        required = REQUIRED_OUTPUTS[engine]
        missing = [k for k in required if k not in values]
        if missing:
            raise CommandError(
                f"{source} lacks the outputs {', '.join(missing)}: {_why_missing(values, missing, prefix)}",
                Exit.BAD_INPUT,
            )
        try:
            checked = {
                key: check_value(
                    f"output {prefix}{key}",
                    values[key],
                    _not_none(hints[key]) if key in required else hints[key],
                    from_json=True,
                )
                for key in dict.fromkeys(required + DEPLOY_OUTPUTS + APPSPEC_OUTPUTS)
                if key in values
            }
        except SettingsError as err:
            raise CommandError(
                f"{source}: {err}; apply the stack again, or fix the saved outputs", Exit.BAD_INPUT
            ) from None
        return cls(**checked)


def _not_none(hint: Any) -> Any:
    """The kind of an output the engine cannot do without: its field's, less None (a field one engine
    has and the other not, such as codedeploy_app_name, is optional in the class)."""
    args = typing.get_args(hint)
    if typing.get_origin(hint) in (typing.Union, types.UnionType) and len(args) == 2 and type(None) in args:
        return next(arg for arg in args if arg is not type(None))
    return hint


STATE_OUTPUTS = ("state_bucket_name", "lock_table_name")
"""What the state bootstrap stack writes, and no service stack."""


def _why_missing(values: Mapping[str, Any], missing: list[str], prefix: str) -> str:
    """Why a stack's outputs lack what a deployment needs, and the fix for that cause: the state
    stack's folder, a stack of several services read without its prefix, a stack with no service's
    outputs, a saved file without the region, or a stack applied with an older version."""
    service = DEPLOY_OUTPUTS[2]  # service_name: every service stack writes it, under its prefix
    if set(values) & set(STATE_OUTPUTS) and service not in values:
        return (
            "this is the state bootstrap stack, which holds the state bucket: point --stack-dir at a service's "
            "stack (cdktf.out/stacks/<project>-<env>)"
        )
    prefixes = sorted(k[: -len(service)] for k in values if k.endswith(service) and k != service)
    if prefixes and service not in values:
        shown = ", ".join(f"--output-prefix {prefix}{p}" for p in prefixes)
        return f"the stack writes the outputs of several services, each under its prefix: choose one with {shown}"
    if not set(values) & set(DEPLOY_OUTPUTS + NATIVE_DEPLOY_OUTPUTS):
        return (
            "the stack has none of a blue/green service's outputs: point at the stack whose app calls "
            "service_outputs (BlueGreenStack does)"
        )
    if missing == ["region"]:
        return (
            "every service stack writes region (the provider's region, or service_outputs(region=...)): add it "
            "to the saved outputs file, or read the outputs again with `terraform output -json`"
        )
    return "apply the stack with this version of the library, which writes them"


def load_outputs(*, stack_dir: Path | None, outputs_file: Path | None, prefix: str = "") -> StackOutputs:
    """The service's outputs, from `terraform output -json` in its stack's folder or from a saved
    file; with `prefix`, those named `<prefix><name>` (a stack with several services)."""
    if outputs_file is not None:
        return StackOutputs.from_mapping(_read_file(outputs_file), str(outputs_file), prefix)
    if stack_dir is None:
        raise CommandError(
            "say where the stack is: --stack-dir cdktf.out/stacks/<stack> or --outputs <file from "
            "`terraform output -json`>",
            Exit.BAD_INPUT,
        )
    return StackOutputs.from_mapping(json.loads(outputs_of(stack_dir) or "{}"), str(stack_dir), prefix)


def _read_file(path: Path) -> Mapping[str, Any]:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CommandError(f"no outputs file at {path}", Exit.BAD_INPUT) from None
    except IsADirectoryError:
        raise CommandError(
            f"{path} is a folder: pass the file `terraform output -json` wrote, or the stack's "
            "folder with --stack-dir",
            Exit.BAD_INPUT,
        ) from None
    except (PermissionError, UnicodeDecodeError) as err:
        raise CommandError(f"{path} cannot be read ({err}): pass a UTF-8 JSON file", Exit.BAD_INPUT) from None
    except json.JSONDecodeError as err:
        raise CommandError(f"{path} is not JSON: {err}", Exit.BAD_INPUT) from None
    if not isinstance(raw, Mapping):
        raise CommandError(f"{path} is not an object of outputs", Exit.BAD_INPUT)
    return raw
