"""The command line: deedbook pdf ... and deedbook verify-pdf, their output and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop.cli.main import run
from tests.documents import tampering
from tests.documents.builders import Scene, make_scene


def deedbook(*args: str) -> int:
    return run([str(a) for a in args])


@pytest.fixture
def fresh(tmp_path: Path) -> Scene:
    return make_scene(tmp_path / "home", checkpoint=False)


def test_pdf_commands_write_verifiable_documents(
    scene: Scene, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home = scene.world.home.root
    commands = {
        "title.pdf": ["pdf", "title", "0526301100"],
        "transfer.pdf": ["pdf", "transfer", scene.transfers[2], "--paper", "letter"],
        "notary.pdf": ["pdf", "notary", scene.attestations[0]],
        "journal.pdf": [
            "pdf",
            "journal",
            "--notary",
            scene.keys["notary"].address,
            "--from",
            "2024-06-01",
            "--to",
            "2024-06-30",
        ],
    }
    for name, command in commands.items():
        out = tmp_path / name
        assert deedbook("--data-dir", home, *command, "--out", out) == 0, name
        assert "Wrote the" in capsys.readouterr().out
        assert deedbook("--data-dir", tmp_path / "nowhere", "verify-pdf", out) == 0, name
        assert capsys.readouterr().out.startswith("GENUINE")
    assert not (tmp_path / "nowhere").exists()  # verifying creates nothing


def test_verify_pdf_json_and_exit_codes(
    scene: Scene, docs: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home = scene.world.home.root
    assert deedbook("--data-dir", home, "verify-pdf", docs["title"], "--json") == 0
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is True and report["document"] == "title" and report["reason"] is None
    assert report["local_ledger"]["status"] == "same ledger"
    assert report["checkpoint"]["size"] == scene.ledger.latest_checkpoint().message["size"]

    edited = tmp_path / "edited.pdf"
    edited.write_bytes(
        tampering.edit_page_text(docs["transfer"].read_bytes(), b"(USD 215,000.00)", b"(USD 215,000.01)")
    )
    assert deedbook("--data-dir", tmp_path / "nowhere", "verify-pdf", edited) == 1
    out = capsys.readouterr().out
    assert out.startswith("NOT GENUINE") and "215,000.01" in out
    assert deedbook("--data-dir", tmp_path / "nowhere", "verify-pdf", edited, "--json") == 1
    assert json.loads(capsys.readouterr().out)["ok"] is False

    truncated = tmp_path / "truncated.pdf"
    truncated.write_bytes(docs["title"].read_bytes()[:5000])
    assert deedbook("verify-pdf", truncated) == 1

    for name, content in (("text.pdf", b"hello"), ("empty.pdf", b""), ("json.pdf", b'{"format": 1}')):
        (tmp_path / name).write_bytes(content)
        assert deedbook("verify-pdf", tmp_path / name) == 2
        err = capsys.readouterr().err
        assert "not a PDF" in err and "Traceback" not in err
    assert deedbook("verify-pdf", tmp_path / "missing.pdf") == 2
    assert deedbook("verify-pdf", tmp_path) == 2


def test_no_checkpoint_yet_is_refused_then_made_on_request(
    fresh: Scene, tmp_path: Path, password_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home = fresh.world.home.root
    out = tmp_path / "deed.pdf"
    size = fresh.ledger.size()
    assert deedbook("--data-dir", home, "pdf", "transfer", fresh.transfers[0], "--out", out) == 2
    err = capsys.readouterr().err
    assert "not covered by a checkpoint" in err and "--checkpoint-key" in err
    assert not out.exists() and fresh.ledger.size() == size
    assert (
        deedbook(
            "--data-dir",
            home,
            "pdf",
            "transfer",
            fresh.transfers[0],
            "--out",
            out,
            "--checkpoint-key",
            "operator",
            "--password-file",
            password_file,
        )
        == 0
    )
    assert "Signed checkpoint" in capsys.readouterr().out
    assert fresh.ledger.size() == size + 1 and out.exists()
    assert deedbook("verify-pdf", out) == 0


def test_pdf_refusals(scene: Scene, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    home = scene.world.home.root
    cases = [
        (["pdf", "transfer", scene.registration], "not a transfer"),
        (["pdf", "notary", scene.transfers[0]], "not a notarial attestation"),
        (["pdf", "transfer", 9999], "no entry 9999"),
        (["pdf", "title", "NO-SUCH-PARCEL"], "no deed"),
        (["pdf", "journal", "--from", "2030-01-01"], "nothing to export"),
        (["pdf", "journal", "--from", "yesterday"], "YYYY-MM-DD"),
        (["pdf", "notary", scene.attestations[0], "--commission-expires", "June 2029"], "is not a date"),
        (["pdf", "notary", scene.attestations[0], "--jurisdiction", "mars"], "not a jurisdiction profile"),
        (["pdf", "notary", scene.attestations[0], "--commission", "A" * 81], "at most 80 characters"),
    ]
    for command, message in cases:
        assert deedbook("--data-dir", home, *command, "--out", tmp_path / "x.pdf") == 2, command
        err = capsys.readouterr().err
        assert message in err and "Traceback" not in err, (command, err)
    assert deedbook("--data-dir", home, "pdf", "title", "1", "--out", tmp_path / "missing" / "x.pdf") == 2
    assert deedbook("--data-dir", tmp_path / "empty", "pdf", "title", "1", "--out", tmp_path / "x.pdf") == 2
    assert not list(tmp_path.glob("*.pdf"))


def test_generation_is_deterministic_across_processes(scene: Scene, tmp_path: Path) -> None:
    import subprocess
    import sys

    home = scene.world.home.root
    outs = []
    for n in range(2):
        out = tmp_path / f"title{n}.pdf"
        subprocess.run(
            [sys.executable, "-m", "desktop", "--data-dir", str(home), "pdf", "title", "2", "--out", str(out)],
            check=True,
            capture_output=True,
        )
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]


def test_pdf_uses_the_paper_size_setting(scene: Scene, tmp_path: Path) -> None:
    from pypdf import PdfReader

    from core.settings import Settings

    settings = Settings.load()
    settings.set_paper_size("Letter")
    settings.save()
    out = tmp_path / "title.pdf"
    assert deedbook("--data-dir", scene.world.home.root, "pdf", "title", "2", "--out", out) == 0
    assert round(float(PdfReader(out).pages[0].mediabox.height)) == 792
