"""Check that every shared library in a built bundle finds the libraries it links to.

    python packaging/check_libs.py dist/Deedbook

build.spec drops Qt plugins and libraries the app does not use; this catches a drop
that something kept still needs.  A library that is missing on this machine anyway
(not in the bundle and not in the build's site-packages: e.g. libgtk-3 on a server)
is reported as a note, not an error, since the user's system provides it.
Linux only (it runs `ldd`); elsewhere it says so and passes.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from pathlib import Path


def is_elf(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(4) == b"\x7fELF"
    except OSError:
        return False


def main(argv: list[str]) -> int:
    if not sys.platform.startswith("linux"):
        print("check_libs: not Linux; skipped")
        return 0
    bundle = Path(argv[0] if argv else "dist/Deedbook").resolve()
    internal = bundle / "_internal"
    shipped = {p.name for p in internal.rglob("*")}
    site = Path(sysconfig.get_paths()["purelib"])
    available = {p.name for p in site.rglob("*.so*")}  # what the build could have shipped
    env = dict(os.environ, LD_LIBRARY_PATH=str(internal))  # what the bootloader sets
    errors: dict[str, set[str]] = {}
    notes: set[str] = set()
    files = [p for p in bundle.rglob("*") if p.is_file() and not p.is_symlink() and is_elf(p)]
    for path in files:
        out = subprocess.run(["ldd", str(path)], capture_output=True, text=True, env=env).stdout
        for line in out.splitlines():
            if "not found" not in line:
                continue
            name = line.split("=>")[0].strip()
            if name in available and name not in shipped:
                errors.setdefault(name, set()).add(str(path.relative_to(bundle)))
            else:
                notes.add(name)
    print(f"check_libs: {len(files)} ELF files in {bundle}")
    if notes:
        print("check_libs: left to the user's system:", ", ".join(sorted(notes)))
    for name, users in sorted(errors.items()):
        print(f"check_libs: ERROR {name} was dropped but is needed by: {', '.join(sorted(users)[:5])}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
