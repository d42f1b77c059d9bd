"""Make the document gallery in docs/documents/: each kind of document, as PDF and as page images.

    python scripts/render_gallery.py [--out docs/documents] [--resolution 70] [--no-valuation]

It builds a demo ledger in a temporary folder (the Ames demo: 30 deeds, 10
transfers), then gives one deed a fuller history through the real services — a
mortgage, a sale the bank co-signs (paying the mortgage off), a notarised
acknowledgement, a sale of half the shares, a tax lien and its release, a
recorded valuation — names the parties in the address book (some in scripts
beyond Latin-1), signs a checkpoint, and makes every document.  Page images come
from `pdftoppm` (Debian's poppler-utils).  The valuation report needs a trained
model: training on the bundled market takes about 15 seconds.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.checkpoints import make_checkpoint  # noqa: E402
from core.contacts import AddressBook  # noqa: E402
from core.demo import DEMO_PASSWORD, build_demo  # noqa: E402
from core.keys import KeyStore, UnlockedKey  # noqa: E402
from core.ledger import Ledger  # noqa: E402
from core.liens import add_lien, release_lien  # noqa: E402
from core.notary import attest  # noqa: E402
from core.paths import DataDir  # noqa: E402
from core.requests import sign_request  # noqa: E402
from core.transactions import prepare_transfer, submit  # noqa: E402

SEAL_PASSWORD = "gallery seal password"  # a throwaway ledger's throwaway seal
NAMES = {
    "demo-owner-1": "Zoë Ðorđević",
    "demo-owner-2": "José Müller-Łukasiewicz",
    "demo-owner-3": "王芳 (Wang Fang)",
    "demo-owner-4": "Siobhán Ó Briain",
    "demo-owner-5": "Ngozi Okonkwo",
    "demo-owner-6": "Αλέξης Παπαδόπουλος",
    "demo-owner-7": "Мария Иванова",
    "demo-owner-8": "Søren Kierkegaard-Ødegaard",
    "demo-owner-9": "Nguyễn Thị Mai",
    "demo-owner-10": "Zsófia Kovács",
    "demo-owner-11": "Jürgen Weiß",
    "demo-owner-12": "Amélie Lefèvre",
    "demo-bank": "First Ames Bank",
    "demo-county-treasurer": "Story County Treasurer",
    "demo-notary": "Åsa Lindqvist",
    "demo-operator": "Story County Recorder",
}


def sell(
    ledger: Ledger, keys: dict[str, UnlockedKey], deed: int, buyer: str, price: str, shares: int | None = None
) -> int:
    """A transfer through the real flow: prepare, each required party signs its request, submit."""
    prepared = prepare_transfer(ledger, deed, keys[buyer].address, price, shares=shares)
    by_address = {k.address.lower(): k for k in keys.values()}
    responses = [sign_request(r, by_address[r.signer.lower()]) for r in prepared.requests]
    return submit(ledger, responses)


def build(home: DataDir, with_valuation: bool) -> dict[str, object]:
    build_demo(home, deeds=30, transfers=10)
    ledger = Ledger.open(home)
    store = KeyStore(home.keys)
    keys = {info.name: store.unlock(info.name, DEMO_PASSWORD) for info in store.list()}
    book = AddressBook(ledger.engine)
    known = {c.address.lower() for c in book.list()}
    for name, label in NAMES.items():
        if name in keys and keys[name].address.lower() not in known:
            book.add(label, keys[name].address, "notary" if "notary" in name else "")
    deed = ledger.deed(7)
    owner = next(n for n, k in keys.items() if k.address.lower() == deed.owner.lower())
    buyer = "demo-owner-3" if owner != "demo-owner-3" else "demo-owner-4"
    third = "demo-owner-2" if owner != "demo-owner-2" else "demo-owner-5"
    mortgage = add_lien(ledger, deed.deed_id, keys["demo-bank"], "164000", "mortgage")
    sale = sell(ledger, keys, deed.deed_id, buyer, "238500")  # the bank co-signs: the mortgage is paid off
    acknowledgement = attest(
        ledger,
        sale,
        keys["demo-notary"],
        act="acknowledgment",
        place="Ames, Story County, Iowa",
        id_kind="passport",
        id_number="X1234567",
    )
    half = sell(ledger, keys, deed.deed_id, third, "121000", shares=5000)
    jurat = attest(
        ledger,
        half,
        keys["demo-notary"],
        act="jurat",
        place="Nevada, Story County, Iowa",
        id_kind="driver's licence",
        id_number="IA-998877",
    )
    tax = add_lien(ledger, deed.deed_id, keys["demo-county-treasurer"], "3180.44", "property tax")
    release_lien(ledger, deed.deed_id, tax.lien.lien_id, keys["demo-county-treasurer"])
    valuation = None
    if with_valuation:
        from desktop.documents import ModelCard
        from valuation import service

        print("training the valuation model (about 15 s)...", flush=True)
        service.train(home, ledger=ledger)
        current, result, card = service.value_deed(home, ledger, deed.deed_id)
        service.record_valuation(ledger, current, result, card, keys["demo-operator"])
        valuation = (result, ModelCard.from_card(card))
    # The office's document seal (PAdES), bound to the ledger by the operator; make_checkpoint below covers it.
    from core.seals import SealStore, bind_seal

    seals = SealStore(home.root / "seals")
    cert = seals.create(
        "county-recorder",
        SEAL_PASSWORD,
        office=ledger.identity.name,
        operator=keys["demo-operator"].address,
        now=int(time.time()),
    )
    bind_seal(ledger, keys["demo-operator"], "county-recorder", cert)

    make_checkpoint(ledger, keys["demo-operator"])  # the record date of the rent paid to the deed's two holders
    from core.servicing.distributions import preview, record_distribution

    rent = record_distribution(
        ledger, keys["demo-operator"], preview(ledger, deed.deed_id, "2450.01", "USD", purpose="Rent for March 2026")
    )
    make_checkpoint(ledger, keys["demo-operator"])
    return {
        "ledger": ledger,
        "deed": deed.deed_id,
        "sale": sale,
        "mortgage": mortgage,
        "notarised": acknowledgement,
        "jurat": jurat,
        "valuation": valuation,
        "rent": rent,
        "third": keys[third].address,
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=str(ROOT / "docs" / "documents"))
    parser.add_argument("--resolution", type=int, default=70)
    parser.add_argument("--no-valuation", action="store_true", help="skip the valuation report (no training)")
    parser.add_argument(
        "--only",
        metavar="NAME",
        help="write only this document (e.g. distribution-statement), leaving the others as they are",
    )
    args = parser.parse_args()
    if shutil.which("pdftoppm") is None:
        print("pdftoppm is needed (Debian: apt-get install poppler-utils)", file=sys.stderr)
        return 2
    from core.outfiles import write_output
    from desktop.documents import (
        build_journal_pdf,
        build_notary_record_pdf,
        build_title_pdf,
        build_transfer_pdf,
        build_valuation_pdf,
        verify_pdf,
    )

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for old in [*out.glob(f"{args.only or '*'}.pdf"), *out.glob(f"{args.only or '*'}-*.png")]:
        old.unlink()
    with tempfile.TemporaryDirectory() as folder:
        home = DataDir.resolve(folder).ensure()
        made = build(home, not args.no_valuation)
        ledger = made["ledger"]
        assert isinstance(ledger, Ledger)
        commission = {"profile": "iowa", "commission": "IA-771204", "commissionExpires": "2029-06-30"}
        documents = {
            "title": build_title_pdf(ledger, made["deed"], "A4"),
            "transfer-deed": build_transfer_pdf(ledger, made["sale"], "Letter"),  # type: ignore[arg-type]
            "notary-record": build_notary_record_pdf(
                ledger,
                made["notarised"],
                "A4",  # type: ignore[arg-type]
                commission=commission,
            ),
            "notary-journal": build_journal_pdf(ledger, paper="A4"),
            # Recording-ready pages (layout 9; the notary record's 6): US Letter, the recorder's band, 10-point type,
            # columns fitting their words, a hash too long for a line of its sentence on lines of its own, the word
            # before it on its first, and (9) a day or time taken from an instant naming UTC.
            "transfer-deed-recording": build_transfer_pdf(ledger, made["sale"], recording=True),  # type: ignore[arg-type]
            "title-recording": build_title_pdf(ledger, made["deed"], recording=True),
            "notary-record-recording": build_notary_record_pdf(
                ledger,
                made["jurat"],  # type: ignore[arg-type]
                recording=True,
                commission={**commission, "profile": "california"},
            ),
        }
        from desktop.documents.statement import build_statement_pdf

        rent = ledger.entry(made["rent"]).message  # type: ignore[arg-type]
        documents["distribution-statement"] = build_statement_pdf(ledger, rent["distributionId"], made["third"], "A4")  # type: ignore[arg-type]
        # One sealed document: the same certificate of title with the office's PAdES seal (pdfsig shows it).
        from desktop.workspace import Workspace
        from desktop.workspace.signers import Signer

        documents["title-sealed"] = Workspace(home, ledger=ledger).seal_document(
            documents["title"], Signer("county-recorder", SEAL_PASSWORD)
        )
        if made["valuation"] is not None:
            result, card = made["valuation"]  # type: ignore[misc]
            documents["valuation-report"] = build_valuation_pdf(ledger, made["deed"], result, card, "A4")
        for name, pdf in documents.items():
            if args.only and name != args.only:
                continue
            path = write_output(out / f"{name}.pdf", pdf, force=True)
            report = verify_pdf(path)
            if not report.ok:
                print(f"{name}: NOT GENUINE: {report.reason}", file=sys.stderr)
                return 1
            subprocess.run(["pdftoppm", "-r", str(args.resolution), "-png", str(path), str(out / name)], check=True)
            pages = sorted(out.glob(f"{name}-*.png"))
            print(f"{name}: {len(pdf) / 1024:.0f} KB, {len(pages)} page(s), verified")
        ledger.close()
    total = sum(p.stat().st_size for p in out.iterdir() if p.suffix in (".png", ".pdf"))
    print(f"gallery in {out}: {total / 1024:.0f} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
