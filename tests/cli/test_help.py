"""Every command's --help: it prints (a stray '%' in a help text makes argparse raise), and says what each
option and argument is (a new user reads --help before the docs)."""

from __future__ import annotations

import argparse
from collections.abc import Iterator

from desktop.cli.main import build_parser


def _parsers(parser: argparse.ArgumentParser, path: str = "deedbook") -> Iterator[tuple[str, argparse.ArgumentParser]]:
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _parsers(sub, f"{path} {name}")


def test_every_help_prints_and_every_argument_says_what_it_is() -> None:
    unexplained = []
    for path, parser in _parsers(build_parser()):
        assert parser.format_help().startswith("usage: "), path
        for action in parser._actions:
            if isinstance(action, (argparse._HelpAction, argparse._SubParsersAction, argparse._VersionAction)):
                continue
            if not action.help:
                unexplained.append(f"{path}: {'/'.join(action.option_strings) or action.dest}")
    assert not unexplained, "no help text: " + ", ".join(unexplained)
