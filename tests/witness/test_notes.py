"""C2SP signed notes, verifier keys and the checkpoint body: they round-trip, and any change to a signed
checkpoint or a cosignature is refused or changes nothing (hypothesis)."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.checkpoint_note import (
    Body,
    NotSigned,
    WitnessKey,
    check_cosignature,
    cosign,
    cosigners,
    identity_of,
    ledger_vkey,
    note_of,
    open_checkpoint,
    parse_body,
    witness_of,
)
from core.checkpoints import make_checkpoint
from core.notes import DASH, MalformedNote, Note, NoteSignature, make_vkey, parse_note, parse_vkey
from tests.helpers import World, make_world

NAME = st.text(
    st.characters(blacklist_categories=("Cc", "Cs", "Zs", "Zl", "Zp"), blacklist_characters="+\u2014"),
    min_size=1,
    max_size=24,
).filter(lambda n: all(c.isprintable() and not c.isspace() for c in n))
LINE = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), max_size=40)
SIGNATURE = st.builds(NoteSignature, NAME, st.binary(min_size=4, max_size=4), st.binary(min_size=1, max_size=80))
NOTE = st.builds(
    lambda lines, sigs: Note("\n".join(lines) + "\n", tuple(sigs)),
    st.lists(LINE, min_size=1, max_size=6),
    st.lists(SIGNATURE, min_size=1, max_size=5),
)


@given(NOTE)
def test_a_note_round_trips(note: Note) -> None:
    assert parse_note(note.serialize()) == note
    assert parse_note(note.serialize().encode("utf-8")) == note


@given(NAME, st.binary(min_size=1, max_size=8), st.binary(max_size=64))
def test_a_verifier_key_round_trips(name: str, kind: bytes, key: bytes) -> None:
    made = make_vkey(name, kind, key)
    assert parse_vkey(made.text()) == made


@pytest.mark.parametrize(
    "text, says",
    [
        ("no empty line\n\u2014 a AAAAAAA=\n", "empty line"),
        ("text\n\n", "ends with signature lines"),
        ("text\n\n\u2014 a AAAAAAA=", "ends with signature lines"),
        ("text\n\n- a AAAAAAA=\n", "signature line"),
        ("text\n\n\u2014 a b AAAAAAA=\n", "signature line"),
        ("text\n\n\u2014 a+b AAAAAAA=\n", "key name"),
        ("text\n\n\u2014 a AAAA\n", "too short"),
        ("text\n\n\u2014 a AAAAAAB=\n", "standard spelling"),
        ("text\n\n\u2014 a not-base64!\n", "not base64"),
        ("te\x07xt\n\n\u2014 a AAAAAAA=\n", "control characters"),
        ("text\r\n\n\u2014 a AAAAAAA=\n", "control characters"),
    ],
)
def test_what_is_not_a_note_is_said(text: str, says: str) -> None:
    with pytest.raises(MalformedNote, match=says):
        parse_note(text)


def test_a_note_of_invalid_utf8_or_too_large_is_refused() -> None:
    with pytest.raises(MalformedNote, match="UTF-8"):
        parse_note(b"\xff\xfe\n\n\xe2\x80\x94 a AAAAAAA=\n")
    with pytest.raises(MalformedNote, match="at most"):
        parse_note(b"x" * 70_000 + b"\n\n\xe2\x80\x94 a AAAAAAA=\n")


@pytest.mark.parametrize(
    "body, says",
    [
        ("o\n1\n" + base64.b64encode(b"\x00" * 32).decode() + "\next\n", "extension"),
        ("o\n01\n" + base64.b64encode(b"\x00" * 32).decode() + "\n", "leading zeros"),
        ("o\n-1\n" + base64.b64encode(b"\x00" * 32).decode() + "\n", "leading zeros"),
        ("o\n1\n" + base64.b64encode(b"\x00" * 31).decode() + "\n", "32 bytes"),
        ("\n1\n" + base64.b64encode(b"\x00" * 32).decode() + "\n", "origin"),
        ("o\n99999999999999999999\n" + base64.b64encode(b"\x00" * 32).decode() + "\n", "leading zeros"),
    ],
)
def test_a_checkpoint_body_is_three_exact_lines(body: str, says: str) -> None:
    with pytest.raises(MalformedNote, match=says):
        parse_body(body)


@pytest.fixture(scope="module")
def signed(tmp_path_factory: pytest.TempPathFactory) -> tuple[World, str, NoteSignature]:
    """A ledger's checkpoint note, cosigned by one witness."""
    world = make_world(Path(tmp_path_factory.mktemp("notes")) / "home")
    world.register("N-1", world.operator.address)
    recorded = make_checkpoint(world.ledger, world.operator)
    note = note_of(world.ledger.identity, recorded.message, recorded.signatures)
    line = cosign(parse_body(note.text), "notary.example/w1", world.key("witness"), 1_760_000_000)
    return world, note.with_signatures((line,)).serialize(), line


def test_the_note_is_the_checkpoint_entry_both_ways(signed: tuple[World, str, NoteSignature]) -> None:
    world, text, _ = signed
    recorded = world.ledger.latest_checkpoint()
    assert recorded is not None
    opened = open_checkpoint(parse_note(text), world.ledger.identity)
    assert opened.message == recorded.message and opened.operator == recorded.signatures[0]
    assert opened.operator_only() == note_of(world.ledger.identity, recorded.message, recorded.signatures)
    assert identity_of(ledger_vkey(world.ledger.identity).text()) == world.ledger.identity
    [found] = cosigners(parse_note(text))
    assert found.address == world.key("witness").address and found.timestamp == 1_760_000_000
    assert witness_of(WitnessKey(found.name, found.address).vkey.text()) == WitnessKey(found.name, found.address)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_any_change_to_a_cosigned_note_is_refused_or_changes_nothing(
    signed: tuple[World, str, NoteSignature], data: st.DataObject
) -> None:
    world, text, line = signed
    at = data.draw(st.integers(0, len(text) - 1))
    replacement = data.draw(st.characters(blacklist_categories=("Cs",)))
    mutated = text[:at] + replacement + text[at + 1 :]
    original = open_checkpoint(parse_note(text), world.ledger.identity)
    try:
        note = parse_note(mutated)
        opened = open_checkpoint(note, world.ledger.identity)
    except (MalformedNote, NotSigned):
        return  # refused
    assert (opened.size, opened.root, opened.message) == (original.size, original.root, original.message)
    witnesses = {(c.name, c.address, c.timestamp) for c in cosigners(note, opened.body)}
    assert witnesses <= {(line.name, world.key("witness").address, 1_760_000_000)}


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_a_cosignature_moved_to_another_checkpoint_or_altered_does_not_check(
    signed: tuple[World, str, NoteSignature], data: st.DataObject
) -> None:
    world, text, line = signed
    body = parse_body(parse_note(text).text)
    other = Body(body.origin, data.draw(st.integers(1, 2**40).filter(lambda n: n != body.size)), body.root)
    assert check_cosignature(other, line) is None
    raw = bytearray(line.key_id + line.signature)
    at = data.draw(st.integers(0, len(raw) - 1))
    raw[at] ^= data.draw(st.integers(1, 255))
    altered = NoteSignature(line.name, bytes(raw[:4]), bytes(raw[4:]))
    found = check_cosignature(body, altered)
    assert found is None or (found.address != world.key("witness").address and found.name == line.name)


def test_a_signature_line_names_its_key_by_name_and_key_id() -> None:
    line = NoteSignature("w", b"\x01\x02\x03\x04", b"\x05")
    assert line.line() == f"{DASH} w AQIDBAU=\n"
