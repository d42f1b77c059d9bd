"""The layers of DESIGN.md, checked on every import statement of every module.

- core/ is the domain: no Qt, no scikit-learn, no PDF library (drawing, reading or QR
  codes: the documents layer's), never valuation/ or desktop/;
- valuation/ knows no Qt, no PDF library and nothing of desktop/;
- desktop/documents draws and reads PDFs above core and valuation: no Qt, and none of the
  front ends or the workspace that call it;
- desktop/workspace is plain Python under both front ends: no Qt, neither front end;
- nothing opens network connections but the server a person starts (`deedbook serve`) and its
  client (a URL a person gives): modules whose path contains "serve".

Every import counts: at the top of a module, inside a function (a lazy import is still a
dependency, it only runs later), under `if TYPE_CHECKING:`, relative ones (resolved), and
`importlib.import_module("name")` / `__import__("name")` with a literal name.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
QT = {"PySide6", "shiboken6"}
PDF = {"reportlab", "pypdf", "pikepdf", "fitz", "qrcode", "pyhanko", "pypdfium2"}
FORBIDDEN: dict[str, set[str]] = {
    "core": QT | PDF | {"sklearn", "valuation", "desktop"},
    "valuation": QT | PDF | {"desktop"},
    "desktop/documents": QT | {"desktop.gui", "desktop.cli", "desktop.workspace"},
    "desktop/workspace": QT | {"desktop.gui", "desktop.cli"},
    "desktop": set(),
}
NETWORK = {"socket", "requests", "urllib.request", "http.client", "httpx", "aiohttp"}
LOADERS = {"import_module", "__import__"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(path: Path, name: str | None = None) -> set[str]:
    """Every module `path` (module `name`) imports, anywhere in it, as dotted names (`from a import b`
    gives a and a.b)."""
    name = name or module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            names.add(source)
            names.update(f"{source}.{alias.name}" for alias in node.names if alias.name != "*")
        elif (
            isinstance(node, ast.Call)
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            called = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if called in LOADERS:
                names.add(node.args[0].value)
    names.discard("")
    return names


def _matches(name: str, banned: set[str]) -> str | None:
    return next((b for b in banned if name == b or name.startswith(b + ".")), None)


def offenders(folder: str) -> list[str]:
    found = []
    for path in sorted((ROOT / folder).rglob("*.py")):
        for name in sorted(imported_modules(path)):
            network = _matches(name, NETWORK) and "serve" not in path.relative_to(ROOT).as_posix()
            if _matches(name, FORBIDDEN[folder]) or network:
                found.append(f"{path.relative_to(ROOT)} imports {name}")
    return found


def test_the_scan_sees_every_kind_of_import(tmp_path: Path) -> None:
    source = (
        "from __future__ import annotations\nimport importlib\nfrom typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from reportlab.platypus import Flowable\n"
        "def later() -> None:\n    import pypdf\n    from qrcode import constants\n"
        "    importlib.import_module('PySide6.QtCore')\n    __import__('sklearn')\n"
        "    from . import sibling\n    from ..up import thing\n"
    )
    probe = tmp_path / "m.py"
    probe.write_text(source)
    seen = imported_modules(probe, "core.x.m")
    assert {
        "reportlab.platypus",
        "pypdf",
        "qrcode",
        "qrcode.constants",
        "PySide6.QtCore",
        "sklearn",
        "core.x",
        "core.x.sibling",
        "core.up",
        "core.up.thing",
    } <= seen
    assert _matches("reportlab.platypus.Flowable", FORBIDDEN["core"]) == "reportlab"
    assert _matches("desktop.documents", FORBIDDEN["desktop/documents"]) is None
    assert _matches("desktop.gui.fmt", FORBIDDEN["desktop/documents"]) == "desktop.gui"
    assert module_name(ROOT / "core" / "documents" / "__init__.py") == "core.documents"


@pytest.mark.parametrize("folder", sorted(FORBIDDEN))
def test_package_imports_respect_the_layers(folder: str) -> None:
    assert offenders(folder) == []
