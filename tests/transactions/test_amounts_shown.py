"""Amounts read in their own currency's decimals on the command line and in the PDFs.

A deed sold for JPY 25,000,000 with a JPY 18,000,000 mortgage shows both whole
(the yen has no minor unit); a KWD deed shows three decimals.  Before core.money
was the one formatter, `deed show` divided every amount by 100.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from core.checkpoints import make_checkpoint
from desktop.documents import build_title_pdf, build_transfer_pdf
from tests.hardening.harness import run_cli
from tests.helpers import Sale, World, make_world, sell_with_liens


@pytest.fixture
def sold(tmp_path: Path) -> tuple[World, Sale, Sale]:
    world = make_world(tmp_path / "office")
    yen = sell_with_liens(world, "JP-0001", price="25000000", lien="18000000", currency="JPY")
    dinar = sell_with_liens(world, "KW-0001", price="95000.25", lien="1234.5", currency="KWD")
    make_checkpoint(world.ledger, world.operator)
    return world, yen, dinar


def cli(world: World, capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    outcome = run_cli(["--data-dir", str(world.home.root), *argv], capsys)
    assert outcome.code == 0, outcome.err
    return outcome.out


def pdf_text(data: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split())


def test_deed_show_prints_the_sale_and_the_lien_whole_in_yen(
    sold: tuple[World, Sale, Sale], capsys: pytest.CaptureFixture[str]
) -> None:
    world, yen, _ = sold
    out = cli(world, capsys, "deed", "show", str(yen.deed))
    assert "last sale: JPY 25,000,000, closing 2026-03-31" in out
    assert re.search(r"open lien \d+: mortgage, JPY 18,000,000, holder", out)
    assert "180,000.00" not in out and "250,000" not in out


def test_deed_show_prints_three_decimals_in_dinars(
    sold: tuple[World, Sale, Sale], capsys: pytest.CaptureFixture[str]
) -> None:
    world, _, dinar = sold
    out = cli(world, capsys, "deed", "show", str(dinar.deed))
    assert "last sale: KWD 95,000.250" in out and "KWD 1,234.500" in out


def test_deed_history_describes_every_amount_in_its_currency(
    sold: tuple[World, Sale, Sale], capsys: pytest.CaptureFixture[str]
) -> None:
    world, yen, dinar = sold
    out = cli(world, capsys, "deed", "history", str(yen.deed))
    assert out.count("JPY 18,000,000") == 2 and "JPY 25,000,000" in out
    assert "JPY 25,000,000.00" not in out
    out = cli(world, capsys, "deed", "history", str(dinar.deed))
    assert out.count("KWD 1,234.500") == 2 and "KWD 95,000.250" in out


def test_deed_show_json_keeps_minor_units_and_names_the_currency(
    sold: tuple[World, Sale, Sale], capsys: pytest.CaptureFixture[str]
) -> None:
    world, yen, _ = sold
    shown = json.loads(cli(world, capsys, "deed", "show", str(yen.deed), "--json"))
    assert (shown["last_price"], shown["last_currency"]) == (25_000_000, "JPY")
    assert [(lien["amount"], lien["currency"]) for lien in shown["liens"] if lien["open"]] == [(18_000_000, "JPY")]


def test_title_certificate_and_transfer_deed_print_yen_whole(sold: tuple[World, Sale, Sale]) -> None:
    world, yen, _ = sold
    title = pdf_text(build_title_pdf(world.ledger, yen.deed))
    assert "JPY 25,000,000" in title and title.count("JPY 18,000,000") >= 3  # two liens in the chain, one open
    assert not re.search(r"JPY [\d,]+\.\d", title)
    transfer = pdf_text(build_transfer_pdf(world.ledger, yen.sale))
    assert "JPY 25,000,000" in transfer and "JPY 18,000,000" in transfer  # the price, the mortgage paid off
    assert not re.search(r"JPY [\d,]+\.\d", transfer)


def test_title_certificate_and_transfer_deed_print_dinars_with_three_decimals(sold: tuple[World, Sale, Sale]) -> None:
    world, _, dinar = sold
    title = pdf_text(build_title_pdf(world.ledger, dinar.deed))
    assert "KWD 95,000.250" in title and "KWD 1,234.500" in title
    transfer = pdf_text(build_transfer_pdf(world.ledger, dinar.sale))
    assert "KWD 95,000.250" in transfer and "KWD 1,234.500" in transfer
