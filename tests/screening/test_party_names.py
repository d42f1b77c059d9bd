"""Screening reasons name parties as the desktop does: by the key or contact name the data folder knows (a
contact's wins), else by the short address; codes and weights do not depend on the names."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.display import party_namer, short_address
from core.paths import DataDir
from core.screening.history import History
from tests.hardening.harness import run_cli
from tests.screening.conftest import SuspiciousDemo
from tests.screening.test_history import A, B, C, Book, days

SHORT = re.compile(r"0x[0-9a-f]{4}\u2026[0-9a-f]{4}")
ADDRESS = st.text("0123456789abcdef", min_size=40, max_size=40).map(lambda h: "0x" + h)


@given(ADDRESS, st.dictionaries(ADDRESS, st.text(min_size=1, max_size=120), max_size=4))
def test_a_party_is_named_by_its_known_name_else_by_its_short_address(address: str, names: dict[str, str]) -> None:
    name = party_namer({a.upper().replace("0X", "0x"): n for a, n in names.items()})(address)
    if address in names:
        assert name == party_namer(names)(address) and "\u2026" not in name[:-1] and len(name) <= 81
        assert not any(ch in name for ch in "\u202e\x1b\n")  # stored text: escaped
    else:
        assert name == short_address(address)


def test_history_reasons_use_the_naming_function() -> None:
    def story(book: Book) -> list[str]:
        book.register(1, A)
        for i, (seller, buyer) in enumerate([(A, B), (B, C)]):
            book.record(book.sale(1, seller, buyer, 200_000 + i * 80_000, days(30 * i)))
        return [r["text"] for r in book.history.assess(book.sale(1, C, A, 400_000, days(60)))]

    named = Book()
    named.history = History(party_namer({A: "alice", B: "bob"}))
    plain_texts = story(Book())
    named_texts = story(named)
    assert any("alice" in t and "bob" in t for t in named_texts)
    assert [t.replace("alice", short_address(A)).replace("bob", short_address(B)) for t in named_texts] == plain_texts
    assert all(short_address(C) in t for t in named_texts if "\u2192" in t)  # C has no name here


def _screen(root: Path, entry: int, capsys: pytest.CaptureFixture[str]) -> dict:
    result = run_cli(["--data-dir", str(root), "screen", str(entry), "--json"], capsys)
    assert result.code == 0, result.err
    return json.loads(result.out)


@pytest.mark.parametrize("pattern", ["flip_chain", "circle_across_deeds", "loan_before_sale"])
def test_the_command_line_names_parties_and_keeps_codes_and_weights(
    suspicious_demo: SuspiciousDemo, tmp_path: Path, capsys: pytest.CaptureFixture[str], pattern: str
) -> None:
    from desktop.workspace import Workspace

    entry = suspicious_demo.target(pattern)
    named = _screen(suspicious_demo.root, entry, capsys)
    [text] = [r["text"] for r in named["reasons"] if r["code"] == pattern]
    assert re.search(r"demo-(owner|lender|newcomer)-\d+", text) and not SHORT.search(text), text
    assert set(named) >= {"score", "level", "reasons"} and all(
        set(r) == {"code", "text", "weight"} for r in named["reasons"]
    )

    # the same folder without its keys knows no names: short addresses, the same codes, weights and score
    bare = tmp_path / "bare"
    shutil.copytree(suspicious_demo.root, bare)
    shutil.rmtree(DataDir.resolve(bare).keys)
    plain = _screen(bare, entry, capsys)
    [bare_text] = [r["text"] for r in plain["reasons"] if r["code"] == pattern]
    assert SHORT.search(bare_text) and "demo-" not in bare_text
    assert [(r["code"], r["weight"]) for r in plain["reasons"]] == [(r["code"], r["weight"]) for r in named["reasons"]]
    assert (plain["score"], plain["level"]) == (named["score"], named["level"])

    # a contact's name wins over a key's, shown escaped (stored text)
    ws = Workspace.open(suspicious_demo.root)
    try:
        m = ws.ledger.entry(entry).message
    finally:
        ws.close()
    copy = tmp_path / "contact"
    shutil.copytree(suspicious_demo.root, copy)
    ws = Workspace.open(copy)
    try:
        ws.add_contact("Ms Example\u202e Buyer", m["to"])  # a direction override in a typed name
    finally:
        ws.close()
    [contact_text] = [r["text"] for r in _screen(copy, entry, capsys)["reasons"] if r["code"] == pattern]
    if pattern != "loan_before_sale":  # that one names the lender, not the buyer
        assert "Ms Example\\u202e Buyer" in contact_text and "\u202e" not in contact_text  # escaped
