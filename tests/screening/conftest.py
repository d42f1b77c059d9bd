"""A small demo with one injected case of each pattern and a quick valuation model, built once."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from core.paths import DataDir
from tests.valuation.conftest import SLICE, ames_rows, write_csv

__all__ = ["SuspiciousDemo"]


class SuspiciousDemo:
    def __init__(self, root: Path, summary: dict[str, Any]) -> None:
        self.root, self.summary = root, summary

    def argv(self, *args: str) -> list[str]:
        return ["--data-dir", str(self.root), *args]

    def target(self, pattern: str) -> int:
        return int(next(c["entry"] for c in self.summary["suspicious"] if c["pattern"] == pattern))


@pytest.fixture(scope="session")
def quick_models(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A quick model on a seeded slice of Ames (as the valuation tests train it)."""
    import numpy as np

    from valuation import service

    rows = ames_rows()
    pick = np.random.default_rng(7).choice(len(rows), SLICE, replace=False)
    csv = write_csv(tmp_path_factory.mktemp("market") / "slice.csv", [rows[i] for i in sorted(pick)])
    home = DataDir.resolve(tmp_path_factory.mktemp("models"))
    service.train(home, csv=csv, target="Sale_Price", quick=True)
    return home.models


@pytest.fixture(scope="module")
def suspicious_demo(tmp_path_factory: pytest.TempPathFactory, quick_models: Path) -> SuspiciousDemo:
    from desktop.workspace import Workspace

    root = tmp_path_factory.mktemp("suspicious")
    ws = Workspace.open(root)
    summary = ws.build_demo(deeds=140, transfers=60, suspicious=1).value
    ws.close()
    shutil.copytree(quick_models, DataDir.resolve(root).models)
    return SuspiciousDemo(root, summary)
