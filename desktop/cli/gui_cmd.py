"""deedbook gui [--smoke] [--screenshots DIR]   (also what `deedbook` alone runs)"""

from __future__ import annotations

import argparse
from typing import Any

from desktop.cli.context import CliContext


def register(commands: Any) -> None:
    gui = commands.add_parser("gui", help="open the desktop application (the default with no command)")
    gui.add_argument(
        "--smoke",
        action="store_true",
        help="open the main window, wait until it is shown and idle, print the time, exit 0",
    )
    gui.add_argument(
        "--screenshots", metavar="DIR", help="open each main screen in turn, save a PNG of each in DIR, exit 0"
    )
    gui.add_argument(
        "--notary-desk",
        action="store_true",
        help="open the notary's desk alone (attest from request files; no ledger needed)",
    )
    gui.set_defaults(handler=_gui)


def _gui(args: argparse.Namespace, ctx: CliContext) -> int:
    from desktop.gui.app import run  # Qt is imported only when the GUI is wanted

    return run(ctx.data_dir, ctx.db_url, smoke=args.smoke, screenshots=args.screenshots, notary=args.notary_desk)
