"""The replayed state keeps two indexes in a smaller form (docs/scale.md, "Memory of a full verify"): the
compliance state's keys by group, built for a kind only once a group of it is asked for, and the holders at
each record date, one flat tuple a snapshot and none when the holders did not change since the last one.
Each must answer exactly as a plain model of what it replaced does, over any sequence of operations: the
compliance state in memory (a replay) and backed by a real SQLite table (an append), and the record dates.
Deeds without liens share one empty dict, which must never take a lien."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine, insert

from core.compliance.state import Compliance
from core.compliance.store import DbCompliance, compliance_table, metadata
from core.state import DeedState, LedgerState, Lien

KINDS = ("acquired", "counter")
KEYS = st.text(alphabet="ab:", max_size=4)  # groups "", "a", "ab"...; keys with no colon; keys with two
PREFIXES = KEYS | st.sampled_from(["", "a:", "b:", ":", "ab:", "a:b:"])


def record(kind: str, n: int) -> Any:
    return {"at": n, "how": "registration"} if kind == "acquired" else {"next": n}


def data(found: Any) -> Any:
    return found if isinstance(found, dict) else {"at": found.at, "how": found.how}


def in_group(key: str, prefix: str) -> bool:
    """What the index of keys by group always answered: the text before the key's first colon, plus it."""
    group, colon, _ = key.partition(":")
    return bool(colon) and group + colon == prefix


def model_with_prefix(items: dict[str, Any], prefix: str) -> list[Any]:
    return [items[key] for key in sorted(items) if not prefix or in_group(key, prefix)]


OPERATIONS = st.lists(
    st.one_of(
        st.tuples(st.just("put"), st.sampled_from(KINDS), KEYS, st.integers(0, 99)),
        st.tuples(st.just("get"), st.sampled_from(KINDS), KEYS),
        st.tuples(st.just("prefix"), st.sampled_from(KINDS), PREFIXES),
    ),
    max_size=40,
)


def run_against_model(compliance: Compliance, model: dict[str, dict[str, Any]], operations: list[Any]) -> None:
    for operation in operations:
        name, kind = operation[0], operation[1]
        if name == "put":
            _, _, key, n = operation
            compliance.put(kind, key, record(kind, n))
            model[kind][key] = record(kind, n)
        elif name == "get":
            found = compliance.get(kind, operation[2])
            assert (None if found is None else data(found)) == model[kind].get(operation[2])
        else:
            answer = [data(found) for found in compliance.with_prefix(kind, operation[2])]
            assert answer == model_with_prefix(model[kind], operation[2]), operation
    for kind in KINDS:  # and every group of every kind at the end, indexed or not before
        for prefix in {"", *(key.partition(":")[0] + ":" for key in model[kind])}:
            assert [data(found) for found in compliance.with_prefix(kind, prefix)] == model_with_prefix(
                model[kind], prefix
            )


@settings(max_examples=400, deadline=None)
@given(OPERATIONS)
def test_the_group_index_of_a_replay_answers_as_a_plain_model(operations: list[Any]) -> None:
    run_against_model(Compliance(), {kind: {} for kind in KINDS}, operations)


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.tuples(st.sampled_from(KINDS), KEYS), st.integers(0, 99), max_size=12), OPERATIONS)
def test_the_group_index_of_an_append_answers_as_a_plain_model(stored: dict[Any, int], operations: list[Any]) -> None:
    """Records fetched one by one, then a group, then the whole kind, from a real table, mixed with new ones."""
    engine = create_engine("sqlite://")
    metadata.create_all(engine)
    model: dict[str, dict[str, Any]] = {kind: {} for kind in KINDS}
    with engine.begin() as conn:
        if stored:
            rows = [{"kind": k, "key": key, "data": json.dumps(record(k, n))} for (k, key), n in stored.items()]
            conn.execute(insert(compliance_table), rows)
        for (kind, key), n in stored.items():
            model[kind][key] = record(kind, n)
        run_against_model(DbCompliance(conn), model, operations)
    engine.dispose()


# -- record dates --------------------------------------------------------------------------------------------

