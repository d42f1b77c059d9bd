"""Searching deeds on PostgreSQL: the folded columns, their indexes, and the plan.

Migration 0015 adds three stored generated columns, `parcel_folded` = `lower(parcel)` and the
same for address and owner.  The rule "parcel, address or owner contains the text, ignoring
case" is then LIKE `lower(pattern)` on them: PostgreSQL's ILIKE on a UTF-8 database lower-cases
the value and the pattern and compares them as LIKE does, so the rows are those of ILIKE on each
column, but the values are lower-cased once, when a deed is written, instead of at every search
(ILIKE: ~2 µs a deed for the three columns, LIKE a fraction of that).

The indexes that narrow a search:
- pg_trgm's GIN index on each folded column (3 characters or more; LIKE uses them by itself;
  absent when pg_trgm cannot be created: such searches then read every deed, correctly).  One
  index on the three joined was measured and dropped: a search's trigrams then come from
  different columns ("a20-": 21,635 candidates instead of none);
- `ix_deeds_short_grams`, over `deed_short_grams(parcel_folded, address_folded, owner_folded)`:
  every character and every pair of adjacent characters of the three (joined by U+0001), so
  "which deeds contain 'zq'" is one key of the index (pg_trgm has no trigram to look up for 1 or
  2 characters).  Built in; no extension needed;
- `ix_deeds_long_grams` (migration 0017), over `deed_long_grams(...)` of the three: every run of 4
  characters of each column with the column's tag after it.  pg_trgm has no positions, so a
  search whose trigrams are each in nearly every deed ("es, a" in "900 Garden Rd, Ames, IA") got
  every deed as a candidate; its 4-character pieces, from one column, are rare ("s, a").

The plan for 1 or 2 characters (`indexed_ids`, `indexed_count`): the planner's estimate from that
index's statistics (ANALYZE) says whether the piece is dense; if not, the index's deeds are
counted up to FEW + 1.  If they are that few they are read and sorted (a MATERIALIZED CTE, so
the planner cannot turn it into a scan); if not, matches are dense and the ordered scan of the
sort column's index fills a page after a few rows.  For 4 characters or more the same, after two
checks: the planner's estimate of the rule's own rows (the folded columns' statistics) sends a
dense search to the ordered scan at once, and only the search's pieces in at most RARE of the
deeds are asked (a GIN index reads a dense piece's whole list), and when the deeds have few
distinct owners the owner part is the owners that contain the text (`owners_containing`), not the
owner's pieces.  Searches of 3 characters, and those the pieces do not narrow to FEW, are left to
the planner and pg_trgm's indexes.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Iterator, NamedTuple

from sqlalchemy import Connection, Select, func, literal_column, or_, select
from sqlalchemy import text as sql_text
from sqlmodel import col

from core.store import LIKE_ESCAPE, DeedRow, like_contains

COLUMNS = ("parcel", "address", "owner")
FOLDED = tuple(f"{column}_folded" for column in COLUMNS)
SEPARATOR = "\x01"  # between the columns in deed_short_grams
SHORT = 2  # searches this long or shorter are answered from ix_deeds_short_grams
_CUT = "\x02"  # deed_short_grams cuts its pairs on it
# A piece the planner expects in more than DENSE * FEW deeds is dense: its estimate comes from a
# 30,000-deed sample (a piece in FEW of 1,000,000 deeds is seen ~150 times there, not 750).
DENSE = 5

# The pieces of the three values joined: the characters (string_to_array with a NULL separator),
# and the pairs of adjacent characters, cut by regexp_replace from offset 1 and from offset 2 (a
# U+0002 after every pair, then split on it: C functions, ~25 µs a deed, where a generate_series
# loop takes ~150 µs).  A value holding U+0002 itself yields a few extra or missing pieces, all
# holding a control character; extra pieces are harmless (the rule checks every row), and a search
# holding U+0002 or U+0001 (pieces across two columns) is not asked of this index (`short`).
_JOINED = "(parcel || chr(1) || address || chr(1) || owner)"
_SHORT_GRAMS_FUNCTION = (
    "CREATE OR REPLACE FUNCTION deed_short_grams(parcel text, address text, owner text) RETURNS text[] "
    "LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT array_remove("
    f"string_to_array({_JOINED}, NULL) "
    f"|| string_to_array(regexp_replace({_JOINED}, '(..)', '\\1' || chr(2), 'g'), chr(2)) "
    f"|| string_to_array(regexp_replace(substr({_JOINED}, 2), '(..)', '\\1' || chr(2), 'g'), chr(2)), '') $$"
)
_SHORT_GRAMS = f"deed_short_grams({', '.join(f'deeds.{c}' for c in FOLDED)})"


# Migration 0017: the 4-character pieces of each folded column, tagged by column (a suffix), so
# that a search of 4 characters or more asks for pieces that must all come from one column.  Each
# offset 1..4 is cut into pieces of 4 by regexp_replace (a U+0002 after each piece and its tag,
# then split on it), the value first cut to a multiple of 4 so that no shorter rest is left (an
# alternative `|.{1,3}$` for the rest made the cut six times slower).  A value holding U+0002
# yields a few wrong pieces, all holding it or shorter than a tagged piece: a search holding
# U+0002 is not asked of this index (`long`).
LONG = 4
TAGS = ("p", "a", "o")  # parcel, address, owner
_CUT_4 = "regexp_replace(substr(v, {k}, (length(v) - {m}) / 4 * 4), '(....)', '\\1' || tag || chr(2), 'g')"
_PIECES_FUNCTION = (
    "CREATE OR REPLACE FUNCTION deed_pieces(v text, tag text) RETURNS text[] "
    "LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT array_remove(string_to_array("
    + " || ".join(_CUT_4.format(k=k, m=k - 1) for k in range(1, LONG + 1))
    + ", chr(2)), '') $$"
)
# Not STRICT: PostgreSQL inlines a STRICT SQL function only when its body is strict, and it cannot
# tell that of deed_pieces before inlining it; run as a function, it cost ~200 µs a deed, not ~35.
# (A NULL column, which the deeds table does not allow, would give the other columns' pieces.)
_LONG_GRAMS_FUNCTION = (
    "CREATE OR REPLACE FUNCTION deed_long_grams(parcel text, address text, owner text) RETURNS text[] "
    "LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT "
    + " || ".join(f"deed_pieces({column}, '{tag}')" for column, tag in zip(COLUMNS, TAGS, strict=True))
    + " $$"
)
_LONG_GRAMS = f"deed_long_grams({', '.join(f'deeds.{c}' for c in FOLDED)})"


def long_statements() -> tuple[str, ...]:
    """Migration 0017 on PostgreSQL: the index of the folded columns' tagged 4-character pieces."""
    return (
        _PIECES_FUNCTION,
        _LONG_GRAMS_FUNCTION,
        f"CREATE INDEX IF NOT EXISTS ix_deeds_long_grams ON deeds USING gin (deed_long_grams({', '.join(FOLDED)}))",
        "ANALYZE deeds",
    )


