"""Where things are in this checkout, wherever it is and whichever test asks."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
"""The repository: main.py, cdktf.json, modules/, tests/."""
SUPPORT = ROOT / "tests" / "support"
"""What the tests share: helpers, the emulator, scenarios, the consumer project."""
