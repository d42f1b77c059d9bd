"""Fixtures for the valuation tests: real Ames rows, small models, a stored model.

Everything expensive is session-scoped and small (a 600-sale slice, 150 trees,
3 inner folds), so the whole valuation suite stays well under a minute and a half
on two shared cores.
"""

from __future__ import annotations

import csv
import gzip
import io
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from core.paths import DataDir
from valuation.dataset import bundled_market_path

SLICE = 600


def ames_rows() -> list[dict[str, str]]:
    with gzip.open(bundled_market_path(), "rb") as raw:
        return list(csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8")))


def write_csv(path: Path, rows: list[dict[str, Any]], fieldnames: list[str] | None = None, **fmt: Any) -> Path:
    names = fieldnames or list(rows[0])
    with open(path, "w", newline="", encoding=fmt.pop("encoding", "utf-8")) as handle:
        writer = csv.DictWriter(handle, names, extrasaction="ignore", **fmt)
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture(scope="session")
def all_rows() -> list[dict[str, str]]:
    return ames_rows()


@pytest.fixture(scope="session")
def slice_rows(all_rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """A random (seeded) slice: the file is sorted by parcel, so a head would be a few neighbourhoods."""
    pick = np.random.default_rng(7).choice(len(all_rows), SLICE, replace=False)
    return [all_rows[i] for i in sorted(pick)]


@pytest.fixture(scope="session")
def slice_csv(tmp_path_factory: pytest.TempPathFactory, slice_rows: list[dict[str, str]]) -> Path:
    return write_csv(tmp_path_factory.mktemp("market") / "ames_slice.csv", slice_rows)


@pytest.fixture(scope="session")
def slice_market(slice_csv: Path) -> Any:
    from valuation.dataset import load_csv

    return load_csv(slice_csv, "Sale_Price")


@pytest.fixture(scope="session")
def small_model(slice_market: Any) -> Any:
    from valuation.model import ModelParams
    from valuation.training import train_model

    _, spec, data = slice_market
    return train_model(data, spec, ModelParams.small(seed=0))


@pytest.fixture(scope="session")
def stored_models(tmp_path_factory: pytest.TempPathFactory, slice_csv: Path) -> Path:
    """A models folder trained (quick) on the slice; tests copy it into their own data folder."""
    from valuation import service

    home = DataDir.resolve(tmp_path_factory.mktemp("stored"))
    service.train(home, csv=slice_csv, target="Sale_Price", quick=True)
    return home.models


@pytest.fixture
def home_with_model(deedbook_home: Path, stored_models: Path) -> DataDir:
    home = DataDir.resolve(deedbook_home).ensure()
    shutil.copytree(stored_models, home.models)
    return home
