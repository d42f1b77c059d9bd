"""Parse the command line, run one command, turn errors into exit codes.

Each module named in COMMAND_MODULES has `register(commands)` adding its
sub-parsers; a sub-parser's `handler(args, ctx) -> int` calls the workspace
(desktop.workspace, through `ctx.ws`) and prints.  Core's sentences name no
option; `hints.with_hint` adds the one that fixes the problem.  Exit codes: 0 success, 1 verification failed, 2 bad input
or refused operation (one sentence on stderr, never a traceback).
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import importlib
import os
import sys
import traceback
from typing import NoReturn

from core import __version__
from core.errors import DeedbookError, VerificationFailed, database_error_sentence
from core.paths import DataDir
from core.shown_urls import shown_url
from desktop.cli.context import CliContext
from desktop.cli.hints import with_hint

COMMAND_MODULES = [
    "desktop.cli.keys_cmd",
    "desktop.cli.ledger_cmd",
    "desktop.cli.deeds_cmd",
    "desktop.cli.transactions_cmd",
    "desktop.cli.parties_cmd",
    "desktop.cli.valuation_cmd",
    "desktop.cli.screen_cmd",
    "desktop.cli.documents_cmd",
    "desktop.cli.qr_cmd",
    "desktop.cli.rules_cmd",
    "desktop.cli.witness_cmd",
    "desktop.cli.servicing_cmd",
    "desktop.cli.seal_cmd",
    "desktop.cli.gui_cmd",
]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # argparse's own exit code is 2 as well; keep its one line
        self.print_usage(sys.stderr)
        print(f"deedbook: {message}", file=sys.stderr)
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="deedbook", description="Deedbook: signed property deeds, offline transfers, verifiable records."
    )
    parser.add_argument("--version", action="version", version=f"Deedbook {__version__}")
    parser.add_argument(
        "--data-dir", metavar="DIR", help="data folder (default: $DEEDBOOK_HOME or the user data directory)"
    )
    parser.add_argument("--db-url", metavar="URL", help="SQLAlchemy database URL (default: SQLite in the data folder)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(commands)
    _say_what_json_does(parser)
    return parser


def _say_what_json_does(parser: argparse.ArgumentParser) -> None:
    """Every --json means the same, so its help is written once, here (a command may say more)."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in set(action.choices.values()):
                _say_what_json_does(sub)
        elif action.option_strings == ["--json"] and action.help is None:
            action.help = "print the result as JSON instead of text"


# Ctrl+C before a command starts (imports, parsing) stops it before it could change anything.
INTERRUPTED_BEFORE = "Interrupted; nothing was changed."
# Ctrl+C during a command: each ledger write is one transaction and each file is put in place whole, so nothing
# is half-written; a step of the command already finished (a first entry recorded, a key made) stays.
INTERRUPTED_DURING = "Interrupted; anything recorded or written before Ctrl+C stays, and nothing is half-written."


def interrupted(sentence: str) -> int:
    """Ctrl+C said in one sentence, exit 130 (128 + SIGINT, as a shell reports it), never a traceback."""
    print(f"deedbook: {sentence}", file=sys.stderr)
    return 130


def run(argv: list[str]) -> int:
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        if args.command is None:  # no command: the GUI, with the options given (all of them before a command)
            args = parser.parse_args([*argv, "gui"])
    except KeyboardInterrupt:
        return interrupted(INTERRUPTED_BEFORE)
    ctx = CliContext(data_dir=args.data_dir, db_url=args.db_url)
    try:
        return _handled(args, ctx)
    finally:
        with contextlib.suppress(KeyboardInterrupt):  # the command has ended: its connections go with the process
            ctx.close()


def _handled(args: argparse.Namespace, ctx: CliContext) -> int:
    """The command's exit code; a refusal or failure said in one sentence on stderr."""
    try:
        DataDir.resolve(ctx.data_dir)  # a file named as the data folder: said before any command, the GUI's too
        return int(args.handler(args, ctx) or 0)
    except DeedbookError as error:
        print(f"deedbook: {shown_url(with_hint(error))}", file=sys.stderr)  # a URL's password never said
        return 2
    except VerificationFailed as failure:
        print(f"deedbook: {failure.reason}", file=sys.stderr)
        return 1
    except KeyboardInterrupt as stop:  # core.errors.Interrupted says what it stopped; a bare one says nothing
        return interrupted(str(stop) or INTERRUPTED_DURING)
    except BrokenPipeError:
        return 0
    except Exception as error:  # noqa: BLE001 - the last resort: one sentence, never a traceback
        if os.environ.get("DEEDBOOK_DEBUG"):
            traceback.print_exc()
        print(f"deedbook: {shown_url(last_resort_sentence(error, ctx))}", file=sys.stderr)
        return 2


def _one_line(text: str, limit: int = 200) -> str:
    first = text.strip().splitlines()[0] if text.strip() else ""
    return "".join(ch if ch.isprintable() else f"\\x{ord(ch):02x}" for ch in first)[:limit]


def last_resort_sentence(error: BaseException, ctx: CliContext) -> str:
    """The sentence for an error no command turned into one (they should; this keeps tracebacks out)."""
    if (sentence := database_error_sentence(error)) is not None:
        return sentence
    if isinstance(error, MemoryError):
        return "Deedbook ran out of memory; nothing was written."
    if isinstance(error, OSError):
        where = error.filename if error.filename else "a file"
        if error.errno in (errno.EROFS, errno.EACCES, errno.EPERM) and ctx.data_dir_is_parent_of(where):
            return f"The data folder {ctx.home.root} is read-only; this command needs to write there."
        return f"Cannot use {where}: {_one_line(error.strerror or str(error))}."
    return (
        f"Deedbook failed unexpectedly ({type(error).__name__}: {_one_line(str(error), 120)}); "
        "run it again with DEEDBOOK_DEBUG=1 to see where."
    )
