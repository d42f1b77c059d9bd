"""County scale: a 1,000,000-entry ledger, and what stays fast on it.

    python benchmarks/scale.py [--entries 1000000] [--small 10000] [--fresh] [--no-full-verify] [--no-gui]

Builds (once, cached under the temp folder: deedbook-bench-scale-N) a ledger of N real
entries: registrations of Ames properties (a demo deed's parcel, address and owner, a few
attributes), each signed by the operator and recorded through the ordinary append path
(signature recovered, rules checked, deed tables, tree nodes), 5,000 to a transaction, a
checkpoint every 100,000.  Signing runs in a second process while the first one records, so
the build uses both cores; it prints how long it took.  Then it measures, on N and on the
small ledger for the ratio:

- proof latency in process (`build_proof`: the entry, its audit path, the covering checkpoint),
  median and 95th percentile of 200 random entries; goal <= 50 ms on N, N/small ratio <= 2;
- a root at a random past size (`ledger.tree().root`), and `checkpoint` (sign, record, witness);
- full `verify` (all cores) once, which remembers its checkpoint; then 1,000 registrations
  appended one at a time (appends per second on the N-entry ledger) and `verify --since-checkpoint`;
- bytes per entry on disk (the database file; the tree_nodes table's share when SQLite's dbstat is there);
- the deeds filter in the GUI on the N ledger's deeds (benchmarks/gui_filter.py --folder).

Appends with 1, 4 and 8 concurrent writers on SQLite and PostgreSQL: benchmarks/writers.py.
These are measurements, not tests: nothing here runs in CI.
"""

from __future__ import annotations

import argparse
import itertools
import multiprocessing
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import deque
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PASSWORD = "deedbook-demo"
BATCH = 5000
CHECKPOINT_EVERY = 100_000

_signer: dict[str, Any] = {}  # what a signing process needs, set before it forks


def _sign_batch(first_deed: int, count: int) -> list[Any]:
    """Registrations of deeds first_deed .. first_deed + count - 1, signed (in a worker process).

    As `Ledger.sign` signs, but with the operator's secp256k1 key object made once: making it
    again for every signature (deriving its public key) cost more than the signature itself."""
    from core.deeds import registration_message
    from core.entries import Entry, SignatureRecord
    from core.kinds import digest_for, get_kind

    ledger, operator, owners, rows = _signer["ledger"], _signer["operator"], _signer["owners"], _signer["rows"]
    key, kind = _signer["key"], get_kind("RegisterDeed")
    entries = []
    for deed in range(first_deed, first_deed + count):
        number = deed - 1
        row = rows[number % len(rows)]
        repeat = number // len(rows)
        parcel = f"{int(row['PID']):010d}" + (f"-{repeat}" if repeat else "")
        attributes = {k: row[k] for k in ("Neighborhood", "Bldg_Type") if row.get(k)}
        attributes["Gr_Liv_Area"] = int(row["Gr_Liv_Area"])
        message = registration_message(
            deed,
            parcel=parcel,
            address=_address(number, row),
            owner=owners[number % len(owners)],
            attributes=attributes,
        )
        raw = key.sign_recoverable(digest_for(ledger.identity, kind, message, "RegisterDeed"), hasher=None)
        signature = SignatureRecord("registrar", operator.address, raw[:64] + bytes([raw[64] + 27]), "RegisterDeed")
        entries.append(Entry("RegisterDeed", message, (signature,)))
    return entries


def _address(number: int, row: dict[str, str]) -> str:
    from core.demo import demo_address

    return demo_address(number, row)


def build(folder: Path, entries: int) -> float:
    """A ledger of `entries` entries in `folder`; the seconds it took."""
    from core.checkpoints import make_checkpoint
    from core.keys import DEMO_SCRYPT_N, KeyStore
    from core.ledger import Ledger
    from core.marketdata import ames_rows
    from core.paths import DataDir

    started = time.perf_counter()
    home = DataDir.resolve(folder).ensure()
    keys = KeyStore(home.keys)
    keys.create("demo-operator", PASSWORD, n=DEMO_SCRYPT_N)
    operator = keys.unlock("demo-operator", PASSWORD)
    owners = []
    for i in range(12):
        keys.create(f"demo-owner-{i + 1}", PASSWORD, n=DEMO_SCRYPT_N)
        owners.append(keys.unlock(f"demo-owner-{i + 1}", PASSWORD).address)
    ledger = Ledger.create(home, None, f"Scale County ({entries:,})", operator)
    from coincurve import PrivateKey

    _signer.update(
        ledger=ledger, operator=operator, owners=owners, rows=ames_rows(), key=PrivateKey(operator._secret)
    )  # the bench's own signer, in memory only
    # Entries: genesis, then registrations, with a checkpoint at every multiple of CHECKPOINT_EVERY.
    plan: list[tuple[int, int]] = []  # (first deed, count) per batch; (0, 0) is a checkpoint
    size, deed = 1, 1
    while size < entries - 1:
        if size % CHECKPOINT_EVERY == 0:
            plan.append((0, 0))
            size += 1
            continue
        count = min(BATCH, entries - 1 - size, CHECKPOINT_EVERY - size % CHECKPOINT_EVERY)
        plan.append((deed, count))
        deed, size = deed + count, size + count
    context = multiprocessing.get_context("fork")
    with context.Pool(1) as pool:  # signs the next batches while this process records them
        ahead: deque[Any] = deque()
        batches = iter(plan)
        for batch in itertools.islice(batches, 3):
            ahead.append(pool.apply_async(_sign_batch, batch) if batch[1] else None)
        for number in range(len(plan)):
            pending = ahead.popleft()
            following = next(batches, None)
            if following is not None:
                ahead.append(pool.apply_async(_sign_batch, following) if following[1] else None)
            if pending is None:
                make_checkpoint(ledger, operator)
            else:
                done = pending.get()
                ledger.append_built(lambda _state, done=done: done)
            if number % 20 == 0:
                print(
                    f"\r  {ledger.size():,} / {entries:,} entries, {time.perf_counter() - started:.0f} s",
                    end="",
                    flush=True,
                )
    make_checkpoint(ledger, operator)
    print()
    ledger.close()
    return time.perf_counter() - started


