"""Bad input to 'qr encode' and 'qr decode': one sentence, exit 2, nothing written, the ledger unchanged."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from core import airgap
from core.ur import cbor
from core.ur.eth import EthSignature
from core.ur.ur import UR, encode_single
from desktop.qr.render import frame_image, gif_bytes, png_bytes
from tests.hardening.conftest import Office
from tests.hardening.harness import assert_refused, run_cli
from tests.hardening.harness import run_here


def _prepare(office: Office, folder: Path) -> list[Path]:
    result = run_here(
        office.argv("transfer", "prepare", "1", "--to", office.bob, "--price", "1000", "--out-dir", str(folder))
    )
    assert result.code == 0, result.err
    return sorted(folder.glob("*.json"))  # buyer, seller


def _png(path: Path, text: str) -> Path:
    path.write_bytes(png_bytes(frame_image(text)))
    return path


def _frames(path: Path, data: bytes) -> list[Path]:
    ur, _ = airgap.file_ur(data)
    return [_png(path.with_name(f"{path.stem}-{i}.png"), t) for i, t in enumerate(airgap.parts(ur))]


Case = Callable[[Office, Path], list[str]]


def not_an_image(office: Office, tmp: Path) -> list[str]:
    (tmp / "notes.png").write_text("these are words, not pixels")
    return ["qr", "decode", str(tmp / "notes.png"), "--out", str(tmp / "out.json")]


def truncated_png(office: Office, tmp: Path) -> list[str]:
    whole = png_bytes(frame_image("ur:bytes/hdcxvwskgs"))
    (tmp / "cut.png").write_bytes(whole[: len(whole) // 2])
    return ["qr", "decode", str(tmp / "cut.png"), "--out", str(tmp / "out.json")]


def no_code_in_image(office: Office, tmp: Path) -> list[str]:
    from PIL import Image

    Image.new("L", (300, 300), 255).save(tmp / "blank.png")
    return ["qr", "decode", str(tmp / "blank.png"), "--out", str(tmp / "out.json")]


def not_a_ur(office: Office, tmp: Path) -> list[str]:
    return ["qr", "decode", str(_png(tmp / "doc.png", "DEEDBOOK:1:AB:1:2")), "--out", str(tmp / "out.json")]


def other_ur_type(office: Office, tmp: Path) -> list[str]:
    text = encode_single(UR("crypto-seed", cbor.dumps({1: b"\x01" * 16})))
    return ["qr", "decode", str(_png(tmp / "seed.png", text)), "--out", str(tmp / "out.json")]


def too_few_frames(office: Office, tmp: Path) -> list[str]:
    seller = _prepare(office, tmp / "req")[1]
    frames = _frames(tmp / "seller", seller.read_bytes())
    return ["qr", "decode", *map(str, frames[:3]), "--out", str(tmp / "out.json")]


def two_transfers_mixed(office: Office, tmp: Path) -> list[str]:
    buyer, seller = _prepare(office, tmp / "req")
    a, b = _frames(tmp / "seller", seller.read_bytes()), _frames(tmp / "buyer", buyer.read_bytes())
    return ["qr", "decode", str(a[0]), str(b[1]), "--out", str(tmp / "out.json")]


def file_that_is_no_request(office: Office, tmp: Path) -> list[str]:
    ur = UR(airgap.FILE_TYPE, cbor.dumps(b'{"format": "something else"}'))
    return ["qr", "decode", str(_png(tmp / "x.png", encode_single(ur))), "--out", str(tmp / "out.json")]


def _signature_frame(office: Office, tmp: Path, request_id: bytes, signature: bytes) -> Path:
    ur = UR("eth-signature", EthSignature(request_id, signature).cbor())
    return _png(tmp / "signature.png", encode_single(ur))


def signature_without_request(office: Office, tmp: Path) -> list[str]:
    return [
        "qr",
        "decode",
        str(_signature_frame(office, tmp, b"\x01" * 16, b"\x02" * 65)),
        "--out",
        str(tmp / "out.json"),
    ]


def signature_for_another_request(office: Office, tmp: Path) -> list[str]:
    seller = _prepare(office, tmp / "req")[1]
    return [
        "qr",
        "decode",
        str(_signature_frame(office, tmp, b"\x01" * 16, b"\x02" * 65)),
        "--request",
        str(seller),
        "--out",
        str(tmp / "out.json"),
    ]


def signature_by_the_wrong_key(office: Office, tmp: Path) -> list[str]:
    from core.keys import KeyStore
    from core.requests import load_request

    seller = _prepare(office, tmp / "req")[1]
    request = load_request(seller)
    # bob's key signs alice's request (a wallet holding the wrong key), with the right request id
    bob = KeyStore(office.home / "keys").unlock("bob", office.password_file.read_text().strip())
    frame = _signature_frame(office, tmp, airgap.request_id(request), bob.sign(request.digest))
    return ["qr", "decode", str(frame), "--request", str(seller), "--out", str(tmp / "out.json")]


def gif_of_a_response_given_as_request(office: Office, tmp: Path) -> list[str]:
    seller = _prepare(office, tmp / "req")[1]
    (tmp / "anim.gif").write_bytes(
        gif_bytes([frame_image(t) for t in airgap.parts(airgap.file_ur(seller.read_bytes())[0])], 5)
    )
    return [
        "qr",
        "decode",
        str(_signature_frame(office, tmp, b"\x01" * 16, b"\x02" * 65)),
        "--request",
        str(tmp / "anim.gif"),
        "--out",
        str(tmp / "out.json"),
    ]


def out_exists(office: Office, tmp: Path) -> list[str]:
    seller = _prepare(office, tmp / "req")[1]
    frames = _frames(tmp / "seller", seller.read_bytes())
    (tmp / "out.json").write_text("mine")
    return ["qr", "decode", *map(str, frames), "--out", str(tmp / "out.json")]


def a_fifo_as_image(office: Office, tmp: Path) -> list[str]:
    os.mkfifo(tmp / "pipe.png")
    return ["qr", "decode", str(tmp / "pipe.png"), "--out", str(tmp / "out.json")]


def encode_not_a_request(office: Office, tmp: Path) -> list[str]:
    (tmp / "list.json").write_text(json.dumps([1, 2, 3]))
    return ["qr", "encode", str(tmp / "list.json"), "--out-dir", str(tmp / "frames")]


def encode_operator_act(office: Office, tmp: Path) -> list[str]:
    seller = _prepare(office, tmp / "req")[1]
    data = json.loads(seller.read_text())
    data["typedData"]["primaryType"] = "Checkpoint"
    (tmp / "checkpoint.json").write_text(json.dumps(data))
    return ["qr", "encode", str(tmp / "checkpoint.json"), "--out-dir", str(tmp / "frames")]


def encode_bad_fps(office: Office, tmp: Path) -> list[str]:
    seller = _prepare(office, tmp / "req")[1]
    return ["qr", "encode", str(seller), "--out-dir", str(tmp / "frames"), "--fps", "0"]


def encode_over_existing_frames(office: Office, tmp: Path) -> list[str]:
    seller = _prepare(office, tmp / "req")[1]
    (tmp / "frames").mkdir()
    (tmp / "frames" / (seller.name.removesuffix(".json") + "-qr.gif")).write_text("an earlier animation")
    return ["qr", "encode", str(seller), "--out-dir", str(tmp / "frames")]


CASES: list[tuple[Case, str]] = [
    (not_an_image, "not an image"),
    (truncated_png, "image"),
    (no_code_in_image, "No QR code"),
    (not_a_ur, "not a UR"),
    (other_ur_type, "crypto-seed"),
    (too_few_frames, "Not enough QR codes"),
    (two_transfers_mixed, "different transfers"),
    (file_that_is_no_request, "not a Deedbook signing request"),
    (signature_without_request, "--request"),
    (signature_for_another_request, "answers another request"),
    (signature_by_the_wrong_key, "was not made by"),
    (gif_of_a_response_given_as_request, "not a signing request"),
    (out_exists, "--force"),
    (a_fifo_as_image, "pipe"),
    (encode_not_a_request, "not a Deedbook signing request"),
    (encode_operator_act, "Checkpoint"),
    (encode_bad_fps, "frame rate"),
    (encode_over_existing_frames, "--force"),
]


def _files(tmp: Path, office: Office) -> dict[Path, int]:
    """The files a case made, outside the data folder (whose checks are the fingerprint's)."""
    return {p: p.stat().st_mtime_ns for p in tmp.rglob("*") if p.is_file() and office.home not in p.parents}


@pytest.mark.parametrize(("case", "says"), CASES, ids=[c.__name__ for c, _ in CASES])
def test_qr_refusals(case: Case, says: str, office: Office, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = case(office, tmp_path)
    capsys.readouterr()
    before = office.fingerprint()
    files_before = _files(tmp_path, office)
    outcome = run_cli(office.argv(*argv), capsys)
    assert_refused(outcome, says=says)
    assert office.fingerprint() == before
    assert _files(tmp_path, office) == files_before  # nothing written, nothing replaced
