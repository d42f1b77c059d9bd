"""`verify --since-checkpoint`: a full verify remembers its latest checkpoint in the data folder;
an incremental one checks only the entries after it, the new tree nodes and the consistency with
the remembered root, and says what it checked.  Whatever is changed in what it reads is named."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from core.checkpoints import make_checkpoint
from core.verify import verify_ledger
from core.verify_since import read_verified, verified_path, verify_since_checkpoint
from tests.helpers import World, make_world


def _world(tmp_path: Path, deeds: int = 6) -> World:
    world = make_world(tmp_path / "home")
    for i in range(deeds):
        world.register(f"V-{i}", world.operator.address)
    make_checkpoint(world.ledger, world.operator)
    return world


def _sql(world: World, *statements: str) -> None:
    db = sqlite3.connect(world.home.database)
    db.execute("DROP TRIGGER IF EXISTS entries_append_only_update")
    db.execute("DROP TRIGGER IF EXISTS entries_append_only_delete")
    for statement in statements:
        db.execute(statement)
    db.commit()
    db.close()


def test_without_a_full_verify_it_verifies_everything_and_then_remembers(tmp_path: Path) -> None:
    world = _world(tmp_path)
    assert read_verified(world.home, world.ledger.identity) is None
    report = verify_since_checkpoint(world.ledger, jobs=1)
    assert report.ok and report.since is None and "remembers no checkpoint" in report.warnings[0]
    known = read_verified(world.home, world.ledger.identity)
    assert known is not None and (known.index, known.size) == (7, 7)
    assert "0x" + known.root.hex() == world.ledger.entry(7).message["root"]


def test_it_checks_only_the_new_entries_and_says_what(tmp_path: Path) -> None:
    world = _world(tmp_path)
    assert verify_ledger(world.ledger, jobs=1).ok
    for i in range(5):
        world.register(f"NEW-{i}", world.operator.address)
    make_checkpoint(world.ledger, world.operator)
    world.register("NEW-LAST", world.operator.address)
    report = verify_since_checkpoint(world.ledger)
    assert report.ok, report.reason
    assert report.since == 7 and report.entries == 15 and report.deeds == 12
    assert report.checked.startswith("entries 7 to 14 (8 since checkpoint 7")
    assert "Not re-read" in report.checked
    data = report.as_json()
    assert data["since"] == 7 and data["checked"] == report.checked
    # Only a full verify moves what is remembered.
    known = read_verified(world.home, world.ledger.identity)
    assert known is not None and known.index == 7
    assert verify_ledger(world.ledger, jobs=1).ok
    known = read_verified(world.home, world.ledger.identity)
    assert known is not None and known.index == 13


@pytest.mark.parametrize(
    "tamper, first_bad, says",
    [
        (["UPDATE entries SET message = replace(message, 'NEW-2', 'NEW-X') WHERE idx = 10"], 10, "signature"),
        (["UPDATE entries SET chain_hash = '0x' || substr(leaf_hash, 3) WHERE idx = 9"], 9, "hash chain is broken"),
        (["UPDATE tree_nodes SET hash = zeroblob(32) WHERE level = 1 AND idx = 4"], None, "node over entries 8 to 9"),
        (["DELETE FROM tree_nodes WHERE level = 2 AND idx = 2"], None, "node over entries 8 to 11"),
        (["DELETE FROM entries WHERE idx >= 7"], 7, "entries were removed"),
    ],
)
def test_a_change_after_the_checkpoint_is_named(
    tmp_path: Path, tamper: list[str], first_bad: int | None, says: str
) -> None:
    world = _world(tmp_path)
    assert verify_ledger(world.ledger, jobs=1).ok
    for i in range(5):
        world.register(f"NEW-{i}", world.operator.address)
    _sql(world, *tamper)
    report = verify_since_checkpoint(world.ledger)
    assert not report.ok and says in (report.reason or ""), report.reason
    assert report.first_bad == first_bad


def test_a_rewritten_history_under_the_remembered_root_is_caught(tmp_path: Path) -> None:
    """Rewrite entry 3 with its leaf, chain and every tree node recomputed: the verified root no longer folds."""
    from core import merkle
    from core.treestore import backfill

    world = _world(tmp_path)
    assert verify_ledger(world.ledger, jobs=1).ok
    world.register("AFTER", world.operator.address)
    _sql(world, "UPDATE entries SET leaf_hash = '0x' || substr(chain_hash, 3) WHERE idx = 3")
    with world.ledger.engine.begin() as conn:
        backfill(conn)  # the attacker recomputes the whole stored tree over the rewritten leaf
    leaves = world.ledger.leaves()
    assert world.ledger.tree().root(8) == merkle.root(leaves[:8])
    report = verify_since_checkpoint(world.ledger)
    assert not report.ok and "no longer has the root verified in full" in (report.reason or ""), report.reason


def test_a_new_entry_whose_one_time_value_is_lost_is_named(tmp_path: Path) -> None:
    from tests.helpers import sell_with_liens

    world = _world(tmp_path)
    assert verify_ledger(world.ledger, jobs=1).ok
    sale = sell_with_liens(world, "SOLD-1", price="100000", lien="50000", currency="USD")
    _sql(world, "DELETE FROM once_values")
    report = verify_since_checkpoint(world.ledger)
    assert not report.ok and report.first_bad == sale.sale, report.reason
    assert "one-time values table" in (report.reason or "")


def test_a_lost_witness_fails_and_a_damaged_record_means_a_full_verify(tmp_path: Path) -> None:
    world = _world(tmp_path)
    assert verify_ledger(world.ledger, jobs=1).ok
    path = verified_path(world.home, world.ledger.identity)
    path.write_text(json.dumps({"format": "deedbook-verified/1", "ledgerId": "0x00"}))
    report = verify_since_checkpoint(world.ledger, jobs=1)
    assert report.ok and report.since is None and "remembers no checkpoint" in report.warnings[0]
    for witness in world.home.witness.glob("*.json"):
        witness.unlink()
    report = verify_since_checkpoint(world.ledger)
    assert not report.ok and "no witness file" in (report.reason or "")


def test_new_entries_on_old_deeds_are_checked_against_the_deeds_as_they_were(tmp_path: Path) -> None:
    """A sale with liens on a deed registered (and mortgaged) before the checkpoint: its rules replay against the
    deed rebuilt from its own history, and the deed tables of the deeds it touched are compared."""
    from core.deeds import register_deed
    from core.liens import add_lien
    from core.requests import sign_request
    from core.transactions import prepare_transfer, submit

    world = _world(tmp_path)
    seller, buyer, bank = world.key("seller"), world.key("buyer"), world.key("bank")
    deed = register_deed(world.ledger, world.operator, parcel="OLD-1", address="1 Old Rd", owner=seller.address).deed_id
    add_lien(world.ledger, deed, bank, "50000", "mortgage")
    make_checkpoint(world.ledger, world.operator)
    assert verify_ledger(world.ledger, jobs=1).ok
    prepared = prepare_transfer(world.ledger, deed, buyer.address, "100000", "USD", closing_date="2026-03-31")
    signers = {k.address.lower(): k for k in (seller, buyer, bank)}
    submit(world.ledger, [sign_request(r, signers[r.signer.lower()]) for r in prepared.requests])
    add_lien(world.ledger, deed, bank, "80000", "mortgage")
    report = verify_since_checkpoint(world.ledger)
    assert report.ok and report.since is not None, report.reason
    assert "rules (against the ledger as it was at that checkpoint)" in report.checked
    _sql(world, f"UPDATE holdings SET shares = 1 WHERE deed_id = {deed}")
    report = verify_since_checkpoint(world.ledger)
    assert not report.ok and f"about deed {deed} (its holdings" in (report.reason or ""), report.reason


def test_a_new_entry_that_breaks_a_rule_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A registration by a key that is no registrar, slipped past the append's rule (signed, hashed, chained and
    in the tree like any entry): only the rule can tell, and the incremental verify does."""
    from core.projection import DbState

    world = _world(tmp_path)
    assert verify_ledger(world.ledger, jobs=1).ok
    world.register("FINE-1", world.operator.address)
    mallory = world.key("mallory")
    made = DbState.__init__

    def lenient(self: DbState, *args: object, **kwargs: object) -> None:
        made(self, *args, **kwargs)  # type: ignore[arg-type]
        self.registrars.add(mallory.address.lower())

    with monkeypatch.context() as patched:
        patched.setattr(DbState, "__init__", lenient)
        forged = world.register("FORGED-1", mallory.address, registrar=mallory)
    assert world.ledger.deed(forged).parcel == "FORGED-1"
    report = verify_since_checkpoint(world.ledger)
    assert not report.ok and report.first_bad == 9, report.reason
    assert f"{mallory.address} is not a registrar" in (report.reason or "")
    assert not verify_ledger(world.ledger, jobs=1).ok  # and a full verify agrees


