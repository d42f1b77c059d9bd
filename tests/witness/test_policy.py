"""Policies (c2sp.org/tlog-policy): what a file may say, and which cosignatures meet a quorum."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.checkpoint_note import WitnessKey, cosign, ledger_vkey, parse_body
from core.checkpoints import make_checkpoint
from core.cosignatures import note_of_checkpoint
from core.errors import DeedbookError
from core.identity import LedgerIdentity
from core.notes import NoteSignature
from core.policy import BadPolicy, Policy, check_quorum, format_policy, parse_policy
from tests.helpers import World, make_world

ADDRESSES = [f"0x{i:040x}" for i in range(1, 9)]


def witness_line(name: str, i: int) -> str:
    return f"witness {name} {WitnessKey(f'{name}.example/w1', _checksum(ADDRESSES[i])).vkey.text()}"


def _checksum(address: str) -> str:
    from core.signing import checksum_address

    return checksum_address(bytes.fromhex(address[2:]))


@pytest.fixture(scope="module")
def identity() -> LedgerIdentity:
    return LedgerIdentity(b"\x11" * 32, "Policy County", _checksum(ADDRESSES[7]), 1)


def policy(identity: LedgerIdentity, *lines: str) -> Policy:
    return parse_policy(("\n".join([f"log {ledger_vkey(identity).text()}", *lines]) + "\n").encode())


def test_groups_thresholds_any_all_and_none(identity: LedgerIdentity) -> None:
    p = policy(
        identity,
        "# three notaries and two banks",
        *(witness_line(n, i) for i, n in enumerate(["n1", "n2", "n3", "b1", "b2"])),
        "group notaries 2 n1 n2 n3",
        "  group banks\tany b1 b2  ",
        "group both all notaries banks",
        "quorum both",
    )
    assert p.counts("both", {"n1", "n3", "b2"}) and not p.counts("both", {"n1", "b1", "b2"})
    assert not p.counts("both", {"n1", "n2", "n3"})
    assert p.describe_quorum() == "all of (2 of n1, n2, n3), (1 of b1, b2)"
    assert policy(identity, "quorum none").counts("none", set())
    single = policy(identity, witness_line("n1", 0), "quorum n1")
    assert single.counts("n1", {"n1"}) and not single.counts("n1", set())


@pytest.mark.parametrize(
    "lines, says",
    [
        ([], "no quorum line"),
        (["quorum none", "quorum none"], "one line"),
        (["quorum n1"], "which no earlier line defines"),
        (["group g 1 n1", "quorum g"], "which no earlier line defines"),
        ([witness_line("n1", 0), "group g 2 n1", "quorum g"], "of 1 members"),
        ([witness_line("n1", 0), "group g 0 n1", "quorum g"], "of 1 members"),
        ([witness_line("n1", 0), "group g 1 n1 n1", "quorum g"], "twice"),
        ([witness_line("n1", 0), witness_line("n1", 1), "quorum none"], "already used"),
        ([witness_line("n1", 0), witness_line("n2", 0), "quorum none"], "already listed"),
        ([witness_line("none", 0), "quorum none"], "already used"),
        (["witness n1 garbage", "quorum none"], "cannot be used"),
        (["witness n1", "quorum none"], "should read"),
        (["trust everyone", "quorum none"], "log, witness, group or quorum"),
    ],
)
def test_what_a_policy_may_not_say(identity: LedgerIdentity, lines: list[str], says: str) -> None:
    with pytest.raises(BadPolicy, match=says):
        policy(identity, *lines)


def test_a_policy_needs_a_ledger_and_plain_text() -> None:
    for empty in (b"", b"\n# only a comment\n"):
        with pytest.raises(BadPolicy, match="is empty: a policy file has a 'log' line"):
            parse_policy(empty)
    with pytest.raises(BadPolicy, match="names no ledger"):
        parse_policy(b"quorum none\n")
    with pytest.raises(BadPolicy, match="control characters"):
        parse_policy(b"quorum none\x00\n")
    with pytest.raises(BadPolicy, match="not a Deedbook ledger key"):
        parse_policy(f"log {WitnessKey('w', ADDRESSES[0]).vkey.text()}\nquorum none\n".encode())


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_any_bytes_are_a_policy_or_one_sentence(raw: bytes) -> None:
    try:
        parse_policy(raw)
    except DeedbookError as refused:
        assert str(refused) and "\n" not in str(refused)


@pytest.fixture(scope="module")
def cosigned(tmp_path_factory: pytest.TempPathFactory) -> tuple[World, list[NoteSignature], list[WitnessKey]]:
    world = make_world(Path(tmp_path_factory.mktemp("policy")) / "home")
    world.register("Q-1", world.operator.address)
    recorded = make_checkpoint(world.ledger, world.operator)
    body = parse_body(note_of_checkpoint(world.ledger, recorded).text)
    keys = [world.key(f"w{i}") for i in range(3)]
    lines = [cosign(body, f"w{i}.example", key, 1_760_000_000 + i) for i, key in enumerate(keys)]
    return world, lines, [WitnessKey(f"w{i}.example", k.address) for i, k in enumerate(keys)]


def test_a_quorum_counts_only_the_policys_witnesses_whose_cosignatures_check(
    cosigned: tuple[World, list[NoteSignature], list[WitnessKey]],
) -> None:
    world, lines, keys = cosigned
    recorded = world.ledger.latest_checkpoint()
    assert recorded is not None
    size, root = recorded.message["size"], bytes.fromhex(recorded.message["root"][2:])
    two = parse_policy(format_policy(world.ledger.identity, [("a", keys[0]), ("b", keys[1])], 2).encode())
    assert check_quorum(two, world.ledger.identity, size, root, lines[:2]).ok
    short = check_quorum(two, world.ledger.identity, size, root, [lines[0], lines[2]])
    assert not short.ok and short.cosigned == ("a",) and "all of a, b" in (short.reason or "")
    # a line under a policy witness's name and key ID that does not check counts for nothing
    forged = NoteSignature(lines[1].name, lines[1].key_id, lines[0].signature)
    assert not check_quorum(two, world.ledger.identity, size, root, [lines[0], forged]).ok
    # another checkpoint's root: no cosignature checks
    assert not check_quorum(two, world.ledger.identity, size, b"\x00" * 32, lines).ok
    other = LedgerIdentity(b"\x22" * 32, "Other", world.ledger.identity.operator)
    refused = check_quorum(two, other, size, root, lines)
    assert not refused.ok and "does not name the ledger" in (refused.reason or "")
