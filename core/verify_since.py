"""`verify --since-checkpoint`: check only what is new since the last checkpoint verified in full.

A full `verify` that passes remembers, in the data folder (outside the database,
like the witness: `verified/<ledger id>.json`), the latest checkpoint it verified:
its index, size, root and leaf, and the hash chain before it.  From there an
incremental verify

- checks the stored tree still extends that root: the RFC 6962 consistency proof
  from its size to the ledger's, made from the stored nodes, against the root
  recomputed from the new entries (and the remembered checkpoint is still the
  same entry);
- checks every entry after it as a full verify does: form, signatures, rules (against
  the ledger as it was at that checkpoint: core.asof), leaf hash, hash chain, signer
  index, its one-time values, checkpoints' roots; the tree nodes those entries complete
  and the deed rows of the deeds they touch;
- checks the witness.

What it does not re-read, it says: the entries before the checkpoint (their tree, not
their content), the other deeds' rows, the compliance table, and SQLite's check of the
whole file.  A ledger with compliance records (claims, rules, holds, recoveries) is
verified in full instead, said in a warning: their state as of a checkpoint is not
rebuilt.  A full verify does all of that.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from core import merkle
from core.asof import AsOf, compliance_entry
from core.dates import format_instant
from core.entries import Entry, chain_hash, entry_leaf_hash
from core.errors import Cancelled, LedgerDamaged, RuleViolation
from core.identity import LedgerIdentity
from core.kinds import apply_entry, check_signatures, get_kind
from core.projection import find_once
from core.state import ApplyContext, LedgerState
from core.tree import LedgerTree, NodeKey
from core.treestore import frontier, read_nodes
from core.verified import Verified, read_verified, remember, verified_path  # noqa: F401 - callers import them here

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from core.ledger import Ledger
    from core.witness import Witness
    from core.verify import VerifyReport

ROWS = (
    "SELECT idx, kind, deed_id, signers, message, signatures, recorded_at, leaf_hash, chain_hash FROM entries "
    "WHERE idx >= :start ORDER BY idx"
)
Progress = Callable[[int, int], None]


class Unsupported(Exception):
    """What is new cannot be checked from the verified checkpoint alone: verify in full instead."""


class _Bad(Exception):
    def __init__(self, index: int | None, reason: str) -> None:
        super().__init__(reason)
        self.index, self.reason = index, reason


class _Roots(LedgerState):
    """What a checkpoint's rule asks of the state: the ledger's identity and past roots.

    Roots from the verified size on come from the verified edge and the nodes this check
    computed; an older one from the stored tree, with its consistency proof to the verified root."""

    def __init__(self, identity: LedgerIdentity, tree: LedgerTree, stored: LedgerTree, known: Verified) -> None:
        super().__init__(identity)
        self._tree, self._stored, self._known = tree, stored, known

    def root_at(self, size: int) -> bytes:
        if size >= self._known.size:
            return self._tree.root(size)
        root = self._stored.root(size)
        proof = self._stored.consistency(size, self._known.size)
        if not merkle.verify_consistency(size, self._known.size, root, self._known.root, proof):
            raise RuleViolation(f"the stored tree of its {size:,} entries is not consistent with the verified root")
        return root


def verify_since(
    ledger: Ledger,
    remembered: Verified,
    report: VerifyReport,
    *,
    progress: Progress | None = None,
    should_cancel: Callable[[], bool] | None = None,
) -> None:
    """Check everything after `remembered` into `report` (ok, first_bad, reason, checked)."""
    try:
        _verify_since(ledger, remembered, report, progress, should_cancel)
    except _Bad as bad:
        report.ok, report.first_bad, report.reason = False, bad.index, bad.reason
    except LedgerDamaged as damage:
        report.ok, report.first_bad, report.reason = False, None, str(damage)


def _verify_since(
    ledger: Ledger,
    known: Verified,
    report: VerifyReport,
    progress: Progress | None,
    should_cancel: Callable[[], bool] | None,
) -> None:
    from core.witness import witness_for_verify

    witness = witness_for_verify(ledger.home, ledger.identity)  # before the snapshot
    # Everything else in one snapshot: entries another program appends meanwhile are not seen, rather
    # than seen in one table and not yet in another (core.ledger.Ledger.snapshot).
    with ledger.snapshot() as conn:
        _verify_since_in(ledger, conn, witness, known, report, progress, should_cancel)


def _verify_since_in(
    ledger: Ledger,
    conn: Connection,
    witness: tuple[Witness | None, str | None],
    known: Verified,
    report: VerifyReport,
    progress: Progress | None,
    should_cancel: Callable[[], bool] | None,
) -> None:
    from core.ledger import entry_count

    identity, s = ledger.identity, known.size
    total = report.entries = entry_count(conn)
    when = format_instant(int(known.at))  # printed by the command line too: UTC, and says so
    if total <= known.index:
        raise _Bad(
            total,
            f"The ledger has {total:,} entries, but checkpoint {known.index} was verified in full "
            f"here on {when}: entries were removed (truncated or rolled back).",
        )
    stored = LedgerTree(lambda keys: read_nodes(conn, keys))
    if stored.leaf(known.index) != known.leaf:
        raise _Bad(
            known.index,
            f"Entry {known.index} is no longer the checkpoint verified in full here on {when}: "
            "the ledger was rewritten.",
        )
    edge = frontier(conn, s)
    new_nodes: dict[NodeKey, bytes] = {}
    new_leaves: dict[NodeKey, bytes] = {}
    tree = merkle.Accumulator.resume(s, edge, lambda level, index, node: new_nodes.__setitem__((level, index), node))
    if tree.root() != known.root:
        raise _Bad(
            s - 1,
            f"The stored tree of the first {s:,} entries no longer has the root verified in full here "
            f"on {when}: the ledger was rewritten.",
        )
    known_nodes = dict(zip(merkle.perfect_subtrees(s), edge, strict=True))

    def ours(keys: Sequence[NodeKey]) -> dict[NodeKey, bytes]:  # the verified edge, then what this check computed
        return {k: v for k in keys if (v := known_nodes.get(k) or new_nodes.get(k) or new_leaves.get(k)) is not None}

    roots = _Roots(identity, LedgerTree(ours), stored, known)
    previous = known.chain
    expected = s
    if (record := compliance_entry(conn)) is not None:
        raise Unsupported(
            f"entry {record[0]} ({record[1]}) is a compliance or servicing record, and that state "
            "as it was at a checkpoint is not rebuilt"
        )
    state = AsOf(conn, identity, s, roots.root_at)
    # the state is looked up on the same connection while the entries are read (each read its own cursor)
    for row in conn.execute(_text(ROWS), {"start": s}):
        idx, kind_name, deed_id, signers, message_json, signatures_json, recorded_at, stored_leaf, stored_chain = row
        if idx != expected:
            raise _Bad(expected, f"Entry {expected} is missing: the ledger jumps from entry {expected - 1} to {idx}.")
        expected += 1
        leaf = _check_entry(
            conn,
            state,
            idx,
            kind_name,
            deed_id,
            message_json,
            signatures_json,
            recorded_at,
            signers,
            stored_leaf,
        )
        previous = chain_hash(previous, leaf)
        if stored_chain != "0x" + previous.hex():
            raise _Bad(idx, f"Entry {idx} ({kind_name}): the hash chain is broken here.")
        new_leaves[(0, idx)] = leaf
        tree.append(leaf)
        if progress is not None and idx % 1024 == 0:
            progress(idx - s, total - s)
        if should_cancel is not None and idx % 1024 == 0 and should_cancel():
            raise Cancelled("Verification was cancelled.")
    if expected != total:
        raise _Bad(expected, f"Entry {expected} is missing.")
    _check_touched_deeds(conn, state)
    _check_new_nodes(conn, s, total, new_nodes)
    if total > s:
        proof = stored.consistency(s, total)
        if not merkle.verify_consistency(s, total, known.root, tree.root(), proof):
            raise _Bad(
                None,
                f"The stored tree of {total:,} entries is not consistent with the root verified in full "
                f"here on {when}: the ledger was rewritten.",
            )
    _check_witness(ledger, witness, stored, total)
    report.checked = (
        f"entries {s:,} to {total - 1:,} ({total - s:,} since checkpoint {known.index:,}, verified in full here on "
        f"{when}): their form, signatures, rules (against the ledger as it was at that checkpoint), leaf hashes, "
        "hash chain, one-time values and tree nodes, and the deed tables of the deeds they touch; the consistency "
        f"of the ledger's tree with the verified root of {s:,} entries; the witness. Not re-read: the {s:,} entries "
        "before, beyond their tree and the histories of the deeds the new entries touch; the other deeds' rows; "
        "the compliance table (this ledger has no compliance records: claims, rules, holds, recoveries); "
        "SQLite's check of the whole file (a full verify does)"
    )


def _text(sql: str) -> Any:
    from sqlalchemy import text

    return text(sql)


def _check_entry(
    conn: Any,
    state: AsOf,
    idx: int,
    kind_name: str,
    deed_id: Any,
    message_json: str,
    signatures_json: str,
    recorded_at: int,
    signers: str,
    stored_leaf: str,
) -> bytes:
    """One new entry, as a full verify checks it, its rules against the ledger as of the verified checkpoint."""
    from core.stored_json import stored_signatures as _signatures

    assert state.identity is not None
    try:
        message = json.loads(message_json)
        signatures = _signatures(signatures_json)
        kind = get_kind(kind_name)
        entry = Entry(kind_name, message, signatures)
        leaf = entry_leaf_hash(recorded_at, check_signatures(state.identity, entry), signatures)
        try:
            concerned = apply_entry(state, entry, ApplyContext(idx, recorded_at))
        except (AttributeError, NotImplementedError) as unknown:  # a rule asking what AsOf cannot rebuild
            raise Unsupported(f"entry {idx} ({kind_name}) needs the whole ledger replayed") from unknown
        for one, key in kind.once_keys(message):
            used = find_once(conn, key)
            if used != idx:
                said = "is not in the one-time values table" if used is None else f"was used before, by entry {used}"
                raise RuleViolation(f"its {one.field} {said}")
    except RuleViolation as broken:
        raise _Bad(idx, f"Entry {idx} ({kind_name}): {broken}") from None
    except (KeyError, TypeError, ValueError):
        raise _Bad(idx, f"Entry {idx} is malformed: its message or signatures cannot be read.") from None
    if stored_leaf != "0x" + leaf.hex():
        raise _Bad(idx, f"Entry {idx} ({kind_name}): its stored hash does not match its content.")
    if signers != " ".join(s.signer.lower() for s in signatures):
        raise _Bad(idx, f"Entry {idx} ({kind_name}): its signer index does not match its signatures.")
    if deed_id != concerned:
        raise _Bad(idx, f"Entry {idx} ({kind_name}) is filed under deed {deed_id} but concerns deed {concerned}.")
    state.record(idx, kind_name, leaf, concerned)
    return leaf


def _check_touched_deeds(conn: Any, state: AsOf) -> None:
    """The deed tables' rows of every deed the new entries touched, against the replay."""
    from core.projection import DEED_COLUMNS, expected_rows, stored_rows_of

    deeds = [state.deed(d) for d in sorted(state.dirty)]
    stored, expected = stored_rows_of(conn, sorted(state.dirty)), expected_rows(deeds)
    if stored == expected:
        return
    for table, have, want in zip(("deeds", "holdings", "liens"), stored, expected, strict=True):
        for deed in deeds:
            mine = [r for r in have if r[0] == deed.deed_id]
            theirs = [r for r in want if r[0] == deed.deed_id]
            if mine != theirs:
                detail = (
                    f"its {table}"
                    if table != "deeds"
                    else (
                        "it is missing from the deeds table"
                        if not mine
                        else next(c for c, a, b in zip(DEED_COLUMNS, mine[0], theirs[0], strict=True) if a != b)
                    )
                )
                raise _Bad(
                    deed.updated_index,
                    f"The deed tables disagree with the ledger about deed {deed.deed_id} "
                    f"({detail}; last changed by entry {deed.updated_index}).",
                )


