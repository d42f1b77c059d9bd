"""The layers of DESIGN.md: core knows no Qt or scikit-learn; valuation knows no Qt;
nothing opens network connections but the server a person starts (`deedbook serve`) and its
client (a URL a person gives): modules whose path contains "serve"."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = {
    "core": {"PySide6", "sklearn", "valuation", "desktop"},
    "valuation": {"PySide6", "desktop"},
    "desktop": set(),
}
NETWORK = {"socket", "requests", "urllib.request", "http.client", "httpx", "aiohttp"}


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_imports_respect_the_layers(package: str) -> None:
    offenders = []
    for path in (ROOT / package).rglob("*.py"):
        for name in imported_modules(path):
            top = name.split(".")[0]
            network = (name in NETWORK or top in NETWORK) and "serve" not in path.relative_to(ROOT).as_posix()
            if top in FORBIDDEN[package] or network:
                offenders.append(f"{path.relative_to(ROOT)} imports {name}")
    assert offenders == []
