"""dev.py, the README's first two commands: its help, its refusals and the Makefile's aliases.

Only what returns before the virtualenv is set up is run here (help, no command, an unknown one)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _dev(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "dev.py"), *args], capture_output=True, text=True, timeout=30, cwd=ROOT
    )


def _dev_module() -> Any:
    sys.path.insert(0, str(ROOT))
    try:
        import dev
    finally:
        sys.path.remove(str(ROOT))
    return dev


def _commands() -> tuple[str, ...]:
    return tuple(_dev_module().COMMANDS)


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


@pytest.mark.parametrize(
    "rest, cores, wanted",
    [
        ([], 1, ["-q"]),  # one core: no workers to start
        ([], 2, ["-q", "-n", "2", "--dist", "loadfile"]),
        (["tests/core", "-x"], 3, ["-q", "-n", "3", "--dist", "loadfile", "tests/core", "-x"]),
        ([], 64, ["-q", "-n", "4", "--dist", "loadfile"]),  # at most four
        (["-n", "1"], 8, ["-q", "-n", "1"]),  # the caller's own choice wins
        (["-n0", "tests/gui"], 8, ["-q", "-n0", "tests/gui"]),
        (["--numprocesses=3"], 8, ["-q", "--numprocesses=3"]),
        (["-p", "no:xdist"], 8, ["-q", "-p", "no:xdist"]),
    ],
)
def test_the_suite_runs_on_the_machines_cores_unless_told_otherwise(
    rest: list[str], cores: int, wanted: list[str]
) -> None:
    assert _dev_module().pytest_arguments(rest, cores) == wanted


def test_pytest_xdist_is_in_the_dev_extra_it_needs() -> None:
    assert re.search(r'^\s*"pytest-xdist[>=~]', (ROOT / "pyproject.toml").read_text(), re.MULTILINE)
