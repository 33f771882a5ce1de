"""The journal file format: framing, checksums and the scan that finds the last whole entry.

Pure functions over bytes, no I/O, so every torn or corrupted shape can be tested directly.

    file   = MAGIC entry*
    entry  = length (4 bytes, big-endian) crc32 (4 bytes, big-endian) payload
    payload = UTF-8 JSON: {"s": tables} (a snapshot, always the first entry)
                        | {"o": [op, ...]} (one durable step)

A process killed while appending leaves at most one torn entry at the end: its length runs
past the end of the file or its checksum does not match. `scan` stops at the first such
entry; the storage then cuts the file back to the last whole entry before appending again.
"""

from __future__ import annotations

import json
import struct
import zlib
from dataclasses import dataclass
from typing import Any

__all__ = [
    "MAGIC",
    "MAX_ENTRY_BYTES",
    "Scan",
    "decode_payload",
    "encode_entry",
    "encode_payload",
    "scan",
]

MAGIC = b"TAMBON-JOURNAL-1\n"
_HEADER = struct.Struct(">II")
# An entry is one save (a record, its outbox change, the clock) or one snapshot; a length
# above this can only be garbage from a torn write, never a real entry.
MAX_ENTRY_BYTES = 1 << 30


def encode_payload(value: Any) -> bytes:
    """JSON bytes; raises TypeError/ValueError for values JSON cannot hold (incl. NaN)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()


def decode_payload(payload: bytes) -> Any:
    return json.loads(payload)


def encode_entry(payload: bytes) -> bytes:
    return _HEADER.pack(len(payload), zlib.crc32(payload)) + payload


@dataclass(frozen=True)
class Scan:
    payloads: list[bytes]
    # offset just past the last whole entry: where the next append must start
    good_end: int
    # bytes after good_end that were ignored (a torn tail)
    torn_bytes: int


def scan(data: bytes) -> Scan:
    """The whole entries of a journal file, in order. The caller has checked MAGIC."""
    offset = len(MAGIC)
    payloads: list[bytes] = []
    while offset + _HEADER.size <= len(data):
        length, crc = _HEADER.unpack_from(data, offset)
        start = offset + _HEADER.size
        end = start + length
        if length > MAX_ENTRY_BYTES or end > len(data):
            break
        payload = data[start:end]
        if zlib.crc32(payload) != crc:
            break
        payloads.append(payload)
        offset = end
    return Scan(payloads=payloads, good_end=offset, torn_bytes=len(data) - offset)