def statements(trigram_ops: str | None) -> tuple[str, ...]:
    """Migration 0015 on PostgreSQL: the folded columns, their indexes (pg_trgm's only with
    `trigram_ops`), the pg_trgm indexes of 0014 dropped, and statistics for the planner."""
    made = (
        *(
            f"ALTER TABLE deeds ADD COLUMN IF NOT EXISTS {folded} text GENERATED ALWAYS AS (lower({column})) STORED"
            for column, folded in zip(COLUMNS, FOLDED, strict=True)
        ),
        _SHORT_GRAMS_FUNCTION,
        f"CREATE INDEX IF NOT EXISTS ix_deeds_short_grams ON deeds USING gin (deed_short_grams({', '.join(FOLDED)}))",
    )
    trigram = tuple(
        f"CREATE INDEX IF NOT EXISTS ix_deeds_{folded}_trgm ON deeds USING gin ({folded} {trigram_ops})"
        for folded in FOLDED
    )
    dropped = tuple(f"DROP INDEX IF EXISTS ix_deeds_{column}_trgm" for column in COLUMNS)
    return made + (trigram if trigram_ops is not None else ()) + dropped + ("ANALYZE deeds",)


def plan_for_this_text(conn: Connection) -> None:
    """Plans made for the text searched, never a generic one, until the transaction ends.

    psycopg prepares a statement run 5 times, and PostgreSQL may then plan it once for any
    parameter: with `lower($1)` unknown it scans every deed (measured: "é" 1.1 s instead of 6 ms,
    "3-" 1.5 s instead of 5 ms, after a few other searches)."""
    conn.exec_driver_sql("SELECT set_config('plan_cache_mode', 'force_custom_plan', true)")


def rule(text: str) -> Any:
    """The rule on the folded columns: the rows of ILIKE `text` (literally) on parcel, address or owner."""
    return _folded_like([literal_column(f"deeds.{folded}") for folded in FOLDED], text)


