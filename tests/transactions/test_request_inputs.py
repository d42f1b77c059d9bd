"""Requests whose content is wrong in ways a summary could hide: zero shares, another chain id."""

from __future__ import annotations

import copy

import pytest

from core.errors import DeedbookError
from core.identity import LedgerIdentity
from core.requests import make_request, parse_request, sign_request, summarize
from core.transactions import submit
from tests.transactions.conftest import Parties, snapshot


@pytest.mark.parametrize("shares, total", [(0, 10_000), (0, 0), (10_001, 10_000)])
@pytest.mark.parametrize("which", [0, 1])  # the seller's Transfer and the buyer's Acceptance wrapper
def test_a_request_moving_no_share_or_too_many_is_refused(
    parties: Parties, shares: int, total: int, which: int
) -> None:
    data = copy.deepcopy(parties.prepare().requests[which].as_json())
    message = data["typedData"]["message"]
    message = message.get("transfer", message)
    message["shares"], message["totalShares"] = shares, total
    with pytest.raises(DeedbookError, match=f"moves {shares:,} of {total:,} shares; a transfer moves at least one"):
        parse_request(data)


def test_prepare_refuses_zero_shares_before_anything_is_signed(parties: Parties) -> None:
    with pytest.raises(DeedbookError, match="at least one share"):
        parties.prepare(shares=0)


def test_a_response_for_another_chain_id_says_so(parties: Parties) -> None:
    """The ledger id and name are the same: the refusal names the chain ids, not the same ledger twice."""
    ledger = parties.ledger
    ours = ledger.identity
    other_chain = LedgerIdentity(ours.ledger_id, ours.name, ours.operator, chain_id=5)
    message = parties.prepare().message
    responses = [
        sign_request(make_request(other_chain, "Transfer", message, "Transfer", parties.alice.address), parties.alice),
        sign_request(make_request(other_chain, "Transfer", message, "Acceptance", parties.bob.address), parties.bob),
    ]
    before = snapshot(ledger)
    with pytest.raises(DeedbookError) as refused:
        submit(ledger, responses)
    sentence = str(refused.value)
    assert "signed for chain id 5" in sentence and "uses chain id 1" in sentence
    assert sentence.count(ours.name) == 1
    assert snapshot(ledger) == before
    warnings = summarize(responses[0], ours).warnings
    assert any("chain id 5" in w and "chain id 1" in w for w in warnings)
