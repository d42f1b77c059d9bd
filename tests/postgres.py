"""A throwaway PostgreSQL server for tests: in a temporary folder, on a Unix socket only (no TCP).

`.ci/run` installs Debian's postgresql; the binaries are found on PATH or under
/usr/lib/postgresql/*/bin.  The fixtures in tests/conftest.py start one server per
test session and give each test a database of its own.
"""
from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine

PORT = 54329


def _binary(name: str) -> str:
    found = shutil.which(name) or next(iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)), None)
    if found is None:
        raise RuntimeError(f"PostgreSQL's {name} is not installed (Debian package postgresql; .ci/run installs it).")
    return found


def _as_server_user(argv: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *argv] if os.geteuid() == 0 else argv  # initdb refuses root


@dataclass(frozen=True)
class Server:
    folder: Path
    port: int

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://deedbook@/{database}?host={self.folder}&port={self.port}"

    def new_database(self) -> str:
        """A fresh, empty database on this server; its URL."""
        name = f"t_{uuid.uuid4().hex[:12]}"
        engine = create_engine(self.url(), isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as conn:
                conn.exec_driver_sql(f"CREATE DATABASE {name}")
        finally:
            engine.dispose()
        return self.url(name)


def start(port: int = PORT) -> Server:
    folder = Path(tempfile.mkdtemp(prefix="deedbook-pg-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
    data = folder / "data"
    subprocess.run(_as_server_user([_binary("initdb"), "-D", str(data), "-A", "trust", "-U", "deedbook"]),
                   check=True, capture_output=True)
    subprocess.run(_as_server_user([_binary("pg_ctl"), "-D", str(data), "-l", str(folder / "log"), "-w", "-o",
                                    f"-k {folder} -p {port} -c listen_addresses=''", "start"]),
                   check=True, capture_output=True)
    return Server(folder, port)


def stop(server: Server) -> None:
    subprocess.run(_as_server_user([_binary("pg_ctl"), "-D", str(server.folder / "data"), "-m", "immediate", "stop"]),
                   capture_output=True)
    shutil.rmtree(server.folder, ignore_errors=True)
