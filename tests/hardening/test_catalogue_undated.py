"""Bad input to a valuation report of a market without sale dates (layout 7), recorded with an empty asOf.

The report's record says which layout draws it: one this version does not draw for a valuation report (a
recording layout, a layout no version draws) is one sentence (exit 2); switched to layout 2, which showed "—"
where layout 7 says "not dated", it is not genuine (exit 1); a date written into the carried valuation, or into
the signed Valuation entry, is not genuine either (exit 1: the pages, or the appraiser's signature). Nothing in
the ledger changes.
"""

# ruff: noqa: F811  (the undated_home fixture is imported from its module; pytest hands it to tests by name)

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import pytest

from core.demo import DEMO_PASSWORD
from tests.documents import tampering
from tests.hardening.harness import assert_refused, fingerprint, run_cli
from tests.hardening.harness import run_here
from tests.valuation.undated import copy_of, undated_home  # noqa: F401 - a fixture


def _edit(change: Callable[[dict[str, Any]], None]) -> Callable[[bytes], bytes]:
    return lambda pdf: tampering.replace_record(pdf, lambda raw: tampering.change_json(raw, change))


def _layout(number: int) -> Callable[[dict[str, Any]], None]:
    def edit(data: dict[str, Any]) -> None:
        data["document"]["layout"] = number

    return edit


def _carried_as_of(data: dict[str, Any]) -> None:
    data["extra"]["valuation"]["as_of"] = "2026-11"


def _signed_as_of(data: dict[str, Any]) -> None:
    entry = next(e for e in data["entries"] if e["kind"] == "Valuation")
    entry["message"]["asOf"] = "2026-11"


# case: (how the report's embedded record is changed; exit code; what the sentence or the first line says)
CASES: dict[str, tuple[Callable[[dict[str, Any]], None], int, str]] = {
    "a recording layout (a valuation report is never recorded)": (_layout(6), 2, "layout 6"),
    "a layout no version draws yet": (_layout(8), 2, "layout 8"),
    "switched to layout 2 (which showed a dash for the date)": (_layout(2), 1, "not the genuine valuation report"),
    "a month written into the carried valuation": (_carried_as_of, 1, "not the genuine valuation report"),
    "a month written into the signed Valuation entry": (_signed_as_of, 1, "does not check"),
}


@pytest.fixture(scope="module")
def reported(undated_home: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, bytes]:
    """A copy of the undated market's office with deed 3's valuation recorded (empty asOf) and reported."""
    home = copy_of(undated_home, tmp_path_factory.mktemp("undated-office") / "home")
    password = home.parent / "password.txt"
    password.write_text(DEMO_PASSWORD + "\n")
    keyed = ["--key", "demo-operator", "--password-file", str(password)]
    made = run_here(["--data-dir", str(home), "value", "3", "--record", *keyed])
    assert made.code == 0, made.err
    out = home.parent / "report.pdf"
    argv = ["--data-dir", str(home), "pdf", "valuation", "3", "--out", str(out), "--checkpoint-key", *keyed[1:]]
    made = run_here(argv)
    assert made.code == 0, made.err
    return home, out.read_bytes()


def test_the_undated_report_is_genuine(
    reported: tuple[Path, bytes], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    home, pdf = reported
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    outcome = run_cli(["--data-dir", str(home), "verify-pdf", str(path)], capsys)
    assert outcome.code == 0 and "not dated" in outcome.out, outcome.out + outcome.err


@pytest.mark.parametrize("case", sorted(CASES))
def test_an_undated_report_changed_is_refused_or_not_genuine(
    reported: tuple[Path, bytes], capsys: pytest.CaptureFixture[str], tmp_path: Path, case: str
) -> None:
    home, pdf = reported
    change, code, says = CASES[case]
    changed = tmp_path / "changed.pdf"
    changed.write_bytes(_edit(change)(pdf))
    before = fingerprint(home)
    outcome = run_cli(["--data-dir", str(home), "verify-pdf", str(changed)], capsys)
    if code == 2:
        assert_refused(outcome, 2, says=says)
    else:
        assert outcome.code == 1 and "Traceback" not in outcome.err, outcome.out + outcome.err
        assert says in outcome.out, outcome.out
    assert fingerprint(home) == before
