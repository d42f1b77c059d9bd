"""A data folder whose valuation model learnt from a market without sale dates (the Ames slice with its
year and month of sale left out), and a small demo ledger to value its deeds: built once per session."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.valuation.conftest import ames_rows, write_csv

UNDATED_DROP = ("Year_Sold", "Mo_Sold")


@pytest.fixture(scope="session")
def undated_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import numpy as np

    from desktop.workspace import Workspace

    rows = ames_rows()
    pick = np.random.default_rng(7).choice(len(rows), 600, replace=False)
    folder = tmp_path_factory.mktemp("undated")
    csv = write_csv(
        folder / "market.csv", [rows[i] for i in sorted(pick)], [n for n in rows[0] if n not in UNDATED_DROP]
    )
    root = folder / "home"
    ws = Workspace.open(root)
    try:
        ws.build_demo(deeds=12, transfers=0)
        ws.train(csv=str(csv), target="Sale_Price", quick=True, with_ledger=False)
    finally:
        ws.close()
    return root


def copy_of(home: Path, to: Path) -> Path:
    shutil.copytree(home, to)
    return to
