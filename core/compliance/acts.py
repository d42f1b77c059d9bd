"""What the compliance services share: the ledger's state read outside the write lock, a dry run of an
entry's rules (so an act that would be refused is said before any file is written), request files,
and finding a hold or a recovery by the first digits of its id."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.entries import Entry, SignatureRecord
from core.errors import DeedbookError, NotFound, RuleViolation
from core.kinds import apply_entry
from core.ledger import Ledger
from core.outfiles import check_output, output_folder
from core.projection import DbState
from core.requests import SigningRequest, write_json
from core.state import ApplyContext

PLACEHOLDER = b"\x00" * 65  # a signature still to come, for a dry run of the rules (they never read its bytes)


@contextmanager
def reading(ledger: Ledger) -> Iterator[DbState]:
    """The ledger's state as it is now, for reads and dry runs (nothing it does is written): one snapshot, so
    that on PostgreSQL the size and each table it reads are of one moment."""
    with ledger.snapshot() as conn:
        size = int(
            conn.exec_driver_sql("SELECT coalesce(max(idx), -1) + 1 FROM entries").scalar_one()
        )  # the index, not a count
        yield DbState(conn, ledger.identity, size)


def dry_run(
    ledger: Ledger, entry: Entry, *, pending: Sequence[tuple[str, str, str]] = (), now: int | None = None
) -> None:
    """Apply `entry`'s rules to the ledger as it is now, with signatures still to come standing in as
    (role, signer, signed type): a RuleViolation says what submit would refuse.  Nothing is written."""
    waiting = tuple(SignatureRecord(role, signer, PLACEHOLDER, signed) for role, signer, signed in pending)
    with reading(ledger) as state:
        apply_entry(
            state,
            Entry(entry.kind, entry.message, entry.signatures + waiting),
            ApplyContext(state.size, int(time.time()) if now is None else now),
        )


@dataclass(frozen=True)
class PreparedAct:
    """An act that needs signatures made elsewhere: its message, the files written for it."""

    kind: str
    message: dict[str, Any]
    files: list[tuple[str, str, Path]]  # (role, signer, path): a request to sign, or a response signed here

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "message": self.message,
            "files": [{"role": role, "signer": signer, "path": str(path)} for role, signer, path in self.files],
        }


def write_files(items: Sequence[tuple[SigningRequest, str]], out_dir: str | os.PathLike[str]) -> list[Path]:
    """Write each (request or response, file name) to `out_dir` (made if needed): all of them or none."""
    folder = Path(out_dir)
    output_folder(folder)  # a file, a FIFO or a dangling link there is a sentence before anything is written
    targets = [folder / name for _, name in items]
    for target in targets:
        if target.exists() or target.is_symlink():
            raise DeedbookError(f"{target} exists already; choose another folder.")
        check_output(target, make_folder=True)
    written: list[Path] = []
    try:
        for (request, _), target in zip(items, targets, strict=True):
            written.append(write_json(target, request.as_json()))
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    return written


def by_prefix(found: Sequence[Any], reference: str, what: str, attribute: str) -> Any:
    """The one record whose id starts with `reference` (at least 6 hex digits after 0x)."""
    text = reference.strip().lower()
    if not text.startswith("0x"):
        text = "0x" + text
    if len(text) < 8 or any(ch not in "0123456789abcdef" for ch in text[2:]):
        raise DeedbookError(f"Name a {what} by its id (0x and at least 6 of its hex digits), not '{reference[:70]}'.")
    matches = [r for r in found if getattr(r, attribute).startswith(text)]
    if not matches:
        raise NotFound(f"There is no {what} {text[:18]} in this ledger.")
    if len(matches) > 1:
        raise DeedbookError(f"{len(matches)} {what}s start with {text}; give more of the id.")
    return matches[0]


def refusal(error: RuleViolation) -> DeedbookError:
    """A rule's refusal, as the services say it (nothing was written)."""
    return DeedbookError(str(error))
