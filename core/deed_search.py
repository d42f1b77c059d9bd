"""Searching deeds by parcel, address or owner: the rule, the trigram index and the plan.

The rule is the one `deeds --search` always had: a deed matches when its parcel, address
or owner contains the text, ignoring ASCII case, `%` and `_` taken literally (SQLite LIKE;
ILIKE elsewhere).  On 1,000,000 deeds that rule alone reads every row before it knows that
a search matches few or none, so a trigram index answers "which deeds may match":

- SQLite: `deeds_fts`, an FTS5 table with the `trigram` tokenizer (contentless, with
  positions since schema 0016), kept by triggers in the same transaction as every deed
  write.  Each column is indexed with two U+0001 characters after it, so every character of a
  value starts a trigram: a search of 1 or 2 characters is the trigrams it begins, listed
  from `deeds_fts_terms` (fts5vocab) by range; a longer one is the phrase of its trigrams, or of
  pieces of it when its trigrams are common (`selective`).  Answers are supersets (the index
  folds case beyond ASCII, pieces hold more), so every candidate is checked with the rule.
- PostgreSQL (migration 0015): the three columns folded by lower() in stored columns, pg_trgm's
  index on each and an index of their 1- and 2-character pieces, with the plan for short
  searches decided there: core.deed_search_pg.

The plan (SQLite): ask the index for at most FEW + 1 candidates (rowids or term counts
only: milliseconds, or a phrase's walk).  None: no deed matches.  If they are that few, read
and sort them in SQL (cheap; the rowids read are the filter, so the walk is not repeated).  If there are more, matches are dense (the phrase's candidates
are its matches) and the ordered scan of the sort column's index fills a page quickly, unless
the query was a long search's selective runs (`selective`), whose candidates may mostly not
match.  A sample (the first SAMPLE candidates checked with the rule) and, when it does not
settle it, the number of candidates (counted up to MANY) tell which: the plan with fewer row
reads is taken, reading a candidate by rowid costing SEEK_COST rows of the scan
(`worth_reading`; the pane's count stops at FEW + 1 matches, read from the index).
"""

from __future__ import annotations

import functools
import sqlite3
from typing import Any, NamedTuple, Sequence

from sqlalchemy import Connection, Select, func, or_, select
from sqlalchemy import text as sql_text
from sqlmodel import col

from core import deed_search_pg
from core.errors import DeedbookError
from core.store import LIKE_ESCAPE, DeedRow, like_contains

MAX_SEARCH_CHARS = 200  # a parcel, an address or an owner address is far shorter
FEW = 5_000  # matches sorted from the index; more, and the ordered scan fills a page sooner
MANY = 100_000  # at most this many candidates may be read and sorted (measured: benchmarks/deed_search_plans.py)
SAMPLE = 250  # candidates checked to estimate how many of them match, and how many there are
SEEK_COST = 4  # reading a candidate by rowid costs about 4 rows of the ordered scan (measured on 1,000,000 deeds)
PROBE = 100  # a trigram's share of the deeds is estimated from the rowid of its PROBE-th deed
SELECTIVE = 0.5  # trigrams in more deeds than this share are left out of a long search's query
PHRASE_READS = 0.5  # a phrase's walk may reach this many times the deeds (~0.1 µs a step: measured)
WINDOW_ROWS = 512  # deeds sampled to find a rare piece of a search of dense trigrams (~0.1 ms a piece)
WINDOW_RUNS = 16  # in this many runs of consecutive deeds, spread over the ledger
WINDOWS = 64  # at most this many pieces sampled
TRIGRAM = 3

FTS_TABLE = "deeds_fts"
TERMS_TABLE = "deeds_fts_terms"
COLUMNS = ("parcel", "address", "owner")


def _values(row: str) -> str:
    return ", ".join(f"{row}.{c} || char(1, 1)" for c in COLUMNS)


