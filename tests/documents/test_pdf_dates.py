"""A page's dates say which day they mean (layouts 8 and 9).

A deed recorded at 10:00 on 8 December in Auckland (UTC+13) was recorded on 7 December in UTC; layouts up to 7
printed "2025-12-07" and left the reader to guess whose day it was.  Layout 8 (A4/Letter) and recording layout 9
print a day taken from an instant as "2025-12-07 (UTC)", and the time an entry was recorded in full,
"2025-12-07 21:00 UTC".  A signed calendar date (a closing date, an act's date) stays as signed.  Documents of
the older layouts are redrawn as they were, so they verify as issued (docs/documents/issued-layout-N, and the
records drawn here in layouts 2, 6 and 7)."""

from __future__ import annotations

import dataclasses
import os
import re
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from core.checkpoints import make_checkpoint
from core.dates import format_day
from core.documents.evidence import Record
from desktop.documents import build_journal_pdf, build_notary_record_pdf, build_title_pdf, build_transfer_pdf
from desktop.documents.layout import ARCHIVAL, ARCHIVAL_EVEN, ARCHIVAL_UTC, RECORDING_UTC, RECORDING_WORDS
from desktop.documents.registry import render_record
from desktop.documents.verify import parse_record, verify_pdf
from tests.documents import builders, tampering
from tests.hardening.in_process import run_in_one_process
from tests.helpers import World, make_world

ROOT = Path(__file__).resolve().parents[2]
GALLERY = ROOT / "docs" / "documents"
# 21:00 UTC on 7 December is 10:00 on 8 December in Auckland (NZDT, UTC+13), 09:00 on 7 December at UTC-12.
T = int(datetime(2025, 12, 7, 21, 0, tzinfo=UTC).timestamp())
HOUR = 3600


@dataclasses.dataclass
class Evening:
    world: World
    deed: int
    registration: int
    sale: int
    attestation: int
    lien: int


@pytest.fixture(scope="module")
def evening(tmp_path_factory: pytest.TempPathFactory) -> Evening:
    """A deed registered at 21:00 UTC, sold at 23:00 (notarised at 23:30), a lien at 00:00 the next UTC day."""
    world = make_world(tmp_path_factory.mktemp("evening") / "home", name="Auckland Deeds")
    zoe, jose, bank, notary = (world.key(name) for name in ("zoe", "jose", "bank", "notary"))
    deed = builders.register(world, "0526301100", zoe.address, T)
    registration = world.ledger.size() - 1
    sale = builders.transfer(world, deed, zoe, jose, None, 215_000_00, T + 2 * HOUR)
    attestation = builders.attest(world, sale, notary, T + 2 * HOUR + 1800)
    lien = builders.lien(world, deed, bank, 1_000_00, "mortgage", T + 3 * HOUR)
    make_checkpoint(world.ledger, world.operator)
    return Evening(world, deed, registration, sale, attestation, lien)


def documents(e: Evening) -> dict[str, bytes]:
    ledger = e.world.ledger
    return {
        "title": build_title_pdf(ledger, e.deed),
        "title-recording": build_title_pdf(ledger, e.deed, recording=True),
        "transfer": build_transfer_pdf(ledger, e.sale),
        "transfer-recording": build_transfer_pdf(ledger, e.sale, recording=True),
        "journal": build_journal_pdf(ledger),
    }


@pytest.fixture(scope="module")
def drawn(evening: Evening) -> dict[str, bytes]:
    return documents(evening)


def text_of(pdf: bytes) -> str:
    """The pages' text in drawing order (a table cell's lines together), whitespace collapsed."""
    out = subprocess.run(["pdftotext", "-raw", "-", "-"], input=pdf, capture_output=True, check=True).stdout
    return " ".join(out.decode().split())


def record_of(pdf: bytes) -> Record:
    return parse_record(tampering.record_bytes(pdf))


def signed_dates(record: Record) -> set[str]:
    """The calendar dates the entries sign (closing dates, acts' dates): drawn as signed."""
    return {str(value) for e in record.entries for key, value in e.message.items() if key in ("closingDate", "actDate")}


