"""Bad amounts and currencies: one sentence, exit 2, nothing written.

An amount is decimal text in the currency's own decimals (ISO 4217): a yen has
none, a dinar three.  More decimals than the currency has, a code that is not
three letters, a sign, an exponent or an absurd size is refused before anything
is signed or written.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hardening.conftest import Office
from tests.hardening.harness import assert_refused, run_cli

# (case, amount, currency, what the sentence says)
BAD_AMOUNTS = [
    ("yen with a fraction", "25000000.5", "JPY", "JPY amounts have 0 decimal places"),
    ("dinars with four decimals", "1234.5678", "KWD", "KWD amounts have 3 decimal places"),
    ("dollars with three decimals", "250000.505", "USD", "USD amounts have 2 decimal places"),
    ("a negative amount", "-5", "USD", "not a valid"),
    ("an exponent", "1e6", "USD", "not a valid"),
    ("a currency sign", "$250000", "USD", "not a valid"),
    ("too large", "1" + "0" * 31, "USD", "too large"),
    ("a two-letter currency", "1000", "US", "not a currency code"),
    ("a currency in digits", "1000", "840", "not a currency code"),
]


@pytest.mark.parametrize(("case", "amount", "currency", "says"), BAD_AMOUNTS, ids=[c[0] for c in BAD_AMOUNTS])
def test_transfer_prepare_refuses_a_bad_price(
    office: Office, tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str, amount: str, currency: str, says: str
) -> None:
    before = office.fingerprint()
    out_dir = tmp_path / "requests"
    outcome = run_cli(
        office.argv(
            "transfer",
            "prepare",
            "1",
            "--to",
            office.bob,
            "--price",
            amount,
            "--currency",
            currency,
            "--out-dir",
            str(out_dir),
        ),
        capsys,
    )
    assert_refused(outcome, says=says)
    assert office.fingerprint() == before
    assert not out_dir.exists() or list(out_dir.iterdir()) == []


@pytest.mark.parametrize(("case", "amount", "currency", "says"), BAD_AMOUNTS, ids=[c[0] for c in BAD_AMOUNTS])
def test_lien_add_refuses_a_bad_amount(
    office: Office, capsys: pytest.CaptureFixture[str], case: str, amount: str, currency: str, says: str
) -> None:
    before = office.fingerprint()
    outcome = run_cli(
        office.argv(
            "lien",
            "add",
            "1",
            "--holder",
            "bob",
            "--amount",
            amount,
            "--currency",
            currency,
            "--kind",
            "mortgage",
            "--password-file",
            str(office.password_file),
        ),
        capsys,
    )
    assert_refused(outcome, says=says)
    assert office.fingerprint() == before


@pytest.mark.parametrize(
    ("amount", "currency", "shown"), [("25000000", "JPY", "JPY 25,000,000"), ("1234.5", "KWD", "KWD 1,234.500")]
)
def test_the_same_command_with_a_good_amount_records_it_as_written(
    office: Office, capsys: pytest.CaptureFixture[str], amount: str, currency: str, shown: str
) -> None:
    outcome = run_cli(
        office.argv(
            "lien",
            "add",
            "1",
            "--holder",
            "bob",
            "--amount",
            amount,
            "--currency",
            currency,
            "--kind",
            "mortgage",
            "--password-file",
            str(office.password_file),
        ),
        capsys,
    )
    assert outcome.code == 0, outcome.err
    assert shown in outcome.out
    shown_deed = run_cli(office.argv("deed", "show", "1"), capsys)
    assert shown in shown_deed.out