HOLDERS = ["0xA1", "0xB2", "0xC3", "0xD4"]
STEPS = st.lists(
    st.one_of(
        st.tuples(st.just("register"), st.sampled_from(HOLDERS), st.integers(1, 5)),
        st.tuples(st.just("move"), st.integers(0, 5), st.sampled_from(HOLDERS), st.integers(0, 5)),  # 0: drop
        st.tuples(st.just("touch"), st.integers(0, 5)),  # a change that moves no share (a lien, say)
        st.tuples(st.just("checkpoint")),
    ),
    max_size=60,
)


@settings(max_examples=400, deadline=None)
@given(STEPS)
def test_record_dates_answer_as_a_copy_of_the_holders_at_every_checkpoint(steps: list[Any]) -> None:
    state = LedgerState(None)
    # What LedgerState kept before: (checkpoint, a copy of the holders) for every deed changed since the last one.
    model: dict[int, list[tuple[int, dict[str, int]]]] = {}
    changed: set[int] = set()
    deeds: list[DeedState] = []
    for index, step in enumerate(steps):
        deed_id: int | None = None
        if step[0] == "register":
            deed = DeedState(
                len(deeds) + 1, f"P{len(deeds)}", "", "", "{}", step[2], {step[1]: step[2]}, 1, index, index
            )
            deeds.append(deed)
            state.add_deed(deed)
            deed_id = deed.deed_id
        elif step[0] in ("move", "touch") and deeds:
            deed = deeds[step[1] % len(deeds)]
            if step[0] == "move":
                _, _, holder, shares = step
                if shares:
                    deed.holders[holder] = shares
                else:
                    deed.holders.pop(holder, None)
            deed_id = deed.deed_id
        state.record(index, "Checkpoint" if step[0] == "checkpoint" else "Transfer", b"", deed_id)
        if deed_id is not None:
            changed.add(deed_id)
        elif step[0] == "checkpoint":
            for each in changed:
                model.setdefault(each, []).append((index, dict(deeds[each - 1].holders)))
            changed.clear()
    for deed in deeds:
        for at in range(len(steps) + 1):
            taken = [holders for when, holders in model.get(deed.deed_id, []) if when <= at]
            expected = taken[-1] if taken else {}
            answer = state.holders_at_checkpoint(deed.deed_id, at)
            assert list(answer.items()) == list(expected.items())  # the same holders, in the same order
            assert state.record_date_holders(deed.deed_id, at) == (dict(taken[-1]) if taken else None)
            answer["0xE5"] = 1  # a caller's copy: changing it changes no later answer
    for deed in deeds:
        assert "0xE5" not in state.holders_at_checkpoint(deed.deed_id, len(steps))


def test_deeds_without_liens_share_one_empty_dict_that_takes_no_lien() -> None:
    """A deed's first lien gives it its own dict; the shared one stays empty, and writing into it is refused."""
    first, second = (DeedState(n, f"P{n}", "", "", "{}", 1, {"0xA1": 1}, 1, 0, 0) for n in (1, 2))
    assert first.liens is second.liens and first.liens == {}
    lien = Lien(1, "0xB2", 100, "USD", "mortgage", 3)
    writes = [
        lambda liens: liens.__setitem__(1, lien),
        lambda liens: liens.update({1: lien}),
        lambda liens: liens.setdefault(1, lien),
        lambda liens: liens.__ior__({1: lien}),
        lambda liens: liens.pop(1),
        lambda liens: liens.popitem(),
        lambda liens: liens.clear(),
        lambda liens: liens.__delitem__(1),
    ]
    for write in writes:
        with pytest.raises(TypeError):
            write(first.liens)
    assert second.liens == {}
    first.add_lien(Lien(1, "0xB2", 100, "USD", "mortgage", 3))
    first.add_lien(Lien(2, "0xC3", 50, "USD", "tax", 4))
    assert sorted(first.liens) == [1, 2] and first.liens is not second.liens
    assert second.liens == {} and DeedState(3, "P3", "", "", "{}", 1, {}, 1, 0, 0).liens == {}
