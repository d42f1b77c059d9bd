"""The desktop's read paths on a PostgreSQL county ledger, each run again and again on one engine
as the app runs it: is the 6th run (and every later one) as fast as the first five?

    python benchmarks/pg_read_paths.py --db-url URL [--home DATA_DIR] [--runs 12] [--variants as-is,auto]
        [--before OLD_BROWSE_PY] [--together] [--only TEXT]

psycopg prepares a statement server-side once a connection has run it 5 times, and PostgreSQL may
then plan it once for any parameter (a generic plan): the deeds filter's "é" went from 6 ms to
1.1 s on its 6th run (docs/scale.md). Every path here is called through the core function the GUI
or the CLI calls, with a few representative arguments, on a fresh engine per path, argument and
variant (so runs 1-5 are unprepared and runs 6+ prepared), or with --together on one engine per
path and variant for all the path's arguments in turn (a desktop switching filters), the
variants' runs interleaved so load falls on each alike. Printed per path: the median of runs 1-5, of runs 6+, and the worst, in ms
(wall clock: the work is in the server). Variants:

- as-is: the engine as core.store makes it;
- auto: every connection set to PostgreSQL's default plan_cache_mode = auto;
- custom: every connection set to plan_cache_mode = force_custom_plan;
- no-prepare: psycopg never prepares (prepare_threshold = None).

The ledger: benchmarks/pg_ledger_copy.py, then benchmarks/pg_add_history.py (transfers, liens, a
long chain of title). DATA_DIR: a data folder for the ledger (its `verified/` record is what
`verify --since-checkpoint` starts from; without one that path is left out).
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event, text

from core.ledger import Ledger
from core.paths import DataDir

VARIANTS = ("as-is", "auto", "custom", "no-prepare")
Read = Callable[[Ledger], Any]


def _plan_cache_mode(mode: str) -> Callable[[Any, Any], None]:
    def set_mode(dbapi_connection: Any, _record: Any) -> None:
        autocommit = dbapi_connection.autocommit
        dbapi_connection.autocommit = True  # a SET in a transaction would be rolled back with it
        try:
            dbapi_connection.execute(f"SET plan_cache_mode = {mode}")
        finally:
            dbapi_connection.autocommit = autocommit

    return set_mode


def _no_prepare(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.prepare_threshold = None


def open_variant(home: DataDir, url: str, variant: str) -> Ledger:
    """The ledger on a new engine; its connections made as `variant` says (listeners run after core's)."""
    ledger = Ledger.open(home, url)
    if variant == "auto":
        event.listen(ledger.engine, "connect", _plan_cache_mode("auto"))
    elif variant == "custom":
        event.listen(ledger.engine, "connect", _plan_cache_mode("force_custom_plan"))
    elif variant == "no-prepare":
        event.listen(ledger.engine, "connect", _no_prepare)
    ledger.engine.dispose()  # the connection Ledger.open made had no listener: start again
    return ledger


def _facts(ledger: Ledger) -> dict[str, Any]:
    """The arguments the paths are run with, read once from the ledger itself."""
    with ledger.engine.connect() as conn:
        one = conn.execute

        def scalar(sql: str) -> Any:
            return one(text(sql)).scalar()

        facts = {
            "size": int(scalar("SELECT max(idx) FROM entries")) + 1,
            "long_deed": scalar(
                "SELECT deed_id FROM entries WHERE kind = 'Transfer' GROUP BY deed_id ORDER BY count(*) DESC LIMIT 1"
            ),
            "plain_deed": scalar("SELECT max(deed_id) FROM deeds WHERE version = 1 AND deed_id < 800000"),
            "owner": scalar("SELECT owner FROM deeds WHERE deed_id = 1"),
            "lienholder": scalar("SELECT holder FROM liens GROUP BY holder ORDER BY count(*) LIMIT 1"),
            "checkpoint": scalar("SELECT max(idx) FROM entries WHERE kind = 'Checkpoint'"),
            "kinds": [str(k) for k in one(text("SELECT kind FROM entries GROUP BY kind ORDER BY count(*)")).scalars()],
        }
    facts["long_parcel"] = ledger.deed(facts["long_deed"]).parcel if facts["long_deed"] else None
    return facts


BEFORE = " [before]"


def view_paths(facts: dict[str, Any], browse: Any, tag: str = "") -> list[tuple[str, str, Read]]:
    """The ledger view's reads through `browse` (core.browse, or an older copy of it: --before)."""
    from core.projection import DbState

    size, long_deed, plain = facts["size"], facts["long_deed"], facts["plain_deed"]
    rare_kind, common_kind = facts["kinds"][0], facts["kinds"][-1]
    length = getattr(browse, "ledger_length", None) or (lambda ledger: ledger.size())

    def newest_page(ledger: Ledger) -> Any:  # EntryModel.reload with no filter: the length, then the last block
        n = length(ledger)
        return browse.entries_at(ledger, range(max(0, n - 200), n))

    def filtered_page(kind: str | None = None, deed_id: int | None = None) -> Read:
        def read(ledger: Ledger) -> Any:  # EntryModel.reload with a filter: the indexes, then the last block
            keys = browse.entry_indexes(ledger, kind=kind, deed_id=deed_id)
            return browse.entries_at(ledger, keys[-200:])

        return read

    def summary(ledger: Ledger) -> Any:  # LedgerPane.reload: the last checkpoint, the length, the kinds
        return ledger.latest_checkpoint(), length(ledger), browse.entry_kinds(ledger)

    def registrars_before(ledger: Ledger) -> Any:  # Ledger.registrars as it was: the size by count(*)
        with ledger.engine.connect() as conn:
            return sorted(DbState(conn, ledger.identity, ledger.size()).registrars)

    return [
        ("ledger pane: checkpoint, length, kinds", tag, summary),
        ("ledger view: newest page", f"of {size:,}{tag}", newest_page),
        (
            "ledger view: a page deep in history",
            f"entries 500,000+{tag}",
            lambda lg: browse.entries_at(lg, range(500_000, 500_200)),
        ),
        ("ledger view: kinds (filter menu)", tag, browse.entry_kinds),
        ("ledger view: by kind", f"{rare_kind} (rarest){tag}", filtered_page(kind=rare_kind)),
        ("ledger view: by kind", f"Checkpoint{tag}", filtered_page(kind="Checkpoint")),
        ("ledger view: by kind", f"Transfer{tag}", filtered_page(kind="Transfer")),
        ("ledger view: by kind", f"{common_kind} (commonest){tag}", filtered_page(kind=common_kind)),
        ("ledger view: by deed", f"deed {long_deed} (long chain){tag}", filtered_page(deed_id=long_deed)),
        ("ledger view: by deed", f"deed {plain} (registered only){tag}", filtered_page(deed_id=plain)),
        ("registrars (keys pane)", tag, (lambda lg: lg.registrars()) if not tag else registrars_before),
    ]


def paths(facts: dict[str, Any], home: DataDir, before: Any = None) -> list[tuple[str, str, Read]]:
    from core import browse
    from core.compliance.recovery import deeds_held
    from core.cosignatures import last_cosigned, lines_of
    from core.proofs import build_proof
    from core.watch import new_entries

    size, long_deed, plain = facts["size"], facts["long_deed"], facts["plain_deed"]
    nobody = "0x" + "12" * 20

    def deeds_page(order_by: str, descending: bool) -> Read:
        def read(ledger: Ledger) -> Any:  # DeedsModel: the first block of deed numbers, then their rows
            ids = ledger.deed_ids(order_by=order_by, descending=descending, limit=64)
            return browse.deed_summaries(ledger, ids)

        return read

    def cosign_status(ledger: Ledger) -> Any:  # Workspace.cosign_status (the witnesses pane), its core calls
        from core.checkpoint_note import cosigners
        from core.cosignatures import note_of_checkpoint

        latest = ledger.latest_checkpoint()
        assert latest is not None
        return tuple(cosigners(note_of_checkpoint(ledger, latest))), last_cosigned(ledger)

    def detail(deed_id: int) -> Read:
        return lambda ledger: (ledger.deed(deed_id), ledger.history(deed_id))  # DeedDetail.load

    found = view_paths(facts, browse) + (view_paths(facts, before, BEFORE) if before is not None else [])
    found += [
        ("deeds pane: first page + summaries", "by deed number", deeds_page("deed_id", False)),
        ("deeds pane: first page + summaries", "by address, descending", deeds_page("address", True)),
        ("deeds pane: count of every deed", "", lambda lg: lg.deed_count()),
        ("deed detail (deed, history)", f"deed {long_deed} (long chain)", detail(long_deed)),
        ("deed detail (deed, history)", f"deed {plain} (registered only)", detail(plain)),
        ("deed by parcel (deed show)", f"parcel {facts['long_parcel']}", lambda lg: lg.deed(facts["long_parcel"])),
        ("refresh after NOTIFY", "5 new entries", lambda lg: new_entries(lg.engine, size - 5)),
        ("Ledger.size() (count of rows)", "", lambda lg: lg.size()),
        ("holdings of a party", "a demo owner", lambda lg: deeds_held(lg, facts["owner"])),
        ("holdings of a party", "an address holding none", lambda lg: deeds_held(lg, nobody)),
        ("last checkpoint", "", lambda lg: lg.latest_checkpoint()),
        ("last checkpoint covering", "entry 17", lambda lg: lg.latest_checkpoint(covering=17)),
        ("cosignatures of a checkpoint", f"entry {facts['checkpoint']}", lambda lg: lines_of(lg, facts["checkpoint"])),
        ("witnesses' last cosignatures", "", last_cosigned),
        ("witnesses pane: cosign status", "", cosign_status),
        ("proof INDEX", "entry 17", lambda lg: build_proof(lg, 17)),
        ("proof INDEX", f"entry {size - 10:,}", lambda lg: build_proof(lg, size - 10)),
        ("deed history (CLI)", f"deed {long_deed}", lambda lg: lg.history(long_deed)),
        (
            "deed list --search (CLI)",
            f"parcel {facts['long_parcel']}",
            lambda lg: lg.deeds(search=facts["long_parcel"]),
        ),
    ]
    if facts["lienholder"]:
        found.append(("holdings of a party", "a lienholder", lambda lg: deeds_held(lg, facts["lienholder"])))
    if (home.root / "verified").is_dir() and any((home.root / "verified").iterdir()):
        from core.verify_since import verify_since_checkpoint

        found.append(("verify --since-checkpoint", "", lambda lg: verify_since_checkpoint(lg, jobs=1)))
    return found


def measure(
    home: DataDir, url: str, reads: list[tuple[str, Read]], variants: list[str], runs: int
) -> dict[tuple[str, str], list[float]]:
    """Each variant's own engine serves every argument of one path, the arguments in turn run after
    run, as a desktop switching between filters (or deeds) does: a statement psycopg has prepared
    for one argument is run with the next."""
    ledgers = {v: open_variant(home, url, v) for v in variants}
    times: dict[tuple[str, str], list[float]] = {(a, v): [] for a, _ in reads for v in variants}
    try:
        for _ in range(runs):
            for argument, read in reads:
                for variant in variants:
                    started = time.perf_counter()
                    read(ledgers[variant])
                    times[argument, variant].append((time.perf_counter() - started) * 1000)
    finally:
        for ledger in ledgers.values():
            ledger.engine.dispose()
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db-url", required=True)
    parser.add_argument("--home", type=Path, help="the ledger's data folder (default: an empty one)")
    parser.add_argument("--runs", type=int, default=12)
    parser.add_argument("--variants", default="as-is", help=f"a comma-separated list of {', '.join(VARIANTS)}")
    parser.add_argument("--only", default="", help="run only the paths whose name contains this")
    parser.add_argument(
        "--before",
        type=Path,
        help="an older core/browse.py (git show REV:core/browse.py > FILE): its ledger-view reads run beside today's",
    )
    parser.add_argument(
        "--together",
        action="store_true",
        help="one engine per path for all its arguments, in turn (default: one engine per argument)",
    )
    args = parser.parse_args()
    variants = [v for v in args.variants.split(",") if v]
    if any(v not in VARIANTS for v in variants) or args.runs < 6:
        parser.error(f"variants are {', '.join(VARIANTS)}; runs at least 6")
    home = DataDir.resolve(args.home or Path(tempfile.mkdtemp(prefix="pg-read-paths-"))).ensure()
    ledger = Ledger.open(home, args.db_url)
    facts = _facts(ledger)
    ledger.engine.dispose()
    print(f"{facts['size']:,} entries; kinds rarest first: {', '.join(facts['kinds'])}")
    print(f"{'path':<38} {'argument':<30} {'variant':<10} {'1-5':>8} {'6+':>8} {'worst':>8}   ms")
    before = None
    if args.before is not None:  # loaded as a module of its own; it imports today's core for the rest
        spec = importlib.util.spec_from_file_location("browse_before", args.before)
        assert spec is not None and spec.loader is not None
        before = sys.modules["browse_before"] = importlib.util.module_from_spec(spec)  # dataclasses look it up
        spec.loader.exec_module(before)
    groups: dict[tuple[str, str], list[tuple[str, Read]]] = {}
    for name, argument, read in paths(facts, home, before):
        if args.only in name:  # an argument and its [before] twin always run together, interleaved
            key = (name, "") if args.together else (name, argument.removesuffix(BEFORE))
            groups.setdefault(key, []).append((argument, read))
    for (name, _argument), group in groups.items():
        times = measure(home, args.db_url, group, variants, args.runs)
        for argument, _read in group:
            for variant in variants:
                t = times[argument, variant]
                print(
                    f"{name:<38} {argument[:30]:<30} {variant:<10} {statistics.median(t[:5]):>8.1f} "
                    f"{statistics.median(t[5:]):>8.1f} {max(t):>8.1f}",
                    flush=True,
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
