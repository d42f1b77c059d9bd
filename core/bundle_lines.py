"""`deedbook-export/2`: an export bundle written and read one entry at a time, in bounded memory.

JSON lines, UTF-8, each ending in a newline:

    {"format": "deedbook-export/2", "ledger", "ledgerKey", "since": N, "size": M, "total",
     "checkpoint", "consistency", "frontierSize", "frontier"}       # the first line: as a v1 bundle, less its entries
    {"index": N, "kind", "recordedAt", "message", "signatures"}     # one line an entry, N .. M-1 in order
    {"end": "deedbook-export/2", "entries": M - N}                  # the last line

The checkpoint and its proofs lead, not trail: a replica checks them (the operator's signature, the
consistency of what it holds) before it appends anything, so they are read first, and the writer has them
from one snapshot with the ledger's size before it writes the first entry (the entries below that size, read
a page at a time after it, never change).  The last line says the file is whole: a copy cut short anywhere,
even between two entries, lacks it.

A file is checked whole before a sync uses it (every line parsed, every entry as written, the count
against the first and last lines), holding one line at a time; the sync then reads the entries again, in
order, as it compares and appends them.  A v1 file (one JSON document) is still read whole
(`read_bundle` reads either).  `serve` sends the same lines to a replica that asks for them, which reads
them once, as they arrive, with the same checks (`read_lines_answer`): there, the last line is checked
before the last entry is given, so a sync appends nothing from an answer that ends wrong but the whole
batches before the damage.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, Callable, Iterator, NoReturn, Protocol

from core.bundles import FORMAT as V1_FORMAT
from core.bundles import (
    BadBundle,
    Bundle,
    BundleEntry,
    bundle_entry,
    bundle_head,
    damaged,
    same_as_checkpoint,
    entry_json,
    parse_head,
    read_v1_bundle,
)
from core.errors import Cancelled, DeedbookError
from core.userfiles import json_nests_deeper_than, open_user_file

if TYPE_CHECKING:
    from core.ledger import Ledger

FORMAT = "deedbook-export/2"
MAX_LINE_BYTES = 4 * 2**20  # an entry is at most a request file's 1 MB (core.requests) in JSON
MAX_FIRST_LINE_BYTES = 4 * 2**20  # a checkpoint, its cosignatures and a few proofs of 64 hashes: a few KB
MAX_DEPTH = 16  # as a v1 bundle is measured: much deeper JSON can exhaust the decoder's stack
PAGE = 2000  # entries read from the ledger at a time while writing


class Writable(Protocol):
    """Where a bundle is written: a file, or a server's answer (desktop/serve)."""

    def write(self, data: bytes, /) -> object: ...


def write_bundle(
    ledger: "Ledger",
    since: int,
    handle: Writable,
    progress: Callable[[int, int], None] | None = None,
    *,
    limit: int | None = None,
) -> int:
    """Write the bundle of the entries from `since` on (at most `limit` of them: a server's page) to `handle`, a
    page at a time, all of it as of one moment of the ledger; `progress(written, of)` hears after each page.
    Returns the entries written."""
    with ledger.snapshot():  # the size, the checkpoint and the proofs of the first line: one moment
        total = ledger.size()
        stop = total if limit is None else min(total, since + limit)
        head = bundle_head(ledger, since, stop, format=FORMAT)
    handle.write(_line(head))
    # The entries after it, each page its own read (as core.replica's LedgerEntries): those below the size read
    # in that moment never change (the ledger only grows), so the bundle is still of that moment, and no read
    # transaction is held while a county's file is written or a replica reads a server's page (SQLite could not
    # checkpoint its WAL past it meanwhile, and the WAL would grow with every append elsewhere).
    for start in range(since, stop, PAGE):
        for e in ledger.entries(start, min(stop, start + PAGE)):
            handle.write(_line(entry_json(e)))
        if progress is not None:
            progress(min(stop, start + PAGE) - since, stop - since)
    handle.write(_line({"end": FORMAT, "entries": stop - since}))
    return stop - since


