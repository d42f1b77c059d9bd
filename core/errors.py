"""The exceptions the application shows to people.

A `DeedbookError` carries one clear sentence for the user: the command line prints
it and exits 2, the GUI shows it in a dialog. Anything else escaping is a bug.
"""

from __future__ import annotations

import enum
import sys


class Remedy(enum.Enum):
    """What a person can do about an error, named neutrally: core states the fact, and each front
    end says how to do it in its own terms (the command line names its options, desktop/cli/hints.py)."""

    OVERWRITE = "overwrite"  # replace the existing output file
    CHOOSE_DATA_FOLDER = "choose-data-folder"  # there is no ledger here: create one, or look elsewhere
    OTHER_DATA_FOLDER = "other-data-folder"  # there is a ledger here already: use another folder
    EMPTY_DATA_FOLDER = "empty-data-folder"  # a demo needs a folder without a ledger
    NAME_SELLER = "name-seller"  # a deed with several holders: say which one sells
    SIGN_CHECKPOINT = "sign-checkpoint"  # a document needs a newer checkpoint
    NEW_WITNESS = "new-witness"  # the witness file is lost or untrusted: start a new one
    PRICE_COLUMN = "price-column"  # a sales table needs its price column named
    LOCATION_COLUMNS = "location-columns"  # latitude and longitude columns come in pairs
    GIVE_REQUEST = "give-request"  # a wallet's bare signature needs the request it answers
    NAME_APPROVER = "name-approver"  # several people may co-sign a hold: say which one
    FOLLOW_LEDGER = "follow-ledger"  # a witness cosigns only the ledgers it follows: follow this one first
    WRITE_CHECKPOINT_REQUEST = "write-checkpoint-request"  # a checkpoint was recorded, its request not written
    DATA_FOLDER_PATH = "data-folder-path"  # the data folder named is a file (or another non-folder): name a folder


class DeedbookError(Exception):
    """A user mistake, a bad file or a refused operation. Nothing was written.

    `remedy`, when given, names what the person can do; the sentence itself never
    names a command-line option (the command line adds that from the remedy)."""

    exit_code = 2

    def __init__(self, *args: object, remedy: Remedy | None = None) -> None:
        super().__init__(*args)
        self.remedy = remedy


class WrongPassword(DeedbookError):
    pass


class RuleViolation(DeedbookError):
    """An entry breaks a ledger rule (wrong signer, stale nonce, duplicate parcel...)."""


class NotFound(DeedbookError):
    pass


class LedgerDamaged(DeedbookError):
    """The ledger's database cannot be read as a ledger (a damaged file, bytes that are not text...).

    Raised at the storage boundary, so every command ends with this sentence;
    `verify` reports it as a verification failure (exit 1)."""


class ReadOnlyFolder(DeedbookError):
    """A command that must write was run on a data folder that cannot be written."""


class Cancelled(DeedbookError):
    """The user stopped a long operation; nothing was written (unless the message says otherwise)."""

    def __init__(self, message: str = "Cancelled; nothing was written.") -> None:
        super().__init__(message)


class Interrupted(KeyboardInterrupt):
    """Ctrl+C, with the sentence that says what it stopped (a bare KeyboardInterrupt says nothing)."""


class VerificationFailed(Exception):
    """Verification found the ledger (or a proof, or a document) not genuine: exit 1."""

    exit_code = 1

    def __init__(self, reason: str, index: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.index = index


def one_line(text: str, limit: int = 300) -> str:
    """`text` (a driver's or a server's message, which may hold anything) as one printable line of at most
    `limit` characters: line breaks read as spaces, other unprintable characters are escaped, and a longer
    text is cut after a whole word with "…" (a path in the message must not cut the reason after it mid-word)."""
    plain = "".join(ch if ch.isprintable() else f"\\x{ord(ch):02x}" for ch in " ".join(text.split()))
    if len(plain) <= limit:
        return plain
    cut = plain[: limit - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut) + "\u2026"


def database_error_sentence(error: BaseException) -> str | None:
    """The sentence for a database driver's error that escaped the storage layer (None if it is not one).

    The storage layer turns a damaged or read-only SQLite file into the errors
    above; this is the last resort of the command line and the GUI for the rest."""
    sqlalchemy_exc = sys.modules.get("sqlalchemy.exc")  # only loaded if something touched a database
    if sqlalchemy_exc is not None and isinstance(error, sqlalchemy_exc.DBAPIError):
        error = error.orig
    if type(error).__module__ in ("sqlite3", "psycopg", "psycopg.errors") or (
        sqlalchemy_exc is not None and isinstance(error, sqlalchemy_exc.SQLAlchemyError)
    ):
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        return f"The ledger database cannot be used: {one_line(first)}."
    return None