_DELETE = f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {', '.join(COLUMNS)}) VALUES ('delete', old.deed_id, {_values('old')});"
_INSERT = f"INSERT INTO {FTS_TABLE}(rowid, {', '.join(COLUMNS)}) VALUES (new.deed_id, {_values('new')});"
# SQLite: the index, its term list, the triggers that keep it in each deed write's transaction,
# and its contents from the deeds already there (emptied first: this may run again on an old index).
SQLITE_INDEX = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5({', '.join(COLUMNS)}, "
    "content='', tokenize='trigram', detail='full')",
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {TERMS_TABLE} USING fts5vocab({FTS_TABLE}, 'row')",
    f"CREATE TRIGGER IF NOT EXISTS deeds_fts_insert AFTER INSERT ON deeds BEGIN {_INSERT} END",
    f"CREATE TRIGGER IF NOT EXISTS deeds_fts_delete AFTER DELETE ON deeds BEGIN {_DELETE} END",
    "CREATE TRIGGER IF NOT EXISTS deeds_fts_update AFTER UPDATE OF deed_id, parcel, address, owner ON deeds "
    f"BEGIN {_DELETE} {_INSERT} END",
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('delete-all')",
    f"INSERT INTO {FTS_TABLE}(rowid, {', '.join(COLUMNS)}) SELECT deed_id, {_values('deeds')} FROM deeds",
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('optimize')",  # one segment: phrases read faster (~20 %)
)
# Migration 0014's PostgreSQL indexes (0015 drops them for pg_trgm's on the folded columns: core.deed_search_pg).
POSTGRES_INDEX = tuple(
    f"CREATE INDEX IF NOT EXISTS ix_deeds_{column}_trgm ON deeds USING gin ({column} {{ops}})" for column in COLUMNS
)


@functools.cache
def trigram_supported() -> bool:
    """Whether this SQLite has FTS5's trigram tokenizer (3.34 and later, built with FTS5): without it the
    index is not made and searches read every deed, correctly and as slowly as before it."""
    try:
        with sqlite3.connect(":memory:") as probe:
            probe.execute("CREATE VIRTUAL TABLE probe USING fts5(x, tokenize='trigram')")
    except sqlite3.Error:
        return False
    return True


def clean_search(search: str | None) -> str | None:
    """The text searched for (None: no search), or one sentence when it is too long."""
    if not search or not search.strip():
        return None
    if len(search.strip()) > MAX_SEARCH_CHARS:  # LIKE patterns have a length limit (SQLite: 50,000 bytes)
        raise DeedbookError(f"A search is at most {MAX_SEARCH_CHARS} characters; shorten it.")
    return search.strip()


def matches(dialect: str, text: str) -> Any:
    """The rule: parcel, address or owner contains `text`, ignoring case.

    SQLite's LIKE already ignores ASCII case, and without lower() it can scan the
    (parcel, address, owner) index instead of every row; PostgreSQL compares the folded value
    (core.deed_search_pg); elsewhere ILIKE does it."""
    pattern = like_contains(text)
    columns = (col(DeedRow.parcel), col(DeedRow.address), col(DeedRow.owner))
    if dialect == "sqlite":
        return or_(*(c.like(pattern, escape=LIKE_ESCAPE) for c in columns))
    if dialect == "postgresql":
        return deed_search_pg.rule(text)
    return or_(*(c.ilike(pattern, escape=LIKE_ESCAPE) for c in columns))


# The rule in SQLite's own words, for statements written by hand (parameters: pattern, escape, three times).
_RULE_SQL = "(deeds.parcel LIKE ? ESCAPE ? OR deeds.address LIKE ? ESCAPE ? OR deeds.owner LIKE ? ESCAPE ?)"


def fts_query(text: str) -> str:
    """An FTS5 query for rows holding `text` (3 characters or more), up to the index's case folding:
    the phrase of its trigrams, quoted (no operators, no columns)."""
    return _quoted(text)


