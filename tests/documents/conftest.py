"""Shared fixtures: one scene ledger and its documents per module (documents take ~0.1 s each)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

os.environ["DEEDBOOK_SCRYPT_N"] = "1024"  # module-scoped fixtures run before the autouse per-test set-up

from tests.documents.builders import Scene, make_scene

if TYPE_CHECKING:
    from desktop.documents import ModelCard
    from valuation.valuer import Valuation


def sample_valuation(estimate: float = 203_109.0, low: float = 177_239.0, currency: str = "USD") -> Valuation:
    """valuation/'s result for the scene's deed, as the valuer makes it (whole units of `currency`)."""
    from core.money import Money
    from valuation.comparables import Comparable
    from valuation.valuer import Driver, Valuation

    def money(units: float) -> Money:
        return Money.of(units, currency)

    return Valuation(
        currency,
        money(estimate),
        money(low),
        money(230_956.0),
        "2010-07",
        money(213_241.0),
        [
            Driver("Gr_Liv_Area", money(-4158.0), 1329, 1456),
            Driver("Overall_Cond", money(4069.0), 6, 5),
            Driver("Location", money(-10448.0), "42.05266, -93.61939", "42.04296, -93.64554"),
        ],
        money(2_695.0),
        [
            Comparable(
                "parcel 0527105030",
                money(257_600.0),
                "2009-08",
                1.85,
                money(231_578.93),
                0.288,
                [{"feature": "Gr_Liv_Area", "subject": 1329, "comparable": 1604}],
            ),
            Comparable("parcel 0527402250", money(172_600.0), "2008-04", 0.63, money(197_215.14), 0.287, []),
        ],
        ["Garage_Yr_Blt", "Pool_QC"],
        "47" * 32,
        [],
    )


def sample_card(currency: str = "USD") -> ModelCard:
    """The model card of the model that made `sample_valuation`, as valuation/ stores it, taken for a report."""
    from desktop.documents import ModelCard

    return ModelCard.from_card(
        {
            "created": "2024-06-01T00:00:00+00:00",
            "currency": currency,
            "model_sha256": "27" * 32,
            "data": {
                "name": "bundled Ames market",
                "sha256": "22" * 32,
                "rows_read": 2930,
                "sales_used": 2667,
                "time_range": ["2006-01", "2010-07"],
            },
            "model": {
                "kind": "blend of gradient boosting and ridge",
                "interval": {"method": "split-conformal", "coverage": 0.9},
            },
            "metrics": {"n": 2667, "mdape": 4.56, "within_10": 0.819, "coverage": 0.901, "cod": 6.48, "prd": 1.011},
            "features": [{"name": "Gr_Liv_Area", "kind": "numeric", "importance": 17420.8, "used": True}],
            "libraries": {"scikit-learn": "1.9.1"},
            "limits": ["Values market sales only."],
        }
    )


@pytest.fixture(scope="module")
def scene(tmp_path_factory: pytest.TempPathFactory) -> Scene:
    return make_scene(tmp_path_factory.mktemp("scene") / "home")


@pytest.fixture(scope="module")
def docs(scene: Scene, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every kind of document about the scene, written to files."""
    from desktop.documents import (
        build_journal_pdf,
        build_notary_record_pdf,
        build_title_pdf,
        build_transfer_pdf,
        build_valuation_pdf,
    )

    folder = tmp_path_factory.mktemp("docs")
    made = {
        "title": build_title_pdf(scene.ledger, scene.deed),
        "transfer": build_transfer_pdf(scene.ledger, scene.transfers[0]),
        "notary": build_notary_record_pdf(scene.ledger, scene.attestations[1]),
        "journal": build_journal_pdf(scene.ledger),
        "valuation": build_valuation_pdf(scene.ledger, scene.deed, sample_valuation(), sample_card(), "letter"),
    }
    paths = {}
    for name, data in made.items():
        paths[name] = folder / f"{name}.pdf"
        paths[name].write_bytes(data)
    return paths
