"""How the command line words a remedy: core states the fact, this adds the option that fixes it.

Core and valuation/ never name a command-line option in a sentence (the GUI shows
the same sentences); an error may carry a `Remedy`, which becomes the clause below.
"""

from __future__ import annotations

from core.errors import DeedbookError, Remedy

HINTS: dict[Remedy, str] = {
    Remedy.OVERWRITE: ", or add --force to replace it",
    Remedy.CHOOSE_DATA_FOLDER: ": create one with 'deedbook init' or choose another --data-dir",
    Remedy.OTHER_DATA_FOLDER: "; use another --data-dir for a new one",
    Remedy.EMPTY_DATA_FOLDER: "; choose an empty --data-dir for the demo",
    Remedy.NAME_SELLER: " (--from)",
    Remedy.SIGN_CHECKPOINT: (
        ": run 'deedbook checkpoint --key OPERATOR' (or add --checkpoint-key OPERATOR to this "
        "command) and make the document again"
    ),
    Remedy.NEW_WITNESS: " with 'deedbook checkpoint --new-witness'",
    Remedy.PRICE_COLUMN: " with --target COLUMN",
    Remedy.LOCATION_COLUMNS: " (--lat and --lon)",
    Remedy.GIVE_REQUEST: " with --request REQUEST",
    Remedy.NAME_APPROVER: " with --approver ADDRESS",
    Remedy.WRITE_CHECKPOINT_REQUEST: " with 'deedbook checkpoint request --out FILE'",
    Remedy.DATA_FOLDER_PATH: ": give --data-dir (or DEEDBOOK_HOME) a folder's path",
    Remedy.FOLLOW_LEDGER: ": to witness it, follow it first ('deedbook --data-dir WITNESS_FOLDER witness follow REQUEST')",
}


def with_hint(error: DeedbookError) -> str:
    """The error's sentence, its remedy (if any) said as this command line does it."""
    text = str(error)
    hint = HINTS.get(error.remedy) if error.remedy is not None else None
    if not hint:
        return text
    return (text[:-1] if text.endswith(".") else text) + hint + "."
