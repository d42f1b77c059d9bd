"""How often a reader rebuilds a file from one loop of QR frames when some are lost, by payload size.

    python benchmarks/qr_fountain.py [--trials 300] [--lost 2]

One loop is what `qr encode` writes (every fragment plus the fountain mixes of `frame_count`); a
camera that misses the first `--lost` fragments sees the rest once.  The animation and the GIF loop,
so a real camera gets the lost fragments on the next pass; this measures what one pass is worth, and
what 60 parts (about three passes of mixes) are.
"""

from __future__ import annotations

import argparse
import os

from core import airgap
from core.ur.ur import UR, UrDecoder


def rebuilt(size: int, count: int | None, lost: int) -> bool:
    payload = os.urandom(size)
    ur = UR("bytes", bytes([0x59]) + len(payload).to_bytes(2, "big") + payload)  # a CBOR byte string
    decoder = UrDecoder()
    for text in reversed(airgap.parts(ur, count)[lost:]):
        decoder.receive(text)
    try:
        return decoder.result() is not None
    except Exception:  # noqa: BLE001 - an incomplete decoder refuses to give a result: not rebuilt
        return False


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=300)
    parser.add_argument("--lost", type=int, default=2)
    args = parser.parse_args()
    print(f"random payloads, {args.trials} per size, the first {args.lost} fragments lost, the rest read in reverse:")
    for size in (900, 1400, 2500, 4000):
        one_loop = sum(rebuilt(size, None, args.lost) for _ in range(args.trials)) / args.trials
        sixty = sum(rebuilt(size, 60, args.lost) for _ in range(args.trials)) / args.trials
        print(f"  {size:5,} bytes: one loop rebuilds {one_loop:6.1%}   60 parts rebuild {sixty:6.1%}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
