"""Distributions on a ledger: the record date, the split checked on append and by verify, refusals."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from core.errors import DeedbookError, RuleViolation
from core.servicing import distributions as dist
from core.servicing.snapshot import fold
from core.verify import verify_ledger
from tests.servicing.conftest import Thirds
from tests.witness.rewrite import rewrite_entry


def test_a_thousand_over_three_holders_of_a_third_hands_out_exactly_100000_cents(thirds: Thirds) -> None:
    ledger = thirds.world.ledger
    plan = dist.preview(ledger, thirds.deed, "1,000.00", "usd")
    index = dist.record_distribution(ledger, thirds.world.operator, plan)
    payouts = ledger.entry(index).message["payouts"]
    assert sum(p["minor"] for p in payouts) == 100_000
    # The left-over cent goes to the lowest address (equal remainders, equal shares): the rule is stated.
    lowest = min((thirds.alice, thirds.bob, thirds.carol), key=lambda k: k.address.lower()).address
    assert sorted(p["minor"] for p in payouts) == [33_333, 33_333, 33_334]
    assert [p["holder"] for p in payouts if p["minor"] == 33_334] == [lowest]
    assert ledger.entry(index).message["rounding"] == "largest-remainder"
    assert verify_ledger(ledger, jobs=1).ok


def test_holdings_are_those_at_the_record_date_not_now(thirds: Thirds) -> None:
    ledger = thirds.world.ledger
    thirds.sell(thirds.bob, thirds.carol, 1)  # after the record date: bob is still paid
    plan = dist.preview(ledger, thirds.deed, "90", "USD", checkpoint=thirds.checkpoint)
    assert sorted(p.minor for p in plan.payouts) == [3000, 3000, 3000]
    later = thirds.checkpoint_now()
    now = dist.preview(ledger, thirds.deed, "90", "USD")  # the latest checkpoint: bob holds nothing
    assert now.snapshot.checkpoint.index == later
    assert {p.holder: p.minor for p in now.payouts} == {thirds.alice.address: 3000, thirds.carol.address: 6000}
    for p in (plan, now):
        dist.record_distribution(ledger, thirds.world.operator, p)
    report = verify_ledger(ledger, jobs=1)
    assert report.ok, report.reason


def test_the_snapshot_fold_agrees_with_the_projection(thirds: Thirds) -> None:
    ledger = thirds.world.ledger
    thirds.sell(thirds.carol, thirds.bob, 1)
    history = ledger.history(thirds.deed)
    assert fold(((e.kind, e.message) for e in history), thirds.deed) == ledger.deed(thirds.deed).holders


def test_a_distribution_whose_payouts_differ_from_the_split_is_refused_and_changes_nothing(thirds: Thirds) -> None:
    ledger = thirds.world.ledger
    plan = dist.preview(ledger, thirds.deed, "1000", "USD")
    message = dist.distribution_message(_State(1), plan)
    message["payouts"][0]["minor"] += 1
    message["payouts"][1]["minor"] -= 1  # still adds up, but is not the stated rule
    size = ledger.size()
    with pytest.raises(RuleViolation, match="not the largest-remainder split"):
        ledger.append([ledger.sign("Distribution", message, thirds.world.operator, "registrar")])
    message = dist.distribution_message(_State(1), plan)
    message["payouts"][0]["shares"] = 2  # a holding that was not the holder's at the record date
    with pytest.raises(RuleViolation, match="not those of deed 1 at checkpoint"):
        ledger.append([ledger.sign("Distribution", message, thirds.world.operator, "registrar")])
    message = dist.distribution_message(_State(1), plan) | {"recordCheckpoint": 1}
    with pytest.raises(RuleViolation, match="must be a checkpoint; entry 1 is a RegisterDeed"):
        ledger.append([ledger.sign("Distribution", message, thirds.world.operator, "registrar")])
    with pytest.raises(RuleViolation, match="not a registrar"):
        ledger.append(
            [ledger.sign("Distribution", dist.distribution_message(_State(1), plan), thirds.bob, "registrar")]
        )
    assert ledger.size() == size


def test_a_replayed_distribution_is_refused(thirds: Thirds) -> None:
    ledger = thirds.world.ledger
    plan = dist.preview(ledger, thirds.deed, "10", "USD")
    index = dist.record_distribution(ledger, thirds.world.operator, plan)
    again = ledger.entry(index)
    with pytest.raises(RuleViolation, match="next distribution is number 2"):
        ledger.append([again.entry])


def test_verify_catches_a_distribution_whose_payouts_were_altered(thirds: Thirds) -> None:
    ledger = thirds.world.ledger
    index = dist.record_distribution(ledger, thirds.world.operator, dist.preview(ledger, thirds.deed, "1000", "USD"))
    # Plain SQL on the stored message: the signature no longer matches it.
    db = sqlite3.connect(thirds.world.home.database)
    db.execute("DROP TRIGGER IF EXISTS entries_append_only_update")
    row = json.loads(db.execute("SELECT message FROM entries WHERE idx = ?", (index,)).fetchone()[0])
    original = json.dumps(row, separators=(",", ":"), sort_keys=True)
    row["payouts"][1]["minor"] += 5000
    db.execute(
        "UPDATE entries SET message = ? WHERE idx = ?", (json.dumps(row, separators=(",", ":"), sort_keys=True), index)
    )
    db.commit()
    report = verify_ledger(ledger, jobs=1)
    assert not report.ok and report.first_bad == index
    db.execute("UPDATE entries SET message = ? WHERE idx = ?", (original, index))
    db.commit()
    db.close()
    assert verify_ledger(ledger, jobs=1).ok
    # Re-signed by the operator with every hash recomputed: the split itself is wrong, and verify says so.
    payouts = [dict(p) for p in ledger.entry(index).message["payouts"]]
    payouts[0]["minor"], payouts[1]["minor"] = payouts[0]["minor"] + 100, payouts[1]["minor"] - 100
    rewrite_entry(ledger, index, {"payouts": payouts}, thirds.world.operator)
    report = verify_ledger(ledger, jobs=1)
    assert not report.ok and report.first_bad == index
    assert "not the largest-remainder split" in (report.reason or "")


def test_bad_terms_are_said_before_anything_is_signed(thirds: Thirds) -> None:
    ledger = thirds.world.ledger
    for amount, currency, says in (
        ("0", "USD", "positive"),
        ("10.001", "USD", "2 decimal places"),
        ("ten", "USD", "not a valid amount"),
        ("10", "DOLLARS", "not a currency"),
    ):
        with pytest.raises(DeedbookError, match=says):
            dist.preview(ledger, thirds.deed, amount, currency)
    with pytest.raises(DeedbookError, match="not a checkpoint"):
        dist.preview(ledger, thirds.deed, "10", "USD", checkpoint=2)
    with pytest.raises(DeedbookError, match="no entry 99"):
        dist.preview(ledger, thirds.deed, "10", "USD", checkpoint=99)


class _State:
    """Only the counter a message builder reads."""

    def __init__(self, next_id: int) -> None:
        self.compliance = self
        self._next = next_id

    def counter(self, name: str) -> int:
        return self._next


def test_the_command_line_hands_out_exactly_100000_cents_and_says_so_in_json(
    thirds: Thirds, password_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from desktop.cli.main import run

    home = ["--data-dir", str(thirds.world.home.root)]
    assert run([*home, "distribution", "new", "1", "--amount", "1,000.00", "--currency", "USD", "--preview"]) == 0
    assert "Largest remainder" in capsys.readouterr().out and thirds.world.ledger.entries(kind="Distribution") == []
    assert (
        run(
            [
                *home,
                "distribution",
                "new",
                "1",
                "--amount",
                "1,000.00",
                "--currency",
                "USD",
                "--key",
                "operator",
                "--password-file",
                str(password_file),
                "--json",
            ]
        )
        == 0
    )
    data = json.loads(capsys.readouterr().out)
    assert data["id"] == 1 and data["rounding"] == "largest-remainder"
    assert sum(p["minor"] for p in data["payouts"]) == 100_000 and len(data["payouts"]) == 3
    assert {p["holder"] for p in data["payouts"]} == {k.address for k in (thirds.alice, thirds.bob, thirds.carol)}
    assert run([*home, "distribution", "show", "1", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["payouts"] == data["payouts"]
    assert run([*home, "verify"]) == 0
