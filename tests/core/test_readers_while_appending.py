"""Readers that combine several reads of a ledger read one moment of it while another program appends
(checkpoints included): an export bundle, a replica's sync from another data folder, a proof, a
certificate of title, a checkpoint and its witness request.  Each reader runs in a loop here while a
writer process appends; what it gives must hold together.  Before `Ledger.snapshot()` pinned every read
(core/one_moment.py), an export could carry a checkpoint covering entries it said the ledger did not
have, and a certificate "as of" a checkpoint could leave out a lien that checkpoint covers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from core.bundles import build_bundle, parse_bundle
from core.checkpoints import make_checkpoint
from core.documents.evidence import Record, check_record
from core.merkle import verify_consistency
from core.paths import DataDir
from core.proofs import build_proof, verify_proof
from core.replica import BundleSource, LedgerSource, sync
from core.witness_requests import build_request
from desktop.documents.title import collect_title
from tests.core.busy_ledger import BusyOffices, busy_offices, db_url, while_appending

__all__ = ["busy_offices", "db_url"]  # the fixtures: built offices, both engines

GROWING = ("register", "register", "checkpoint") * 40  # a checkpoint every third entry


def _root(data: dict[str, Any]) -> bytes:
    return bytes.fromhex(data["message"]["root"][2:])


@pytest.mark.slow
def test_an_export_is_of_one_moment_and_syncs_into_a_replica(
    tmp_path: Path, busy_offices: BusyOffices, db_url: str | None
) -> None:
    office = busy_offices.copy(tmp_path, db_url, 60)
    bundles = while_appending(office, GROWING, lambda: build_bundle(office.open(), 0))

    for data in bundles:
        checkpoint = data["checkpoint"]
        # the checkpoint is one of the entries the bundle says the ledger holds, and covers only those
        assert checkpoint["index"] < data["total"] and checkpoint["message"]["size"] <= data["total"]
        bundle = parse_bundle(data)
        for candidate in bundle.candidates:
            assert candidate.old_root is not None
            assert verify_consistency(
                candidate.old, checkpoint["message"]["size"], candidate.old_root, _root(checkpoint), candidate.proof
            )
    middle = parse_bundle(bundles[len(bundles) // 2])
    report = sync(DataDir.resolve(tmp_path / "replica"), None, BundleSource(middle, "the bundle"))
    assert report.ok and report.size == middle.total
    assert report.checkpoint_size is not None and report.checkpoint_size <= report.size


@pytest.mark.slow
def test_a_streamed_export_is_of_one_moment_though_written_a_page_at_a_time(
    tmp_path: Path, busy_offices: BusyOffices, db_url: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """deedbook-export/2 reads the ledger a page at a time, the first line's checkpoint and proofs and every
    page of one moment: pages read on to the ledger's end as it grows carried entries the first line's size
    leaves out, and the file was refused (fails so; the snapshot's own part is a window of one call here)."""
    import core.bundle_lines as bundle_lines
    from core.bundle_lines import read_bundle

    monkeypatch.setattr(bundle_lines, "PAGE", 7)
    office = busy_offices.copy(tmp_path, db_url, 60)
    paths: list[Path] = []

    def export() -> Path:
        path = tmp_path / f"bundle-{len(paths)}.jsonl"
        with path.open("wb") as handle:
            bundle_lines.write_bundle(office.open(), 0, handle)
        paths.append(path)
        return path

    written = while_appending(office, GROWING, export)
    assert len({p.stat().st_size for p in written}) >= 2  # exports were written while entries were appended
    for path in written:
        bundle = read_bundle(path)  # its entries, counted against its first and last lines
        assert bundle.size == bundle.total and bundle.checkpoint is not None
        assert bundle.checkpoint["message"]["size"] <= bundle.total
    middle = read_bundle(written[len(written) // 2])
    report = sync(DataDir.resolve(tmp_path / "replica"), None, BundleSource(middle, "the bundle"))
    assert report.ok and report.size == middle.total


@pytest.mark.slow
def test_a_replica_syncs_from_a_folder_another_program_appends_to(
    tmp_path: Path, busy_offices: BusyOffices, db_url: str | None
) -> None:
    office = busy_offices.copy(tmp_path, db_url, 60)
    replica = DataDir.resolve(tmp_path / "replica")
    source = LedgerSource(office.open(), "the office")
    reports = while_appending(office, GROWING, lambda: sync(replica, None, source))

    assert [r.reason for r in reports if not r.ok] == []
    for report in reports:  # the replica holds the checkpoint it says it synced to
        assert report.checkpoint_size is not None and report.checkpoint_size <= report.size
    final = sync(replica, None, source)
    assert final.ok and final.size == office.open().size()


@pytest.mark.slow
def test_a_proof_verifies_while_another_program_appends(
    tmp_path: Path, busy_offices: BusyOffices, db_url: str | None
) -> None:
    office = busy_offices.copy(tmp_path, db_url, 60)
    proofs = while_appending(office, GROWING, lambda: build_proof(office.open(), 40))

    sizes = {p["treeSize"] for p in proofs}
    assert len(sizes) >= 2  # proofs were made against checkpoints recorded meanwhile
    for proof in proofs:
        assert verify_proof(proof).index == 40


@pytest.mark.slow
def test_a_certificate_holds_every_entry_its_checkpoint_covers(
    tmp_path: Path, busy_offices: BusyOffices, db_url: str | None
) -> None:
    office = busy_offices.copy(tmp_path, db_url, 3)
    plan = ("lien", "checkpoint") * 60  # liens on deed 1, each then covered by a checkpoint
    records: list[Record] = while_appending(office, plan, lambda: collect_title(office.open(), 1), seeded_deeds=1)

    history = office.open().history(1)
    for record in records:
        covered = [e.index for e in history if e.index < record.checkpoint_size]
        assert [e.index for e in record.entries] == covered  # as of its checkpoint: none of the deed's left out
        check_record(record)


@pytest.mark.slow
def test_checkpoints_and_their_witness_requests_sign_the_tree(
    tmp_path: Path, busy_offices: BusyOffices, db_url: str | None
) -> None:
    office = busy_offices.copy(tmp_path, db_url, 10)
    operator = office.key("operator")

    def checkpoint() -> tuple[Any, Any]:
        ledger = office.open()
        recorded = make_checkpoint(ledger, operator)
        return recorded, build_request(ledger, recorded)

    made = while_appending(office, ("register",) * 120, checkpoint)

    tree = office.open().tree()
    for recorded, request in made:
        size = recorded.message["size"]
        assert recorded.index == size and _root({"message": recorded.message}) == tree.root(size)
        for candidate in request.candidates:
            assert candidate.old_root == tree.root(candidate.old)
            assert verify_consistency(candidate.old, size, candidate.old_root, tree.root(size), candidate.proof)
