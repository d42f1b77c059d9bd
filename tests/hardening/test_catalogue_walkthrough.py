"""What a new user met following the README and docs/*.md as written, kept in the catalogue.

Each case is a command that once answered wrongly (silence, a traceback, the wrong exit code);
it must now refuse with exit 2 and one sentence, and leave the ledger as it was.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.attributes import CATALOGUE
from core.deeds import parse_attribute_pairs
from core.errors import DeedbookError
from tests.hardening.conftest import Office
from tests.hardening.harness import assert_refused, run_cli


def _ok(office: Office, capsys: pytest.CaptureFixture[str], *args: str) -> str:
    outcome = run_cli(list(args), capsys)
    assert outcome.code == 0, outcome.err
    return outcome.out


def _approved_recovery(office: Office, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> str:
    """A recovery of alice's key whose only approval (any registrar) is recorded: it waits for its period."""
    rules = tmp_path / "rules.json"
    rules.write_text(
        json.dumps(
            {
                "format": "deedbook-rules/1",
                "recovery": {"approvals": [{"role": "registrar", "by": "registrars"}], "waiting_days": 7},
            }
        )
    )
    _ok(office, capsys, *office.keyed("rules", "set", "--file", str(rules)))
    requests = tmp_path / "requests"
    started = json.loads(
        _ok(
            office,
            capsys,
            *office.keyed(
                "recovery", "start", "--lost", office.alice, "--new", office.bob, "--out-dir", str(requests), "--json"
            ),
        )
    )
    [request] = started["requests"]
    signed = tmp_path / "approval.signed.json"
    _ok(office, capsys, *office.keyed("sign", request, "--yes", "--out", str(signed)))
    _ok(office, capsys, *office.argv("submit", str(signed)))
    return str(started["id"])


def _recovery_requests_when_none_is_missing(office: Office, capsys: pytest.CaptureFixture[str], tmp: Path) -> list[str]:
    rid = _approved_recovery(office, capsys, tmp)
    return office.argv("recovery", "requests", rid[:10], "--out-dir", str(tmp / "fresh"))


def _cosign_before_following(office: Office, capsys: pytest.CaptureFixture[str], tmp: Path) -> list[str]:
    """The README's witness lines once skipped `witness follow`; the refusal now says what to run."""
    witness, pw = tmp / "witness", ["--password-file", str(office.password_file)]
    _ok(office, capsys, "--data-dir", str(witness), "key", "new", "notary", *pw)
    _ok(office, capsys, "--data-dir", str(witness), "witness", "init", "notary.example/w1", "--key", "notary")
    request = tmp / "request.json"
    _ok(office, capsys, *office.keyed("checkpoint", "--request-out", str(request)))
    out = tmp / "fresh.cosig"
    return ["--data-dir", str(witness), "witness", "cosign", str(request), "--key", "notary", "--out", str(out), *pw]


def _register(*attrs: str) -> Callable[[Office, pytest.CaptureFixture[str], Path], list[str]]:
    """A deed registered with these --attr pairs (text for a catalogue number was stored; valued as "None")."""

    def setup(office: Office, capsys: pytest.CaptureFixture[str], tmp: Path) -> list[str]:
        pairs = [arg for attr in attrs for arg in ("--attr", attr)]
        return office.keyed(
            "deed", "register", "--parcel", "P-77", "--address", "2 Main", "--owner", office.bob, *pairs
        )

    return setup


def _postgres_with_no_server(office: Office, capsys: pytest.CaptureFixture[str], tmp: Path) -> list[str]:
    """psycopg's two-line message was printed with its line break as '\\x0a\\x09', ending '?.'."""
    return office.argv("--db-url", f"postgresql+psycopg://nobody@/nodb?host={tmp}/nosock", "deed", "list")


def _verify_pdf_of_a_notarys_journal_export(office: Office, capsys: pytest.CaptureFixture[str], tmp: Path) -> list[str]:
    """`journal --pdf` on a notary's machine: verify-pdf said NOT GENUINE (exit 1), "a program that rewrote
    it dropped" attachments it never had."""
    from core.notary_journal import JournalCheck
    from desktop.documents.own_journal import build_own_journal_pdf

    pdf = tmp / "journal.pdf"
    pdf.write_bytes(build_own_journal_pdf([], JournalCheck(True, 0, None, "", None), notary=office.alice))
    return ["verify-pdf", str(pdf)]


Setup = Callable[[Office, pytest.CaptureFixture[str], Path], list[str]]


@pytest.mark.parametrize(
    "setup, says",
    [
        # printed nothing and exited 0: the user could not tell whether anything was written
        (_recovery_requests_when_none_is_missing, "has all its 1 approvals; no request is missing"),
        (_register("Gr_Liv_Area=abc"), "Gr_Liv_Area (Living area) takes a number; 'abc' is not one"),
        (_register("my_own=abc", "Year_Built=1,990"), "Year_Built (Year built) takes a number; '1,990' is not one"),
        (_verify_pdf_of_a_notarys_journal_export, "is a notary's own journal export, which carries no ledger record"),
        (_postgres_with_no_server, "No such file or directory Is the server running locally"),
        (
            _cosign_before_following,
            "does not follow the ledger the checkpoint is for: to witness it, follow it first ('deedbook --data-dir",
        ),
    ],
)
def test_walkthrough_refusals(
    office: Office, capsys: pytest.CaptureFixture[str], tmp_path: Path, setup: Setup, says: str
) -> None:
    argv = setup(office, capsys, tmp_path)
    before = office.fingerprint()
    assert_refused(run_cli(argv, capsys), 2, says=says)
    assert office.fingerprint() == before
    # what a refused command would have written (a folder or a file named fresh*) is absent or empty
    assert all(p.is_dir() and not any(p.iterdir()) for p in tmp_path.glob("fresh*"))


NUMERIC = [a.name for a in CATALOGUE if a.kind != "choice"]


@given(name=st.sampled_from(NUMERIC), text=st.text(max_size=20))
def test_a_catalogue_number_is_refused_unless_it_reads_as_one(name: str, text: str) -> None:
    """Text stays welcome under a name of one's own (the existing tests); a catalogue number must be one."""
    try:
        parsed = parse_attribute_pairs([f"{name}={text}"])[name]
    except DeedbookError:
        return
    assert isinstance(parsed, (int, float)) and not isinstance(parsed, bool)