def _check_new_nodes(conn: Connection, s: int, total: int, computed: dict[NodeKey, bytes]) -> None:
    """The stored nodes that cover any entry from `s` on must be exactly the ones computed."""
    found: dict[NodeKey, bytes] = {}
    for level in range(1, max(total.bit_length(), 1) + 1):
        rows = conn.execute(
            _text("SELECT idx, hash FROM tree_nodes WHERE level = :level AND idx >= :first"),
            {"level": level, "first": s >> level},
        )
        found.update(((level, int(index)), bytes(node)) for index, node in rows)
    beyond = conn.execute(
        _text("SELECT level, idx FROM tree_nodes WHERE level > :top LIMIT 1"), {"top": max(total.bit_length(), 1)}
    ).first()
    if beyond is not None:
        found[(int(beyond[0]), int(beyond[1]))] = b""
    for key in sorted(set(found) | set(computed), key=lambda k: ((k[1] + 1) << k[0], k[0])):
        if found.get(key) != computed.get(key):
            level, index = key
            raise _Bad(
                None,
                f"The stored Merkle tree node over entries {index << level} to {((index + 1) << level) - 1} "
                f"(level {level}) does not match those entries: the tree_nodes table was changed.",
            )


def _check_witness(ledger: Ledger, read: tuple[Witness | None, str | None], stored: LedgerTree, total: int) -> None:
    from core.witness import disagreement

    witness, unusable = read
    if unusable is not None:
        raise _Bad(None, unusable)
    if witness is None:
        raise _Bad(
            None,
            f"There is no witness file for this ledger in {ledger.home.witness}, though it has "
            "checkpoints, so a rollback cannot be ruled out: restore the file from your copy.",
        )
    found = disagreement(witness, total, stored.leaf, stored.root)
    if found is not None:
        raise _Bad(*found)


