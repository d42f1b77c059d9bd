"""Core states the fact, the command line adds its option: no sentence raised in core/ or valuation/
names a command-line option, and every remedy has the command line's words."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from core.errors import DeedbookError, Remedy
from desktop.cli.hints import HINTS, with_hint

ROOT = Path(__file__).resolve().parents[2]
OPTION = re.compile(r"(?<![\w-])--[a-z][a-z-]*")


def _texts(node: ast.AST) -> list[str]:
    return [n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)]


def test_no_error_raised_in_core_or_valuation_names_an_option() -> None:
    offenders = []
    for package in ("core", "valuation"):
        for path in (ROOT / package).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            constants = {
                t.id: _texts(a.value)
                for a in ast.walk(tree)
                if isinstance(a, ast.Assign)
                for t in a.targets
                if isinstance(t, ast.Name)
            }  # e.g. a hint kept in a constant
            for node in ast.walk(tree):
                if isinstance(node, ast.Raise) and node.exc is not None:
                    texts = _texts(node.exc) + [
                        text
                        for name in ast.walk(node.exc)
                        if isinstance(name, ast.Name)
                        for text in constants.get(name.id, [])
                    ]
                    offenders += [f"{path.relative_to(ROOT)}:{node.lineno}: {t!r}" for t in texts if OPTION.search(t)]
    assert offenders == []


def test_every_remedy_has_the_command_lines_words() -> None:
    assert set(HINTS) == set(Remedy) and all(OPTION.search(hint) for hint in HINTS.values())


@given(st.text(min_size=1, max_size=80).map(lambda t: t.strip() + "."), st.sampled_from(list(Remedy)))
def test_a_hint_finishes_the_sentence(sentence: str, remedy: Remedy) -> None:
    said = with_hint(DeedbookError(sentence, remedy=remedy))
    assert said == sentence[:-1] + HINTS[remedy] + "." and said.count("\n") == sentence.count("\n")


@given(st.text(max_size=80))
def test_without_a_remedy_the_sentence_is_as_core_said_it(sentence: str) -> None:
    assert with_hint(DeedbookError(sentence)) == sentence


def test_the_command_line_says_what_it_said_before() -> None:
    refused = DeedbookError("/tmp/x.pdf exists already; choose another name.", remedy=Remedy.OVERWRITE)
    assert with_hint(refused) == "/tmp/x.pdf exists already; choose another name, or add --force to replace it."
