"""Read a sales table from a CSV file (plain or gzip) into columns of raw strings.

The csv module and numpy only: pandas would add ~60 MB to the release bundle.
Users bring spreadsheets exported from anywhere, so the reader is lenient about
the delimiter (comma, semicolon, tab, pipe), the encoding (UTF-8 with or without
BOM, else Latin-1), ragged rows and the many spellings of "missing".
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import zlib
from dataclasses import dataclass
from pathlib import Path

from core.errors import DeedbookError
from core.userfiles import describe_size, open_user_file, read_user_file

# Spellings of "no value" found in exported tables; compared case-insensitively.
MISSING_TOKENS = frozenset({"", "na", "n/a", "nan", "null", "none", "-", "?", "#n/a", "nil", "missing"})

MAX_BYTES = 512 * 1024 * 1024  # refuse absurd files rather than exhaust memory
HEADER_SAMPLE = 64_000  # characters read for the header: enough for any header row, quick on any file


@dataclass
class RawTable:
    """A table as read: column name -> list of stripped strings, None where missing."""

    header: list[str]
    columns: dict[str, list[str | None]]
    n_rows: int
    sha256: str  # of the file's bytes as stored (compressed if gzip): identifies the data
    source: str
    ragged_rows: int = 0  # rows with too few or too many fields (padded or cut)


def is_missing(text: str) -> bool:
    return text.strip().lower() in MISSING_TOKENS


def _decode(data: bytes, source: str) -> str:
    if data[:2] == b"\x1f\x8b":
        try:  # read at most one byte past the limit: a small file can decompress to gigabytes
            with gzip.GzipFile(fileobj=io.BytesIO(data)) as unpacked:
                data = unpacked.read(MAX_BYTES + 1)
        except (OSError, EOFError, zlib.error):
            raise DeedbookError(f"{source} looks gzip-compressed but cannot be decompressed.") from None
        if len(data) > MAX_BYTES:
            raise DeedbookError(f"{source} decompresses to more than {describe_size(MAX_BYTES)}; split it first.")
    if b"\x00" in data[:4096]:
        raise DeedbookError(f"{source} is not a text (CSV) file.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")  # never fails: every byte is a character


def _dialect(sample: str) -> type[csv.Dialect] | csv.Dialect:
    """Excel's quoting rules with the sniffed delimiter: the sniffer guesses quoting wrongly on
    small samples (a cell holding '"0,' came back as '"0'), but its delimiter guess is sound."""
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        return csv.excel  # one column, or too little text to tell: plain commas

    class Sniffed(csv.excel):
        pass

    Sniffed.delimiter = delimiter
    return Sniffed


def _unique_names(raw: list[str]) -> list[str]:
    """Blank or repeated header cells get distinct names so no column is lost."""
    names: list[str] = []
    seen: set[str] = set()
    for index, cell in enumerate(raw):
        base = cell.strip() or f"column_{index + 1}"
        name, n = base, 2
        while name in seen:
            name, n = f"{base}_{n}", n + 1
        seen.add(name)
        names.append(name)
    return names


def parse_text(text: str, source: str = "the table", sha256: str = "") -> RawTable:
    """Parse CSV text; the first non-empty row is the header."""
    sample = text[:65536]
    reader = csv.reader(io.StringIO(text), _dialect(sample))
    try:
        rows = [row for row in reader if any(cell.strip() for cell in row)]
    except csv.Error as error:
        raise DeedbookError(f"{source} is not a readable CSV file ({error}).") from None
    if not rows:
        raise DeedbookError(f"{source} is empty.")
    header = _unique_names(rows[0])
    width = len(header)
    columns: dict[str, list[str | None]] = {name: [] for name in header}
    ragged = 0
    lists = [columns[name] for name in header]
    for row in rows[1:]:
        if len(row) != width:
            ragged += 1
            row = (row + [""] * width)[:width]
        for values, cell in zip(lists, row, strict=True):
            cell = cell.strip()
            values.append(None if cell.lower() in MISSING_TOKENS else cell)
    if not sha256:
        sha256 = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return RawTable(header, columns, len(rows) - 1, sha256, source, ragged)


def read_table(path: str | Path) -> RawTable:
    """Read a CSV (or .csv.gz) file; a clear DeedbookError for anything unreadable."""
    p = Path(path)
    data = read_user_file(p, "a sales table to read at once: split it first", max_bytes=MAX_BYTES)
    return parse_text(_decode(data, str(p)), str(p), hashlib.sha256(data).hexdigest())


def read_header(path: str | Path) -> list[str]:
    """The column names of a CSV (or .csv.gz) file, as `read_table` would name them, from its first
    64 KB only (for choosing the price column while the person waits); a clear DeedbookError for a
    file `read_table` would refuse on sight: not text, not decompressible, or with no header row."""
    p, source = Path(path), str(path)
    with open_user_file(p, "a sales table (CSV)") as raw:  # a FIFO or device is refused, never read
        try:
            data = raw.read(HEADER_SAMPLE)
            if data[:2] == b"\x1f\x8b":  # gzip, told by its bytes as read_table does, not by the name
                raw.seek(0)
                with gzip.GzipFile(fileobj=raw) as unpacked:
                    data = unpacked.read(HEADER_SAMPLE)
        except (EOFError, zlib.error, gzip.BadGzipFile):
            raise DeedbookError(f"{source} looks gzip-compressed but cannot be decompressed.") from None
        except OSError as problem:
            raise DeedbookError(f"{source} cannot be read ({problem.strerror or problem}).") from None
    if b"\x00" in data[:4096]:
        raise DeedbookError(f"{source} is not a text (CSV) file.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as problem:  # cut inside a character at the sample's end, or not UTF-8
        text = data[: problem.start].decode("utf-8-sig") if problem.start >= len(data) - 3 else data.decode("latin-1")
    try:
        for row in csv.reader(io.StringIO(text), _dialect(text[:65536])):
            if any(cell.strip() for cell in row):  # the first non-empty row, as parse_text takes it
                return _unique_names(row)
    except csv.Error as error:
        raise DeedbookError(f"{source} is not a readable CSV file ({error}).") from None
    raise DeedbookError(f"{source} holds no table: no header row in its first {describe_size(HEADER_SAMPLE)}.")