def test_a_ledger_with_compliance_records_is_verified_in_full_and_says_why(tmp_path: Path) -> None:
    from tests.compliance_helpers import Office

    world = _world(tmp_path)
    office = Office(world, tmp_path / "requests")
    office.rules()  # a rules version: compliance state the incremental check does not rebuild as it was
    make_checkpoint(world.ledger, world.operator)
    assert verify_ledger(world.ledger, jobs=1).ok
    world.register("AFTER-RULES", world.operator.address)
    report = verify_since_checkpoint(world.ledger, jobs=1)
    assert report.ok, report.reason
    assert report.since is None and report.entries == world.ledger.size()
    assert "is a compliance or servicing record" in report.warnings[0]
    assert "every entry was verified" in report.warnings[0]


def test_a_distribution_after_the_verified_checkpoint_is_verified_in_full(tmp_path: Path) -> None:
    """A distribution's rule asks who held the deed at its record date, which the state as of a checkpoint does
    not rebuild: the check says so and verifies everything (it wrongly failed the honest entry before)."""
    from core.servicing.distributions import preview, record_distribution

    world = _world(tmp_path)
    make_checkpoint(world.ledger, world.operator)
    assert verify_ledger(world.ledger, jobs=1).ok  # remembers this checkpoint as verified in full
    record_distribution(world.ledger, world.operator, preview(world.ledger, 1, "1000", "USD", purpose="Rent"))
    make_checkpoint(world.ledger, world.operator)
    report = verify_since_checkpoint(world.ledger, jobs=1)
    assert report.ok, report.reason
    assert report.since is None and "(Distribution) is a compliance or servicing record" in report.warnings[0]


