"""Bad input to the screening and valuation-evaluation commands: one sentence, exit 2, and the
office's ledger, keys and witness files exactly as they were (these commands never write)."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from tests.hardening.conftest import Office
from tests.hardening.harness import assert_refused, run_cli

MARKETS = Path(__file__).resolve().parents[1] / "data" / "markets"


def _files(tmp: Path) -> dict[str, str]:
    """Bad tables to hand the commands."""
    binary = tmp / "photo.csv"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR")
    broken = tmp / "broken.csv.gz"
    broken.write_bytes(gzip.compress(b"price,Sale_Condition\n1,Normal\n")[:20])
    tiny = tmp / "tiny.csv"
    tiny.write_text(
        "price,area,Sale_Condition\n" + "".join(f"{100 + i},{i},{'Family' if i % 3 else 'Normal'}\n" for i in range(12))
    )
    no_price = tmp / "words.csv"
    no_price.write_text("price,area,Sale_Condition\n" + "".join(f"cheap,{i},Normal\n" for i in range(40)))
    all_normal = tmp / "normal.csv"
    all_normal.write_text(
        "price,area,Sale_Condition\n" + "".join(f"{1000 + 7 * i},{500 + (37 * i) % 101},Normal\n" for i in range(80))
    )
    return {
        "binary": str(binary),
        "broken": str(broken),
        "tiny": str(tiny),
        "words": str(no_price),
        "normal": str(all_normal),
        "windsor": str(MARKETS / "windsor.csv.gz"),
        "missing": str(tmp / "absent.csv"),
        "folder": str(tmp),
    }


@pytest.mark.parametrize(
    "args, says",
    [
        (["screen", "evaluate", "--folds", "1"], "folds must be between 2 and 20"),
        (["screen", "evaluate", "--folds", "0"], "folds must be between 2 and 20"),
        (["screen", "evaluate", "--csv", "{missing}", "--target", "price"], "no file"),
        (["screen", "evaluate", "--csv", "{folder}", "--target", "price"], "is a folder"),
        (["screen", "evaluate", "--csv", "{binary}", "--target", "price"], "not a text"),
        (["screen", "evaluate", "--csv", "{broken}", "--target", "price"], "cannot be decompressed"),
        (["screen", "evaluate", "--csv", "{windsor}", "--target", "price"], "no sale-condition column"),
        (["screen", "evaluate", "--csv", "{windsor}", "--target", "nope"], "no column 'nope'"),
        (["screen", "evaluate", "--csv", "{windsor}"], "--target"),
        (["screen", "evaluate", "--csv", "{normal}", "--target", "price"], "no sale-condition column"),
        (["screen", "evaluate", "--csv", "{tiny}", "--target", "price"], "at least 30 are needed"),
        (["screen", "evaluate", "--csv", "{words}", "--target", "price"], "does not hold numbers"),
        (
            ["valuation", "evaluate", "--csv", "{windsor}", "--target", "price", "--folds", "1", "--trim-outliers"],
            "folds must be between 2 and 20",
        ),
        (["valuation", "evaluate", "--csv", "{binary}", "--target", "price", "--no-equity"], "not a text"),
    ],
)
def test_screening_refusals_leave_the_office_as_it_was(
    office: Office, capsys: pytest.CaptureFixture[str], tmp_path: Path, args: list[str], says: str
) -> None:
    files = _files(tmp_path)
    argv = [a.format(**files) if a.startswith("{") else a for a in args]
    before = office.fingerprint()
    assert_refused(run_cli(office.argv(*argv), capsys), 2, says=says)
    assert office.fingerprint() == before


@pytest.mark.parametrize(
    "args, says",
    [
        (["screen", "0"], "not a transfer"),
        (["screen", "1"], "not a transfer"),
        (["screen", "4000000"], "there is no entry 4000000"),
        (["screen"], "say what to screen"),
        (["screen", "request", "{missing}"], "no file"),
        (["screen", "request", "{folder}"], "is a folder"),
        (["screen", "request", "{binary}"], "request"),
        (["screen", "review", "0", "--decision", "clear", "--note", "fine", "--key", "registrar"], "not a transfer"),
        (["screen", "review", "99", "--decision", "clear", "--note", "fine", "--key", "registrar"], "no entry 99"),
    ],
)
def test_screening_a_transfer_refuses_bad_input_and_writes_nothing(
    office: Office, capsys: pytest.CaptureFixture[str], tmp_path: Path, args: list[str], says: str
) -> None:
    files = _files(tmp_path)
    argv = [a.format(**files) if a.startswith("{") else a for a in args]
    if "review" in argv:
        argv += ["--password-file", str(office.password_file)]
    before = office.fingerprint()
    assert_refused(run_cli(office.argv(*argv), capsys), 2, says=says)
    assert office.fingerprint() == before
