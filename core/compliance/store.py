"""The compliance state as a projection table: one row per record, (kind, key) -> canonical JSON.

One generic table (migration 0006) rather than one per record kind: claims, issuers,
rule versions, holds, recoveries and acquisition times are few and small, each is
looked up by its key (a subject's claims by their key's group), and `verify`
compares the whole table with its replay a page of keys at a time (`compliance_agrees`), as it does
the deed tables.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    MetaData,
    String,
    Table,
    Text,
    and_,
    delete,
    insert,
    select,
)

from core.compliance.state import Compliance, acquired_key, record_from
from core.entries import canonical_json
from core.errors import LedgerDamaged
from core.store import raw_cursor

TABLE = "compliance"
metadata = MetaData()
compliance_table = Table(
    TABLE,
    metadata,
    Column("kind", String(), primary_key=True),
    Column("key", String(), primary_key=True),
    Column("data", Text(), nullable=False),
)
_COLUMNS = compliance_table.c


def _record(kind: str, key: str, data: str) -> Any:
    try:
        return record_from(kind, json.loads(data))
    except (ValueError, KeyError, TypeError, RecursionError):
        raise LedgerDamaged(
            f"The ledger database is damaged: its compliance record {kind} {key[:24]} cannot be read "
            "(run 'deedbook verify')."
        ) from None


class DbCompliance(Compliance):
    """The compliance state an append checks its entries against: fetched from the table as rules ask."""

    def __init__(self, conn: Connection) -> None:
        super().__init__()
        self.conn = conn

    def _fetched_all(self) -> bool:
        return False

    def _fetch_one(self, kind: str, key: str) -> Any | None:
        data = self.conn.execute(select(_COLUMNS.data).where(_COLUMNS.kind == kind, _COLUMNS.key == key)).scalar()
        return None if data is None else _record(kind, key, data)

    def _fetch_prefix(self, kind: str, prefix: str) -> dict[str, Any]:
        query = select(_COLUMNS.key, _COLUMNS.data).where(_COLUMNS.kind == kind)
        if prefix:  # a group "xyz:": every key from "xyz:" up to "xyz;" (';' follows ':')
            query = query.where(and_(_COLUMNS.key >= prefix, _COLUMNS.key < prefix[:-1] + ";"))
        return {key: _record(kind, key, data) for key, data in self.conn.execute(query)}


def write_compliance(conn: Connection, compliance: Compliance) -> None:
    """Replace the rows of the records an append changed (delete + insert works on every database)."""
    if not compliance.dirty:
        return
    rows = compliance.rows(compliance.dirty)
    for kind in {kind for kind, _ in compliance.dirty}:
        keys = [key for k, key in compliance.dirty if k == kind]
        for start in range(0, len(keys), 500):
            conn.execute(
                delete(compliance_table).where(_COLUMNS.kind == kind, _COLUMNS.key.in_(keys[start : start + 500]))
            )
    conn.execute(insert(compliance_table), [{"kind": k, "key": key, "data": data} for k, key, data in rows])


def stored_compliance(conn: Connection) -> list[tuple[Any, ...]]:
    """The table as stored, sorted here (databases collate text differently)."""
    return sorted(tuple(row) for row in conn.exec_driver_sql(f"SELECT kind, key, data FROM {TABLE}"))


PAGE = 500  # keys a statement: far below any database's limit on parameters


def compliance_agrees(conn: Connection, compliance: Compliance) -> bool:
    """Whether the table holds exactly the replay's rows, read a page of keys at a time, so that neither
    side is ever copied whole: every replayed row is stored alike, and the table holds no other row
    (it has as many, and (kind, key) is its primary key).  False says nothing more:
    `compliance_disagreement` over both in full then names the first row that differs."""
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    with raw_cursor(conn) as cursor:
        total = 0
        for kind, keys in compliance.keys_by_kind():
            for start in range(0, len(keys), PAGE):
                page = keys[start : start + PAGE]
                cursor.execute(
                    f"SELECT key, data FROM {TABLE} WHERE kind = {mark} AND key IN ({', '.join([mark] * len(page))})",
                    (kind, *page),
                )
                stored = dict(cursor.fetchall())
                if len(stored) != len(page):
                    return False
                for _, key, data in compliance.rows([(kind, key) for key in page]):
                    if stored.get(key) != data or type(stored[key]) is not str:
                        return False
                total += len(page)
        cursor.execute(f"SELECT COUNT(*) FROM {TABLE}")
        [count] = cursor.fetchone() or (None,)
        return bool(count == total)


def compliance_disagreement(stored: list[tuple[Any, ...]], expected: list[tuple[str, str, str]]) -> str | None:
    """None when the table is what the replay built; else a sentence naming the first row that differs."""
    if stored == expected:
        return None
    have = {(row[0], row[1]): row[2] for row in stored}
    want = {(kind, key): data for kind, key, data in expected}
    for kind, key in sorted(set(have) | set(want), key=lambda k: (str(k[0]), str(k[1]))):
        if have.get((kind, key)) == want.get((kind, key)):
            continue
        what = f"{str(kind)[:20]} {str(key)[:60]}"
        if (kind, key) not in have:
            return f"The compliance table has lost the {what} that the ledger's entries make: it disagrees with the ledger."
        if (kind, key) not in want:
            return f"The compliance table holds a {what} that no entry made: it disagrees with the ledger."
        return f"The compliance table disagrees with the ledger about the {what}."
    return "The compliance table disagrees with the ledger."


def refill_acquisitions(conn: Connection) -> int:
    """When each holder acquired its shares, from the registrations and transfers already recorded (the
    migration that adds lock-ups); returns how many it wrote.  Unreadable entries are left to `verify`."""
    latest: dict[str, dict[str, Any]] = {}
    rows = conn.exec_driver_sql(
        "SELECT kind, message, recorded_at FROM entries WHERE kind IN ('RegisterDeed', 'Transfer') ORDER BY idx"
    )
    for kind, message_json, recorded_at in rows:
        try:
            message = json.loads(message_json)
            holder = message["owner"] if kind == "RegisterDeed" else message["to"]
            key = acquired_key(int(message["deedId"]), str(holder))
        except (ValueError, KeyError, TypeError, RecursionError):
            continue
        latest[key] = {"at": int(recorded_at), "how": "registration" if kind == "RegisterDeed" else "purchase"}
    conn.execute(delete(compliance_table).where(_COLUMNS.kind == "acquired"))
    if latest:
        conn.execute(
            insert(compliance_table),
            [{"kind": "acquired", "key": key, "data": canonical_json(data)} for key, data in latest.items()],
        )
    return len(latest)