def verify_since_checkpoint(
    ledger: Ledger,
    *,
    jobs: int | None = None,
    progress: Progress | None = None,
    should_cancel: Callable[[], bool] | None = None,
) -> VerifyReport:
    """Verify what is new since the last checkpoint verified in full here; everything when none is remembered."""
    from core.store import guards_present
    from core.verify import VerifyReport, verify_ledger

    known = read_verified(ledger.home, ledger.identity)
    if known is None:
        report = verify_ledger(ledger, jobs=jobs, progress=progress, should_cancel=should_cancel)
        report.warnings.insert(
            0, "This data folder remembers no checkpoint verified in full, so every entry was verified."
        )
        return report
    started = time.perf_counter()
    report = VerifyReport(ok=True, entries=0, seconds=0.0, since=known.size)
    try:
        verify_since(ledger, known, report, progress=progress, should_cancel=should_cancel)
    except Unsupported as why:
        report = verify_ledger(ledger, jobs=jobs, progress=progress, should_cancel=should_cancel)
        report.warnings.insert(
            0,
            f"What is new could not be checked from the last checkpoint verified in full ({why}), "
            "so every entry was verified.",
        )
        return report
    try:
        if guards_present(ledger.engine) is False:
            report.warnings.append("The append-only guard on the entries table has been removed from the database.")
        report.deeds = ledger.deed_count()
    except LedgerDamaged as damage:
        if report.ok:
            report.ok, report.reason = False, str(damage)
    report.seconds = time.perf_counter() - started
    return report
