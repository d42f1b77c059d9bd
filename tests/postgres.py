"""A throwaway PostgreSQL server for tests: in a temporary folder, on a Unix socket only (no TCP).

`.ci/run` installs Debian's postgresql, starts one server for the whole run (scripts/test_postgres.py)
and hands its URL over in DEEDBOOK_TEST_PG_URL; the fixtures in tests/conftest.py then use that
server.  Without it (`python3 dev.py test` on a developer's machine) they start one of their own per
test session.  Either way each test gets a database of its own.  The binaries are found on PATH
or under /usr/lib/postgresql/*/bin.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, make_url
from sqlalchemy.exc import OperationalError

PORT = 54329


def _binary(name: str) -> str:
    found = shutil.which(name) or next(iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)), None)
    if found is None:
        raise RuntimeError(f"PostgreSQL's {name} is not installed (Debian package postgresql; .ci/run installs it).")
    return found


def _as_server_user(argv: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *argv] if os.geteuid() == 0 else argv  # initdb refuses root


ENV_URL = "DEEDBOOK_TEST_PG_URL"  # a server someone else started: a URL of one of its databases


MAX_CONNECTIONS = 300  # two test workers, one running eight writers at once, each writer's pool and listener


@dataclass(frozen=True)
class Server:
    folder: Path | None  # None: a server started by someone else (ENV_URL), not ours to stop
    port: int
    given: str | None = None

    def url(self, database: str = "postgres") -> str:
        if self.given is not None:
            return make_url(self.given).set(database=database).render_as_string(hide_password=False)
        return f"postgresql+psycopg://deedbook@/{database}?host={self.folder}&port={self.port}"

    def new_database(self) -> str:
        """A fresh, empty database on this server; its URL."""
        name = f"t_{uuid.uuid4().hex[:12]}"
        self._as_admin(f"CREATE DATABASE {name}")
        return self.url(name)

    def drop_database(self, url: str) -> None:
        """A test's database gone with every connection to it: a ledger the test did not close keeps its pool's
        connections open until the garbage collector finds it, and two workers' leftovers beside eight writers
        once passed the server's connection limit ("too many clients already")."""
        self._as_admin(f"DROP DATABASE IF EXISTS {make_url(url).database} WITH (FORCE)")

    def drop_template(self, url: str) -> None:
        """A database a session made to copy tests' databases from, gone at its end, unless the server went
        first (a session's own server is stopped with everything on it)."""
        with contextlib.suppress(OperationalError):
            self.drop_database(url)

    def copy_database(self, template_url: str, url: str) -> None:
        """`url`'s database made again as a copy of `template_url`'s (CREATE DATABASE ... TEMPLATE: a file
        copy, where building its content again can take seconds); nobody may be connected to the template."""
        self.drop_database(url)
        self._as_admin(f"CREATE DATABASE {make_url(url).database} TEMPLATE {make_url(template_url).database}")

    def _as_admin(self, statement: str) -> None:
        """One statement outside a transaction (CREATE and DROP DATABASE need that), on the server's own database."""
        engine = create_engine(self.url(), isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as conn:
                conn.exec_driver_sql(statement)
        finally:
            engine.dispose()


def from_environment() -> Server | None:
    given = os.environ.get(ENV_URL)
    return Server(None, 0, given) if given else None


def start(port: int = PORT) -> Server:
    folder = Path(tempfile.mkdtemp(prefix="deedbook-pg-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
    data = folder / "data"
    subprocess.run(
        _as_server_user([_binary("initdb"), "-D", str(data), "-A", "trust", "-U", "deedbook"]),
        check=True,
        capture_output=True,
    )
    subprocess.run(
        _as_server_user(
            [
                _binary("pg_ctl"),
                "-D",
                str(data),
                "-l",
                str(folder / "log"),
                "-w",
                "-o",
                f"-k {folder} -p {port} -c listen_addresses='' -c max_connections={MAX_CONNECTIONS}",
                "start",
            ]
        ),
        check=True,
        capture_output=True,
    )
    return Server(folder, port)


def stop(server: Server) -> None:
    if server.folder is None:
        return  # started by whoever gave its URL, and stopped by them
    subprocess.run(
        _as_server_user([_binary("pg_ctl"), "-D", str(server.folder / "data"), "-m", "immediate", "stop"]),
        capture_output=True,
    )
    shutil.rmtree(server.folder, ignore_errors=True)
