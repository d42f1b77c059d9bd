"""QR codes for air-gapped signers: a request or response file out as frames, back in from images.

`qr_encode` writes a file's frames (PNG each, plus an animated GIF) and, for a
request, a QR wallet's eth-sign-request frames beside them; `qr_read` reads
images in any order, with gaps; `qr_decode` writes what they held: the very
file that was encoded, a request rebuilt from a wallet's request, or, for a
wallet's eth-signature, the response made of the request it answers.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from desktop.workspace.base import WorkspaceBase
from desktop.workspace.receipt import Done, Receipt

if TYPE_CHECKING:
    from core.airgap import Received
    from core.requests import SigningRequest

DEFAULT_FPS = 5.0


@dataclass(frozen=True)
class QrFrames:
    request: SigningRequest  # what the frames carry (a request or a signed response)
    parts: list[str]  # the deedbook-request UR parts, one per frame
    frames: list[Path]  # their PNG files
    animation: Path  # the GIF of them
    wallet_parts: list[str] = field(default_factory=list)  # eth-sign-request parts (requests only)
    wallet_frames: list[Path] = field(default_factory=list)
    wallet_animation: Path | None = None


@dataclass(frozen=True)
class QrRead:
    received: Received
    codes: int  # QR codes read
    images_without_code: list[Path]


def _check_fps(fps: float) -> float:
    from core.errors import DeedbookError

    if not 0.5 <= fps <= 30:
        raise DeedbookError(f"A frame rate of {fps:g} per second is not one a camera can follow; choose 0.5 to 30.")
    return fps


class QrOps(WorkspaceBase):
    def qr_encode(
        self,
        source: str | os.PathLike[str],
        out_dir: str | os.PathLike[str],
        *,
        fps: float = DEFAULT_FPS,
        force: bool = False,
    ) -> Done[QrFrames]:
        """Frames of a request or response file (and, for a request, a wallet's) in `out_dir`, all or none."""
        from core import airgap
        from core.outfiles import check_output
        from core.requests import MAX_FILE_BYTES, RequestError
        from core.userfiles import read_user_file
        from desktop.qr.render import frame_image, gif_bytes, png_bytes

        _check_fps(fps)
        path = Path(source)
        raw = read_user_file(path, "a signing request file", max_bytes=MAX_FILE_BYTES, error=RequestError)
        ur, request = airgap.file_ur(raw, str(path))
        groups: list[tuple[str, list[str]]] = [("qr", airgap.parts(ur))]
        if not request.is_response:
            groups.append(("wallet", airgap.parts(airgap.wallet_ur(request))))
        folder, stem = Path(out_dir), path.name.removesuffix(".json")
        planned: list[tuple[Path, list[str]]] = []  # each file and the parts it shows
        for label, texts in groups:
            names = [folder / f"{stem}-{label}-{i:03d}.png" for i in range(1, len(texts) + 1)]
            planned += [(name, [text]) for name, text in zip(names, texts, strict=True)]
            planned.append((folder / f"{stem}-{label}.gif", texts))
        for target, _ in planned:  # every name is free (or may be replaced) before anything is drawn
            check_output(target, force=force, make_folder=True)
        written: list[Path] = []
        try:
            for target, texts in planned:
                images = [frame_image(text) for text in texts]
                data = png_bytes(images[0]) if target.suffix == ".png" else gif_bytes(images, fps)
                written.append(self.write_file(target, data, force=force).value)
        except BaseException:
            for done in written:
                done.unlink(missing_ok=True)
            raise
        frames = [p for p in written if "-qr-" in p.name]
        wallet = [p for p in written if "-wallet-" in p.name]
        result = QrFrames(
            request,
            groups[0][1],
            frames,
            folder / f"{stem}-qr.gif",
            groups[1][1] if len(groups) > 1 else [],
            wallet,
            folder / f"{stem}-wallet.gif" if len(groups) > 1 else None,
        )
        return Done(result, Receipt(files=tuple(written)))

    def qr_read(self, images: Iterable[str | os.PathLike[str]]) -> QrRead:
        """What QR codes in the given images hold, once they hold all of it (in any order, with gaps)."""
        from core.airgap import Collector
        from core.errors import DeedbookError
        from desktop.qr.scan import scan_files

        scanned = scan_files(images)
        if not scanned.texts:
            raise DeedbookError("No QR code could be read in those images; try sharper or closer pictures.")
        collector = Collector()
        collector.add_all(scanned.texts)
        if not collector.complete:
            known, needed = collector.progress
            missing = f" ({len(scanned.without_code)} image(s) had no readable QR code)" if scanned.without_code else ""
            raise DeedbookError(
                f"Not enough QR codes: {known} of the {needed} fragments are known after "
                f"{len(scanned.texts)} code(s){missing}; scan more frames of the same animation."
            )
        return QrRead(collector.result(), len(scanned.texts), scanned.without_code)

    def qr_decode(
        self,
        images: Iterable[str | os.PathLike[str]],
        out: str | os.PathLike[str],
        *,
        request: str | os.PathLike[str] | None = None,
        force: bool = False,
    ) -> Done[tuple[QrRead, Path]]:
        """Write the file the QR codes carried; a wallet's signature needs the `request` it answers."""
        from core.outfiles import check_output

        check_output(out, force=force)  # a taken name is said before the images are read
        read = self.qr_read(images)
        data = self.qr_file(read.received, request)
        return Done((read, self.write_file(out, data, force=force).value), Receipt(files=(Path(out),)))

    def qr_file(self, received: Received, request: str | os.PathLike[str] | None) -> bytes:
        """The bytes of the file `received` stands for (a response, for a signature and its request)."""
        from core.airgap import response_from_signature
        from core.errors import DeedbookError, Remedy
        from core.requests import MAX_FILE_BYTES, RequestError
        from core.userfiles import read_user_file

        if received.signature is None:
            return received.raw
        if request is None:
            raise DeedbookError(
                "These QR codes hold a wallet's signature (eth-signature) and nothing else; give the "
                "request it answers to make the signed response.",
                remedy=Remedy.GIVE_REQUEST,
            )
        raw = read_user_file(request, "a signing request file", max_bytes=MAX_FILE_BYTES, error=RequestError)
        return response_from_signature(raw, received.signature, str(request))

    def qr_answer(self, received: Received, requests: list[SigningRequest]) -> tuple[int, SigningRequest, bytes]:
        """Which of `requests` the QR codes answer, with the signed response and its file's bytes: a response
        file read whole, or a wallet's signature made into one. Anything else is a sentence."""
        import json

        from core.airgap import request_id, response_from_signature
        from core.errors import DeedbookError
        from core.requests import parse_json_bytes, parse_request

        if received.signature is not None:
            for index, request in enumerate(requests):
                if received.signature.request_id in (None, request_id(request)):
                    raw = (json.dumps(request.as_json(), indent=2, ensure_ascii=False) + "\n").encode("utf-8")
                    raw = response_from_signature(raw, received.signature)
                    return index, parse_request(parse_json_bytes(raw, "The response"), require_signature=True), raw
            raise DeedbookError("The signature read from the QR codes answers none of these requests.")
        response = received.parsed
        if response is None or not response.is_response:
            raise DeedbookError("These QR codes hold a request, not a signed response.")
        for index, request in enumerate(requests):
            if (response.digest, response.signer) == (request.digest, request.signer):
                return index, response, received.raw
        raise DeedbookError("The response read from the QR codes answers none of these requests.")
