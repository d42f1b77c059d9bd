"""Give a copied county ledger (benchmarks/pg_ledger_copy.py) the history a real one has: transfers,
liens and attestations on random deeds, one deed with a long chain of title, and a checkpoint, all
recorded through the normal flow (prepare -> each party signs -> submit; core.demo_transfers).

    python benchmarks/pg_add_history.py --folder SOURCE_DIR --home NEW_DIR --db-url URL [--transfers 2000]

SOURCE_DIR is the data folder the ledger was copied from (its demo keys, witness and `verified/`
record are copied to NEW_DIR, which also gets the demo's bank, treasurer and notary keys); SOURCE_DIR is only read.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

LONG_CHAIN_DEED = 4242  # the deed that changes hands again and again
LONG_CHAIN = 60


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", type=Path, required=True, help="the data folder the ledger was copied from")
    parser.add_argument("--home", type=Path, required=True, help="a new data folder for this ledger's keys")
    parser.add_argument("--db-url", required=True)
    parser.add_argument("--transfers", type=int, default=2000)
    args = parser.parse_args()

    from core.checkpoints import make_checkpoint
    from core.demo import DEMO_OWNERS
    from core.demo_transfers import EXTRA_KEYS, add_demo_transfers
    from core.keys import DEMO_PASSWORD, DEMO_SCRYPT_N, KeyStore
    from core.ledger import Ledger
    from core.paths import DataDir
    from core.requests import sign_request
    from core.transactions import prepare_transfer, submit_batch

    home = DataDir.resolve(args.home).ensure()
    for folder in ("keys", "witness", "verified"):  # the witness: a checkpoint extends the last one it saw
        if (args.folder / folder).is_dir() and not (args.home / folder).exists():
            shutil.copytree(args.folder / folder, args.home / folder)
    store = KeyStore(home.keys)
    for name in EXTRA_KEYS:
        if not (home.keys / f"{name}.json").exists():
            store.create(name, DEMO_PASSWORD, n=DEMO_SCRYPT_N)
    operator = store.unlock("demo-operator", DEMO_PASSWORD)
    owners = [store.unlock(f"demo-owner-{i + 1}", DEMO_PASSWORD) for i in range(DEMO_OWNERS)]
    by_address = {o.address.lower(): o for o in owners}
    ledger = Ledger.open(home, args.db_url)
    started = time.perf_counter()
    before = ledger.size()

    now = int(time.time())
    for sale in range(LONG_CHAIN):
        deed = ledger.deed(LONG_CHAIN_DEED)
        seller = max(deed.holders, key=lambda holder: deed.holders[holder])
        buyer = owners[(list(by_address).index(seller.lower()) + 1) % len(owners)]
        prepared = prepare_transfer(
            ledger,
            deed,
            buyer.address,
            f"{150_000 + 1_000 * sale}",
            "USD",
            seller=seller,
            deadline=now + 7 * 86400,
            now=now,
        )
        submit_batch(ledger, [[sign_request(r, by_address[r.signer.lower()], now=now) for r in prepared.requests]])
    print(f"  {LONG_CHAIN} sales of deed {LONG_CHAIN_DEED}: {time.perf_counter() - started:.0f} s", flush=True)

    done = add_demo_transfers(ledger, store, owners, args.transfers)
    print(f"  {done} demo transfers with their liens and attestations: {time.perf_counter() - started:.0f} s")
    make_checkpoint(ledger, operator)
    print(
        f"{ledger.size() - before} entries added in {time.perf_counter() - started:.0f} s; the ledger has {ledger.size():,}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
