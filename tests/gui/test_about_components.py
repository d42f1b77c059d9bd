"""The About box names every library the application ships, with a version read from what is installed."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from desktop.gui.dialogs.about import COMPONENTS, _version

ROOT = Path(__file__).resolve().parents[2]


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_every_runtime_dependency_is_named_with_its_installed_version() -> None:
    wanted = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    dependencies = {_normal(re.split(r"[<>=~!\[;\s]", requirement, maxsplit=1)[0]) for requirement in wanted}
    named = {_normal(name) for name, _licence in COMPONENTS}
    assert dependencies - named == set(), "the About box leaves out a dependency the application ships"
    assert all(_version(name) != "not installed" for name, _licence in COMPONENTS)
