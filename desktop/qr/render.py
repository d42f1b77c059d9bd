"""UR parts drawn as QR codes: PNG frames, and an animated GIF of them at a given frame rate.

The texts go upper case, so the QR code uses its alphanumeric mode (the UR
specification's choice: about 30% denser than bytes).  Error correction L: a
screen is sharp, and a frame a camera misreads is made up by the fountain code.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from PIL import Image

MODULE_PX = 6  # pixels per module: a version 12 code (65 modules + border) is 438 px wide


def frame_image(text: str, module_px: int = MODULE_PX) -> Image.Image:
    import qrcode
    from qrcode.constants import ERROR_CORRECT_L

    code = qrcode.QRCode(error_correction=ERROR_CORRECT_L, box_size=module_px, border=4)
    code.add_data(text.upper())
    code.make(fit=True)
    image = code.make_image(fill_color="black", back_color="white").get_image()
    gray: Image.Image = image.convert("L")
    return gray


def png_bytes(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def gif_bytes(frames: Sequence[Image.Image], fps: float) -> bytes:
    """An endlessly looping animation; frames are padded to the largest (a mixed part may need a bigger code)."""
    side = max(max(f.size) for f in frames)
    padded = []
    for frame in frames:
        canvas = Image.new("L", (side, side), 255)
        canvas.paste(frame, ((side - frame.size[0]) // 2, (side - frame.size[1]) // 2))
        padded.append(canvas.convert("P"))
    out = io.BytesIO()
    padded[0].save(
        out,
        format="GIF",
        save_all=True,
        append_images=padded[1:],
        duration=round(1000 / fps),
        loop=0,
        optimize=False,
        disposal=1,
    )
    return out.getvalue()
