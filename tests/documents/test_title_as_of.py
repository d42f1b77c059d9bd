"""A certificate of title is as of the latest checkpoint, like a title report's effective date."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.checkpoints import make_checkpoint
from core.deeds import register_deed
from core.documents.evidence import NotCheckpointed
from desktop.cli.main import run
from desktop.documents.title import build_title_pdf, collect_title, uncovered_entries
from desktop.documents.verify import verify_pdf
from tests.helpers import make_world


def test_later_entries_wait_for_the_next_checkpoint(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], password_file: Path
) -> None:
    world = make_world(tmp_path / "ledger")
    deed = register_deed(world.ledger, world.operator, parcel="T-1", address="1 Title Rd", owner=world.operator.address)
    make_checkpoint(world.ledger, world.operator)
    world.ledger.append(
        [
            world.ledger.sign(
                "AddRegistrar",
                {"ledgerId": world.ledger.identity.ledger_id_hex, "registrar": world.key("clerk").address},
                world.operator,
                "operator",
            )
        ]
    )
    later = register_deed(
        world.ledger, world.operator, parcel="T-2", address="2 Title Rd", owner=world.operator.address
    )
    lien = world.ledger.size()
    from core.liens import add_lien

    add_lien(world.ledger, deed.deed_id, world.key("bank"), "1000", "mortgage")
    assert uncovered_entries(world.ledger, deed.deed_id) == [lien]
    # As of the checkpoint: the registration only, and it verifies offline.
    record = collect_title(world.ledger, deed.deed_id)
    assert [e.index for e in record.entries] == [deed.registered_index]
    assert verify_pdf(build_title_pdf(world.ledger, deed.deed_id)).ok
    # Complete: refused until a checkpoint covers the lien; a deed newer than every checkpoint too.
    with pytest.raises(NotCheckpointed):
        build_title_pdf(world.ledger, deed.deed_id, complete=True)
    with pytest.raises(NotCheckpointed):
        build_title_pdf(world.ledger, later.deed_id)
    # The command line says what the certificate leaves out, then --checkpoint-key includes it.
    out = tmp_path / "title.pdf"
    home = ["--data-dir", str(world.home.root)]
    assert run([*home, "pdf", "title", "T-1", "--out", str(out)]) == 0
    assert "1 later entry about this deed" in capsys.readouterr().err
    assert (
        run(
            [
                *home,
                "pdf",
                "title",
                "T-1",
                "--out",
                str(out),
                "--force",
                "--checkpoint-key",
                "operator",
                "--password-file",
                str(password_file),
            ]
        )
        == 0
    )
    assert uncovered_entries(world.ledger, deed.deed_id) == []
    report = verify_pdf(out.read_bytes())
    assert report.ok
