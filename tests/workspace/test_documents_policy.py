"""Checkpoint then retry, in one place: a document about entries newer than the latest checkpoint."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.documents.evidence import NotCheckpointed
from core.errors import DeedbookError, Remedy
from desktop.documents import verify_pdf
from desktop.workspace import Document, Signer, Workspace
from tests.helpers import PASSWORD, World, make_world

OWNER = "0x" + "22" * 20


@pytest.fixture
def world(deedbook_home: Path) -> World:
    made = make_world(deedbook_home)
    made.register("D-1", OWNER)  # entry 1, newer than any checkpoint (there is none)
    return made


@pytest.fixture
def ws(world: World) -> Workspace:
    return Workspace(world.home, ledger=world.ledger)


def test_without_the_operator_it_says_so_and_writes_nothing(ws: Workspace, world: World, tmp_path: Path) -> None:
    out = tmp_path / "title.pdf"
    with pytest.raises(NotCheckpointed, match="not covered by a checkpoint") as refused:
        ws.make_document(Document.title(1), out=out)
    assert refused.value.remedy is Remedy.SIGN_CHECKPOINT and "--" not in str(refused.value)
    assert not out.exists() and world.ledger.latest_checkpoint() is None


def test_with_the_operator_it_signs_a_checkpoint_and_draws_again(ws: Workspace, world: World, tmp_path: Path) -> None:
    out = tmp_path / "title.pdf"
    done = ws.make_document(Document.title(1), out=out, operator=Signer("operator", PASSWORD))
    assert done.value == out and done.receipt.files == (out,)
    assert done.receipt.of_kind("Checkpoint") == (2,) and world.ledger.latest_checkpoint() is not None
    assert verify_pdf(out, world.ledger).ok
    again = ws.make_document(Document.title(1), out=tmp_path / "again.pdf", operator=Signer("operator", PASSWORD))
    assert again.receipt.of_kind("Checkpoint") == ()  # covered now: no second checkpoint


@pytest.mark.parametrize(
    "operator, says",
    [
        (Signer("operator", "not the password"), "Wrong password"),
        (Signer("nobody", PASSWORD), "no key named 'nobody'"),
    ],
)
def test_a_refused_operator_leaves_no_checkpoint_and_no_file(
    ws: Workspace, world: World, tmp_path: Path, operator: Signer, says: str
) -> None:
    out = tmp_path / "title.pdf"
    with pytest.raises(DeedbookError, match=says):
        ws.make_document(Document.title(1), out=out, operator=operator)
    assert not out.exists() and world.ledger.latest_checkpoint() is None


def test_a_taken_name_is_refused_before_any_work(ws: Workspace, world: World, tmp_path: Path) -> None:
    out = tmp_path / "title.pdf"
    out.write_bytes(b"mine")
    with pytest.raises(DeedbookError, match="exists already") as refused:
        ws.make_document(Document.title(1), out=out, operator=Signer("operator", PASSWORD))
    assert refused.value.remedy is Remedy.OVERWRITE
    assert out.read_bytes() == b"mine" and world.ledger.latest_checkpoint() is None  # no checkpoint either


def test_the_data_folders_own_documents_by_default(ws: Workspace, world: World) -> None:
    ws.checkpoint(Signer("operator", PASSWORD))
    done = ws.make_document(Document.title(1, complete=False))
    assert done.value.parent == world.home.documents and done.value.name.startswith("title-deed1-")
    assert done.receipt.files == (done.value,) and done.value.read_bytes().startswith(b"%PDF")
