"""Building blocks for tests: a real ledger with real keys in a temporary folder."""

from __future__ import annotations

import contextlib
import os
import subprocess
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import pytest

from core.entries import Entry, canonical_json
from core.keys import KeyStore, UnlockedKey
from core.ledger import Ledger
from core.paths import DataDir
from core.state import LedgerState

PASSWORD = "correct horse battery"


@dataclass
class World:
    home: DataDir
    keys: KeyStore
    ledger: Ledger
    operator: UnlockedKey

    def key(self, name: str) -> UnlockedKey:
        if not any(k.name == name for k in self.keys.list()):
            self.keys.create(name, PASSWORD)
        return self.keys.unlock(name, PASSWORD)

    def register(
        self,
        parcel: str,
        owner: str,
        *,
        attributes: dict[str, object] | None = None,
        shares: int = 10_000,
        registrar: UnlockedKey | None = None,
    ) -> int:
        def build(state: LedgerState) -> list[Entry]:  # the deed number as the ledger is when it is recorded
            message = {
                "deedId": state.next_deed_id,
                "parcel": parcel,
                "propertyAddress": f"{parcel} Main Street, Ames, IA",
                "legalDescription": f"Lot {parcel}",
                "owner": owner,
                "totalShares": shares,
                "attributes": canonical_json(attributes or {"Gr_Liv_Area": 1500}),
                "nonce": 0,
            }
            return [self.ledger.sign("RegisterDeed", message, registrar or self.operator, "registrar")]

        [index] = self.ledger.append_built(build)
        deed_id = self.ledger.entry(index).deed_id
        assert deed_id is not None
        return deed_id

    def sell(
        self, deed_id: int, seller: UnlockedKey, buyer: UnlockedKey, price: str, currency: str = "USD", **terms: Any
    ) -> int:
        """A transfer of the deed prepared, signed by both parties and recorded; its entry index."""
        from core.requests import sign_request
        from core.transactions import prepare_transfer, submit

        prepared = prepare_transfer(self.ledger, deed_id, buyer.address, price, currency, **terms)
        keys = {k.address.lower(): k for k in (seller, buyer)}
        return submit(self.ledger, [sign_request(r, keys[r.signer.lower()]) for r in prepared.requests])


def make_world(root: Path, name: str = "Test County", db_url: str | None = None) -> World:
    """A data folder at `root` with an operator key and a new ledger (SQLite, or the database at `db_url`)."""
    home = DataDir.resolve(root).ensure()
    keys = KeyStore(home.keys)
    keys.create("operator", PASSWORD)
    operator = keys.unlock("operator", PASSWORD)
    return World(home, keys, Ledger.create(home, db_url, name, operator), operator)


@contextmanager
def read_only_folder(path: Path) -> Iterator[Path]:
    """An empty folder nothing can be written into, as on a DVD or a read-only mount.

    Permissions do not stop root, so as root the folder is a read-only tmpfs mount."""
    path.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        path.chmod(0o555)
        try:
            yield path
        finally:
            path.chmod(0o755)
        return
    with _tmpfs(path, "ro,size=64k", "a read-only folder"):
        yield path


@contextmanager
def full_folder(path: Path) -> Iterator[Path]:
    """An empty folder on a disk with no room left: a tiny tmpfs filled to its last byte (a file can still be
    made there, none can hold a byte)."""
    path.mkdir(parents=True, exist_ok=True)
    with _tmpfs(path, "size=64k", "a full disk"):
        with open(path / ".filler", "wb", buffering=0) as filler, contextlib.suppress(OSError):
            while True:  # until ENOSPC
                filler.write(b"\0" * 4096)
        yield path


@contextmanager
def _tmpfs(path: Path, options: str, what: str) -> Iterator[None]:
    """A tmpfs mounted on `path` for the test; where it cannot be mounted the test fails saying what the machine
    lacks (the case would test nothing)."""
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)], capture_output=True, text=True
    )
    if mounted.returncode != 0:
        pytest.fail(
            f"{what[:1].upper()}{what[1:]} is a tmpfs mounted for the test, which failed here "
            f"({mounted.stderr.strip() or 'mount needs root'}): run the tests where root may mount (CI does)."
        )
    try:
        yield
    finally:
        subprocess.run(["umount", str(path)], check=True)


@dataclass(frozen=True)
class Sale:
    deed: int
    old_lien: int  # entry of the seller's lien, paid off by the sale
    sale: int  # entry of the transfer
    new_lien: int  # entry of the buyer's lien, still open


def sell_with_liens(world: World, parcel: str, *, price: str, lien: str, currency: str) -> Sale:
    """A deed with the seller's mortgage (`lien`), sold for `price` with the bank co-signing (the mortgage is
    paid off), then mortgaged again by the buyer for `lien`: every amount in `currency`, through the real services."""
    from core.deeds import register_deed
    from core.liens import add_lien
    from core.requests import sign_request
    from core.transactions import prepare_transfer, submit

    seller, buyer, bank = world.key("seller"), world.key("buyer"), world.key("bank")
    deed = register_deed(
        world.ledger,
        world.operator,
        parcel=parcel,
        address=f"{parcel} Sakura-dori",
        owner=seller.address,
        attributes={"Gr_Liv_Area": 1500},
    ).deed_id
    old = add_lien(world.ledger, deed, bank, lien, "mortgage", currency).index
    prepared = prepare_transfer(world.ledger, deed, buyer.address, price, currency, closing_date="2026-03-31")
    signers = {k.address.lower(): k for k in (seller, buyer, bank)}
    sale = submit(world.ledger, [sign_request(r, signers[r.signer.lower()]) for r in prepared.requests])
    new = add_lien(world.ledger, deed, bank, lien, "mortgage", currency).index
    return Sale(deed, old, sale, new)


def valuation_message(ledger: Ledger, deed_id: int, **changes: Any) -> dict[str, Any]:
    """A Valuation entry's message for `deed_id` as it stands (figures in minor units), with `changes`."""
    deed = ledger.deed(deed_id)
    return {
        "deedId": deed_id,
        "parcel": deed.parcel,
        "deedVersion": deed.version,
        "modelHash": "0x" + "27" * 32,
        "inputHash": "0x" + "47" * 32,
        "estimate": 203_109_00,
        "low": 177_239_00,
        "high": 230_956_00,
        "currency": "USD",
        "coverage": 90,
        "asOf": "2024-06",
        "supersedes": deed.last_valuation_index or 0,
        **changes,
    }
