"""Tables exported as CSV for spreadsheets, with formula injection neutralised.

A spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` (and some
programs also after a tab or carriage return) as a formula, so a notary's
"place" of `=HYPERLINK(...)` would run on the reader's machine.  Following
OWASP's advice such text cells get a leading apostrophe, which spreadsheets show
as text; numbers are written as numbers.
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from core.outfiles import write_output

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> Any:
    """A value as a spreadsheet will read it safely: text that could start a formula is quoted."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, (list, tuple)):
        value = " ".join(str(v) for v in value)
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def csv_text(header: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([csv_cell(name) for name in header])
    for row in rows:
        writer.writerow([csv_cell(row.get(name)) for name in header])
    return out.getvalue()


def write_csv(
    path: str | os.PathLike[str], header: Sequence[str], rows: Iterable[Mapping[str, Any]], *, force: bool = False
) -> Path:
    """Write the rows (dicts keyed by `header`) as UTF-8 CSV, atomically, through the one output writer."""
    return write_output(path, csv_text(header, rows), force=force)
