"""deedbook qr encode|decode: request and response files as animated QR codes, and back."""

from __future__ import annotations

import argparse
from typing import Any

from desktop.cli.context import CliContext, add_force, print_json, say


def register(commands: Any) -> None:
    qr = commands.add_parser("qr", help="carry a request or response across an air gap as QR codes")
    sub = qr.add_subparsers(dest="qr_command", metavar="ACTION", required=True)

    encode = sub.add_parser("encode", help="write a request's (or response's) QR frames: PNGs and an animated GIF")
    encode.add_argument("request", metavar="REQUEST", help="a signing request or signed response file")
    encode.add_argument("--out-dir", required=True, metavar="DIR", help="folder for the frames (created if needed)")
    encode.add_argument("--fps", type=float, default=5.0, metavar="N", help="frames per second of the GIF (default 5)")
    add_force(encode)
    encode.add_argument("--json", action="store_true")
    encode.set_defaults(handler=_encode)

    decode = sub.add_parser("decode", help="rebuild the file from images of its QR frames (any order, with gaps)")
    decode.add_argument(
        "images", nargs="+", metavar="IMAGE", help="PNG, JPEG or GIF images: frames, screenshots, photos of a screen"
    )
    decode.add_argument("--out", required=True, metavar="FILE", help="the file to write")
    decode.add_argument("--request", metavar="REQUEST", help="the request a wallet's eth-signature answers")
    add_force(decode)
    decode.add_argument("--json", action="store_true")
    decode.set_defaults(handler=_decode)


def _encode(args: argparse.Namespace, ctx: CliContext) -> int:
    frames = ctx.ws.qr_encode(args.request, args.out_dir, fps=args.fps, force=args.force).value
    if args.json:
        print_json(
            {
                "parts": frames.parts,
                "frames": [str(p) for p in frames.frames],
                "animation": str(frames.animation),
                "wallet_parts": frames.wallet_parts,
                "wallet_frames": [str(p) for p in frames.wallet_frames],
                "wallet_animation": str(frames.wallet_animation) if frames.wallet_animation else None,
            }
        )
        return 0
    what = "response" if frames.request.is_response else "request"
    say(
        f"The {frames.request.role}'s {what}: {len(frames.parts)} frame(s) in {args.out_dir} "
        f"({frames.animation.name} loops them at {args.fps:g} per second)."
    )
    if frames.wallet_animation is not None:
        say(
            f"For a QR wallet (EIP-4527 eth-sign-request): {len(frames.wallet_parts)} frame(s), "
            f"{frames.wallet_animation.name}."
        )
    for part in frames.parts:
        print(part)
    return 0


def _decode(args: argparse.Namespace, ctx: CliContext) -> int:
    read, path = ctx.ws.qr_decode(args.images, args.out, request=args.request, force=args.force).value
    received = read.received
    kinds = {
        "deedbook-request": "file",
        "eth-sign-request": "wallet's sign request",
        "eth-signature": "wallet's signature",
    }
    if args.json:
        print_json(
            {
                "type": received.type,
                "codes": read.codes,
                "out": str(path),
                "images_without_code": [str(p) for p in read.images_without_code],
            }
        )
        return 0
    parsed = received.parsed
    what = ("signed response" if parsed is not None and parsed.is_response else "request") if parsed else "response"
    print(f"Read a {kinds.get(received.type, received.type)} from {read.codes} QR code(s); the {what} is in {path}.")
    return 0
