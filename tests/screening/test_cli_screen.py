"""The screening commands on a demo with injected cases: the contract's JSON, the exit codes, the
review entry, and every pattern found with no false alarm on the honest transfers (a small demo;
benchmarks/screening_patterns.py measures a large one)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.demo import DEMO_PASSWORD
from core.screening.history import PATTERNS
from tests.hardening.harness import assert_refused, fingerprint, run_cli
from tests.screening.conftest import SuspiciousDemo


def _json(demo: SuspiciousDemo, capsys: pytest.CaptureFixture[str], *args: str) -> dict:
    result = run_cli(demo.argv(*args), capsys)
    assert result.code == 0, result.err
    return json.loads(result.out)


def test_every_injected_pattern_is_found_and_honest_transfers_raise_no_pattern(
    suspicious_demo: SuspiciousDemo, capsys: pytest.CaptureFixture[str]
) -> None:
    from core.screening.combine import Assessment
    from core.screening.measure import measure

    listed = _json(suspicious_demo, capsys, "screen", "--all", "--level", "low", "--json")
    assert listed["count"] == len(listed["transfers"]) >= 60 + 9
    found = [
        Assessment(
            t["score"],
            t["level"],
            [{**r, "source": "history" if r["code"] in PATTERNS else "price"} for r in t["reasons"]],
            entry=t["entry"],
        )
        for t in listed["transfers"]
    ]
    result = measure(found, suspicious_demo.summary["suspicious"])
    assert {p: r["recall"] for p, r in result["recall"].items()} == {p: 1.0 for p in PATTERNS}
    assert result["honest_transfers"] >= 60 and result["false_alarms"] == 0
    review = _json(suspicious_demo, capsys, "screen", "--all", "--json")  # default: review and above
    assert review["level"] == "review" and {t["level"] for t in review["transfers"]} <= {"review", "high"}
    assert {suspicious_demo.target(p) for p in PATTERNS} <= {t["entry"] for t in review["transfers"]}


def test_one_transfer_as_the_contract_says(suspicious_demo: SuspiciousDemo, capsys: pytest.CaptureFixture[str]) -> None:
    entry = suspicious_demo.target("liens_beyond_value")
    out = _json(suspicious_demo, capsys, "screen", str(entry), "--json")
    assert 0 <= out["score"] <= 1 and out["level"] in ("review", "high") and out["entry"] == entry
    assert all(set(r) == {"code", "text", "weight"} for r in out["reasons"])
    [lien] = [r for r in out["reasons"] if r["code"] == "liens_beyond_value"]
    assert "USD " in lien["text"] and lien["weight"] > 2
    text = run_cli(suspicious_demo.argv("screen", str(entry)), capsys)
    assert text.code == 0 and "Open liens on deed" in text.out and ("HIGH" in text.out or "REVIEW" in text.out)


@pytest.mark.parametrize(
    "args, says",
    [
        (["screen", "0"], "not a transfer"),
        (["screen", "99999"], "There is no entry 99999"),
        (["screen"], "Say what to screen"),
        (["screen", "request", "{missing}"], "no file"),
        (["screen", "request", "{garbage}"], "not a Deedbook signing request"),
        (
            ["screen", "review", "0", "--decision", "clear", "--note", "fine", "--key", "demo-operator"],
            "not a transfer",
        ),
        (["screen", "review", "{target}", "--decision", "clear", "--note", "  ", "--key", "demo-operator"], "a note"),
        (
            ["screen", "review", "{target}", "--decision", "clear", "--note", "ok", "--key", "demo-owner-1"],
            "not a registrar",
        ),
        (["screen", "review", "{target}", "--decision", "clear", "--note", "ok", "--key", "nobody"], "nobody"),
    ],
)
def test_refusals_change_nothing(
    suspicious_demo: SuspiciousDemo, capsys: pytest.CaptureFixture[str], tmp_path: Path, args: list[str], says: str
) -> None:
    garbage = tmp_path / "garbage.json"
    garbage.write_text('{"typedData": 3}')
    password = tmp_path / "pw"
    password.write_text(DEMO_PASSWORD + "\n")
    names = {
        "missing": str(tmp_path / "absent.json"),
        "garbage": str(garbage),
        "target": str(suspicious_demo.target("quick_resale")),
    }
    argv = [a.format(**names) if "{" in a else a for a in args]
    if "review" in argv:
        argv += ["--password-file", str(password)]
    before = fingerprint(suspicious_demo.root)
    assert_refused(run_cli(suspicious_demo.argv(*argv), capsys), 2, says=says)
    assert fingerprint(suspicious_demo.root) == before


def test_a_prepared_request_is_screened_before_anything_is_recorded(
    suspicious_demo: SuspiciousDemo, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A fresh request that sells a deed straight back to the holder it came from (a circle), screened
    before anyone signs; nothing is recorded."""
    from desktop.workspace import Workspace

    ws = Workspace.open(suspicious_demo.root)
    entry = ws.ledger.entry(suspicious_demo.target("quick_resale"))
    m = entry.message
    before = ws.ledger.size()
    prepared = ws.prepare_transfer(
        m["deedId"], m["from"], m["price"], "USD", closing_date="2026-12-01", seller=m["to"], out_dir=tmp_path
    ).value
    ws.close()
    out = _json(suspicious_demo, capsys, "screen", "request", str(prepared.paths[0]), "--json")
    assert "circular_transfer" in [r["code"] for r in out["reasons"]] and out["level"] != "low"
    assert "entry" not in out
    assert Workspace.open(suspicious_demo.root).ledger.size() == before


def test_a_review_is_a_signed_entry_and_shows_with_the_screen(
    suspicious_demo: SuspiciousDemo, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    password = tmp_path / "pw"
    password.write_text(DEMO_PASSWORD + "\n")
    target = suspicious_demo.target("stacked_loans")
    recorded = _json(
        suspicious_demo,
        capsys,
        "screen",
        "review",
        str(target),
        "--decision",
        "escalate",
        "--note",
        "Three lenders in a month; asked the title company",
        "--key",
        "demo-operator",
        "--password-file",
        str(password),
        "--json",
    )
    assert recorded["entry"] == target and recorded["decision"] == "escalate"
    out = _json(suspicious_demo, capsys, "screen", str(target), "--json")
    assert out["review"]["decision"] == "escalate" and out["review"]["review_entry"] == recorded["index"]
    history = _json(suspicious_demo, capsys, "deed", "history", str(out["deed_id"]), "--json")
    entries = history.get("entries", history) if isinstance(history, dict) else history
    assert recorded["index"] not in [e["index"] for e in entries]  # not part of the deed's title
    assert run_cli(suspicious_demo.argv("verify"), capsys).code == 0