def _quoted(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def selective(conn: Connection, text: str) -> str:
    """An FTS5 query for rows that may contain `text` (3 characters or more).

    Usually the phrase of `text` itself (its trigrams next to each other in one column): the rows
    holding `text`, up to the index's case folding.  FTS5 walks a phrase's rarest trigram and
    seeks each of the others' position lists to its deeds, so a long search of common trigrams
    (an address with its town and ZIP code) is costly: when that walk would reach more than
    PHRASE_READS times the deeds, the query is instead the phrases of the search's runs of
    selective trigrams, ANDed: a superset, cheaper to read, whose candidates the rule checks
    (`worth_reading` weighs reading them).  A search without such a run (every trigram dense) is
    asked as the phrase of a piece of it that a sample says is rare (`_rare_window`), else as the phrase.

    A trigram's share is estimated from where its PROBE-th deed is (a few rowids read each).
    An estimate only changes how many candidates the rule checks."""
    grams = _trigrams(text)
    if len(grams) == 1:
        return _quoted(text)
    share_of = {}
    for gram in dict.fromkeys(grams):  # (each trigram probed once, however often it recurs)
        probed = conn.exec_driver_sql(
            f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH ? LIMIT 1 OFFSET ?", (_quoted(gram), PROBE - 1)
        ).scalar()
        share_of[gram] = 0.0 if probed is None else PROBE / max(int(probed), PROBE)
    shares = [share_of[gram] for gram in grams]
    if min(shares) * len(grams) <= PHRASE_READS:
        return _quoted(text)
    runs, start = [], None
    for i, share in enumerate([*shares, 1.0]):  # (a common trigram closes the run before it)
        if share <= SELECTIVE and start is None:
            start = i
        elif share > SELECTIVE and start is not None:
            runs.append(text[start : i - 1 + TRIGRAM])
            start = None
    if runs:
        return " AND ".join(_quoted(run) for run in runs)
    return _rare_window(conn, text, share_of)


def _rare_window(conn: Connection, text: str, share_of: dict[str, float]) -> str:
    """For a search whose every trigram is dense: the phrase of the shortest piece of it (two
    trigrams or more) that a sample of the deeds says is rare, else the phrase of the search.

    FTS5 walks a phrase of dense trigrams by reading each one's whole position list (~30 ms CPU for
    a trigram of every one of 1,000,000 deeds), so a search that matches few costs as many lists as
    it has trigrams ("es, a": 3, ~90 ms; "ames, ames": 8, ~250 ms).  Any piece of the search proposes
    a superset of its rows (the rule checks them), and a piece that the deeds never hold ("s, a") is
    walked in as many lists as it has trigrams.  The sample: the rule on WINDOW_ROWS deeds, in runs
    spread over the ledger.  When the search itself is in the sample its matches are dense (the
    phrase stops at the first page); otherwise its pieces are sampled, shortest first (at most
    WINDOWS), and of the shortest absent ones the one whose trigrams' lists are shortest is asked."""
    if len(text) <= TRIGRAM + 1:
        return _quoted(text)
    sample = _sample_bounds(conn)
    if _sampled(conn, sample, [text])[0] > 0:
        return _quoted(text)
    tried = 0
    for size in range(TRIGRAM + 1, len(text)):  # (2 trigrams up to one fewer than the search's)
        pieces = list(dict.fromkeys(text[i : i + size] for i in range(len(text) - size + 1)))[: WINDOWS - tried]
        if not pieces:
            break
        tried += len(pieces)
        absent = [piece for piece, hit in zip(pieces, _sampled(conn, sample, pieces), strict=True) if hit == 0]
        if absent:
            return _quoted(min(absent, key=lambda piece: sum(share_of[g] for g in _trigrams(piece))))
    return _quoted(text)


def _trigrams(text: str) -> list[str]:
    return [text[i : i + TRIGRAM] for i in range(len(text) - TRIGRAM + 1)]


def _sample_bounds(conn: Connection) -> list[int]:
    """The sampled deeds: WINDOW_RUNS runs of consecutive deed numbers spread from the first to the
    last, as (first, last) bounds in one flat list (read once per search, for every piece sampled)."""
    deeds = int(conn.exec_driver_sql("SELECT coalesce(max(deed_id), 0) FROM deeds").scalar_one())
    width = max(1, WINDOW_ROWS // WINDOW_RUNS)
    starts = sorted({1 + max(deeds - width, 0) * i // max(WINDOW_RUNS - 1, 1) for i in range(WINDOW_RUNS)})
    return [bound for start in starts for bound in (start, start + width - 1)]


def _sampled(conn: Connection, bounds: list[int], pieces: list[str]) -> list[int]:
    """How many of the sampled deeds (`_sample_bounds`) each piece is in, by the rule (one statement,
    one pass over the sample)."""
    sums = ", ".join(
        f"coalesce(sum(parcel LIKE ?{n} ESCAPE ?1 OR address LIKE ?{n} ESCAPE ?1 OR owner LIKE ?{n} ESCAPE ?1), 0)"
        for n in range(2, len(pieces) + 2)
    )
    runs = " OR ".join(
        f"deed_id BETWEEN ?{n} AND ?{n + 1}" for n in range(len(pieces) + 2, len(pieces) + 2 + len(bounds), 2)
    )
    row = conn.exec_driver_sql(
        f"SELECT {sums} FROM deeds WHERE {runs}", (LIKE_ESCAPE, *(like_contains(p) for p in pieces), *bounds)
    ).one()
    return [int(hit) for hit in row]


def _short_query(conn: Connection, text: str) -> str | None:
    """For 1 or 2 characters: an FTS5 query for the rows holding a trigram that begins with `text`,
    if those trigrams are in at most FEW rows (else None); "" when there are none.

    The term list is read in order and left as soon as the rows add up past FEW (a term's count
    reads its row list)."""
    folded = _folded(conn, text)
    after = _next_character(folded[-1])
    rows = conn.exec_driver_sql(
        f"SELECT term, doc FROM {TERMS_TABLE} WHERE term >= ? AND term < ?",
        (folded, folded[:-1] + after) if after is not None else (folded, folded + chr(0x10FFFF) * 3),
    )
    terms, total = [], 0
    try:
        for term, docs in rows:
            total += int(docs)
            if total > FEW:
                return None
            terms.append(str(term))
    finally:
        rows.close()
    return " OR ".join(_quoted(term) for term in terms)


def _folded(conn: Connection, text: str) -> str:
    """`text` with its letters folded as the index folds them (ASCII: lower case; other letters:
    the index's tokenizer is asked, one character at a time, through a temporary table that the
    reader's transaction drops again)."""
    if text.isascii():
        return text.lower()
    conn.exec_driver_sql(
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.deeds_fold USING fts5(x, tokenize='trigram', detail='none')"
    )
    conn.exec_driver_sql(
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.deeds_fold_terms USING fts5vocab('temp', 'deeds_fold', 'row')"
    )
    folded = ""
    for character in text:
        conn.exec_driver_sql("DELETE FROM temp.deeds_fold")
        conn.exec_driver_sql("INSERT INTO temp.deeds_fold(x) VALUES (? || char(1, 1))", (character,))
        [term] = conn.exec_driver_sql("SELECT term FROM temp.deeds_fold_terms").scalars()
        folded += str(term)[0]
    return folded


def _next_character(character: str) -> str | None:
    """The character right after `character` in code point order (None: there is none)."""
    following = ord(character) + 1
    if 0xD800 <= following <= 0xDFFF:  # surrogates are not characters
        following = 0xE000
    return chr(following) if following <= 0x10FFFF else None


class Candidates(NamedTuple):
    """What the index proposes for a search: its FTS5 query ("": no deed) and, when the plan has
    read them already, their rowids as a JSON array (the rows' filter reads that instead of walking
    the query's position lists a second time)."""

    query: str
    rowids: str | None = None


NONE = Candidates("", "[]")


def narrowed(conn: Connection, text: str) -> str | None:
    """An FTS5 query whose rows include every deed matching `text` and are at most FEW ("": no deed
    can match); None when the index cannot narrow the search that far (dense, or not SQLite)."""
    found = _narrowed(conn, text)
    return None if found is None else found.query


def _narrowed(conn: Connection, text: str) -> Candidates | None:
    """`narrowed`, with the candidates' rowids when they were read.

    Only rowids or term counts are read, at most FEW + 1 of them: milliseconds even when dense;
    a phrase of common trigrams that matches nothing walks their position lists (2 trigrams in
    every one of 1,000,000 deeds: ~60 ms), once: the rowids read are the rows' filter.  (Many
    candidates but few real matches, a long search's selective runs apart: see `worth_reading`.)"""
    if conn.dialect.name != "sqlite" or not trigram_supported():
        return None
    if len(text) < TRIGRAM:
        short = _short_query(conn, text)
        return None if short is None else NONE if short == "" else Candidates(short)
    query = selective(conn, text)
    found, rowids = _read(conn, query, FEW + 1)
    if found == 0:
        return NONE  # no candidate: asked once, not again as the rows' filter
    return Candidates(query, rowids) if found <= FEW else None


def _read(conn: Connection, query: str, limit: int) -> tuple[int, str | None]:
    """The index's rows for `query`, at most `limit` of them: how many, and their rowids as a JSON
    array (None without SQLite's JSON functions: the query is then asked again as the filter)."""
    if not json_supported():
        found = conn.exec_driver_sql(
            f"SELECT count(*) FROM (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH ? LIMIT ?)", (query, limit)
        ).scalar_one()
        return int(found), None
    found, rowids = conn.exec_driver_sql(
        f"SELECT count(*), json_group_array(rowid) FROM (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH ? "
        "LIMIT ?)",
        (query, limit),
    ).one()
    return int(found), str(rowids)


@functools.cache
def json_supported() -> bool:
    """Whether this SQLite has the JSON functions (built in since 3.38; an option before)."""
    try:
        with sqlite3.connect(":memory:") as probe:
            probe.execute("SELECT value FROM json_each('[1]')").fetchall()
    except sqlite3.Error:
        return False
    return True


def worth_reading(conn: Connection, text: str, wanted: int | None, *, stops: bool = False) -> str | None:
    """For a search with more than FEW candidates: its FTS5 query if reading and checking the
    candidates costs fewer row reads than the ordered scan needs to find `wanted` matches (None:
    all of them), else None (the scan).  `stops`: the reading stops at `wanted` matches (a count);
    otherwise every candidate is read (they are sorted)."""
    found = _worth_reading(conn, text, wanted, stops=stops)
    return None if found is None else found.query


def _worth_reading(conn: Connection, text: str, wanted: int | None, *, stops: bool = False) -> Candidates | None:
    """`worth_reading`, with the candidates' rowids when they were counted.

    The scan reads about wanted / matches of every deed.  The first SAMPLE candidates (rowid
    order) are checked with the rule: the share that matches, and how far into the deeds they
    reach, estimate the matches and the candidates.  When that favours reading the candidates
    they are counted (up to MANY + 1, more: the scan) before the choice is final, since a wrong
    guess there would read more candidates than the scan reads deeds.  The estimates only
    choose a plan: both give exactly the rule's rows."""
    if conn.dialect.name != "sqlite" or not trigram_supported() or len(text) < TRIGRAM:
        return None
    query = selective(conn, text)
    deeds = int(conn.exec_driver_sql("SELECT coalesce(max(deed_id), 0) FROM deeds").scalar_one())
    if wanted is not None:
        pattern = like_contains(text)
        sampled, matched, reached = conn.exec_driver_sql(
            f"SELECT count(*), coalesce(sum({_RULE_SQL}), 0), coalesce(max(sample.rowid), 0) FROM (SELECT rowid "
            f"FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH ? LIMIT ?) AS sample JOIN deeds ON deeds.deed_id = sample.rowid",
            (*(pattern, LIKE_ESCAPE) * 3, query, SAMPLE),
        ).one()
        if int(sampled) == 0:
            return Candidates(query)  # no candidate (the index changed since it was asked): nothing to read
        share = int(matched) / int(sampled)
        if stops and share > 0 and wanted / share * SEEK_COST <= MANY:
            return Candidates(query)  # counting stops after a few candidates
        estimated = int(sampled) * deeds / max(int(reached), 1) if int(sampled) == SAMPLE else int(sampled)
        if not _cheaper(max(estimated, FEW + 1), share, wanted, deeds, stops):
            return None
    counted, rowids = _read(conn, query, MANY + 1)
    if counted > MANY:
        return None
    return Candidates(query, rowids) if wanted is None or _cheaper(counted, share, wanted, deeds, stops) else None


def _cheaper(candidates: float, share: float, wanted: int, deeds: int, stops: bool) -> bool:
    """Whether reading `candidates` by rowid (a `share` of them matching) costs fewer row reads than
    the ordered scan of `deeds` needs to find `wanted` matches."""
    scanned = deeds if share == 0 else min(deeds, wanted * deeds / (share * candidates))
    read = min(candidates, wanted / share) if stops and share > 0 else candidates
    return read * SEEK_COST < scanned


def ordered(query: Select[Any], order_by: str, descending: bool) -> Select[Any]:
    column = getattr(DeedRow, order_by, None) if order_by in DeedRow.model_fields else None
    if column is None:
        raise DeedbookError(f"Deeds cannot be sorted by {order_by}.")
    return query.order_by(col(column).desc() if descending else col(column), col(DeedRow.deed_id))


def _where(conn: Connection, query: Select[Any], text: str, found: Candidates | None) -> Select[Any]:
    query = query.where(matches(conn.dialect.name, text))  # always the rule: the index only narrows
    if found is None:
        return query
    return query.where(col(DeedRow.deed_id).in_(_rowids(found)))


def _rowids(found: Candidates) -> Any:
    """The candidates' rowids as a subquery: those read already, or the index asked again."""
    if found.rowids is not None:
        return sql_text("SELECT value FROM json_each(:rowids)").bindparams(rowids=found.rowids)
    return sql_text(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :fts").bindparams(fts=found.query)


def deed_ids(
    conn: Connection,
    search: str | None,
    *,
    order_by: str = "deed_id",
    descending: bool = False,
    limit: int | None = None,
    offset: int = 0,
) -> list[int]:
    """Deed numbers matching `search`, sorted in SQL by `order_by` (then deed number), a page of them.

    Few candidates: SQLite reads them by rowid and sorts them.  Many: it walks the sort
    column's index and stops when the page is full, which dense matches make quick."""
    text = clean_search(search)
    query = ordered(select(col(DeedRow.deed_id)), order_by, descending)
    if text is not None and conn.dialect.name == "postgresql":
        deed_search_pg.plan_for_this_text(conn)
        if deed_search_pg.indexed(text):  # `ordered` checked order_by
            found = deed_search_pg.indexed_ids(conn, text, order_by, descending, limit, offset, FEW)
            if found is not None:
                return found
    if text is not None:
        candidates = _narrowed(conn, text)
        if candidates == NONE:
            return []
        if candidates is None:
            candidates = _worth_reading(conn, text, None if limit is None else offset + limit)
        query = _where(conn, query, text, candidates)
    query = query.offset(offset)
    if limit is not None:
        query = query.limit(limit)
    return [int(i) for i in conn.execute(query).scalars()]


def deed_count(conn: Connection, search: str | None, *, at_most: int | None = None) -> int:
    """How many deeds match `search` (all of them without one); with `at_most`, counting stops
    past it and the answer is at_most + 1 ("more than at_most").

    All of them: the last deed number, one lookup in the primary key (a count of 1,000,000 deeds
    reads all of them: 74-78 ms on PostgreSQL).  Deed numbers have no gaps: a registration must
    take the next number (core/kinds/registration.py), a deed's row is only ever rewritten in place
    (core/projection.write_deeds deletes and inserts it in one transaction), replicas append
    through the same rules, and no migration removes a deed.  A row deleted by hand is `verify`'s
    to find ("missing from the deeds table")."""
    text = clean_search(search)
    if text is None:
        last = int(conn.execute(select(func.coalesce(func.max(col(DeedRow.deed_id)), 0))).scalar_one())
        return last if at_most is None else min(last, at_most + 1)
    if conn.dialect.name == "postgresql":
        deed_search_pg.plan_for_this_text(conn)
        counted = deed_search_pg.indexed_count(conn, text, FEW) if deed_search_pg.indexed(text) else None
        if counted is not None:
            return counted if at_most is None else min(counted, at_most + 1)
    candidates = _narrowed(conn, text)
    if candidates == NONE:
        return 0
    if candidates is None and at_most is not None:
        candidates = _worth_reading(conn, text, at_most + 1, stops=True)
        if candidates is not None and candidates.rowids is None:
            return _count_from_index(conn, text, candidates.query, at_most + 1)
    query = _where(conn, select(col(DeedRow.deed_id)), text, candidates)
    if at_most is not None:
        query = query.limit(at_most + 1)
    return int(conn.execute(select(func.count()).select_from(query.subquery())).scalar_one())


def _count_from_index(conn: Connection, text: str, index_query: str, limit: int) -> int:
    """The matches of `text`, up to `limit`, counted with the index driving the loop: its candidates
    are checked one by one in rowid order and the loop stops at `limit` (a dense search costs
    `limit` row reads, not a scan of every deed)."""
    pattern = like_contains(text)
    return int(
        conn.exec_driver_sql(
            f"SELECT count(*) FROM (SELECT deeds.deed_id FROM {FTS_TABLE} JOIN deeds ON deeds.deed_id = {FTS_TABLE}.rowid "
            f"WHERE {FTS_TABLE} MATCH ? AND {_RULE_SQL} LIMIT ?)",
            (index_query, *(pattern, LIKE_ESCAPE) * 3, limit),
        ).scalar_one()
    )


def index_statements(dialect: str, trigram_ops: str | None) -> Sequence[str]:
    """The statements that create (or refresh) the trigram index on this database."""
    if dialect == "sqlite":
        return SQLITE_INDEX if trigram_supported() else ()
    if dialect == "postgresql" and trigram_ops is not None:
        return tuple(statement.format(ops=trigram_ops) for statement in POSTGRES_INDEX)
    return ()
