"""No two modules of one package (core/, desktop/) import each other, directly or round a longer circle.

Every import statement counts, at the top of a module or inside a function (a lazy
import is still a dependency, it only runs later).  Imports under
`if TYPE_CHECKING:` are left out: they never run, they only name types.  The
entry-kind registry (core.kinds) and the document-type registry (desktop.documents.registry)
load their modules by name with importlib, as plug-ins; that is not an import
statement and is not counted.  (core never imports desktop, tests/test_layers.py
checks it, so no circle can run through both.)
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("core", "desktop")
# The GUI's start-up runs the screenshot driver, which calls back into the start-up's helpers
# (ledger_may_exist, open_in_background).  Listed so that the test fails once it is gone, asking
# for the entry to be removed.
KNOWN = [{"desktop.gui.app", "desktop.gui.shots"}]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    found: list[ast.Import | ast.ImportFrom] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for branch in node.orelse:  # the else branch runs
                visit(branch)
            return
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            found.append(node)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def imports_of(path: Path, name: str, modules: set[str]) -> set[str]:
    """The modules of `modules` that `path` (module `name`) imports, lazily or not."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets: set[str] = set()
    for node in _imports(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                prefixes = [".".join(parts[:i]) for i in range(len(parts), 0, -1)]
                targets.update(next(([p] for p in prefixes if p in modules), []))
            continue
        if node.level:
            base = package.split(".")
            base = base[: len(base) - node.level + 1]
            source = ".".join(base + ([node.module] if node.module else []))
        else:
            source = node.module or ""
        for alias in node.names:
            if f"{source}.{alias.name}" in modules:
                targets.add(f"{source}.{alias.name}")
            elif source in modules:
                targets.add(source)
    targets.discard(name)
    return targets


def graph_of(package: str) -> dict[str, set[str]]:
    paths = {module_name(p): p for p in (ROOT / package).rglob("*.py")}
    modules = set(paths)
    return {name: imports_of(path, name, modules) for name, path in paths.items()}


def cycles(graph: dict[str, set[str]]) -> list[set[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[set[str]] = []

    def connect(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.add(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(component)

    for v in sorted(graph):
        if v not in index:
            connect(v)
    return found


def test_the_graph_sees_lazy_imports_and_skips_type_checking_ones(tmp_path: Path) -> None:
    source = (
        "from __future__ import annotations\nfrom typing import TYPE_CHECKING\nimport core.a\n"
        "if TYPE_CHECKING:\n    from core.b import B\nelse:\n    from core import c\n"
        "def later() -> None:\n    from core.d import thing\n    from .e import other\n"
    )
    modules = {"core.a", "core.b", "core.c", "core.d", "core.x.e", "core.x.m", "core.x"}
    tree_file = tmp_path / "m.py"
    tree_file.write_text(source)
    assert imports_of(tree_file, "core.x.m", modules) - {"core.x"} == {"core.a", "core.c", "core.d", "core.x.e"}
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [{"a", "b", "c"}]


def test_the_documents_layer_is_seen() -> None:
    """The document types import the registry and the shared drawing, never one another or back."""
    graph = graph_of("desktop")
    assert "desktop.documents.registry" in graph["desktop.documents.title"]
    types = {
        "desktop.documents.transfer_deed",
        "desktop.documents.title",
        "desktop.documents.notary_record",
        "desktop.documents.journal",
        "desktop.documents.valuation_report",
    }
    assert all(not graph[t] & types for t in types)
    assert not graph["desktop.documents.registry"] & types


def test_no_import_cycles_within_a_package() -> None:
    found = [c for package in PACKAGES for c in cycles(graph_of(package))]
    unexpected = [sorted(c) for c in found if c not in KNOWN]
    assert unexpected == [], f"import cycles: {unexpected}"
    gone = [sorted(c) for c in KNOWN if c not in found]
    assert gone == [], f"these cycles are gone; remove them from KNOWN: {gone}"
