"""The SQLite WAL beside a long reader: how large the -wal file grows while one process holds a snapshot
(`Ledger.snapshot()`, as a long verify does) and another appends, and whether it shrinks once the
reader ends.

    python benchmarks/wal_long_reader.py [--entries 2000] [--batch 10] [--hold 30] [--after 300]
    python benchmarks/wal_long_reader.py --verify /tmp/deedbook-bench-scale-10000   # a copy of it, verified

SQLite cannot checkpoint the WAL past the oldest open read transaction, so while the reader holds its
snapshot every append adds to the file.  Once it ends, the next automatic checkpoint (PASSIVE, every
1,000 pages) copies the WAL back and later writes start the file over from its beginning; whether the
file on disk is then cut back is SQLite's `journal_size_limit` (none by default: it keeps its size).
The reader is another process, as another desktop's verify would be, and stays open to the end (a
desktop keeps its connections); with `--verify FOLDER` the reader is a full verify of a copy of that data
folder (benchmarks/scale.py's, whose operator key it appends with) instead of a sleep.  Prints the -wal file's size before, at the reader's end, while
`--after` more entries are appended, and after a passive checkpoint.
"""

from __future__ import annotations

import argparse
import multiprocessing
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.deeds import registration_message
from core.keys import DEMO_SCRYPT_N, KeyStore, UnlockedKey
from core.ledger import Ledger
from core.paths import DataDir
from core.store import make_durable

MB = 1024 * 1024


def _hold(folder: str, hold: float, verify: bool, holding: object, released: object, finish: object) -> None:
    """The reader: one snapshot held for `hold` seconds (or a full verify's), then its connection kept open
    until `finish`."""
    ledger = Ledger.open(DataDir.resolve(folder), None)
    if verify:
        from core.verify import verify_ledger

        holding.set()  # type: ignore[attr-defined]
        report = verify_ledger(ledger, jobs=1)
        print(f"(the reader's verify: {report.entries} entries, ok={report.ok}, {report.seconds:.1f} s)")
    else:
        with ledger.snapshot():
            ledger.size()  # the first read starts the read transaction (the moment it sees)
            holding.set()  # type: ignore[attr-defined]
            time.sleep(hold)
    released.set()  # type: ignore[attr-defined]
    finish.wait()  # type: ignore[attr-defined]
    ledger.close()


def _append(ledger: Ledger, operator: UnlockedKey, first: int, count: int, batch: int, deeds: int = 0) -> None:
    """`count` registrations, `batch` an append, of deeds `deeds` + first + 1 on."""
    for start in range(first, first + count, batch):
        ledger.append(
            [
                ledger.sign(
                    "RegisterDeed",
                    registration_message(deeds + i + 1, parcel=f"W-{i}", address=f"{i} Wal St", owner=operator.address),
                    operator,
                    "registrar",
                )
                for i in range(start, min(start + batch, first + count))
            ]
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=2000, help="appended while the reader holds its snapshot")
    parser.add_argument("--batch", type=int, default=10, help="entries per append (one transaction)")
    parser.add_argument("--hold", type=float, default=30.0, help="seconds the reader holds its snapshot")
    parser.add_argument("--after", type=int, default=300, help="entries appended after the reader ends")
    parser.add_argument("--verify", type=Path, help="a data folder of benchmarks/scale.py to copy and verify")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        folder = str(Path(temp) / "office")
        if args.verify:
            shutil.copytree(args.verify, folder)  # never the original: it is appended to
            home = DataDir.resolve(folder)
            operator = KeyStore(home.keys).unlock("demo-operator", "deedbook-demo")  # benchmarks/scale.py's
            ledger = Ledger.open(home, None)
        else:
            home = DataDir.resolve(folder).ensure()
            keys = KeyStore(home.keys)
            keys.create("op", "benchmark-password", n=DEMO_SCRYPT_N)
            operator = keys.unlock("op", "benchmark-password")
            ledger = Ledger.create(home, None, "WAL", operator)
        deeds = ledger.deed_count()
        wal = Path(f"{home.database}-wal")

        def size() -> float:
            return wal.stat().st_size / MB if wal.exists() else 0.0

        print(f"-wal before: {size():.2f} MB")
        context = multiprocessing.get_context("spawn")
        holding, released, finish = context.Event(), context.Event(), context.Event()
        reader = context.Process(target=_hold, args=(folder, args.hold, bool(args.verify), holding, released, finish))
        reader.start()
        holding.wait()
        peak = [0.0]
        stop = threading.Event()

        def watch() -> None:
            while not stop.wait(0.2):
                peak[0] = max(peak[0], size())

        watcher = threading.Thread(target=watch)
        watcher.start()
        started = time.perf_counter()
        _append(ledger, operator, 0, args.entries, args.batch, deeds)
        took = time.perf_counter() - started
        print(f"appended {args.entries} entries in {took:.1f} s with the reader's snapshot open: -wal {size():.2f} MB")
        if released.is_set():
            print("(the reader ended before the appends did: raise --hold)")
        released.wait()
        print(f"-wal when the reader ends: {size():.2f} MB (peak {max(peak[0], size()):.2f} MB)")
        for done in range(0, args.after, 100):
            _append(ledger, operator, args.entries + done, min(100, args.after - done), args.batch, deeds)
            print(f"  {done + min(100, args.after - done)} more entries appended: -wal {size():.2f} MB")
        make_durable(ledger.engine)  # a passive checkpoint, as the desktop makes before a witness file is written
        print(f"after a passive checkpoint: -wal {size():.2f} MB")
        with ledger.engine.connect() as conn:  # what only an explicit TRUNCATE checkpoint does without the limit
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        print(f"after a TRUNCATE checkpoint: -wal {size():.2f} MB")
        stop.set()
        watcher.join()
        finish.set()
        reader.join()
        ledger.close()


if __name__ == "__main__":
    main()
