"""Write the files made from the settings' code, which tests keep in step with it:

    python3 -m pipenv run python tools/generated.py

- modules/ecs_bluegreen/settings.schema.json, the JSON Schema of the settings (settings/schema.py);
- docs/settings.md, the settings reference (settings/reference.py).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "docs" / "settings.md"


def main() -> int:
    from ecs_bluegreen.settings import reference, schema

    for path, text in ((schema.PUBLISHED, schema.render()), (REFERENCE, reference.render())):
        if not path.exists() or path.read_text() != text:
            path.write_text(text)
            print(f"wrote {path.relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
