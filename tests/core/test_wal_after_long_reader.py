"""A long reader beside a busy writer on SQLite: while a snapshot is held (a long verify), SQLite cannot
checkpoint the WAL past it and every append grows the -wal file; once the reader ends, the next writes
cut it back to `journal_size_limit` (core.store.WAL_SIZE_LIMIT).  Without the limit SQLite reuses the
file but keeps its size for as long as a connection is open: 44 MB after 2,000 entries
(benchmarks/wal_long_reader.py)."""

from __future__ import annotations

from pathlib import Path

from core.deeds import registration_message
from core.keys import DEMO_SCRYPT_N, KeyStore, UnlockedKey
from core.ledger import Ledger
from core.paths import DataDir
from core.store import WAL_SIZE_LIMIT


def _register(ledger: Ledger, operator: UnlockedKey, first: int, count: int) -> None:
    for start in range(first, first + count, 10):  # ten entries an append, as a busy office's would come
        ledger.append(
            [
                ledger.sign(
                    "RegisterDeed",
                    registration_message(i + 1, parcel=f"P-{i}", address=f"{i} Long St", owner=operator.address),
                    operator,
                    "registrar",
                )
                for i in range(start, start + 10)
            ]
        )


def test_the_wal_shrinks_back_after_a_long_reader_ends(tmp_path: Path) -> None:
    home = DataDir.resolve(tmp_path).ensure()
    keys = KeyStore(home.keys)
    keys.create("op", "long-reader-pw", n=DEMO_SCRYPT_N)
    operator = keys.unlock("op", "long-reader-pw")
    writer = Ledger.create(home, None, "Long reader", operator)
    reader = Ledger.open(home, None)  # another desktop's connection, open throughout
    wal = Path(f"{home.database}-wal")

    with reader.snapshot():
        seen = reader.size()
        _register(writer, operator, 0, 600)
        held = wal.stat().st_size
        assert reader.size() == seen  # still the moment it first read
    assert held > WAL_SIZE_LIMIT  # the appends could not be checkpointed past the reader

    # The first commit after it ended checkpoints the whole WAL (SQLite's automatic checkpoint), the next
    # write starts the WAL over and, with the limit, cuts the file back.
    _register(writer, operator, 600, 20)
    assert wal.stat().st_size <= WAL_SIZE_LIMIT < held
    assert reader.size() == writer.size() == seen + 620
    reader.close()
    writer.close()
