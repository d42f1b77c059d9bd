"""A deed's own earlier sales are its sale history, never its comparables."""

from __future__ import annotations

from typing import Any

from valuation.comparables import names_parcel
from valuation.valuer import value_record


def test_parcel_matches_without_leading_zeros_and_inside_labels() -> None:
    assert names_parcel("parcel 0526301100 (ledger entry 74)", "0526301100")
    assert names_parcel("526301100", "0526301100")
    assert not names_parcel("parcel 0526351010 (ledger entry 65)", "0526301100")
    assert not names_parcel("row 5", "0005")  # too short to be a parcel number: never a match
    assert not names_parcel("anything", "000")


def test_the_subjects_own_sale_is_not_a_comparable(small_model: Any, slice_rows: list[dict[str, str]]) -> None:
    row = slice_rows[10]
    label = next(label for label in small_model.comps.sales.labels if names_parcel(label, row["PID"]))
    record = {k: v for k, v in row.items() if k != "Sale_Price"}
    plain = value_record(small_model, record)
    assert label in [c.label for c in plain.comparables]  # its own sale is among the most similar...
    excluded = value_record(small_model, record, subject_parcel=f"{int(row['PID']):010d}")
    labels = [c.label for c in excluded.comparables]
    assert label not in labels and len(labels) == len(plain.comparables)  # ...and is left out for the deed