def cached(entries: int, fresh: bool) -> Path:
    folder = Path(tempfile.gettempdir()) / f"deedbook-bench-scale-{entries}"
    if fresh and folder.exists():
        shutil.rmtree(folder)
    if not (folder / "ledger.sqlite").exists():
        shutil.rmtree(folder, ignore_errors=True)
        print(f"building a {entries:,}-entry ledger in {folder} ...", flush=True)
        seconds = build(folder, entries)
        (folder / "built-seconds").write_text(f"{seconds:.1f}\n")
    print(f"ledger of {entries:,} entries in {folder}: built in {(folder / 'built-seconds').read_text().strip()} s")
    return folder


def _ms(values: list[float]) -> str:
    values = sorted(values)
    return f"median {statistics.median(values) * 1000:.2f} ms, p95 {values[int(len(values) * 0.95) - 1] * 1000:.2f} ms"


def proof_latency(folder: Path, samples: int = 200) -> float:
    from core.ledger import Ledger
    from core.paths import DataDir
    from core.proofs import build_proof

    ledger = Ledger.open(DataDir.resolve(folder))
    covered = int(ledger.latest_checkpoint().message["size"])  # type: ignore[union-attr]
    rng = random.Random(7)
    build_proof(ledger, 1)  # warm: imports, the engine's first connection
    times = []
    for _ in range(samples):
        index = rng.randrange(1, covered)
        started = time.perf_counter()
        build_proof(ledger, index)
        times.append(time.perf_counter() - started)
    print(f"  proof on {ledger.size():,} entries: {_ms(times)}")
    past = []
    tree = ledger.tree
    for _ in range(50):
        size = rng.randrange(1, covered)
        started = time.perf_counter()
        tree().root(size)
        past.append(time.perf_counter() - started)
    print(f"  root at a past size: {_ms(past)}")
    ledger.close()
    return statistics.median(times)


def on_the_big_one(folder: Path, full_verify: bool) -> None:
    from core.checkpoints import make_checkpoint
    from core.deeds import register_deed
    from core.keys import KeyStore
    from core.ledger import Ledger
    from core.paths import DataDir
    from core.verify import verify_ledger
    from core.verify_since import verify_since_checkpoint

    home = DataDir.resolve(folder)
    ledger = Ledger.open(home)
    operator = KeyStore(home.keys).unlock("demo-operator", PASSWORD)
    times = []
    for _ in range(3):
        started = time.perf_counter()
        make_checkpoint(ledger, operator)
        times.append(time.perf_counter() - started)
    print(f"  checkpoint (sign, record, witness) on {ledger.size():,} entries: {_ms(times)}")
    if full_verify:
        report = verify_ledger(ledger)
        assert report.ok, report.reason
        print(
            f"  full verify (all {os.cpu_count()} cores) of {report.entries:,} entries: {report.seconds:.1f} s "
            f"({report.entries / report.seconds:,.0f} entries/s)"
        )
    started = time.perf_counter()
    base = ledger.size()
    for i in range(1000):
        register_deed(
            ledger, operator, parcel=f"SCALE-{base}-{i}", address=f"{i} Scale Rd, Ames, IA", owner=operator.address
        )
    seconds = time.perf_counter() - started
    print(f"  1,000 registrations one at a time on the {base:,}-entry ledger: {1000 / seconds:,.0f} appends/s")
    report = verify_since_checkpoint(ledger)
    assert report.ok, report.reason
    print(
        f"  verify --since-checkpoint: {report.entries - (report.since or 0):,} new entries in {report.seconds:.2f} s"
        + ("" if report.since is not None else " (no checkpoint verified in full: everything was verified)")
    )
    with ledger.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        try:
            tree_bytes = conn.exec_driver_sql("SELECT sum(pgsize) FROM dbstat WHERE name = 'tree_nodes'").scalar()
        except Exception:  # noqa: BLE001 - dbstat is a compile-time option of SQLite
            tree_bytes = None
    size = ledger.size()
    on_disk = home.database.stat().st_size
    print(
        f"  on disk: {on_disk / 2**20:,.0f} MB, {on_disk / size:,.0f} bytes per entry"
        + (f" (the stored tree: {tree_bytes / size:,.0f} bytes per entry)" if tree_bytes else "")
    )
    ledger.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--fresh", action="store_true", help="build the ledgers again")
    parser.add_argument("--no-full-verify", action="store_true")
    parser.add_argument("--no-gui", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("DEEDBOOK_SCRYPT_N", "1024")
    small, big = cached(args.small, args.fresh), cached(args.entries, args.fresh)
    print(f"on {args.small:,} entries:")
    little = proof_latency(small)
    print(f"on {args.entries:,} entries:")
    large = proof_latency(big)
    print(f"  proof latency ratio {args.entries:,} / {args.small:,}: {large / little:.2f} (goal <= 2; <= 50 ms)")
    on_the_big_one(big, not args.no_full_verify)
    if not args.no_gui:
        subprocess.call(
            [sys.executable, str(ROOT / "benchmarks" / "gui_filter.py"), "--folder", str(big), "--repeat", "3"]
        )


if __name__ == "__main__":
    main()
