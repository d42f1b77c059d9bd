"""Document types are plug-ins: one module each, registered by name, drawn by layout number."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import pytest

from core.documents.evidence import Record, RecordInvalid, build_record, parse_record
from core.errors import DeedbookError
from desktop.documents import registry, verify_pdf
from desktop.documents.registry import DocumentType, check_document, document_types, register, render_record
from tests.documents import tampering
from tests.documents.builders import Scene


def test_each_type_module_registers_its_type() -> None:
    types = document_types()
    assert {name: t.label for name, t in types.items()} == {
        "transfer": "transfer deed",
        "title": "certificate of title",
        "notary": "notary journal record",
        "journal": "notary journal export",
        "valuation": "valuation report",
        "statement": "distribution statement",
    }
    # 1: the first drawing, kept; 2: the same as PDF/A-3b; 7: layout 2 where a hash its cell cuts is cut in equal
    # lines and a valuation of an undated market says so (the two types whose pages that changed); 8: layout 7 where
    # a day or time taken from an instant names UTC (the three types that drew a bare UTC day)
    assert {name: t.layout for name, t in types.items()} == {
        "transfer": 8,
        "title": 8,
        "notary": 2,
        "journal": 8,
        "valuation": 7,
        "statement": 2,
    }
    assert registry.label("title") == "certificate of title" and registry.label(None) == "document"


def test_every_genuine_record_is_one_its_type_draws(docs: dict[str, Path]) -> None:
    for name, path in docs.items():
        record = parse_record(tampering.record_bytes(path.read_bytes()))
        assert check_document(record).name == record.doc_type
        assert render_record(record) == path.read_bytes(), name


def _edited(pdf: Path, edit: Callable[[dict[str, Any]], None]) -> bytes:
    return tampering.replace_record(pdf.read_bytes(), lambda raw: tampering.change_json(raw, edit))


def test_a_type_or_layout_this_version_does_not_draw_is_refused_plainly(docs: dict[str, Path]) -> None:
    def other_type(data: dict[str, Any]) -> None:
        data["document"]["type"] = "deed-of-trust"

    def newer_layout(data: dict[str, Any]) -> None:
        data["document"]["layout"] = 10

    with pytest.raises(DeedbookError, match="'deed-of-trust', which this version of Deedbook does not know"):
        verify_pdf(_edited(docs["title"], other_type))
    with pytest.raises(DeedbookError, match="layout 10 of a title; this version of Deedbook draws layout 1, 2"):
        verify_pdf(_edited(docs["title"], newer_layout))


@pytest.mark.parametrize(
    "name, edit",
    [
        ("title", lambda d: d["document"]["params"].update(index=3)),  # a parameter a title does not take
        ("transfer", lambda d: d["document"]["params"].update(index="3")),  # of another JSON type
        ("valuation", lambda d: d["document"]["params"].update(recorded=True)),  # a boolean is not an index
        ("journal", lambda d: d["document"]["params"].update({"from": "last week"})),  # the type's own check
    ],
)
def test_parameters_a_genuine_document_does_not_carry_are_not_genuine(
    docs: dict[str, Path], name: str, edit: Callable[[dict[str, Any]], None]
) -> None:
    report = verify_pdf(_edited(docs[name], edit))
    assert not report.ok and report.exit_code == 1
    assert "parameters are not those of" in report.reason or "period is not made of dates" in report.reason


def test_a_type_declares_layouts_and_a_name_once() -> None:
    with pytest.raises(ValueError, match="layouts numbered from 1"):
        DocumentType("empty", "empty", {}, {})
    document_types()
    with pytest.raises(ValueError, match="registered twice"):
        register(DocumentType("title", "another title", {"deedId": (int,)}, {1: lambda record: b""}))


# -- adding a document type is its module ---------------------------------------------------


def _receipt_drawer(word: str) -> Callable[[Record], bytes]:
    """A small document, drawn with the shared page template and blocks, as a type module would."""

    def draw(record: Record) -> bytes:
        from desktop.documents import blocks
        from desktop.documents.layout import page_of, render_pdf, title_block

        entry = record.subject("Transfer", "transfer")
        width = page_of(record).frame_width
        price = blocks.money(entry.message["price"], entry.message["currency"])
        story = title_block(word, f"Transfer recorded as entry {entry.index}", [("Price", price)], width)
        story += blocks.verification_panel(record, entry, width)
        return render_pdf(
            record,
            blocks.heading(record, word, f"Entry {entry.index}"),
            story,
            title=word,
            subject=f"{word} of entry {entry.index}",
        )

    return draw


def _receipt(ledger: Any, index: int, kind: DocumentType) -> bytes:
    return render_record(build_record(ledger, kind.name, [index], params={"index": index}, layout=kind.layout))


def test_a_new_document_type_is_one_module(scene: Scene, monkeypatch: pytest.MonkeyPatch) -> None:
    document_types()  # the real types, loaded before the registry is replaced for this test
    monkeypatch.setattr(registry, "_TYPES", dict(registry._TYPES))
    first = register(DocumentType("receipt", "closing receipt", {"index": (int,)}, {1: _receipt_drawer("Receipt")}))
    index = scene.transfers[0]
    issued = _receipt(scene.ledger, index, first)
    report = verify_pdf(issued)
    assert report.ok, report.reason
    assert report.document == "receipt" and report.document_name == "closing receipt"

    # A new drawing is a new layout: documents issued with layout 1 keep verifying, new ones use layout 2.
    second = DocumentType(
        "receipt",
        "closing receipt",
        {"index": (int,)},
        {1: _receipt_drawer("Receipt"), 2: _receipt_drawer("Closing receipt")},
    )
    monkeypatch.setitem(registry._TYPES, "receipt", second)
    assert verify_pdf(issued).ok
    newer = _receipt(scene.ledger, index, second)
    assert newer != issued and parse_record(tampering.record_bytes(newer)).layout == 2
    assert verify_pdf(newer).ok

    # Dropping the old layout would break every document issued with it: said as a sentence (exit 2).
    monkeypatch.setitem(
        registry._TYPES,
        "receipt",
        DocumentType("receipt", "closing receipt", {"index": (int,)}, {2: _receipt_drawer("Closing receipt")}),
    )
    with pytest.raises(DeedbookError, match="layout 1 of a receipt"):
        verify_pdf(issued)


def test_a_drawing_asking_for_what_the_record_lacks_is_refused(scene: Scene, monkeypatch: pytest.MonkeyPatch) -> None:
    """The record's own lookups refuse what a drawing asks for and the record does not carry."""
    document_types()
    monkeypatch.setattr(registry, "_TYPES", dict(registry._TYPES))
    kind = register(DocumentType("receipt", "closing receipt", {"index": (int,)}, {1: _receipt_drawer("Receipt")}))
    with pytest.raises(RecordInvalid, match="is not a transfer"):
        _receipt(scene.ledger, scene.registration, kind)