def _folded_like(folded: list[Any], text: str) -> Any:
    pattern = func.lower(like_contains(text))
    return or_(*(column.like(pattern, escape=LIKE_ESCAPE) for column in folded))


def short(text: str) -> bool:
    """Whether ix_deeds_short_grams answers `text`: 1 or 2 characters, neither U+0001 (its pieces
    across two columns are indexed too) nor U+0002 (some of its pieces are not)."""
    return len(text) <= SHORT and SEPARATOR not in text and _CUT not in text


def _short_condition(text: str) -> Any:
    return sql_text(f"{_SHORT_GRAMS} @> ARRAY[lower(:piece)]").bindparams(piece=text)


def long(text: str) -> bool:
    """Whether ix_deeds_long_grams answers `text`: 4 characters or more, without U+0002 (some of
    its pieces are not indexed)."""
    return len(text) >= LONG and _CUT not in text


# A search's pieces asked of ix_deeds_long_grams: those in at most this share of the deeds (by the
# index's statistics; a piece ANALYZE did not list among the most common is rarer than ~0.5 %).
# A GIN index reads a piece's whole list: "es, " (every deed) costs ~30 ms, where "s, a" costs
# nothing; the pieces left out only add candidates, which the rule checks.
RARE = 0.25
# When no piece is that rare, the rarest few are asked (the estimate will mostly call it dense).
ALL_DENSE = 3

_PIECE_SHARES = (
    "SELECT t.tag, p.piece, coalesce(m.share, 0) FROM unnest(CAST(:tags AS text[])) AS t(tag) "
    "CROSS JOIN LATERAL unnest(deed_pieces(lower(:text), t.tag)) AS p(piece) "
    "LEFT JOIN (SELECT e.piece, e.share FROM pg_stats s CROSS JOIN LATERAL "
    "unnest(CAST(CAST(s.most_common_elems AS text) AS text[]), s.most_common_elem_freqs) AS e(piece, share) "
    "WHERE s.tablename = 'ix_deeds_long_grams' AND s.schemaname = current_schema()) AS m ON m.piece = p.piece "
    # and ANALYZE's estimate of the distinct owners (below 0: a share of the deeds), in the same
    # round trip: pg_stats costs ~0.8 ms a statement
    "UNION ALL SELECT '', NULL, s.n_distinct FROM pg_stats s "
    "WHERE s.tablename = 'deeds' AND s.attname = 'owner' AND s.schemaname = current_schema()"
)


class Shares(NamedTuple):
    """A search's tagged pieces with their share of the deeds (by the index's statistics), and
    ANALYZE's estimate of the distinct owners (None: no statistics yet)."""

    pieces: dict[str, list[tuple[float, str]]]
    owners: float | None


def piece_shares(conn: Connection, text: str) -> Shares:
    """The shares of `text`'s tagged 4-character pieces, cut by the database (its lower() and its
    notion of a character, as for the values), and the owners' estimate."""
    pieces: dict[str, list[tuple[float, str]]] = {tag: [] for tag in TAGS}
    owners = None
    for tag, piece, share in conn.execute(sql_text(_PIECE_SHARES).bindparams(tags=list(TAGS), text=text)):
        if tag == "":
            owners = float(share)
        else:
            pieces[str(tag)].append((float(share), str(piece)))
    return Shares(pieces, owners)


def rare_pieces(conn: Connection, text: str, shares: Shares | None = None) -> dict[str, list[str]]:
    """For each column's tag, the tagged 4-character pieces of `text` to ask the index for: those
    in at most RARE of the deeds, or the ALL_DENSE rarest when none is."""
    chosen: dict[str, list[str]] = {}
    for tag, pieces in (shares or piece_shares(conn, text)).pieces.items():
        rare = sorted({piece for share, piece in pieces if share <= RARE})
        chosen[tag] = rare or [piece for _share, piece in sorted(set(pieces))[:ALL_DENSE]]
    return chosen


def _long_condition(pieces: dict[str, list[str]], owners: list[str] | None = None) -> Any:
    """The deeds holding every piece asked in one column, or (`owners`) held by one of those owners:
    a superset of the rule's rows when `owners` are all the owners that contain the text."""
    held = [] if not owners else [sql_text("deeds.owner = ANY(CAST(:owners AS varchar[]))").bindparams(owners=owners)]
    return or_(
        *(
            sql_text(f"{_LONG_GRAMS} @> CAST(:pieces_{tag} AS text[])").bindparams(**{f"pieces_{tag}": asked})
            for tag, asked in pieces.items()
        ),
        *held,
    )


