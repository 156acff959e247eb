"""Run the real Terraform CLI on synthesized stacks, offline, with the provider from a local mirror.

The mirror is the folder that holds `registry.terraform.io/hashicorp/aws/<version>/`. It is taken
from TF_PROVIDER_MIRROR, else looked for in Terraform's implied local mirror folders and one level
below the usual roots of prebuilt software. When Terraform or the mirror is missing, the tests that
need them skip with the reason, unless CI is set: then they fail, so CI cannot pass by skipping.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

PROVIDER = "registry.terraform.io/hashicorp/aws"
PROVIDER_VERSION = "5.100.0"  # what cdktf-cdktf-provider-aws 20.1.0 pins in the synthesized JSON


def _candidates() -> list[Path]:
    home = Path.home()
    data_home = Path(os.environ.get("XDG_DATA_HOME") or home / ".local" / "share")
    roots = [
        home / ".terraform.d" / "plugins",
        data_home / "terraform" / "plugins",
        Path("/usr/local/share/terraform/plugins"),
        Path("/usr/share/terraform/plugins"),
    ]
    for base in (Path("/opt"), Path("/usr/local"), Path("/srv")):
        if base.is_dir():
            roots.extend(sorted(p for p in base.iterdir() if p.is_dir()))
    return roots


def find_mirror() -> Path | None:
    configured = os.environ.get("TF_PROVIDER_MIRROR")
    roots = [Path(configured)] if configured else _candidates()
    for root in roots:
        if (root / PROVIDER / PROVIDER_VERSION).is_dir():
            return root
    return None


def unavailable(reason: str) -> None:
    """Skip outside CI; fail in CI, where a missing tool is a broken setup, not an excuse."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set, so this fails instead of skipping)")
    pytest.skip(reason)


class Terraform:
    """The terraform binary with a CLI config that installs hashicorp/aws from the mirror only."""

    def __init__(self, binary: str, mirror: Path, config_dir: Path) -> None:
        self.binary = binary
        self.mirror = mirror
        self.cli_config = config_dir / "terraform.rc"
        self.cli_config.write_text(
            "provider_installation {\n"
            f"  filesystem_mirror {{\n    path    = {json.dumps(str(mirror))}\n"
            f'    include = ["{PROVIDER}"]\n  }}\n'
            f'  direct {{\n    exclude = ["{PROVIDER}"]\n  }}\n'
            "}\n"
        )
        self.plugin_cache = config_dir / "plugin-cache"
        self.plugin_cache.mkdir(exist_ok=True)

    def env(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            {
                "TF_CLI_CONFIG_FILE": str(self.cli_config),
                "TF_IN_AUTOMATION": "1",
                "TF_INPUT": "0",
                "CHECKPOINT_DISABLE": "1",
                # Link the 700 MB provider binary from one cache instead of copying it per stack.
                "TF_PLUGIN_CACHE_DIR": str(self.plugin_cache),
            }
        )
        env.update(extra or {})
        return env

    def run(
        self, workdir: Path, *args: str, env: dict[str, str] | None = None, timeout: float = 600, check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        proc = subprocess.run(
            [self.binary, *args, "-no-color"],
            cwd=workdir,
            env=self.env(env),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if check and proc.returncode != 0:
            raise AssertionError(
                f"terraform {' '.join(args)} exited {proc.returncode} in {workdir}\n"
                f"stdout:\n{proc.stdout[-4000:]}\nstderr:\n{proc.stderr[-4000:]}"
            )
        return proc

    def validate(self, workdir: Path) -> dict:
        self.run(workdir, "init", "-backend=false", "-input=false")
        proc = self.run(workdir, "validate", "-json", check=False)
        return json.loads(proc.stdout)

    def validate_together(self, workdirs: dict[str, Path], folder: Path) -> dict[str | None, list[dict]]:
        """`terraform validate` of many stacks in one process, each a child module of one root in
        `folder`, so that the provider's schema loads once rather than once per stack (5 CPU-s
        each). Returns each stack's diagnostics, by the file they point at (None: at no stack's).
        A child module's backend block is ignored, with a warning; `init -backend=false` ignores a
        root's too, so that warning is the only one left out. Each stack's assets are linked into
        the root's folder, where a child module's relative paths lead."""
        names = {}
        modules = {}
        for name, workdir in workdirs.items():
            module = f"stack_{len(modules)}"
            source = os.path.relpath(workdir, folder)
            modules[module] = {"source": source if source.startswith("../") else f"./{source}"}
            names[module] = name
        folder.mkdir(parents=True, exist_ok=True)
        # A stack names its assets by a path relative to where Terraform runs (assets/<construct>/
        # <content hash>/...), which in a child module is the root's folder: link them there.
        for workdir in workdirs.values():
            for asset in sorted(workdir.glob("assets/*/*")):
                link = folder / asset.relative_to(workdir)
                if not link.exists():  # the same path is the same content: its hash is in it
                    link.parent.mkdir(parents=True, exist_ok=True)
                    link.symlink_to(asset.resolve(), target_is_directory=True)
        (folder / "main.tf.json").write_text(json.dumps({"module": modules}, indent=2, sort_keys=True))
        self.run(folder, "init", "-backend=false", "-input=false")
        result = json.loads(self.run(folder, "validate", "-json", check=False).stdout)
        found: dict[str | None, list[dict]] = {name: [] for name in workdirs}
        for diagnostic in result["diagnostics"]:
            path = diagnostic.get("range", {}).get("filename", "")
            module = next(
                (
                    m
                    for m, spec in modules.items()
                    if path.startswith((spec["source"].removeprefix("./") + "/", spec["source"] + "/"))
                ),
                None,
            )
            if (
                module is not None
                and diagnostic["severity"] == "warning"
                and diagnostic["summary"] == "Backend configuration ignored"
            ):
                continue
            found.setdefault(names.get(module) if module else None, []).append(diagnostic)
        return found


def terraform_or_skip(config_dir: Path) -> Terraform:
    binary = shutil.which("terraform")
    if binary is None:
        unavailable("terraform is not on PATH")
    mirror = find_mirror()
    if mirror is None:
        unavailable(
            f"no provider mirror with {PROVIDER} {PROVIDER_VERSION}: set TF_PROVIDER_MIRROR to the "
            "folder that holds registry.terraform.io/"
        )
    return Terraform(binary, mirror, config_dir)
