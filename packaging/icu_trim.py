"""A smaller libicudata for the Linux bundle: ICU's data without the parts Qt never reads.

    python packaging/icu_trim.py SRC/libicudata.so.73 OUT/libicudata.so.73

PySide6's Linux wheels link QtCore to ICU, and libicudata.so is one 30 MB blob of
ICU data (the exported symbol `icudtNN_dat`, in ICU's "common data" format: a
header, a table of contents sorted by name, then the items).  Qt uses ICU for
collation (QCollator, locale-aware sorting), case mapping, code-page conversion
and time-zone names; its own CLDR tables cover the rest of QLocale.  It never
opens break-iterator dictionaries, unit/currency/language/region display names,
transliterators, spell-out rules or ICU's per-locale formatting bundles.  This
script copies the blob without those items, the multi-byte code pages and the
non-English time-zone names (30.6 -> 5.8 MB), and assembles a new library that
exports the same symbol under the same SONAME.  ICU falls back to root data when
an item is missing, so a mistake here degrades a display name; it does not crash.
Checked with Qt: sorting in 19 locales and case mapping give the same results
with either library (see docs/release.md for what does change).

Needs a C compiler driver (`cc`) and `nm`; without them the caller ships the
original library.  Linux only (Windows and macOS Qt use the system's ICU).
"""

from __future__ import annotations

import re
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

# Items dropped, by path inside the package ("icudt73l/<path>").  Collation (coll/), the
# root bundles, likely subtags, normalisation, case and property data stay.
DROPPED = re.compile(
    r"^(brkitr|unit|curr|lang|region|translit|rbnf)/"  # not used by Qt
    r"|^zone/(?!root\.res|en\.res|pool\.res|res_index\.res|tzdbNames\.res)"  # tz names: English only
    r"|\.cnv$"  # code-page converters: only the large (East Asian, EBCDIC) ones go, see SMALL_CONVERTER
    # Per-locale bundles of the main tree (de.res, fr_CA.res, ...: number and date formats,
    # display names) serve ICU's formatting APIs; Qt formats with its own CLDR tables.
    r"|^(?!root\.res$|pool\.res$|res_index\.res$)[a-z]{2,3}(_[A-Za-z0-9]+)*\.res$"
)
# Single-byte code pages (windows-1252, ISO 8859-x, KOI8, ...) are a few kB each and stay,
# so QStringDecoder("windows-1252") keeps working; the multi-byte tables are up to 0.5 MB.
SMALL_CONVERTER = 16 * 1024


def read_blob(library: Path) -> tuple[str, bytes]:
    """The data symbol's name and bytes (its file offset equals its address in this library)."""
    listing = subprocess.run(
        ["nm", "-D", "-S", "--defined-only", str(library)], capture_output=True, text=True, check=True
    ).stdout
    for line in listing.splitlines():
        parts = line.split()
        if len(parts) == 4 and re.fullmatch(r"icudt\d+_dat", parts[3]):
            address, size, name = int(parts[0], 16), int(parts[1], 16), parts[3]
            data = library.read_bytes()
            # Map the address to a file offset through the program headers.
            offset = _file_offset(data, address)
            return name, data[offset : offset + size]
    raise ValueError(f"{library}: no icudtNN_dat symbol")


def _file_offset(elf: bytes, address: int) -> int:
    if elf[:4] != b"\x7fELF" or elf[4] != 2:
        raise ValueError("not a 64-bit ELF file")
    (e_phoff,) = struct.unpack_from("<Q", elf, 0x20)
    e_phentsize, e_phnum = struct.unpack_from("<HH", elf, 0x36)
    for i in range(e_phnum):
        p_type, _flags, p_offset, p_vaddr, _paddr, p_filesz = struct.unpack_from(
            "<IIQQQQ", elf, e_phoff + i * e_phentsize
        )
        if p_type == 1 and p_vaddr <= address < p_vaddr + p_filesz:
            return address - p_vaddr + p_offset
    raise ValueError("data symbol outside the loaded segments")


def trim(blob: bytes, dropped: re.Pattern[str] = DROPPED) -> tuple[bytes, int, int]:
    """The blob without the dropped items; also the item counts before and after."""
    header_size, magic1, magic2 = struct.unpack_from("<HBB", blob, 0)
    if (magic1, magic2) != (0xDA, 0x27) or blob[12:16] != b"CmnD":
        raise ValueError("not an ICU common-data package (CmnD)")
    toc = header_size
    (count,) = struct.unpack_from("<I", blob, toc)
    entries = [struct.unpack_from("<II", blob, toc + 4 + 8 * i) for i in range(count)]

    def name_at(offset: int) -> str:
        start = toc + offset
        return blob[start : blob.index(b"\0", start)].decode("ascii")

    items = []
    for i, (name_offset, data_offset) in enumerate(entries):
        end = entries[i + 1][1] if i + 1 < count else len(blob) - toc
        items.append((name_at(name_offset), blob[toc + data_offset : toc + end]))

    def wanted(name: str, data: bytes) -> bool:
        path = name.split("/", 1)[1]
        if path.endswith(".cnv"):
            return len(data) <= SMALL_CONVERTER
        return not dropped.search(path)

    kept = [(name, data) for name, data in items if wanted(name, data)]

    # Same layout as ICU's own packager: TOC, names, then each item 16-byte aligned
    # (item offsets are relative to the TOC start, which is 16-byte aligned itself).
    names = b""
    name_offsets = []
    names_start = 4 + 8 * len(kept)
    for name, _data in kept:
        name_offsets.append(names_start + len(names))
        names += name.encode("ascii") + b"\0"
    body = bytearray(struct.pack("<I", len(kept)))
    data_start = names_start + len(names)
    data_start += -data_start % 16
    data_offsets, payload = [], bytearray()
    for _name, data in kept:
        data_offsets.append(data_start + len(payload))
        payload += data
        payload += b"\0" * (-len(payload) % 16)
    for name_offset, data_offset in zip(name_offsets, data_offsets, strict=True):
        body += struct.pack("<II", name_offset, data_offset)
    body += names
    body += b"\0" * (data_start - len(body))
    body += payload
    return blob[:header_size] + bytes(body), count, len(kept)


def build_library(symbol: str, soname: str, blob: bytes, out: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        dat = Path(tmp) / "icu.dat"
        dat.write_bytes(blob)
        asm = Path(tmp) / "icu.S"
        asm.write_text(
            "\t.section .rodata\n"
            f"\t.globl {symbol}\n\t.type {symbol}, @object\n\t.balign 16\n"
            f"{symbol}:\n\t.incbin \"{dat}\"\n\t.size {symbol}, . - {symbol}\n"
            "\t.section .note.GNU-stack,\"\",@progbits\n"
        )
        out.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["cc", "-shared", "-nostdlib", f"-Wl,-soname,{soname}", "-o", str(out), str(asm)],
            check=True,
            capture_output=True,
        )


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__)
        return 2
    source, out = Path(argv[0]), Path(argv[1])
    symbol, blob = read_blob(source)
    small, before, after = trim(blob)
    build_library(symbol, source.name, small, out)
    print(
        f"icu_trim: {source.name}: {before} -> {after} items, "
        f"{source.stat().st_size / 2**20:.1f} -> {out.stat().st_size / 2**20:.1f} MB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
