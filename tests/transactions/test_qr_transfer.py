"""A transfer carried across the air gap as QR codes, end to end on the command line.

The agency writes the seller's request as frames; the seller's machine reads them
(out of order, some missing), signs, and shows the response as frames; the agency
reads those back byte for byte.  The buyer signs in a QR wallet instead: the
wallet reads the eth-sign-request and answers with an eth-signature, from which
the agency makes the response.  zbarimg (an independent QR reader) scans the
frames Deedbook draws.
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from pathlib import Path

import pytest
from eth_account import Account
from eth_account.messages import encode_typed_data

from core import airgap
from core.requests import load_response, sign_request, write_json
from core.ur.eth import EthSignature, EthSignRequest
from core.ur.ur import UR, UrDecoder, encode_single, parse
from desktop.cli.main import run
from desktop.qr.render import frame_image, png_bytes
from tests.transactions.conftest import Parties


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = run(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def recoverable_drop(parts: list[str]) -> set[int]:
    """Frames (by position) that can go missing and still be made up: plain fragments each covered by a
    mix that holds no other missing fragment."""
    parsed = [parse(text).part for text in parts]
    dropped: set[int] = set()
    covered: set[int] = set()
    for part in parsed:
        if part is not None and part.seq_num > part.seq_len:
            free = part.indexes - covered
            if len(free) == 1 and not (part.indexes & {parsed[i].seq_num - 1 for i in dropped}):  # type: ignore[union-attr]
                [index] = free
                dropped.add(index)  # frame `index` shows fragment `index`
                covered |= part.indexes
    return dropped


@pytest.fixture
def frames_of(tmp_path: Path, capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    def encode(path: Path, folder: str) -> tuple[list[str], Path]:
        code, out, err = cli(capsys, "qr", "encode", str(path), "--out-dir", str(tmp_path / folder))
        assert code == 0, err
        return out.split(), tmp_path / folder

    return encode


def test_request_and_response_cross_as_qr_codes_byte_identical(
    parties: Parties,
    tmp_path: Path,
    frames_of,  # type: ignore[no-untyped-def]
    capsys: pytest.CaptureFixture[str],
) -> None:
    prepared = parties.prepare(out_dir=tmp_path / "requests")
    seller_file, buyer_file = prepared.paths
    parts, folder = frames_of(seller_file, "seller-frames")
    stem = seller_file.name.removesuffix(".json")
    frames = sorted(folder.glob(f"{stem}-qr-*.png"))
    assert len(frames) == len(parts) > parse(parts[0]).part.seq_len  # type: ignore[union-attr]  # + fountain mixes
    assert (folder / f"{stem}-qr.gif").stat().st_size > 0 and len(list(folder.glob(f"{stem}-wallet-*.png"))) > 1

    # the seller's machine reads them out of order, some never caught by its camera
    missing = recoverable_drop(parts)
    assert missing, "the drawn frames should let some fragments go missing"
    seen = [str(f) for i, f in enumerate(frames) if i not in missing]
    random.Random(1).shuffle(seen)
    code, _out, err = cli(capsys, "qr", "decode", *seen, "--out", str(tmp_path / "read-request.json"))
    assert code == 0, err
    assert (tmp_path / "read-request.json").read_bytes() == seller_file.read_bytes()

    # signed there, the response goes back the same way, byte for byte
    from core.requests import load_request

    response = sign_request(load_request(tmp_path / "read-request.json"), parties.alice)
    signed = write_json(tmp_path / "seller-signed.json", response.as_json())
    _, back_folder = frames_of(signed, "response-frames")
    assert not list(back_folder.glob("*-wallet-*"))  # a response has nothing left for a wallet to sign
    images = sorted(back_folder.glob("*-qr-*.png"), reverse=True)
    code, _out, err = cli(capsys, "qr", "decode", *map(str, images), "--out", str(tmp_path / "agency-seller.json"))
    assert code == 0, err
    assert (tmp_path / "agency-seller.json").read_bytes() == signed.read_bytes()

    # the buyer signs in a QR wallet: eth-sign-request in, eth-signature out
    _, wallet_folder = frames_of(buyer_file, "buyer-frames")
    wallet_texts = [t for image in sorted(wallet_folder.glob("*-wallet-*.png")) for t in _zbar(image)]
    decoder = UrDecoder()
    for text in wallet_texts:
        decoder.receive(text)
    request = EthSignRequest.from_cbor(decoder.result().cbor)
    typed = json.loads(request.sign_data)
    signable = encode_typed_data(full_message=typed)  # eth-account's own EIP-712, as a wallet computes it
    signed_message = Account.sign_message(signable, parties.bob._secret)  # the buyer's wallet holds the key
    assert request.address == bytes.fromhex(parties.bob.address[2:])
    answer = encode_single(UR("eth-signature", EthSignature(request.request_id, signed_message.signature).cbor()))
    (tmp_path / "wallet-screen.png").write_bytes(png_bytes(frame_image(answer)))
    code, _, err = cli(
        capsys,
        "qr",
        "decode",
        str(tmp_path / "wallet-screen.png"),
        "--request",
        str(buyer_file),
        "--out",
        str(tmp_path / "buyer-signed.json"),
    )
    assert code == 0, err
    assert load_response(tmp_path / "buyer-signed.json").signer == parties.bob.address

    code, _, err = cli(
        capsys,
        "--data-dir",
        str(parties.ledger.home.root),
        "transfer",
        "submit",
        str(tmp_path / "agency-seller.json"),
        str(tmp_path / "buyer-signed.json"),
    )
    assert code == 0, err
    assert parties.ledger.deed(parties.deed).holders == {parties.bob.address: 10_000}


def _zbar(image: Path) -> list[str]:
    # QR codes only: with every symbology on, zbar now and then also "finds" a short linear barcode
    # in a frame's modules (once "981369" beside the frame's QR code, failing a README run)
    result = subprocess.run(
        ["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(image)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return [line for line in result.stdout.splitlines() if line]


@pytest.mark.skipif(shutil.which("zbarimg") is None, reason="zbar-tools is not installed")
def test_zbarimg_reads_every_frame_deedbook_draws(parties: Parties, tmp_path: Path, frames_of) -> None:  # type: ignore[no-untyped-def]
    prepared = parties.prepare(out_dir=tmp_path / "requests")
    parts, folder = frames_of(prepared.paths[0], "frames")
    frames = sorted(folder.glob("*-qr-*.png"))
    scanned = [text for frame in frames for text in _zbar(frame)]
    assert scanned == [p.upper() for p in parts]
    decoder = UrDecoder()
    for text in scanned:
        decoder.receive(text)
    assert decoder.result().cbor == UR("deedbook-request", airgap.file_ur(prepared.paths[0].read_bytes())[0].cbor).cbor


def test_a_photo_of_a_screen_still_reads(parties: Parties, tmp_path: Path) -> None:
    """A frame shown small, tilted and blurred on a grey background (as a phone camera sees a screen)."""
    from PIL import Image, ImageFilter

    prepared = parties.prepare()
    text = airgap.parts(airgap.file_ur(json.dumps(prepared.requests[0].as_json()).encode())[0])[0]
    frame = frame_image(text, module_px=4).convert("RGB")
    photo = Image.new("RGB", (1600, 1200), (92, 96, 104))
    tilted = frame.rotate(9, expand=True, fillcolor=(92, 96, 104)).filter(ImageFilter.GaussianBlur(0.8))
    photo.paste(tilted, (500, 260))
    photo.save(tmp_path / "photo.jpg", quality=85)
    from desktop.qr.scan import scan_files

    assert scan_files([tmp_path / "photo.jpg"]).texts == [text.upper()]
