"""Concurrent writers: registrations per second with 1, 4 and 8 processes appending to one ledger.

    python benchmarks/writers.py [--appends 200] [--writers 1,4,8] [--no-postgres]

Each writer is its own process; all start together (a barrier) and register
deeds one at a time with `register_deed` (the CLI's and the GUI's path: build
inside the write lock, sign, check, write).  The figure is all writers'
appends over the time from the barrier to the last append.  SQLite always;
PostgreSQL too when its server binaries are installed (a throwaway server on a
Unix socket, as the tests use).
"""

from __future__ import annotations

import argparse
import glob
import multiprocessing
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PASSWORD = "benchmark-password"


def _writer(root: str, db_url: str | None, worker: int, appends: int, barrier: Any, results: Any) -> None:
    from core.deeds import register_deed
    from core.errors import DeedbookError
    from core.keys import KeyStore
    from core.ledger import Ledger
    from core.paths import DataDir

    home = DataDir.resolve(root)
    ledger = Ledger.open(home, db_url)
    key = KeyStore(home.keys).unlock("op", PASSWORD)
    barrier.wait()
    started = time.perf_counter()
    failed = 0
    for i in range(appends):
        try:
            register_deed(
                ledger,
                key,
                parcel=f"B{worker}-{i}",
                address=f"{i} Bench St",
                owner=key.address,
                attributes={"Gr_Liv_Area": 1000 + i},
            )
        except DeedbookError:  # counted, not hidden: a refused writer is what this measures against
            failed += 1
    results.put((started, time.perf_counter(), failed))
    ledger.close()


def measure(db_url: str | None, writers: int, appends: int) -> tuple[float, int]:
    """(recorded appends per second, refused) for `writers` processes sharing `appends` registrations."""
    from core.keys import DEMO_SCRYPT_N, KeyStore
    from core.ledger import Ledger
    from core.paths import DataDir

    with tempfile.TemporaryDirectory() as folder:
        home = DataDir.resolve(folder).ensure()
        keys = KeyStore(home.keys)
        keys.create("op", PASSWORD, n=DEMO_SCRYPT_N)
        Ledger.create(home, db_url, "Writers", keys.unlock("op", PASSWORD)).close()
        context = multiprocessing.get_context("forkserver")  # writers fork from a clean, preloaded process
        context.set_forkserver_preload(["core.deeds", "core.keys", "core.keystore_v3", "core.ledger", "psycopg"])
        barrier, results = context.Barrier(writers), context.Queue()
        share = appends // writers
        processes = [
            context.Process(target=_writer, args=(folder, db_url, w, share, barrier, results)) for w in range(writers)
        ]
        for process in processes:
            process.start()
        reports = [results.get(timeout=600) for _ in processes]
        for process in processes:
            process.join()
        seconds = max(r[1] for r in reports) - min(r[0] for r in reports)
        refused = sum(r[2] for r in reports)
        return (share * writers - refused) / seconds, refused


def _postgres_binary(name: str) -> str | None:
    return shutil.which(name) or next(iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)), None)


class Postgres:
    """A throwaway server in a temporary folder, Unix socket only; one fresh database per `url()`."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="deedbook-bench-pg-"))
        self.count = 0
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres")
        data = self.folder / "data"
        self._run([str(_postgres_binary("initdb")), "-D", str(data), "-A", "trust", "-U", "deedbook"])
        self._run(
            [
                str(_postgres_binary("pg_ctl")),
                "-D",
                str(data),
                "-l",
                str(self.folder / "log"),
                "-w",
                "-o",
                f"-k {self.folder} -p 54330 -c listen_addresses=''",
                "start",
            ]
        )

    @staticmethod
    def _run(argv: list[str]) -> None:
        as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []  # initdb refuses root
        subprocess.run([*as_user, *argv], check=True, capture_output=True)

    def url(self) -> str:
        from sqlalchemy import create_engine

        self.count += 1
        name = f"bench{self.count}"
        engine = create_engine(
            f"postgresql+psycopg://deedbook@/postgres?host={self.folder}&port=54330", isolation_level="AUTOCOMMIT"
        )
        with engine.connect() as conn:
            conn.exec_driver_sql(f"CREATE DATABASE {name}")
        engine.dispose()
        return f"postgresql+psycopg://deedbook@/{name}?host={self.folder}&port=54330"

    def stop(self) -> None:
        self._run([str(_postgres_binary("pg_ctl")), "-D", str(self.folder / "data"), "-m", "immediate", "stop"])
        shutil.rmtree(self.folder, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--appends", type=int, default=200, help="registrations in all, shared by the writers")
    parser.add_argument("--writers", default="1,4,8")
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    counts = [int(n) for n in args.writers.split(",")]
    engines: list[tuple[str, Any]] = [("SQLite", None)]
    server = None
    if not args.no_postgres and _postgres_binary("initdb") and _postgres_binary("pg_ctl"):
        server = Postgres()
        engines.append(("PostgreSQL", server))
    try:
        for name, pg in engines:
            for writers in counts:
                rate, refused = measure(pg.url() if pg else None, writers, args.appends)
                print(
                    f"{name}: {writers} writer{'s' if writers > 1 else ' '} x {args.appends // writers} "
                    f"registrations: {rate:,.0f} appends/s, {refused} refused"
                )
    finally:
        if server is not None:
            server.stop()


if __name__ == "__main__":
    main()