def condition(conn: Connection, text: str) -> Any:
    """The deeds the pieces' indexes give for `text` (for `indexed` texts): a superset of its rows.

    For 4 characters or more, the owner part comes from the owners themselves when they are few
    (`owners_containing`): an owner's pieces are in all of its deeds, and one owner of 83,333 deeds
    made the pieces of "4ebec" (a piece of its address that it does not hold) useless."""
    if short(text):
        return _short_condition(text)
    shares = piece_shares(conn, text)
    pieces = rare_pieces(conn, text, shares)
    owners = owners_containing(conn, text) if shares.owners is None or 0 <= shares.owners <= FEW_OWNERS else None
    if owners is None:
        return _long_condition(pieces)
    del pieces["o"]  # the owners answer the owner part exactly
    return _long_condition(pieces, owners)


# A ledger with at most this many distinct owners (by ANALYZE's estimate, or with no estimate yet)
# has the owner part of a search of 4 characters or more answered from the owners themselves
# (`owners_containing`): each is one lookup in ix_deeds_by_owner, ~5-15 µs; 1,000 cost 5-15 ms.
FEW_OWNERS = 1_000

# The distinct owners, read from ix_deeds_by_owner one at a time (the least owner after the last:
# a loose index scan), at most FEW_OWNERS + 1 of them (the estimate may be wrong), and those of them
# that contain the text.
_OWNERS = (
    "WITH RECURSIVE o(owner, n) AS ("
    "(SELECT d.owner, 1 FROM deeds d ORDER BY d.owner LIMIT 1) "
    "UNION ALL SELECT (SELECT d.owner FROM deeds d WHERE d.owner > o.owner ORDER BY d.owner LIMIT 1), o.n + 1 "
    "FROM o WHERE o.owner IS NOT NULL AND o.n <= :few) "
    "SELECT count(o.owner), coalesce(array_agg(o.owner) FILTER "
    "(WHERE lower(o.owner) LIKE lower(:pattern) ESCAPE :escape), CAST(ARRAY[] AS varchar[])) FROM o"
)


def owners_containing(conn: Connection, text: str) -> list[str] | None:
    """Every owner whose value contains `text` (the rule on the owner column: lower() as for
    owner_folded), when the deeds have at most FEW_OWNERS distinct owners; None when they have
    more, or no deed at all."""
    counted, owners = conn.execute(
        sql_text(_OWNERS).bindparams(few=FEW_OWNERS, pattern=like_contains(text), escape=LIKE_ESCAPE)
    ).one()
    if int(counted) == 0 or int(counted) > FEW_OWNERS:
        return None
    return [str(owner) for owner in owners]


def few(conn: Connection, text: str, limit: int, where: Any = None) -> bool:
    """For a search of 1 or 2 characters, or of 4 or more: whether its index holds at most `limit`
    deeds for it (`where`: its `condition`).

    The planner's estimate first (ANALYZE keeps the index's most common pieces and their share: a
    few ms): far more than `limit`, and the search is dense.  Otherwise the index's deeds are counted
    up to limit + 1 (a GIN index reads a piece's whole list: 1,000,000 deeds cost ~115 ms, which the
    estimate spares the dense pieces)."""
    probe = select(col(DeedRow.deed_id)).where(condition(conn, text) if where is None else where)
    if _estimate(conn, probe) > DENSE * limit:
        return False
    counted = conn.execute(select(func.count()).select_from(probe.limit(limit + 1).subquery())).scalar_one()
    return int(counted) <= limit


def _estimate(conn: Connection, query: Select[Any]) -> float:
    compiled = query.compile(conn)
    plan = conn.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {compiled}", compiled.params).scalar_one()
    return float(plan[0]["Plan"]["Plan Rows"])


def _pieces(conn: Connection, text: str, limit: int) -> Any:
    """The `condition` for an `indexed` text when its index holds at most `limit` deeds; else None.

    For 4 characters or more, first the planner's estimate of the rule's own rows (the folded
    columns' statistics: "maple" ~80,000, "es, a" ~200): dense matches are left to the ordered scan
    at once.  The pieces' estimate cannot tell them, it takes the pieces as independent ("duff av":
    21 deeds expected, 67,461 hold its pieces) and their count would read 5,001 deeds (~20 ms)."""
    if long(text) and _estimate(conn, select(col(DeedRow.deed_id)).where(rule(text))) > DENSE * limit:
        return None
    where = condition(conn, text)
    return where if few(conn, text, limit, where) else None


