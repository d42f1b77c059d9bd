"""The stored deed tables (deeds, holdings, liens) against a replay, streamed by deed number.

A page of deeds at a time is read back and compared, so no second copy of the tables is built:
memory stays flat however many deeds there are.  A deeds row is compared with its texts
(address, legal description, attributes) as a digest (core.deed_texts), since the replay keeps
only that.  The finding is the same as comparing whole tables: the first table (deeds, then
holdings, then liens) that differs, and in it the first deed that differs, with the column.
"""

from __future__ import annotations

from operator import attrgetter
from typing import Any, Callable, Iterator, Sequence

from sqlalchemy import Connection

from core.deed_texts import TEXT_COLUMNS, stored_texts_digest, texts_digest
from core.projection import DEED_COLUMNS, PART_QUERIES
from core.state import DeedState, parcel_key
from core.store import raw_cursor

PAGE = 1024  # deeds a page: about 2 MB of rows read back at a time
Finding = tuple[int | None, str]  # the entry to name (or None) and the sentence

assert DEED_COLUMNS[3:6] == TEXT_COLUMNS  # address, legal, attributes: _compact's digest


def _compact(row: Sequence[Any]) -> tuple[Any, ...]:
    """A deeds row with its three texts replaced by their digest."""
    return (*row[:3], stored_texts_digest(row[3], row[4], row[5]), *row[6:])


def _replayed_deeds(page: list[DeedState]) -> list[tuple[Any, ...]]:
    """`_compact(deed_values(deed))` of each deed, built directly (this runs over every deed)."""
    return [
        (
            deed.deed_id,
            deed.parcel,
            parcel_key(deed.parcel) if deed.folded_parcel is None else deed.folded_parcel,
            texts_digest(deed.address, deed.legal, deed.attributes_json)
            if deed.texts_digest is None  # a replayed deed has only the digest; any other, its texts
            else deed.texts_digest,
            deed.total_shares,
            deed.owner,
            len(deed.holders),
            deed.version,
            deed.registered_index,
            deed.updated_index,
            deed.last_price,
            deed.last_currency,
            deed.last_sale_at,
            deed.last_valuation,
            deed.last_valuation_index,
        )
        for deed in page
    ]


def _replayed_holdings(page: list[DeedState]) -> list[tuple[Any, ...]]:
    return [(deed.deed_id, holder, shares) for deed in page for holder, shares in sorted(deed.holders.items())]


def _replayed_liens(page: list[DeedState]) -> list[tuple[Any, ...]]:
    return [
        (
            deed.deed_id,
            lien.lien_id,
            lien.holder,
            lien.amount,
            lien.currency,
            lien.kind,
            lien.opened_index,
            lien.released_index,
        )
        for deed in page
        if deed.liens
        for lien in sorted(deed.liens.values(), key=attrgetter("lien_id"))
    ]


def _order(deed_id: Any) -> tuple[int, Any]:
    """Numbers first, then anything else a changed SQLite table may hold there (it sorts text after numbers)."""
    return (0, deed_id) if type(deed_id) is int else (1, str(deed_id))


def _group(rows: list[tuple[Any, ...]]) -> dict[Any, list[tuple[Any, ...]]]:
    grouped: dict[Any, list[tuple[Any, ...]]] = {}
    for row in rows:
        grouped.setdefault(row[0], []).append(row)
    return grouped


Rows = list[tuple[Any, ...]]


