"""Build the data folder the documentation's screenshots are taken from (docs/gui.md, "Screenshots").

    python scripts/make_docs_demo.py /tmp/docs-demo
    deedbook --data-dir /tmp/docs-demo gui --screenshots docs/screenshots

A demo ledger (400 deeds, 80 transfers, 5 injected cases of each pattern the screen looks for), three
contacts in the address book, and two witnesses (the demo's bank and county treasurer, each in a folder
of its own beside the data folder, with its key imported there) that follow the ledger and cosign its
checkpoint, as in docs/witnesses.md. Every step is the command line a user would run, except the address
book, which only the GUI and the workspace edit. The folder must not exist yet; nothing is downloaded.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from desktop.workspace import Workspace  # noqa: E402

DEMO_PASSWORD = "deedbook-demo"  # every demo key's (README, "Demo ledgers")
CONTACTS = (  # name, demo key, role, note
    ("First Ames Bank", "demo-bank", "lienholder", "mortgages and releases"),
    ("Story County Treasurer", "demo-county-treasurer", "other", "witnesses the ledger's checkpoints"),
    ("Notary M. Lindqvist", "demo-notary", "notary", "attests closings"),
)
WITNESSES = (("bank.example/w1", "demo-bank", "bank"), ("county.example/w1", "demo-county-treasurer", "county"))


def deedbook(*argv: str) -> str:
    """Run one command of the installed application's command line; stop the build on any failure."""
    done = subprocess.run([sys.executable, "-m", "desktop", *argv], cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"make_docs_demo: 'deedbook {' '.join(argv)}' failed: {done.stderr.strip()}")
    return done.stdout


def build(folder: Path) -> None:
    if folder.exists():
        sys.exit(f"make_docs_demo: {folder} exists already; give a new folder.")
    home = ("--data-dir", str(folder))
    deedbook(*home, "demo", "--deeds", "400", "--transfers", "80", "--with-suspicious", "5")
    workspace = Workspace.open(folder)
    addresses = {key.name: key.address for key in workspace.keys.list()}
    for name, key, role, note in CONTACTS:
        workspace.add_contact(name, addresses[key], role, note)
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        password = work / "password"
        password.write_text(DEMO_PASSWORD + "\n")
        secret = ("--password-file", str(password))
        request = work / "request.json"
        deedbook(*home, "checkpoint", "--key", "demo-operator", *secret, "--request-out", str(request))
        cosignatures = []
        for name, key, short in WITNESSES:
            witness = ("--data-dir", str(folder.parent / f"{folder.name}-{short}"))
            keystore = work / f"{key}.json"
            deedbook(*home, "key", "export", key, "--out", str(keystore))
            deedbook(*witness, "key", "import", key, "--keystore", str(keystore), *secret)
            deedbook(*witness, "witness", "init", name, "--key", key)
            deedbook(*witness, "witness", "follow", str(request))
            cosignature = work / f"{short}.cosig"
            deedbook(*witness, "witness", "cosign", str(request), "--key", key, *secret, "--out", str(cosignature))
            cosignatures.append(str(cosignature))
        deedbook(*home, "checkpoint", "add-cosignature", *cosignatures)
    print(f"Docs demo in {folder}; its witnesses in {folder}-bank and {folder}-county.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, help="a new data folder")
    build(parser.parse_args().folder)


if __name__ == "__main__":
    main()
