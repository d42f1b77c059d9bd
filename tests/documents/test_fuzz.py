"""Whatever the embedded record holds, verification answers with a report or one sentence, never a crash."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from core.documents.evidence import RecordInvalid, parse_record
from core.errors import DeedbookError
from desktop.documents.verify import verify_record
from tests.documents import tampering
import contextlib

JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for k, v in value.items():
            found += _paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            found += _paths(v, (*prefix, i))
    return found


def _check(raw: bytes, pdf: bytes) -> None:
    try:
        report = verify_record(raw, pdf)
    except DeedbookError:  # a newer format or layout: refused with one sentence
        return
    assert not report.ok and report.reason


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), replacement=JSON)
def test_a_value_anywhere_in_the_record_replaced(docs: dict[str, Path], data: st.DataObject, replacement: Any) -> None:
    name = data.draw(st.sampled_from(["transfer", "journal", "valuation"]))
    original = json.loads(tampering.record_bytes(docs[name].read_bytes()))
    paths = [p for p in _paths(original) if p]
    path = data.draw(st.sampled_from(paths))
    target = original
    for key in path[:-1]:
        target = target[key]
    # Replacing a value by an equal one changes nothing: that record is still genuine.
    assume(json.dumps(target[path[-1]], sort_keys=True) != json.dumps(replacement, sort_keys=True))
    target[path[-1]] = replacement
    _check(json.dumps(original).encode(), docs[name].read_bytes())


# A whole number spelt another way: int() would take each, and true and 1.0 hash as 1 does.
OTHER_SPELLINGS = (True, 1.0, "1")


@pytest.mark.parametrize("spelling", OTHER_SPELLINGS, ids=repr)
@pytest.mark.parametrize("name", ["transfer", "journal", "valuation"])
def test_a_chain_id_spelt_otherwise_is_not_the_record(docs: dict[str, Path], name: str, spelling: Any) -> None:
    """The record's ledger chain id (1) as true, 1.0 or "1": once verified as the genuine document (the
    fuzz test above found true), now a malformed record."""
    original = json.loads(tampering.record_bytes(docs[name].read_bytes()))
    assert original["ledger"]["chainId"] == 1
    original["ledger"]["chainId"] = spelling
    _check(json.dumps(original).encode(), docs[name].read_bytes())


def test_damaged_records() -> None:
    for raw in (
        b"",
        b"[]",
        b"{}",
        b"[" * 100_000,
        b'{"format": "deedbook-document/1"}',
        b"\xff\xfe",
        json.dumps(
            {
                "format": "deedbook-document/1",
                "document": {"type": "title", "layout": 1, "paper": "A4", "params": {}},
                "ledger": {},
                "checkpoint": {},
                "entries": [],
            }
        ).encode(),
    ):
        with contextlib.suppress(RecordInvalid):
            parse_record(raw)
