"""A replica syncs a ledger holding distributions and votes, as `replica sync` is documented to.

Its first sync carries the record-date checkpoint and the distribution in one batch; the append
refused that ("A record date must be a checkpoint recorded before the entry that uses it"), so no
ledger with a distribution could be replicated from scratch (docs/witnesses.md, docs/servicing.md)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.conftest import CliOffice


def _sync(office: CliOffice, replica: Path) -> None:
    bundle = replica.parent / f"bundle-{len(list(replica.parent.glob('bundle-*')))}.json"
    office.ok("export", "--since", "0", "--out", str(bundle))
    report = json.loads(office.ok("replica", "sync", "--from", str(bundle), "--json", home=replica))
    assert report["ok"] is True, report["reason"]
    assert report["size"] == json.loads(office.ok("verify", "--json"))["entries"]


def test_a_first_sync_carries_a_distribution_and_its_record_date_together(
    cli_office: CliOffice, tmp_path: Path
) -> None:
    office, pw = cli_office, cli_office.pw
    office.register("P-1")
    office.checkpoint()
    office.ok("distribution", "new", "1", "--amount", "100", "--currency", "USD", "--key", "registrar", *pw)
    office.ok(
        "vote",
        "propose",
        "1",
        "--text",
        "Roof?",
        "--threshold",
        "0.6",
        "--closes",
        "2099-12-31",
        "--key",
        "registrar",
        *pw,
    )
    office.checkpoint()
    replica = tmp_path / "county"
    _sync(office, replica)
    theirs = json.loads(office.ok("distribution", "show", "1", "--json"))
    assert json.loads(office.ok("distribution", "show", "1", "--json", home=replica)) == theirs
    assert json.loads(office.ok("verify", "--json", home=replica))["ok"] is True


def test_a_later_sync_carries_a_new_record_date_of_a_deed_it_holds_unchanged(
    cli_office: CliOffice, tmp_path: Path
) -> None:
    office, pw = cli_office, cli_office.pw
    office.register("P-1")
    office.checkpoint()
    replica = tmp_path / "county"
    _sync(office, replica)
    office.register("P-2")  # another deed changes; deed 1 does not
    office.checkpoint()
    office.ok("distribution", "new", "1", "--amount", "100", "--currency", "USD", "--key", "registrar", *pw)
    office.ok("distribution", "new", "2", "--amount", "50", "--currency", "USD", "--key", "registrar", *pw)
    office.checkpoint()
    _sync(office, replica)
    for number in ("1", "2"):
        shown = json.loads(office.ok("distribution", "show", number, "--json", home=replica))
        assert shown == json.loads(office.ok("distribution", "show", number, "--json"))
        assert [p["holder"] for p in shown["payouts"]] == [office.owner]
    assert json.loads(office.ok("verify", "--json", home=replica))["ok"] is True
