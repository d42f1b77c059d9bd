"""A realistic demo ledger: Ames properties registered to demo owners, then sold.

`deedbook demo --deeds N --transfers M` and the GUI's "explore a demo" call
`build_demo`.  Every demo key uses DEMO_PASSWORD (the README says so) and a
lighter scrypt cost than real keys: demo keys guard nothing.
"""

from __future__ import annotations

import time
from typing import Any, Callable

from core.deeds import registration_message
from core.entries import Entry
from core.errors import Cancelled, DeedbookError, Remedy
from core.keys import DEMO_PASSWORD, DEMO_SCRYPT_N, KeyStore, UnlockedKey
from core.ledger import Ledger
from core.marketdata import ames_rows, deed_attributes
from core.paths import DataDir
from core.state import LedgerState

__all__ = ["DEMO_PASSWORD", "DEMO_OWNERS", "build_demo", "demo_address"]
DEMO_OWNERS = 12
BATCH = 500  # entries per transaction: a killed import keeps whole batches only
STREETS = (
    "Oak Ave",
    "Maple St",
    "Lincoln Way",
    "Duff Ave",
    "Grand Ave",
    "Ash Ave",
    "Clark Ave",
    "Hyland Ave",
    "Stange Rd",
    "Ontario St",
    "Garden Rd",
    "Story St",
    "Kellogg Ave",
    "Carroll Ave",
    "Burnett Ave",
)

Progress = Callable[[int, int], None]


def _key(store: KeyStore, name: str) -> UnlockedKey:
    if not any(k.name == name for k in store.list()):
        store.create(name, DEMO_PASSWORD, n=DEMO_SCRYPT_N)
    return store.unlock(name, DEMO_PASSWORD)


def demo_address(number: int, row: dict[str, str]) -> str:
    street = STREETS[(number * 7 + len(row.get("Neighborhood", ""))) % len(STREETS)]
    return f"{100 + (number * 37) % 4800} {street}, Ames, IA 5001{number % 5}"


def build_demo(
    home: DataDir,
    *,
    deeds: int,
    transfers: int = 0,
    db_url: str | None = None,
    progress: Progress | None = None,
    should_cancel: Callable[[], bool] | None = None,
    suspicious: int = 0,
) -> dict[str, Any]:
    if home.database.exists() and db_url is None:
        raise DeedbookError(f"There is a ledger in {home.root} already.", remedy=Remedy.EMPTY_DATA_FOLDER)
    home.ensure()
    store = KeyStore(home.keys)
    operator = _key(store, "demo-operator")
    owners = [_key(store, f"demo-owner-{i + 1}") for i in range(DEMO_OWNERS)]
    ledger = Ledger.create(home, db_url, "Ames Demo Ledger", operator)
    rows = ames_rows()
    total_work = deeds + transfers
    started = int(time.time())

    def registrations(first: int, stop: int) -> Callable[[LedgerState], list[Entry]]:
        def build(state: LedgerState) -> list[Entry]:  # deed numbers as the ledger is when the batch is recorded
            batch = []
            for offset, number in enumerate(range(first, stop)):
                row = rows[number % len(rows)]
                repeat = number // len(rows)
                parcel = f"{int(row['PID']):010d}" + (f"-{repeat}" if repeat else "")
                message = registration_message(
                    state.next_deed_id + offset,
                    parcel=parcel,
                    address=demo_address(number, row),
                    owner=owners[number % DEMO_OWNERS].address,
                    legal=f"Lot {number % 40 + 1}, {row['Neighborhood']} subdivision, City of Ames, Story County, Iowa",
                    attributes=deed_attributes(row),
                )
                batch.append(ledger.sign("RegisterDeed", message, operator, "registrar"))
            return batch

        return build

    for first in range(0, deeds, BATCH):
        if should_cancel is not None and should_cancel():
            raise Cancelled("The demo was cancelled; the deeds recorded so far stay.")
        stop = min(first + BATCH, deeds)
        ledger.append_built(registrations(first, stop), recorded_at=started)
        if progress is not None:
            progress(stop, total_work)
    recorded_transfers = 0
    if transfers:
        from core.demo_transfers import add_demo_transfers  # the transactions flow

        recorded_transfers = add_demo_transfers(
            ledger,
            store,
            owners,
            transfers,
            progress=progress,
            should_cancel=should_cancel,
            done_before=deeds,
            total=total_work,
        )
    injected: list[dict[str, Any]] = []
    if suspicious:
        from core.demo_suspicious import inject_suspicious  # screening's test cases (docs/screening.md)

        injected = inject_suspicious(ledger, store, owners, suspicious)
    from core.checkpoints import make_checkpoint

    make_checkpoint(ledger, operator)
    return {
        "deeds": deeds,
        "transfers": recorded_transfers,
        "entries": ledger.size(),
        "keys": [k.name for k in store.list()],
        "suspicious": injected,
    }
