# The C extension core/_speedups.c (built by `pip install -e .`; absent without a compiler).
from typing import Any

def keccak256(data: bytes) -> bytes: ...
def hash_struct(
    plan: tuple[bytes, tuple[tuple[str, int, Any], ...]], data: Any, separator: bytes | None = None
) -> bytes | None: ...
