"""The checkpoint witness: the latest signed tree head, kept outside the database.

Someone who rolls the database back or truncates it cannot roll back this file
as well without it being noticed: verification checks that the ledger still
contains the witnessed checkpoint (the same entry at its index, the same root
at its size).  The check fails closed: a witness file that is there but cannot
be read, parsed, or trusted (edited, another ledger's) is a failure, and so is
a missing one on a ledger that has checkpoints.

A new witness is staged (written to a temporary file beside it and synced)
before its checkpoint entry is committed, and renamed into place after: a crash
in between leaves the previous witness, which the ledger still agrees with.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

from core.entries import Entry, SignatureRecord, canonical_json, entry_leaf_hash
from core.file_locks import lock, open_lock
from core.errors import DeedbookError, RuleViolation
from core.identity import LedgerIdentity
from core.paths import DataDir
from core.userfiles import json_nests_deeper_than, read_user_file

FORMAT = "deedbook-witness/1"
MAX_BYTES = 1 << 20  # a witness is a few hundred bytes; anything near this is not one
STALE_SECONDS = 3600  # a staged witness this old was left by a process that died


class UnusableWitness(DeedbookError):
    """The witness file is there but cannot be relied on (or is missing where it must be)."""


@dataclass(frozen=True)
class Witness:
    """A checkpoint entry as the witness file holds it, its signature checked for this ledger."""

    path: Path
    index: int  # the checkpoint entry's place in the ledger
    recorded_at: int
    message: dict[str, Any]
    signatures: tuple[SignatureRecord, ...]
    leaf: bytes  # the leaf hash the ledger's entry `index` must have

    @property
    def size(self) -> int:
        return int(self.message["size"])

    @property
    def root(self) -> bytes:
        return bytes.fromhex(str(self.message["root"])[2:])


def witness_path(home: DataDir, identity: LedgerIdentity) -> Path:
    return home.witness / f"{identity.ledger_id_hex}.json"


# -- reading -------------------------------------------------------------------
def read_witness(home: DataDir, identity: LedgerIdentity) -> Witness | None:
    """The witness of this ledger in `home`; None if there is no file; `UnusableWitness` if it cannot be trusted."""
    path = witness_path(home, identity)
    if not os.path.lexists(path):
        return None
    if path.is_symlink() and not path.exists():
        raise UnusableWitness(f"The witness file {path} is a link to a file that is not there.")
    if not path.is_file():  # looked at, never opened: a FIFO put there must not hang verification
        what = "a folder" if path.is_dir() else "not a regular file (a device or a pipe)"
        raise UnusableWitness(f"The witness file {path} is {what}, not a witness file.")
    raw = read_user_file(path, "a witness file", max_bytes=MAX_BYTES, error=UnusableWitness)
    return parse_witness(path, raw, identity)


def witness_for_verify(home: DataDir, identity: LedgerIdentity) -> tuple[Witness | None, str | None]:
    """The witness a verify compares the ledger with, or the sentence why it cannot be used.  A verify
    reads it before its snapshot of the ledger: a checkpoint is committed before its witness file is
    replaced, so the snapshot holds every checkpoint the file can name."""
    try:
        return read_witness(home, identity), None
    except UnusableWitness as unusable:
        return None, f"{str(unusable).rstrip('.')}, so a rollback of the ledger cannot be ruled out."


def parse_witness(path: Path, raw: bytes, identity: LedgerIdentity) -> Witness:
    def bad(why: str) -> UnusableWitness:
        return UnusableWitness(f"The witness file {path} {why}.")

    try:
        text = raw.decode("utf-8")
        if json_nests_deeper_than(text, 16):
            raise ValueError
        data = json.loads(text)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise bad("is not a witness file (not JSON)") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("checkpoint"), dict):
        raise bad(f"is not a witness file (no {FORMAT} checkpoint in it)")
    ledger, checkpoint = data.get("ledger"), data["checkpoint"]
    claimed = ledger.get("ledgerId") if isinstance(ledger, dict) else None
    if not isinstance(claimed, str) or claimed.lower() != identity.ledger_id_hex:
        raise bad(f"belongs to another ledger ({str(claimed)[:66]}), not {identity.ledger_id_hex}")
    index, recorded_at, message = checkpoint.get("index"), checkpoint.get("recordedAt"), checkpoint.get("message")
    if type(index) is not int or index < 0:
        raise bad("is damaged: its checkpoint's index is not a number")
    if type(recorded_at) is not int or not 0 <= recorded_at < 2**63:
        raise bad("is damaged: its checkpoint's recording time is not a number")
    signatures_json = checkpoint.get("signatures")
    if not isinstance(message, dict) or not isinstance(signatures_json, list):
        raise bad("is damaged: its checkpoint has no message or no signatures")
    from core.kinds import check_signatures, get_kind

    try:
        get_kind("Checkpoint").check_message(message)  # type: ignore[attr-defined]
        signatures = tuple(
            SignatureRecord.from_json(s) if isinstance(s, dict) else _raise(ValueError()) for s in signatures_json
        )
        # Each signer signs an entry once: a record repeated changes the entry's leaf hash, and a verify
        # would have taken the altered file for a ledger rewritten.
        if len({(s.role, s.signer.lower()) for s in signatures}) != len(signatures):
            raise ValueError
    except (RuleViolation, DeedbookError, ValueError):
        raise bad("is damaged: its checkpoint is not a well-formed checkpoint entry") from None
    if str(message["ledgerId"]).lower() != identity.ledger_id_hex:
        raise bad("belongs to another ledger: its checkpoint names another ledger id")
    if not any(s.role == "operator" and s.signer.lower() == identity.operator.lower() for s in signatures):
        raise bad(f"does not carry a signature by this ledger's operator {identity.operator}")
    try:
        digest = check_signatures(identity, Entry("Checkpoint", message, signatures))
    except (DeedbookError, ValueError):  # a rule, or a size EIP-712 cannot encode (negative, past uint256)
        raise bad(
            "does not carry a valid operator signature for this ledger (it was edited, or is another ledger's)"
        ) from None
    return Witness(path, index, recorded_at, message, signatures, entry_leaf_hash(recorded_at, digest, signatures))


def _raise(error: Exception) -> Any:
    raise error


def disagreement(
    witness: Witness, size: int, leaf_at: Callable[[int], bytes], root_at: Callable[[int], bytes]
) -> tuple[int, str] | None:
    """Whether a ledger of `size` entries still holds the witnessed checkpoint: None, or (entry, why not)."""
    if size <= witness.index:
        return size, (
            f"The ledger has {size} entries but its witness checkpoint is entry {witness.index}: "
            "entries were removed (truncated or rolled back)."
        )
    if leaf_at(witness.index) != witness.leaf:
        return witness.index, (
            f"Entry {witness.index} is not the checkpoint the witness file holds: the ledger was rewritten."
        )
    if witness.size > witness.index or root_at(witness.size) != witness.root:
        return witness.size - 1, (
            f"The first {witness.size} entries no longer have the root the witness checkpoint "
            "signed: the ledger was rewritten."
        )
    return None


# -- writing -------------------------------------------------------------------
def _document(identity: LedgerIdentity, checkpoint: dict[str, Any]) -> bytes:
    return canonical_json({"format": FORMAT, "ledger": identity.as_json(), "checkpoint": checkpoint}).encode("utf-8")


def check_witness_target(home: DataDir, identity: LedgerIdentity) -> Path:
    """The witness path, once it is known a witness can be written there: one sentence if not."""
    home.require_writable("recording a checkpoint")
    home.ensure()  # a ledger on a database server may have no data folder yet
    folder, path = home.witness, witness_path(home, identity)
    if os.path.lexists(folder) and not folder.is_dir():
        raise DeedbookError(f"{folder} is in the way: the witness folder must be a folder; move it aside.")
    if os.path.lexists(path):
        if path.is_symlink():
            raise DeedbookError(
                f"The witness file {path} is a link; the witness is only replaced as a regular "
                "file: put a copy of its target there instead."
            )
        if not path.is_file():
            raise DeedbookError(f"{path} is in the way: the witness file is not a regular file; move it aside.")
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
    except OSError as error:
        raise DeedbookError(
            f"Cannot create the witness folder {folder} ({error.strerror or error}); nothing was recorded."
        ) from None
    if not os.access(folder, os.W_OK):
        raise DeedbookError(f"The witness folder {folder} cannot be written; nothing was recorded.")
    return path


@contextlib.contextmanager
def witness_lock(path: Path) -> Iterator[None]:
    """Hold the witness for one checkpoint at a time on this machine.

    A checkpoint is committed, then its witness renamed into place; another
    process checkpointing in between would find the ledger ahead of the witness
    (or no witness at all after the first checkpoint) and refuse.  The lock file
    sits beside the witness; the operating system releases it if the process dies."""
    lock_path = path.with_name(f".{path.name}.lock")
    fd = open_lock(lock_path, f"the witness folder {path.parent}", "nothing was recorded.")
    try:
        lock(fd)
        yield
    finally:
        os.close(fd)  # closing releases the lock on both systems


class StagedWitness:
    """A new witness written and synced beside the current one, not yet in its place."""

    def __init__(self, path: Path, identity: LedgerIdentity, checkpoint: dict[str, Any]) -> None:
        self.path, self.identity = path, identity
        _remove_stale(path)
        try:
            fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        except OSError as error:
            raise DeedbookError(
                f"Cannot write in the witness folder {path.parent} ({error.strerror or error}); nothing was recorded."
            ) from None
        self.staged = Path(name)
        self._write(fd, checkpoint)

    def _write(self, fd: int, checkpoint: dict[str, Any]) -> None:
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(_document(self.identity, checkpoint))
                handle.flush()
                os.fsync(handle.fileno())
        except OSError as error:
            self.discard()
            raise DeedbookError(
                f"Cannot write the witness file in {self.path.parent} "
                f"({error.strerror or error}); nothing was recorded."
            ) from None

    def rewrite(self, checkpoint: dict[str, Any]) -> None:
        """Replace the staged content with the checkpoint as recorded (its index and recording time)."""
        self._write(os.open(self.staged, os.O_WRONLY | os.O_TRUNC), checkpoint)

    def install(self) -> None:
        """Rename into place (atomic), then sync the folder so the rename itself survives a power cut."""
        os.replace(self.staged, self.path)
        try:
            fd = os.open(self.path.parent, os.O_RDONLY)
        except OSError:
            return  # Windows cannot open a folder; its rename is durable enough for NTFS
        try:
            os.fsync(fd)
        except OSError:
            pass
        finally:
            os.close(fd)

    def discard(self) -> None:
        self.staged.unlink(missing_ok=True)


def _remove_stale(path: Path) -> None:
    """Staged witnesses left by a process that was killed (never ones another process may be writing)."""
    cutoff = time.time() - STALE_SECONDS
    for leftover in path.parent.glob(f".{path.name}.*.tmp"):
        try:
            if leftover.lstat().st_mtime < cutoff:
                leftover.unlink()
        except OSError:
            pass


def write_witness(home: DataDir, identity: LedgerIdentity, checkpoint: dict[str, Any]) -> Path:
    """Write a witness outright (staged, then renamed): a replica's own rollback guard after a sync."""
    staged = StagedWitness(check_witness_target(home, identity), identity, checkpoint)
    staged.install()
    return staged.path