def test_new_documents_are_drawn_in_layouts_8_and_9(drawn: dict[str, bytes]) -> None:
    layouts = {name: record_of(pdf).layout for name, pdf in drawn.items()}
    assert layouts == {
        "title": ARCHIVAL_UTC,
        "title-recording": RECORDING_UTC,
        "transfer": ARCHIVAL_UTC,
        "transfer-recording": RECORDING_UTC,
        "journal": ARCHIVAL_UTC,
    }
    assert (ARCHIVAL_UTC, RECORDING_UTC) == (8, 9)


def test_each_day_of_an_instant_names_utc(evening: Evening, drawn: dict[str, bytes]) -> None:
    ledger = evening.world.ledger
    reg, sale, lien = (ledger.entry(i) for i in (evening.registration, evening.sale, evening.lien))
    registered = f"REGISTERED 2025-12-07 21:00 UTC (entry {reg.index})"  # labels are drawn in capitals
    for name in ("title", "title-recording"):
        text = text_of(drawn[name])
        as_of = format_day(record_of(drawn[name]).checkpoint_time)
        assert f"{as_of} (UTC) This certifies" in text, name  # the title block's "As of"
        assert registered in text, name
        assert f"2025-12-07 23:00 UTC (entry {sale.index})" in text, name  # the holder since
        assert f"2025-12-08 00:00 UTC (entry {lien.index})" in text, name  # the lien recorded
        assert f"{reg.index} 2025-12-07 (UTC)" in text, name  # the chain of title's row
        assert f"{lien.index} 2025-12-08 (UTC)" in text, name
    for name in ("transfer", "transfer-recording"):
        text = text_of(drawn[name])
        assert registered in text, name
        assert f"Entry {reg.index}: 10,000 shares registered to the grantor, recorded 2025-12-07 21:00 UTC" in text, (
            name
        )
        assert "CLOSING DATE 2025-12-07 DEED VERSION" in text  # signed as a date: stays as signed
    journal = text_of(drawn["journal"])
    assert f"{format_day(record_of(drawn['journal']).checkpoint_time)} (UTC) One row per" in journal  # "As of"


def test_no_day_of_an_instant_is_drawn_bare(drawn: dict[str, bytes]) -> None:
    """Every day on the page that is only the day of an instant (not also a signed date) says UTC after it."""
    for name, pdf in drawn.items():
        record = record_of(pdf)
        instants = [e.recorded_at for e in record.entries] + [record.checkpoint_time]
        days = {format_day(s) for s in instants} - signed_dates(record)
        text = text_of(pdf)
        for match in re.finditer(r"\d{4}-\d{2}-\d{2}", text):
            if match.group() in days:
                after = text[match.end() : match.end() + 12]
                assert re.match(r" (\(UTC\)|\d{2}:\d{2} UTC)", after), (
                    name,
                    text[match.start() - 40 : match.end() + 12],
                )


def test_same_bytes_in_auckland_and_at_utc_minus_12(evening: Evening, tmp_path: Path) -> None:
    """The pages are the same whatever the machine's zone (Etc/GMT+12 is UTC-12: the sign is POSIX's)."""
    home = str(evening.world.home.root)
    commands = {
        "title": ["pdf", "title", str(evening.deed)],
        "title-recording": ["pdf", "title", str(evening.deed), "--recording-layout"],
        "transfer": ["pdf", "transfer", str(evening.sale)],
        "transfer-recording": ["pdf", "transfer", str(evening.sale), "--recording-layout"],
        "journal": ["pdf", "journal"],
    }
    made: dict[str, dict[str, bytes]] = {}
    for zone in ("Pacific/Auckland", "Etc/GMT+12"):  # a process a zone (TZ is read as it starts), its commands in it
        env = {**os.environ, "TZ": zone, "PYTHONPATH": str(ROOT)}
        outs = {name: tmp_path / f"{zone.replace('/', '-')}-{name}.pdf" for name in commands}
        argvs = [["--data-dir", home, *command, "--out", str(outs[name])] for name, command in commands.items()]
        for name, done in zip(commands, run_in_one_process(argvs, env, cwd=ROOT), strict=True):
            assert done.code == 0, (name, done.err)
        made[zone] = {name: out.read_bytes() for name, out in outs.items()}
    for name in commands:
        assert made["Pacific/Auckland"][name] == made["Etc/GMT+12"][name], name
        assert record_of(made["Pacific/Auckland"][name]).layout in (ARCHIVAL_UTC, RECORDING_UTC)
        assert re.search(r"\(UTC\)|21:00 UTC \(entry", text_of(made["Etc/GMT+12"][name])), name


