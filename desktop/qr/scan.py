"""QR codes read from images with zxing-cpp: PNG, JPEG or GIF files (every frame of an animation),
screenshots, and camera photos of a screen.

zxing-cpp is a self-contained wheel (no system library to install on Windows,
macOS or Linux, which pyzbar's libzbar would need), and it finds codes that are
rotated, tilted or small in a photo.  Every file is read as a user file (regular
files only, size-capped) and opened by Pillow with a pixel limit, so a hostile
image cannot take the machine's memory; anything unreadable is a sentence.
"""

from __future__ import annotations

import io
import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

from core.errors import DeedbookError
from core.userfiles import read_user_file

MAX_IMAGE_BYTES = 32 * 2**20  # a phone camera's photo is 2-8 MB
MAX_PIXELS = 64_000_000  # 8000 x 8000
MAX_FRAMES = 2_000  # frames read from one animation


@dataclass
class Scanned:
    texts: list[str] = field(default_factory=list)  # every QR text found, in the order read
    without_code: list[Path] = field(default_factory=list)  # images where no QR code was found


def texts_in_image(image: Image.Image) -> list[str]:
    """The texts of the QR codes in one picture (empty if none is readable)."""
    import zxingcpp

    picture = ImageOps.exif_transpose(image) if image.format == "JPEG" else image
    found = zxingcpp.read_barcodes(
        picture.convert("L"), formats=zxingcpp.BarcodeFormats([zxingcpp.BarcodeFormat.QRCode])
    )
    return [code.text for code in found if code.valid and code.text]


def _open(path: Path) -> Image.Image:
    raw = read_user_file(path, "an image", max_bytes=MAX_IMAGE_BYTES)
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS  # larger ones raise DecompressionBombError instead of warning
    try:
        image = Image.open(io.BytesIO(raw))
        image.load()
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError, SyntaxError):
        raise DeedbookError(f"{path} is not an image Deedbook can read (PNG, JPEG or GIF).") from None
    if image.width * image.height > MAX_PIXELS:
        raise DeedbookError(f"{path} is too large an image ({image.width} x {image.height} pixels).")
    return image


def scan_files(paths: Iterable[str | os.PathLike[str]]) -> Scanned:
    """Every QR text in the given image files, animations frame by frame."""
    result = Scanned()
    for name in paths:
        path = Path(name)
        image = _open(path)
        found: list[str] = []
        try:
            for index, frame in enumerate(ImageSequence.Iterator(image)):
                if index >= MAX_FRAMES:
                    break
                found += texts_in_image(frame)
        except (OSError, ValueError, EOFError):
            raise DeedbookError(f"{path} is a damaged image; its frames cannot all be read.") from None
        if not found:
            result.without_code.append(path)
        result.texts += found
    return result


def images_in_folder(folder: str | os.PathLike[str]) -> list[tuple[Path, int]]:
    """The image files in a folder, oldest first, each with its modification time in ns (a scanner or
    a phone drops them there one by one). Each file is looked at once: one that goes between the
    listing and that look is left out, not a traceback (the next change of the folder looks again)."""
    suffixes = {".png", ".jpg", ".jpeg", ".gif"}
    try:
        names = [p for p in Path(folder).iterdir() if p.suffix.lower() in suffixes]
    except OSError as error:
        raise DeedbookError(f"The folder {folder} cannot be read ({error.strerror or error}).") from None
    found: list[tuple[Path, int]] = []
    for path in names:
        try:
            status = path.stat()
        except OSError:
            continue
        if stat.S_ISREG(status.st_mode):
            found.append((path, status.st_mtime_ns))
    return sorted(found, key=lambda item: (item[1], item[0].name))