# Inside `index_plans`: no sequential scan, no parallel workers and no JIT compilation.
_INDEX_PLANS = {"enable_seqscan": "off", "max_parallel_workers_per_gather": "0", "jit": "off"}


@contextmanager
def index_plans(conn: Connection) -> Iterator[None]:
    """No sequential scan of the deeds inside: it would compute `deed_short_grams` for every deed
    it reads (~28 µs each), where the index has them (the planner prices that call far lower).
    No parallel workers either: the planner expects thousands of rows from a piece it has no
    statistics for and starts two, which costs 10-15 ms to read a few hundred deeds or none.
    No JIT: a sequential scan the planner picks all the same (a table of a few deeds, emptied and
    filled again) is priced 10,000,000,000 with `enable_seqscan` off, far above `jit_above_cost`,
    and compiling its expressions took 200-500 ms a statement to read a handful of deeds."""
    names = list(_INDEX_PLANS)
    was = conn.execute(sql_text(_READ_SETTINGS).bindparams(names=names)).scalars().all()
    _set(conn, names, list(_INDEX_PLANS.values()))
    yield  # (an error leaves the transaction aborted: its rollback undoes the settings, no reset here)
    _set(conn, names, [str(value) for value in was])


# One round trip each (a search makes several; each costs ~0.2-1 ms on a loaded machine).
_READ_SETTINGS = "SELECT current_setting(n) FROM unnest(CAST(:names AS text[])) WITH ORDINALITY AS s(n, i) ORDER BY i"
_SET_SETTINGS = "SELECT set_config(n, v, true) FROM unnest(CAST(:names AS text[]), CAST(:values AS text[])) AS s(n, v)"


def _set(conn: Connection, names: list[str], values: list[str]) -> None:
    conn.execute(sql_text(_SET_SETTINGS).bindparams(names=names, values=values)).all()


def indexed(text: str) -> bool:
    """Whether one of the pieces' indexes (1-2 characters, or 4 and more) can answer `text`."""
    return short(text) or long(text)


def indexed_ids(
    conn: Connection, text: str, order_by: str, descending: bool, limit: int | None, offset: int, at_most: int
) -> list[int] | None:
    """A page of the deeds matching an `indexed` text, sorted, when its index holds at most `at_most`
    (they are read once, MATERIALIZED so that the planner cannot turn it into a scan, and sorted);
    None when it holds more (dense: the ordered scan fills a page after a few rows; or, for 4
    characters and more, the planner's plan)."""
    with index_plans(conn):
        where = _pieces(conn, text, at_most)
        if where is None:
            return None
        query = read_and_sort(text, order_by, descending, where).offset(offset)
        return [int(i) for i in conn.execute(query if limit is None else query.limit(limit)).scalars()]


def read_and_sort(text: str, order_by: str, descending: bool, where: Any) -> Select[Any]:
    """The deeds the pieces' index gives for `text` (`where`: its `condition`), checked with the
    rule, sorted."""
    found = _found(where, order_by)
    key = found.c.key.desc() if descending else found.c.key
    return select(found.c.deed_id).where(_folded_like(_folded_of(found), text)).order_by(key, found.c.deed_id)


def _found(where: Any, order_by: str) -> Any:
    """The deeds a pieces' index gives (`where`), read once (MATERIALIZED) with their sort key and
    folded values: the rule is checked on them outside, where the planner cannot answer it with
    pg_trgm's index instead (for 1 or 2 characters that index has no trigram: it would read all of
    itself and compute `deed_short_grams` for each deed)."""
    return (
        select(
            col(DeedRow.deed_id),
            col(getattr(DeedRow, order_by)).label("key"),
            *(literal_column(f"deeds.{folded}").label(folded) for folded in FOLDED),
        )
        .where(where)
        .cte("found")
        .prefix_with("MATERIALIZED")
    )


def indexed_count(conn: Connection, text: str, at_most: int) -> int | None:
    """How many deeds match an `indexed` text when its index holds at most `at_most`; else None."""
    with index_plans(conn):
        where = _pieces(conn, text, at_most)
        if where is None:
            return None
        found = _found(where, "deed_id")
        matching = select(func.count()).select_from(found).where(_folded_like(_folded_of(found), text))
        return int(conn.execute(matching).scalar_one())


def _folded_of(found: Any) -> list[Any]:
    return [found.c[folded] for folded in FOLDED]


# The names before 0017 (1-2 characters only): older copies of core/deed_search.py call them, as
# benchmarks/deed_search_plans.py --before does; they answer a short text as they did.
short_ids = indexed_ids
short_count = indexed_count
