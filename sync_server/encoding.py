"""Response compression of the sync feed: whether a client takes gzip, and the gzip itself.

A pull page is JSON of records that repeat their keys, field names and clock stamps; gzip
makes a 278 KB page of 200 survey records 21 KB (13×). ISA-L (`isal`) does it at level 1
in 0.11 ms of server CPU; zlib's level 1 took 0.59 ms for 22 KB, zlib-ng's 0.15-0.20 ms
(2026-12-06, docs/bench-sync.md). A phone on 256 kbit/s gets that page in 0.7 s instead
of 8.7 s. The phone's HTTP client (httpx) asks for gzip by default and inflates it
transparently (any gzip decoder reads ISA-L's output: it is standard DEFLATE).
"""

from __future__ import annotations

import re

from isal import isal_zlib

__all__ = ["GZIP_MIN_BYTES", "accepts_gzip", "gzip_bytes"]

# Below this a gzip header and a round of the compressor cost more than they save.
GZIP_MIN_BYTES = 1024


# RFC 9110 section 12.4.2: qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )
_QVALUE = re.compile(r"0(?:\.[0-9]{0,3})?|1(?:\.0{0,3})?")


def _quality(params: list[str]) -> float | None:
    """The q of a coding's parameters (1 without one); None when q is malformed."""
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "q":
            value = value.strip()
            return float(value) if _QVALUE.fullmatch(value) else None
    return 1.0


def accepts_gzip(header: str | None) -> bool:
    """Whether an `Accept-Encoding` value (RFC 9110 section 12.5.3) takes gzip: `gzip`,
    `x-gzip` or `*` with a q above 0, and gzip not refused by name (`gzip;q=0` wins over
    `*`). No header, or one that cannot be read, means no."""
    if not header:
        return False
    named: float | None = None
    wildcard: float | None = None
    for item in header.split(","):
        coding, *params = item.split(";")
        coding = coding.strip().lower()
        quality = _quality(params)
        if quality is None:
            continue
        if coding in ("gzip", "x-gzip"):
            named = quality if named is None else max(named, quality)
        elif coding == "*":
            wildcard = quality if wildcard is None else max(wildcard, quality)
    if named is not None:
        return named > 0
    return wildcard is not None and wildcard > 0


def gzip_bytes(body: bytes) -> bytes:
    """`body` as one gzip member, ISA-L level 1 (the GIL is released while it works)."""
    compressor = isal_zlib.compressobj(1, isal_zlib.DEFLATED, 31)
    return bytes(compressor.compress(body) + compressor.flush())
