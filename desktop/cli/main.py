"""Parse the command line, run one command, turn errors into exit codes.

Each module named in COMMAND_MODULES has `register(commands)` adding its
sub-parsers; a sub-parser's `handler(args, ctx) -> int` calls into core/ or
valuation/ and prints.  Exit codes: 0 success, 1 verification failed, 2 bad input
or refused operation (one sentence on stderr, never a traceback).
"""
from __future__ import annotations

import argparse
import importlib
import sys
from typing import NoReturn

from core import __version__
from core.errors import DeedbookError, VerificationFailed
from desktop.cli.context import CliContext

COMMAND_MODULES = [
    "desktop.cli.keys_cmd",
    "desktop.cli.ledger_cmd",
    "desktop.cli.deeds_cmd",
    "desktop.cli.transactions_cmd",
    "desktop.cli.valuation_cmd",
    "desktop.cli.screen_cmd",
    "desktop.cli.documents_cmd",
    "desktop.cli.gui_cmd",
]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # argparse's own exit code is 2 as well; keep its one line
        self.print_usage(sys.stderr)
        print(f"deedbook: {message}", file=sys.stderr)
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="deedbook", description="Deedbook: signed property deeds, offline transfers, verifiable records.")
    parser.add_argument("--version", action="version", version=f"Deedbook {__version__}")
    parser.add_argument("--data-dir", metavar="DIR", help="data folder (default: $DEEDBOOK_HOME or the user data directory)")
    parser.add_argument("--db-url", metavar="URL", help="SQLAlchemy database URL (default: SQLite in the data folder)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as missing:
            if missing.name == name:  # a command group not written yet
                continue
            raise
        module.register(commands)
    return parser


def run(argv: list[str]) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        args = parser.parse_args(["gui", *argv])  # no command: the GUI
    ctx = CliContext(data_dir=args.data_dir, db_url=args.db_url)
    try:
        return int(args.handler(args, ctx) or 0)
    except DeedbookError as error:
        print(f"deedbook: {error}", file=sys.stderr)
        return 2
    except VerificationFailed as failure:
        print(f"deedbook: {failure.reason}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("deedbook: interrupted; nothing was written.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
