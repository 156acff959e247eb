"""The compatibility tiers: the CDK family, provider bindings and Python each one runs.

Tier A is the project's own virtualenv (Pipfile.lock). The others live in tools/tiers/<name>/.venv,
each from its own lock, and tests/repo/test_tiers.py runs the unit tier in them. What a tier's bindings
pin in the synthesized JSON is known per bindings version, below.
"""

from __future__ import annotations

import importlib.metadata
from dataclasses import dataclass

from ecs_bluegreen.constructs.family import FAMILY


@dataclass(frozen=True)
class Tier:
    name: str
    what: str
    python: str
    varies: str
    """What the tier changes from tier A: "bindings" (the CDK family and provider bindings, on A's
    Python) or "python" (on A's bindings). It leaves out the tests that cannot differ by it
    (`LEFT_OUT`)."""


LEFT_OUT = {"bindings": "family_free", "python": "bindings_alone"}
"""The marker of the tests a tier that varies this leaves out (pytest.ini says what each means)."""

UNIT = "not e2e and not terraform and not toolchain"
"""The unit tier: no Terraform, no emulator, no check of the toolchain itself."""


def selection(tier: Tier) -> str:
    """The tests a tier runs (a pytest -m expression): the unit tier, but what it cannot change."""
    return f"{UNIT} and not {LEFT_OUT[tier.varies]}"


TIER_A_BINDINGS = ("cdktf-cdktf-provider-aws", "20.1.0")
"""The bindings of the project's own virtualenv (Pipfile.lock), which the Python tiers share."""


TIERS = {
    "cdktf-aws6": Tier(
        "cdktf-aws6", "B: cdktf 0.21.0 with bindings 21.22.1 (hashicorp/aws 6.25.0)", "3.11", "bindings"
    ),
    "cdktn": Tier(
        "cdktn", "C: cdktn 0.24.0 with cdktn-provider-aws 25.8.1 (hashicorp/aws 6.69.1)", "3.11", "bindings"
    ),
    "py310": Tier("py310", "A on Python 3.10", "3.10", "python"),
    "py313": Tier("py313", "A on Python 3.13", "3.13", "python"),
}

# The hashicorp/aws version each bindings release pins in required_providers.
PROVIDER_PINS = {
    ("cdktf-cdktf-provider-aws", "20.1.0"): {"source": "aws", "version": "5.100.0"},
    ("cdktf-cdktf-provider-aws", "21.22.1"): {"source": "aws", "version": "6.25.0"},
    ("cdktn-provider-aws", "25.8.1"): {"source": "hashicorp/aws", "version": "6.69.1"},
}


def bindings() -> tuple[str, str]:
    """The provider bindings of this process: distribution name and version."""
    dist = FAMILY.provider.replace("_", "-")
    return dist, importlib.metadata.version(dist)


def native_engine() -> bool:
    """Whether these bindings have ECS-native blue/green with its canary and linear steps
    (hashicorp/aws 6.21.0 on: tiers B and C), as the library itself decides it."""
    from ecs_bluegreen import DeploymentProps, TrafficShiftProps
    from ecs_bluegreen.constructs.ecs_native import native_bindings
    from ecs_bluegreen.settings import SettingsError

    try:
        native_bindings(
            DeploymentProps(
                engine="ecs", traffic_shift=TrafficShiftProps(type="linear", percentage=10, interval_minutes=1)
            )
        )
    except SettingsError:
        return False
    return True