def _line(data: dict[str, Any]) -> bytes:
    return (json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


@dataclass(frozen=True)
class StreamedEntries:
    """A v2 file's entries, checked once already: each iteration reads them from the file again, in order."""

    path: Path
    label: str
    offset: int  # where the first entry's line starts
    since: int
    count: int
    stamp: tuple[int, int, int, int]  # the file as it was checked: one changed since is not read

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[BundleEntry]:
        with open_user_file(self.path, "an export bundle", error=BadBundle) as handle:
            if _stamp(handle) != self.stamp:
                raise BadBundle(f"{self.label} changed after it was checked; nothing more was synced from it.")
            handle.seek(self.offset)
            for index in range(self.since, self.since + self.count):
                try:
                    raw = handle.readline(MAX_LINE_BYTES + 1)
                except OSError as problem:
                    raise BadBundle(f"{self.path} cannot be read ({problem.strerror or problem}).") from None
                with damaged(self.label):
                    item = bundle_entry(_parse(raw, self.label, index), index)
                yield item


def read_bundle(path: str | os.PathLike[str], cancelled: Callable[[], bool] | None = None) -> Bundle:
    """An export bundle file: `deedbook-export/2` checked line by line (its entries not held: read again as a
    sync appends them), stopped when `cancelled()` says so (`Cancelled`); `deedbook-export/1` whole
    (core.bundles)."""
    streamed = read_lines_bundle(path, cancelled)
    return streamed if streamed is not None else read_v1_bundle(path)


def read_lines_bundle(path: str | os.PathLike[str], cancelled: Callable[[], bool] | None = None) -> Bundle | None:
    """The v2 bundle in `path`, checked line by line (its entries not held), or None when its first line is not
    a v2 bundle's (a v1 file, or no bundle: core.bundles says which)."""
    p = Path(path)
    label = f"The file {path}"
    with open_user_file(p, "an export bundle", error=BadBundle) as handle:
        first, head = _first_line(handle, p)
        if head is None:
            return None
        since, size = head.get("since"), head.get("size")
        if type(since) is not int or type(size) is not int or not 0 <= since <= size:
            raise BadBundle(f"{label} is damaged or incomplete; it cannot be synced from.")
        try:
            count = _check_entries(handle, label, since, size, head.get("checkpoint"), cancelled)
            stamp, offset = _stamp(handle), len(first)
        except OSError as problem:
            raise BadBundle(f"{p} cannot be read ({problem.strerror or problem}).") from None
    return parse_head(head, label, StreamedEntries(p, label, offset, since, count, stamp))


class AnswerEntries:
    """A v2 bundle's entries as a stream carries them (a server's answer, core.replica.Source): each line read
    and checked as a file's as a sync goes through them, once; none held (going through them again would need
    the answer again)."""

    def __init__(self, read_line: Callable[[int], bytes], label: str, since: int, size: int, checkpoint: Any) -> None:
        self._read_line, self.label, self.since, self.size, self.checkpoint = read_line, label, since, size, checkpoint
        self._taken = False

    def __len__(self) -> int:
        return self.size - self.since

    def __iter__(self) -> Iterator[BundleEntry]:
        if self._taken:
            raise RuntimeError(f"{self.label}'s entries are read once, as they arrive.")
        self._taken = True
        return checked_entries(self._read_line, self.label, self.since, self.size, self.checkpoint)


def read_lines_answer(read_line: Callable[[int], bytes], label: str) -> Bundle:
    """The v2 bundle a stream carries (a server's answer in JSON lines), `read_line(limit)` reading its next line:
    its first line read and checked now, as a file's; its entries read as a sync goes through them
    (AnswerEntries), never held whole.  `label` names the stream in sentences ("The answer of URL")."""
    first = read_line(MAX_FIRST_LINE_BYTES + 1)
    whole = first.endswith(b"\n")
    try:
        head, parsed = (_json(first), True) if whole else (None, False)
    except ValueError:
        head, parsed = None, False
    if not isinstance(head, dict) or head.get("format") != FORMAT:
        _refuse_first_line(first, whole, parsed, f"Line 1 of {label[0].lower()}{label[1:]}")
    since, size = head.get("since"), head.get("size")
    if type(since) is not int or type(size) is not int or not 0 <= since <= size:
        raise BadBundle(f"{label} is damaged or incomplete; it cannot be synced from.")
    return parse_head(head, label, AnswerEntries(read_line, label, since, size, head.get("checkpoint")))


def bundle_head_in(
    path: str | os.PathLike[str], what: str = "an export bundle", error: type[DeedbookError] = BadBundle
) -> dict[str, Any] | None:
    """The first line of the v2 bundle in `path` (its ledger, ledger key, sizes and checkpoint), unchecked and
    without reading its entries, or None when the file is no v2 bundle; `what` it should be names it in the
    sentence when it cannot be opened."""
    with open_user_file(path, what, error=error) as handle:
        return _first_line(handle, path, error)[1]


# How a v2 file starts as written (_line): a damaged first line that still starts so is a v2 file's
_V2_START = re.compile(rb'\s*\{\s*"format"\s*:\s*"deedbook-export/2"')


def _first_line(
    handle: BinaryIO, path: str | os.PathLike[str], error: type[DeedbookError] = BadBundle
) -> tuple[bytes, dict[str, Any] | None]:
    """The first line, and it as JSON when it is a v2 bundle's first line; None when the file is no v2 bundle
    (a v1 file is one JSON document).  A v2 file whose first line is damaged is one sentence naming the line:
    known by its first bytes, or as JSON lines: a JSON first line with more after it, or a second line that is
    a JSON object (a v1 file is one line; written by hand, no line of it alone is an object)."""
    try:
        first = handle.readline(MAX_FIRST_LINE_BYTES + 1)
        whole = first.endswith(b"\n")
        second = handle.readline(MAX_LINE_BYTES + 1) if whole else b""
        handle.seek(len(first))  # the entries are read from the end of the first line on
    except OSError as problem:
        raise error(f"{path} cannot be read ({problem.strerror or problem}).") from None
    more = bool(second.strip())
    try:
        head, parsed = (_json(first), True) if whole else (None, False)
    except ValueError:
        head, parsed = None, False
    if isinstance(head, dict) and head.get("format") == FORMAT:
        return first, head
    v1 = isinstance(head, dict) and head.get("format") == V1_FORMAT  # with more after it: the v1 reader says
    if not (_V2_START.match(first) or (parsed and more and not v1) or (not parsed and _an_object(second))):
        return first, None
    _refuse_first_line(first, whole, parsed, f"Line 1 of {path}", error)


def _refuse_first_line(
    first: bytes, whole: bool, parsed: bool, line: str, error: type[DeedbookError] = BadBundle
) -> NoReturn:
    """The sentence for a v2 bundle's first line that is not one: too long, cut short, not JSON, or no v2 head."""
    if not whole and len(first) > MAX_FIRST_LINE_BYTES:
        raise error(f"{line} is over {MAX_FIRST_LINE_BYTES // 2**20} MB: the deedbook-export/2 bundle is damaged.")
    if not whole:
        raise error(f"{line} is not a whole line: the deedbook-export/2 bundle is incomplete (cut short in it).")
    if not parsed:
        raise error(f"{line} is not JSON: the deedbook-export/2 bundle is damaged.")
    raise error(f'{line} is not a deedbook-export/2 first line (no "format": "{FORMAT}"): the bundle is damaged.')


def _an_object(raw: bytes) -> bool:
    try:
        return raw.endswith(b"\n") and isinstance(_json(raw), dict)
    except ValueError:
        return False


def _check_entries(
    handle: BinaryIO,
    label: str,
    since: int,
    size: int,
    checkpoint: Any,
    cancelled: Callable[[], bool] | None = None,
) -> int:
    """Read every entry line after the first to the last line; how many entries there are.  A county's file
    takes a while (about 5 s per 100,000 entries): `cancelled()` is asked every PAGE lines."""
    stop = f"Stopped checking {label[0].lower()}{label[1:]}; nothing was synced."
    if cancelled is not None and cancelled():
        raise Cancelled(stop)
    count = 0
    for _entry in checked_entries(handle.readline, label, since, size, checkpoint):
        count += 1
        if cancelled is not None and count % PAGE == 0 and cancelled():
            raise Cancelled(stop)
    return count


def checked_entries(
    read_line: Callable[[int], bytes], label: str, since: int, size: int, checkpoint: Any
) -> Iterator[BundleEntry]:
    """The entries a v2 bundle's lines after its first carry, each checked as written as it is read, one line
    held at a time; `read_line(limit)` reads the next line (at most `limit` bytes).  The last line (its count,
    nothing after it) is checked before the last entry is given: a sync appending whole batches of what it is
    given appends nothing from a bundle that ends wrong.  Entries more or fewer than the first line says (`size`),
    a line cut short, too long or not JSON: one sentence (BadBundle) naming the entry."""
    for index in range(since, size):
        item = _parse(read_line(MAX_LINE_BYTES + 1), label, index)
        if isinstance(item, dict) and "end" in item:
            _last_line(item, read_line, label, index - since)
            raise BadBundle(
                f"{label} is damaged: it carries {index - since:,} entries where its first line says {size - since:,}."
            )
        with damaged(label):
            entry = bundle_entry(item, index)
            same_as_checkpoint(checkpoint, entry, label)
        if index == size - 1:
            _end(read_line, label, since, size)
        yield entry
    if since == size:
        _end(read_line, label, since, size)


def _end(read_line: Callable[[int], bytes], label: str, since: int, size: int) -> None:
    """The line after entry `size`-1: the last line, counting `size` - `since` entries, and nothing after it."""
    item = _parse(read_line(MAX_LINE_BYTES + 1), label, size)
    if not (isinstance(item, dict) and "end" in item):
        raise BadBundle(f"{label} is damaged: it carries more entries than its first line says ({size - since:,}).")
    _last_line(item, read_line, label, size - since)


def _last_line(item: dict[str, Any], read_line: Callable[[int], bytes], label: str, count: int) -> None:
    if item != {"end": FORMAT, "entries": count} or read_line(1):
        raise BadBundle(f"{label} is damaged: its last line does not end its {count:,} entries.")


def _parse(raw: bytes, label: str, index: int) -> Any:
    """One line as JSON: a line cut short (the file ends mid-line, or before its last line), too long or not
    JSON is one sentence naming the entry it should have been."""
    if not raw:
        raise BadBundle(f"{label} is incomplete: it ends before its last line (at entry {index:,}); it was cut short.")
    if not raw.endswith(b"\n"):
        if len(raw) > MAX_LINE_BYTES:
            raise BadBundle(f"{label} is damaged: its line for entry {index:,} is over {MAX_LINE_BYTES // 2**20} MB.")
        raise BadBundle(f"{label} is incomplete: it ends in the middle of entry {index:,}; it was cut short.")
    try:
        return _json(raw)
    except ValueError:
        raise BadBundle(f"{label} is damaged: its line for entry {index:,} is not JSON.") from None


def _json(raw: bytes) -> Any:
    """A line's JSON, as strictly as a v1 file's (ValueError if it is not)."""
    try:
        text = raw.decode("utf-8")
        if json_nests_deeper_than(text, MAX_DEPTH):
            raise ValueError("nested too deep")
        return json.loads(text, parse_constant=_not_json)
    except (UnicodeDecodeError, RecursionError) as bad:
        raise ValueError(str(bad)) from None


def _not_json(word: str) -> Any:
    raise ValueError(f"{word} is not JSON")


def _stamp(handle: BinaryIO) -> tuple[int, int, int, int]:
    s = os.fstat(handle.fileno())
    return (s.st_dev, s.st_ino, s.st_size, s.st_mtime_ns)
