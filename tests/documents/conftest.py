"""Shared fixtures: one scene ledger and its documents per module (documents take ~0.1 s each)."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

os.environ["DEEDBOOK_SCRYPT_N"] = "1024"  # module-scoped fixtures run before the autouse per-test set-up

from tests.documents.builders import Scene, make_scene  # noqa: E402


def sample_valuation(estimate: float = 203_109.0) -> dict[str, Any]:
    """The plain data valuation/ hands to documents (Valuation.to_json() + currency, model hash, card)."""
    return {
        "estimate": estimate, "low": 177_239.0, "high": 230_956.0, "coverage": 0.9, "as_of": "2010-07",
        "typical_sale": 213_241.0, "other_effects": 2_695.0, "assumed_typical": ["Garage_Yr_Blt", "Pool_QC"],
        "input_sha256": "47" * 32, "warnings": [],
        "drivers": [
            {"feature": "Gr_Liv_Area", "effect": -4158.0, "direction": "down", "value": 1329, "typical": 1456},
            {"feature": "Overall_Cond", "effect": 4069.0, "direction": "up", "value": 6, "typical": 5},
            {"feature": "Location", "effect": -10448.0, "direction": "down", "value": "42.05266, -93.61939",
             "typical": "42.04296, -93.64554"},
        ],
        "comparables": [
            {"label": "parcel 0527105030", "price": 257_600.0, "sold": "2009-08", "distance_km": 1.85,
             "adjusted_price": 231_578.93, "similarity": 0.288,
             "differences": [{"feature": "Gr_Liv_Area", "subject": 1329, "comparable": 1604}]},
            {"label": "parcel 0527402250", "price": 172_600.0, "sold": "2008-04", "distance_km": 0.63,
             "adjusted_price": 197_215.14, "similarity": 0.287, "differences": []},
        ],
        "currency": "USD", "model_sha256": "27" * 32,
        "model_card": {
            "created": "2024-06-01T00:00:00+00:00", "currency": "USD", "model_sha256": "27" * 32,
            "data": {"name": "bundled Ames market", "sha256": "22" * 32, "rows_read": 2930, "sales_used": 2667,
                     "time_range": ["2006-01", "2010-07"]},
            "model": {"kind": "blend of gradient boosting and ridge", "interval": {"method": "split-conformal",
                                                                                    "coverage": 0.9}},
            "metrics": {"n": 2667, "mdape": 4.56, "within_10": 0.819, "coverage": 0.901, "cod": 6.48, "prd": 1.011},
            "features": [{"name": "Gr_Liv_Area", "kind": "numeric", "importance": 17420.8, "used": True}],
            "libraries": {"scikit-learn": "1.9.1"}, "limits": ["Values market sales only."],
        },
    }


@pytest.fixture(scope="module")
def scene(tmp_path_factory: pytest.TempPathFactory) -> Scene:
    return make_scene(tmp_path_factory.mktemp("scene") / "home")


@pytest.fixture(scope="module")
def docs(scene: Scene, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every kind of document about the scene, written to files."""
    from core.documents import (build_journal_pdf, build_notary_record_pdf, build_title_pdf, build_transfer_pdf,
                                build_valuation_pdf)

    folder = tmp_path_factory.mktemp("docs")
    made = {
        "title": build_title_pdf(scene.ledger, scene.deed),
        "transfer": build_transfer_pdf(scene.ledger, scene.transfers[0]),
        "notary": build_notary_record_pdf(scene.ledger, scene.attestations[1]),
        "journal": build_journal_pdf(scene.ledger),
        "valuation": build_valuation_pdf(scene.ledger, scene.deed, sample_valuation(), "letter"),
    }
    paths = {}
    for name, data in made.items():
        paths[name] = folder / f"{name}.pdf"
        paths[name].write_bytes(data)
    return paths
