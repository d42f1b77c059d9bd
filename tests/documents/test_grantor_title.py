"""The transfer deed cites the grantor's title: the recorded entries by which the grantor holds the shares."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from core.documents.evidence import parse_record
from desktop.documents import verify_pdf
from desktop.documents.registry import render_record
from desktop.documents.transfer_deed import build_transfer_pdf, collect_transfer, grantor_title
from tests.documents import tampering
from tests.documents.builders import Scene
from tests.documents.test_content import text_of

A, B, C = "0x" + "a1" * 20, "0x" + "b2" * 20, "0x" + "c3" * 20


@dataclass
class Step:
    """What grantor_title reads of a recorded entry."""

    index: int
    kind: str
    message: dict[str, Any] = field(default_factory=dict)


def _register(index: int, owner: str, total: int = 100) -> Step:
    return Step(index, "RegisterDeed", {"owner": owner, "totalShares": total})


def _move(index: int, seller: str, buyer: str, shares: int, kind: str = "Transfer") -> Step:
    return Step(index, kind, {"from": seller, "to": buyer, "shares": shares})


def test_the_title_is_what_the_grantor_received_since_it_last_held_none() -> None:
    history: list[Any] = [
        _register(0, A),
        _move(1, A, B, 100),  # B holds all
        _move(2, B, C, 100),  # B sold out
        _move(3, C, B, 40),  # B again: 40
        _move(5, C, B, 60, kind="RecoveryTransfer"),  # a recovery move to B counts too
        Step(6, "Lien", {"holder": C}),
        _move(7, B, A, 30),  # the sale the deed is about
    ]
    assert [e.index for e in grantor_title(history, 7, B.upper().replace("0X", "0x"))] == [3, 5]
    assert [e.index for e in grantor_title(history, 2, B)] == [1]
    assert [e.index for e in grantor_title(history, 1, A)] == [0]
    assert grantor_title(history, 7, "0x" + "d4" * 20) == []  # never held: nothing to cite


@given(st.lists(st.tuples(st.sampled_from([A, B, C]), st.sampled_from([A, B, C]), st.integers(1, 50)), max_size=12))
def test_the_cited_entries_add_up_to_at_least_what_the_grantor_holds(moves: list[tuple[str, str, int]]) -> None:
    """Only legal moves (a seller holding the shares); the title covers the holding at the sale."""
    holdings = {A: 100, B: 0, C: 0}
    history: list[Any] = [_register(0, A)]
    for seller, buyer, shares in moves:
        if seller == buyer or holdings[seller] < shares:
            continue
        holdings[seller] -= shares
        holdings[buyer] += shares
        history.append(_move(len(history), seller, buyer, shares))
    at = len(history)
    for holder, held in holdings.items():
        cited = grantor_title(history, at, holder)
        received = sum(e.message.get("shares", e.message.get("totalShares", 0)) for e in cited)
        assert (received >= held > 0) or (held == 0 and cited == [])


def test_the_deed_shows_the_grantors_title_and_verifies(scene: Scene, tmp_path: Path) -> None:
    resale = scene.transfers[2]  # jose sells part of what he bought at the first transfer
    pdf = tmp_path / "resale.pdf"
    pdf.write_bytes(build_transfer_pdf(scene.ledger, resale))
    text = text_of(pdf)
    assert f"GRANTOR'S TITLE Entry {scene.transfers[0]}: 10,000 shares conveyed by" in text
    report = verify_pdf(pdf.read_bytes())
    assert report.ok, report.reason
    first = text_of(_written(tmp_path / "first.pdf", build_transfer_pdf(scene.ledger, scene.transfers[0])))
    assert f"GRANTOR'S TITLE Entry {scene.registration}: 10,000 shares registered to the grantor" in first


def test_a_title_citing_an_entry_that_did_not_give_the_grantor_shares_is_not_genuine(scene: Scene) -> None:
    genuine = build_transfer_pdf(scene.ledger, scene.transfers[2])

    def cite_the_registration(data: dict[str, Any]) -> None:  # zoe's registration, not jose's title
        data["document"]["params"]["grantorTitle"] = [scene.registration]

    forged = tampering.replace_record(genuine, lambda raw: tampering.change_json(raw, cite_the_registration))
    report = verify_pdf(forged)
    assert not report.ok and "did not give the grantor shares" in report.reason


def test_a_deed_issued_before_the_title_line_is_drawn_as_it_was(scene: Scene) -> None:
    record = collect_transfer(scene.ledger, scene.transfers[2])
    del record.params["grantorTitle"]
    older = render_record(record)
    assert "GRANTOR'S TITLE" not in _text(older).upper()
    assert parse_record(tampering.record_bytes(older)).params == {"index": scene.transfers[2], "deedId": scene.deed}
    assert verify_pdf(older).ok


def _written(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _text(pdf: bytes) -> str:
    import io

    from pypdf import PdfReader

    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
