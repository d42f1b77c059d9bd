"""Bad input to the documents layer: `pdf …` asked for what cannot be drawn, and `verify-pdf` given records
that name a document type, layout or parameters this version does not draw.

A document asked for wrongly is one sentence (exit 2), before any file is written.  A record this
version cannot draw (another type, a newer layout) is "not ours" (exit 2: a newer Deedbook's document);
a record whose parameters are not a genuine document's is "not genuine" (exit 1, the reason on stdout).
Nothing in the data folder changes either way.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import pytest

from tests.documents import tampering
from tests.hardening.conftest import Office
from tests.hardening.harness import assert_refused, run_cli

NOBODY = "0x" + "cd" * 20

# case: (the pdf command's arguments, after which --out FILE is added; what its one sentence says)
ASKED: dict[str, tuple[list[str], str]] = {
    "a transfer deed for an entry that is not a transfer": (["pdf", "transfer", "1"], "not a transfer"),
    "a transfer deed for an entry that does not exist": (["pdf", "transfer", "99"], "There is no entry 99"),
    "a notary record for an entry that is not an act": (["pdf", "notary", "1"], "not a notarial attestation"),
    "a journal with no act in it": (["pdf", "journal"], "there is nothing to export"),
    "a journal of a notary nobody knows": (["pdf", "journal", "--notary", NOBODY], "there is nothing to export"),
    "a journal from a date that is not a date": (["pdf", "journal", "--from", "last week"], "is not a start date"),
    "a journal to a date that is not a date": (["pdf", "journal", "--to", "2024-02-30"], "is not a final date"),
    "a journal whose period ends before it starts": (
        ["pdf", "journal", "--from", "2024-03-01", "--to", "2024-02-01"],
        "The start date is after the end date",
    ),
    "a journal of a notary that is not an address": (["pdf", "journal", "--notary", "0x12"], "address"),
    "a certificate of a parcel nobody registered": (["pdf", "title", "0000000000"], "There is no deed"),
}


@pytest.mark.parametrize("case", sorted(ASKED))
def test_a_document_asked_for_wrongly_is_one_sentence(
    office: Office, capsys: pytest.CaptureFixture[str], tmp_path: Path, case: str
) -> None:
    argv, says = ASKED[case]
    out = tmp_path / "document.pdf"
    before = office.fingerprint()
    assert_refused(run_cli(office.argv(*argv, "--out", str(out)), capsys), 2, says=says)
    assert office.fingerprint() == before and not out.exists()


def _title(office: Office, capsys: pytest.CaptureFixture[str], folder: Path) -> bytes:
    made = run_cli(office.argv("pdf", "title", "1", "--out", str(folder / "title.pdf")), capsys)
    assert made.code == 0, made.err
    return (folder / "title.pdf").read_bytes()


def _set(path: tuple[str, ...], value: Any) -> Callable[[dict[str, Any]], None]:
    def edit(data: dict[str, Any]) -> None:
        target = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return edit


# case: (what is changed in a genuine certificate's record; exit code; what verify-pdf says)
RECORDS: dict[str, tuple[Callable[[dict[str, Any]], None], int, str]] = {
    "a document type this version does not know": (
        _set(("document", "type"), "easement"),
        2,
        "'easement', which this version of Deedbook does not know",
    ),
    "a layout from a newer version": (
        _set(("document", "layout"), 10),
        2,
        "layout 10 of a title; this version of Deedbook draws layout 1, 2",
    ),
    "a layout that is not a number": (_set(("document", "layout"), "1"), 1, "incomplete or malformed"),
    "a paper size no document has": (_set(("document", "paper"), "A3"), 1, "incomplete or malformed"),
    "the parameters of another type": (
        _set(("document", "params"), {"index": 0, "deedId": 1}),
        1,
        "not those of a title document",
    ),
    "a deed number written as text": (_set(("document", "params", "deedId"), "1"), 1, "not those of a title document"),
    "a deed that is not the one the entries are about": (
        _set(("document", "params", "deedId"), 7),
        1,
        "does not carry the registration of deed 7",
    ),
    "a newer record format": (_set(("format",), "deedbook-document/2"), 2, "another version of Deedbook"),
}


@pytest.mark.parametrize("case", sorted(RECORDS))
def test_a_record_this_version_does_not_draw(
    office: Office, capsys: pytest.CaptureFixture[str], tmp_path: Path, case: str
) -> None:
    edit, code, says = RECORDS[case]
    changed = tmp_path / "changed.pdf"
    changed.write_bytes(
        tampering.replace_record(_title(office, capsys, tmp_path), lambda raw: tampering.change_json(raw, edit))
    )
    before = office.fingerprint()
    outcome = run_cli(office.argv("verify-pdf", str(changed)), capsys)
    if code == 2:
        assert_refused(outcome, 2, says=says)
    else:
        assert outcome.code == 1 and outcome.err == "", (outcome.out, outcome.err)
        assert outcome.out.startswith("NOT GENUINE: ") and says in outcome.out.splitlines()[0], outcome.out
    assert office.fingerprint() == before
