"""Shared test set-up: offscreen Qt, a fresh data folder per test, fast key derivation.

DEEDBOOK_SCRYPT_N lowers the keystore's scrypt cost for speed; the files stay
standard keystore v3 (decryption reads n from each file).
"""

from __future__ import annotations

import os
from pathlib import Path
import time
from typing import Callable, Iterator

import pytest

from tests import postgres

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["DEEDBOOK_SCRYPT_N"] = "1024"

PASSWORD = "correct horse battery"


@pytest.fixture(autouse=True)
def deedbook_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv("DEEDBOOK_HOME", str(home))
    return home


@pytest.fixture
def password_file(tmp_path: Path) -> Path:
    path = tmp_path / "password.txt"
    path.write_text(PASSWORD + "\n")
    return path


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[postgres.Server]:
    """The server `.ci/run` started (DEEDBOOK_TEST_PG_URL), or one of our own for the session, started only if
    a test asks for it."""
    server = postgres.from_environment() or postgres.start()
    try:
        yield server
    finally:
        postgres.stop(server)


@pytest.fixture
def postgres_url(postgres_server: postgres.Server) -> Iterator[str]:
    """The URL of a fresh, empty PostgreSQL database for this test (dropped after it)."""
    url = postgres_server.new_database()
    yield url
    postgres_server.drop_database(url)


@pytest.fixture
def zone_here(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], None]]:
    """Sets this process's local zone (TZ, as a machine set to it has it); UTC again after the test."""

    def set_zone(name: str) -> None:
        monkeypatch.setenv("TZ", name)
        time.tzset()

    yield set_zone
    monkeypatch.delenv("TZ", raising=False)
    time.tzset()
