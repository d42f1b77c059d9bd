"""dev.py, the README's first two commands: its help, its refusals and the Makefile's aliases.

Only what returns before the virtualenv is set up is run here (help, no command, an unknown one)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _dev(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "dev.py"), *args], capture_output=True, text=True, timeout=30, cwd=ROOT
    )


def _commands() -> tuple[str, ...]:
    sys.path.insert(0, str(ROOT))
    try:
        import dev
    finally:
        sys.path.remove(str(ROOT))
    return tuple(dev.COMMANDS)


@pytest.mark.parametrize("asked", ["--help", "-h", "help"])
def test_help_asked_for_is_not_an_error_and_names_every_command(asked: str) -> None:
    result = _dev(asked)
    assert result.returncode == 0, result.stderr
    for command in _commands():
        assert f"python3 dev.py {command} " in result.stdout


@pytest.mark.parametrize("argv, says", [([], ""), (["frob"], "unknown command 'frob'")])
def test_no_command_or_an_unknown_one_exits_2(argv: list[str], says: str) -> None:
    result = _dev(*argv)
    assert result.returncode == 2
    assert "python3 dev.py run" in result.stdout
    assert says in result.stderr and (says or not result.stderr)


def test_every_make_alias_is_a_dev_py_command_of_the_same_name() -> None:
    aliases = re.findall(r"^(\w+):\n\tpython3 dev\.py (\w+)$", (ROOT / "Makefile").read_text(), re.MULTILINE)
    assert aliases and all(target == command and command in _commands() for target, command in aliases)
    readme = (ROOT / "README.md").read_text()
    for target, _ in aliases:
        assert f"`make {target}`" in readme