def test_same_record_same_bytes_and_it_verifies(evening: Evening, drawn: dict[str, bytes]) -> None:
    again = documents(evening)
    for name, pdf in drawn.items():
        assert again[name] == pdf, name
        report = verify_pdf(pdf)
        assert report.ok and not report.resaved, (name, report.reason)


@pytest.mark.parametrize("layout", [ARCHIVAL, ARCHIVAL_EVEN, RECORDING_WORDS])
def test_older_layouts_are_drawn_as_before(drawn: dict[str, bytes], layout: int) -> None:
    """A title or transfer deed issued in layout 2, 7 or 6 is redrawn with its bare days, and verifies."""
    for name in ("title", "transfer") if layout != ARCHIVAL_EVEN else ("transfer",):
        record = record_of(drawn[name if layout != RECORDING_WORDS else f"{name}-recording"])
        old = dataclasses.replace(record, layout=layout)
        pdf = render_record(old)
        text = text_of(pdf)
        assert "(UTC)" not in text and "REGISTERED 2025-12-07 (entry" in text, (name, layout)
        report = verify_pdf(pdf)
        assert report.ok and not report.resaved, (name, layout, report.reason)


def test_notary_records_keep_their_layouts(evening: Evening) -> None:
    """A notary record draws no day of an instant (its act's date is signed; "Recorded" was a full UTC time)."""
    ledger = evening.world.ledger
    assert record_of(build_notary_record_pdf(ledger, evening.attestation)).layout == ARCHIVAL
    assert record_of(build_notary_record_pdf(ledger, evening.attestation, recording=True)).layout == RECORDING_WORDS


@pytest.mark.parametrize("name", ["title", "transfer-recording"])
def test_a_page_stating_another_day_is_refused(drawn: dict[str, bytes], name: str) -> None:
    """The registration day moved by one on the page (what an Auckland reader might 'correct' it to)."""
    edited = tampering.edit_page_text(drawn[name], b"2025-12-07", b"2025-12-08")
    report = verify_pdf(edited)
    assert not report.ok, name


@pytest.mark.parametrize(
    "issued", sorted(p for p in GALLERY.glob("issued-layout-*/*.pdf") if p.parent.name[-1] in "267"), ids=str
)
def test_documents_issued_before_layout_8_verify_byte_for_byte(issued: Path) -> None:
    pdf = issued.read_bytes()
    assert record_of(pdf).layout == int(issued.parent.name.rsplit("-", 1)[1])
    report = verify_pdf(pdf, strict=True)  # the very bytes issued: drawn again as they were
    assert report.ok, report.reason


def test_the_notarys_own_journal_names_utc_for_a_row_without_an_act_date() -> None:
    """The notary's own journal (not a ledger document, so no layout): a refusal has only the instant it was
    written, and its day says UTC; an act's signed date stays as signed."""
    from core.notary_journal import JournalCheck, JournalRow
    from desktop.documents.own_journal import build_own_journal_pdf

    rows = [
        JournalRow({"seq": 1, "type": "act", "at": T, "act": {"act": "jurat", "actDate": "2025-12-08"}}),
        JournalRow({"seq": 2, "type": "refusal", "at": T + HOUR, "reason": "no identity evidence"}),
    ]
    pdf = build_own_journal_pdf(rows, JournalCheck(True, 2, None, "", None), notary="0x" + "ab" * 20)
    text = text_of(pdf)
    assert "1 2025-12-08 Act jurat" in text, text
    assert "2 2025-12-07 (UTC) Refused" in text, text
    assert "To 2025-12-07 (UTC)" in text or "2025-12-08 2025-12-07 (UTC)" in text, text
    assert pdf == build_own_journal_pdf(rows, JournalCheck(True, 2, None, "", None), notary="0x" + "ab" * 20)
