"""Render the Servicing pane and its dialogs to PNG (offscreen) for docs/servicing.md.

    QT_QPA_PLATFORM=offscreen python scripts/render_servicing_screens.py [--out docs/screenshots]

A throwaway ledger in a temporary folder: a deed held in thirds, a checkpoint, a distribution, and a
proposal with two ballots, all through the real services.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def build(root: Path) -> object:
    from core.checkpoints import make_checkpoint
    from core.requests import load_request, sign_request
    from core.servicing import distributions as dist
    from core.servicing import votes
    from core.transactions import prepare_transfer, submit
    from tests.helpers import make_world

    world = make_world(root / "home")
    alice, bob, carol = world.key("alice"), world.key("bob"), world.key("carol")
    deed = world.register("0526301100", alice.address, shares=3)
    for buyer in (bob, carol):
        prepared = prepare_transfer(
            world.ledger, deed, buyer.address, "100", "USD", shares=1, closing_date="2026-03-31", seller=alice.address
        )
        submit(world.ledger, [sign_request(r, alice if r.role == "seller" else buyer) for r in prepared.requests])
    make_checkpoint(world.ledger, world.operator)
    dist.record_distribution(
        world.ledger, world.operator, dist.preview(world.ledger, deed, "1000", "USD", purpose="Rent for March 2026")
    )
    votes.propose(
        world.ledger,
        world.operator,
        dist.snapshot(world.ledger, deed),
        "Replace the roof for USD 18,000?",
        6000,
        int(time.time()) + 14 * 86400,
    )
    votes.ballot_requests(world.ledger, 1, root / "ballots")
    for key, choice in ((alice, "yes"), (carol, "no")):
        request = load_request(next((root / "ballots").glob(f"*-{key.address[2:10].lower()}-{choice}.json")))
        submit(world.ledger, [sign_request(request, key)])
    return world


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    out = Path(parser.parse_args().out)
    out.mkdir(parents=True, exist_ok=True)
    from PySide6.QtWidgets import QApplication

    app = QApplication([])
    from core.settings import Settings
    from desktop.gui import theme
    from desktop.gui.context import AppContext
    from desktop.gui.main_window import MainWindow
    from tests.helpers import PASSWORD

    def settle(seconds: float) -> None:
        end = time.time() + seconds
        while time.time() < end:
            app.processEvents()
            time.sleep(0.02)

    with tempfile.TemporaryDirectory() as folder:
        os.environ["DEEDBOOK_HOME"] = str(Path(folder) / "home")
        world = build(Path(folder))
        ctx = AppContext(world.home, Settings.load(), world.ledger)  # type: ignore[attr-defined]
        theme.apply_theme(app, "light")
        window = MainWindow(ctx)
        window.resize(1280, 800)
        window.show()
        pane = window.show_pane("servicing")
        settle(3)
        window.grab().save(str(out / "servicing-distributions.png"))
        pane.tabs.setCurrentIndex(1)
        settle(1)
        window.grab().save(str(out / "servicing-votes.png"))
        dialog = pane.dialog("DistributionDialog")
        settle(1.5)
        dialog.deed.setText("1")
        dialog.amount.setText("2,450.00")
        dialog.purpose.setText("Rent for April 2026")
        dialog.preview()
        settle(2)
        dialog.key.select("operator")
        dialog.key.password.setText(PASSWORD)
        settle(0.5)
        dialog.grab().save(str(out / "servicing-distribution-dialog.png"))
        ctx.ops.shutdown()
    print(f"wrote servicing-distributions.png, servicing-votes.png, servicing-distribution-dialog.png to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
