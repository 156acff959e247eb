"""Readable, stable Terraform addresses: the construct path below the stack, without a hash.

CDKTF names a resource `<path joined by _>_<8-hex hash>`, so a reviewer reads
`aws_ecs_service.blue-green_ecs_service_66B1A076`. The path alone is already unique within a
stack (construct ids are unique per scope), so the hash adds only noise. Without it the address is
`aws_ecs_service.blue-green_ecs_service`, which is what an operator types for `terraform state
show`. Two services in one stack differ by their own construct id (`api_ecs_service`,
`web_ecs_service`).

CDKTF fixes an element's address the first time anything refers to it, from the stack's
`allocateLogicalId`. The stack is therefore where the scheme lives: `ReadableStack` is a
TerraformStack that allocates the readable address. BlueGreenStack and StateBootstrapStack are
ReadableStacks; subclass it for your own stacks.

An address is API: renaming a construct id moves the resource to a new address, and Terraform
plans that as destroy and create. Move it instead, with the `moved` block CDKTF emits from
`resource.move_from_id("<type>.<old address>")` (see the README, "Addresses").
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from constructs import Construct

from .cdk import TerraformStack
from .part import claim_id

_NOT_ALLOWED = re.compile(r"[^A-Za-z0-9_-]")


def readable_address(components: list[str]) -> str:
    """The ids below the stack, joined by "_", in the characters a Terraform identifier allows
    (letters, digits, "_" and "-"), starting with a letter or "_"."""
    name = _NOT_ALLOWED.sub("-", "_".join(components))
    return name if re.match(r"[A-Za-z_]", name) else f"_{name}"


class ReadableStack(TerraformStack):
    """A TerraformStack whose resources, data sources and outputs are addressed by their construct
    path, with no hash suffix. If two paths would give one address (ids that differ only in
    characters Terraform does not allow, e.g. "a b" and "a-b"), the later one gets a hash of its
    path appended, so that no two elements ever share one."""

    def __init__(self, scope: Construct, id: str) -> None:
        claim_id(scope, id, type(self).__name__, "give each stack its own id, e.g. 'web-dev' and 'web-prod'")
        super().__init__(scope, id)

    def _allocate_logical_id(self, tf_element: Any) -> str:  # the jsii override of allocateLogicalId
        # Paths, not the scopes' nodes: each read is a round trip to jsii's Node, and a path is the
        # ids from the root joined by "/", which no id holds (the constructs library stores one as
        # "--"). The stack's own path is read once.
        path = getattr(tf_element, "node", tf_element).path
        stack_path = self.__dict__.get("_readable_path")
        if stack_path is None:
            stack_path = self.__dict__["_readable_path"] = self.node.path
        if path == stack_path:
            return ""
        assert path.startswith(f"{stack_path}/"), f"{path} is not below the stack {stack_path}"
        address = readable_address(path[len(stack_path) + 1 :].split("/"))
        taken = self.__dict__.setdefault("_readable_addresses", {})
        owner = taken.setdefault(address, path)
        if owner == path:
            return address
        return f"{address}_{hashlib.sha256(path.encode()).hexdigest()[:8].upper()}"


def move_from(scope: Any, old_path: str) -> int:
    """Keep the state of every resource under `scope` after a rename: `old_path` is the scope's
    former path below the stack ("blue-green", or "platform/web"). Each resource gets a `moved`
    block from its former readable address; returns how many."""
    from .cdk import TerraformResource

    stack = TerraformStack.of(scope)
    if not isinstance(stack, ReadableStack):
        raise TypeError(f"move_from needs a ReadableStack; {stack.node.path} is a {type(stack).__name__}")
    new_prefix = readable_address(scope.node.path[len(stack.node.path) + 1 :].split("/"))
    old_prefix = readable_address(old_path.strip("/").split("/"))
    moved = 0
    for node in scope.node.find_all():
        if isinstance(node, TerraformResource):
            address = stack.get_logical_id(node)
            node.move_from_id(f"{node.terraform_resource_type}.{old_prefix}{address[len(new_prefix) :]}")
            moved += 1
    return moved