@pytest.mark.parametrize(
    ("taken_before_checkpoint", "again"),
    [(True, "v-0"), (True, "v-3"), (False, "new-1"), (False, "NEW   -2")],
)
def test_a_parcel_registered_twice_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, taken_before_checkpoint: bool, again: str
) -> None:
    """A second registration of a parcel (spelled with other case or spaces), slipped past the append's rule:
    the incremental verify finds the first one whether it was recorded before the checkpoint or after it."""
    import core.projection
    from core.projection import DbState

    world = _world(tmp_path)
    assert verify_ledger(world.ledger, jobs=1).ok
    for name in ("NEW-1", "new -2"):
        world.register(name, world.operator.address)
    with monkeypatch.context() as patched:  # the rule skipped, and the deeds table's unique key dodged
        patched.setattr(DbState, "parcel_taken", lambda self, parcel: False)
        patched.setattr(core.projection, "parcel_key", lambda parcel: f"{parcel} (forged)")
        world.register(again, world.operator.address)
    report = verify_since_checkpoint(world.ledger)
    assert not report.ok, f"{again} was registered twice ({'before' if taken_before_checkpoint else 'after'})"
    assert report.first_bad == world.ledger.size() - 1 and "is registered already" in (report.reason or ""), (
        report.reason
    )
    assert not verify_ledger(world.ledger, jobs=1).ok  # and a full verify agrees