class _Tables:
    def __init__(self, conn: Connection, deeds: list[DeedState]) -> None:
        self.conn = conn
        self.deeds = sorted(deeds, key=attrgetter("deed_id"))

    def pages(self) -> Iterator[tuple[str, list[DeedState]]]:
        """Each page's WHERE clause (deed numbers after the last page's, up to this page's last; the
        first and last pages open-ended, so every row of the table falls in one) and its deeds."""
        count = len(self.deeds)
        for start in range(0, max(count, 1), PAGE):
            page = self.deeds[start : start + PAGE]
            bounds = []
            if start > 0:
                bounds.append(f"deed_id > {int(self.deeds[start - 1].deed_id)}")
            if start + PAGE < count:
                bounds.append(f"deed_id <= {int(page[-1].deed_id)}")
            yield (" WHERE " + " AND ".join(bounds) if bounds else ""), page

    def stored(self, query: str, where: str) -> Rows:
        select, order = query.split(" ORDER BY ")
        with raw_cursor(self.conn) as cursor:
            cursor.execute(f"{select}{where} ORDER BY {order}")
            return list(map(tuple, cursor.fetchall()))

    def first_difference(
        self, query: str, compact: Callable[[Rows], Rows] | None, replayed: Callable[[list[DeedState]], Rows]
    ) -> tuple[Any, Rows | None, Rows | None] | None:
        """The first deed number whose rows differ in this table: (number, stored rows, replayed rows)."""
        for where, page in self.pages():
            have = self.stored(query, where)
            if compact is not None:
                have = compact(have)
            want = replayed(page)
            if have == want:
                continue
            stored, expected = _group(have), _group(want)
            for deed_id in sorted(stored.keys() | expected.keys(), key=_order):
                if stored.get(deed_id) != expected.get(deed_id):
                    return deed_id, stored.get(deed_id), expected.get(deed_id)
        return None


def deed_tables_disagreement(
    conn: Connection, deeds: list[DeedState], registration: Callable[[int], tuple[str, str, str]]
) -> Finding | None:
    """None when the stored deeds, holdings and liens are what the replay built, else the first
    difference named.  `registration(index)` gives the texts a deed was registered with (read again
    from the ledger, only to name which text of a changed row differs)."""
    tables = _Tables(conn, deeds)
    by_id = {deed.deed_id: deed for deed in tables.deeds}
    deed_query = f"SELECT {', '.join(DEED_COLUMNS)} FROM deeds ORDER BY deed_id"
    checks: tuple[tuple[str, str, Callable[[Rows], Rows] | None, Callable[[list[DeedState]], Rows]], ...]
    checks = (
        ("deeds", deed_query, lambda rows: list(map(_compact, rows)), _replayed_deeds),
        ("holdings", PART_QUERIES[0], None, _replayed_holdings),
        ("liens", PART_QUERIES[1], None, _replayed_liens),
    )
    for table, query, compact, replayed in checks:
        found = tables.first_difference(query, compact, replayed)
        if found is None:
            continue
        deed_id, have, want = found
        if deed_id not in by_id or type(deed_id) is not int:
            return None, f"The {table} table holds a row for deed {deed_id} that no entry registered."
        deed = by_id[deed_id]
        if table != "deeds":
            detail = f"its {table}"
        elif have is None:
            detail = "it is missing from the deeds table"
        else:
            detail = _column(conn, deed, have[0], want[0] if want else (), registration)
        return (
            deed.updated_index,
            f"The deed tables disagree with the ledger about deed {deed_id} "
            f"({detail}; last changed by entry {deed.updated_index}).",
        )
    return None


def _column(
    conn: Connection,
    deed: DeedState,
    have: tuple[Any, ...],
    want: tuple[Any, ...],
    registration: Callable[[int], tuple[str, str, str]],
) -> str:
    """The first column of a deeds row that differs (a text is found by reading the stored row again
    and the registration's texts)."""
    columns = (*DEED_COLUMNS[:3], "texts", *DEED_COLUMNS[6:])
    differing = next(c for c, a, b in zip(columns, have, want, strict=True) if a != b)
    if differing != "texts":
        return differing
    stored = conn.exec_driver_sql(
        f"SELECT {', '.join(TEXT_COLUMNS)} FROM deeds WHERE deed_id = {int(deed.deed_id)}"
    ).first()
    if stored is None:  # gone since the page was read
        return "it is missing from the deeds table"
    signed = registration(deed.registered_index)
    return next((c for c, a, b in zip(TEXT_COLUMNS, stored, signed, strict=True) if a != b), "its texts")
