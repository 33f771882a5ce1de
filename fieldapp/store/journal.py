"""The journal file format: framing, checksums, and the scan that reads past damage.

Pure functions over bytes, no I/O, so every torn or damaged shape can be tested directly.

    file    = MAGIC entry*
    entry   = length (4 bytes, big-endian) crc32 (4 bytes, big-endian) payload
    payload = UTF-8 JSON object, numbered "n" = 0, 1, 2 ... within the file:
              {"n": 0, "s": {"tables": [name, ...], "docs": D}}  the snapshot's header
              {"n": k, "d": [table, id, document]}   one document of the snapshot (k = 1..D)
              {"n": k, "o": [op, ...]}               one durable step (a save)

Version 1 files (MAGIC_V1, written before the numbering) hold one snapshot entry
{"s": tables} and then {"o": [...]} entries; they are still read, and rewritten as version 2.

Every entry carries its own checksum, so damage costs only the entries it touches:

- A process killed while appending leaves at most one **torn** entry at the end: its length
  runs past the end of the file (or not even its header was written). That save was never
  acknowledged; the storage cuts it off silently.
- Anything else that fails its checksum is **damage** (a flipped bit, a zeroed page). The
  scan skips it and resynchronises on the next entry whose length, checksum and JSON are all
  whole; the numbers on both sides of the gap say exactly how many entries were lost. Damage
  that runs to the end of the file leaves no number after it: at least one entry was lost.

A snapshot is one entry per document, so damage inside it loses only the documents it
touches, not the snapshot.
"""

from __future__ import annotations

import json
import struct
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from .ops import Tables, apply_ops

__all__ = [
    "MAGIC",
    "MAGIC_V1",
    "MAX_ENTRY_BYTES",
    "Damage",
    "Entry",
    "Scan",
    "decode_payload",
    "encode_entry",
    "encode_payload",
    "encode_snapshot",
    "numbered",
    "replay",
    "scan",
]

MAGIC = b"TAMBON-JOURNAL-2\n"
MAGIC_V1 = b"TAMBON-JOURNAL-1\n"
_HEADER = struct.Struct(">II")
# An entry is one save (a record, its outbox change, the clock) or one snapshot document; a
# length above this can only be garbage, never a real entry.
MAX_ENTRY_BYTES = 1 << 30
_KINDS = ("o", "d", "s")


def encode_payload(value: Any) -> bytes:
    """JSON bytes; raises TypeError/ValueError for values JSON cannot hold (incl. NaN)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()


def decode_payload(payload: bytes) -> Any:
    return json.loads(payload)


def encode_entry(payload: bytes) -> bytes:
    return _HEADER.pack(len(payload), zlib.crc32(payload)) + payload


def numbered(payload: bytes, n: int) -> bytes:
    """The payload `{"o": ...}` (as encoded by encode_payload) numbered `n`: {"n": n, "o": ...}."""
    return b'{"n":%d,' % n + payload[1:]


def encode_snapshot(tables: Mapping[str, Mapping[str, Any]]) -> tuple[bytes, int]:
    """The snapshot entries of `tables` (header, then one entry per document) and the number
    the first entry after them takes."""
    docs = sum(len(t) for t in tables.values())
    header = {"n": 0, "s": {"tables": list(tables), "docs": docs}}
    parts = [encode_entry(encode_payload(header))]
    n = 1
    for name, table in tables.items():
        for doc_id, doc in table.items():
            parts.append(encode_entry(encode_payload({"n": n, "d": [name, doc_id, doc]})))
            n += 1
    return b"".join(parts), n


@dataclass(slots=True)
class Entry:
    offset: int
    end: int
    payload: bytes
    value: dict[str, Any]

    @property
    def number(self) -> int | None:
        n = self.value.get("n")
        return n if isinstance(n, int) and not isinstance(n, bool) else None


@dataclass(frozen=True)
class Damage:
    """Bytes [start, end) that hold no readable entry, between two whole ones (or from the
    last whole one to the end of the file). `lost` entries were there; None when the count
    cannot be known (version 1 files, damage that runs to the end): at least one."""

    start: int
    end: int
    lost: int | None


@dataclass(frozen=True)
class Scan:
    entries: list[Entry]
    # offset just past the last whole entry: where the next append must start
    good_end: int
    # bytes after good_end that are a torn last append (0 when the tail is damage instead)
    torn_bytes: int
    version: int
    # the file's first bytes are not a known MAGIC (but whole entries follow)
    header_damaged: bool = False
    damage: list[Damage] = field(default_factory=list)

    @property
    def payloads(self) -> list[bytes]:
        return [e.payload for e in self.entries]

    @property
    def damaged(self) -> bool:
        return self.header_damaged or bool(self.damage)

    @property
    def lost_entries(self) -> int:
        """Entries that could not be read (a lower bound where a count is unknown)."""
        return sum(1 if d.lost is None else d.lost for d in self.damage)

    @property
    def count_exact(self) -> bool:
        return all(d.lost is not None for d in self.damage)

    @property
    def damaged_bytes(self) -> int:
        header = len(MAGIC) if self.header_damaged else 0
        return header + sum(d.end - d.start for d in self.damage)


def _entry_at(data: bytes, offset: int) -> Entry | None:
    """The whole, well-formed entry starting at `offset`, or None."""
    if offset + _HEADER.size > len(data):
        return None
    length, crc = _HEADER.unpack_from(data, offset)
    start = offset + _HEADER.size
    end = start + length
    # A real payload is a JSON object: never empty (crc32(b"") is 0, so a zeroed page would
    # otherwise read as a run of empty entries), always starting with "{".
    if length == 0 or length > MAX_ENTRY_BYTES or end > len(data) or data[start] != 0x7B:
        return None
    payload = data[start:end]
    if zlib.crc32(payload) != crc:
        return None
    return _well_formed(offset, end, payload)


_DECODE = json.JSONDecoder().decode


def _well_formed(offset: int, end: int, payload: bytes) -> Entry | None:
    try:
        value = _DECODE(payload.decode())
    except ValueError:
        return None
    if not isinstance(value, dict) or not any(k in value for k in _KINDS):
        return None
    return Entry(offset, end, payload, value)


def _resync(data: bytes, offset: int) -> Entry | None:
    """The first whole entry after `offset` (the start of damage), or None."""
    # A false match needs a length that fits, a matching CRC-32 and a JSON object: the
    # chance is about 2**-32 per candidate, and each candidate costs one checksum at most.
    # Only a position whose payload would begin with "{" is worth a look.
    brace = data.find(b"{", offset + 1 + _HEADER.size)
    while brace >= 0:
        entry = _entry_at(data, brace - _HEADER.size)
        if entry is not None:
            return entry
        brace = data.find(b"{", brace + 1)
    return None


def _torn_or_recovered(data: bytes, offset: int) -> Entry | bool:
    """At `offset` starts the last bytes of the file and no whole entry follows. True when
    they are a torn append (cut silently), False when they are damage; an Entry when only the
    length of a complete last entry was damaged (its checksum covers the rest exactly)."""
    if len(data) - offset < _HEADER.size:
        return True
    length, crc = _HEADER.unpack_from(data, offset)
    if offset + _HEADER.size + length <= len(data):
        return False  # the whole entry is there, and wrong: damage
    payload = data[offset + _HEADER.size:]
    if payload[:1] == b"{" and zlib.crc32(payload) == crc:
        return _well_formed(offset, len(data), payload) or True
    return True


def _walk(data: bytes, start: int) -> Iterator[Entry | Damage | int]:
    """Entries and damaged spans in file order; a final int is the start of a torn tail."""
    offset = start
    while offset < len(data):
        entry = _entry_at(data, offset)
        if entry is not None:
            yield entry
            offset = entry.end
            continue
        following = _resync(data, offset)
        if following is not None:
            yield Damage(offset, following.offset, None)
            offset = following.offset
            continue
        tail = _torn_or_recovered(data, offset)
        if isinstance(tail, Entry):
            yield tail
        elif tail:
            yield offset
        else:
            yield Damage(offset, len(data), None)
        return


def _count_lost(items: list[Entry | Damage], version: int) -> list[Damage]:
    """Each damaged span with the number of entries it held, from the numbers around it;
    also a gap in the numbers where no bytes were damaged (entries cut out of the file)."""
    damage: list[Damage] = []
    before: int | None = -1  # the number of the entry before (the header's is 0)
    pending: Damage | None = None
    for item in items:
        if isinstance(item, Damage):
            pending = item
            continue
        number = item.number if version == 2 else None
        if pending is not None:
            lost = (number - before - 1 if number is not None and before is not None
                    and number > before else None)
            damage.append(Damage(pending.start, pending.end, lost))
            pending = None
        elif number is not None and before is not None and number != before + 1:
            damage.append(Damage(item.offset, item.offset, max(number - before - 1, 1)))
        before = number
    if pending is not None:
        damage.append(pending)
    return damage


def _whole_file(data: bytes) -> list[Entry] | None:
    """The fast path for an undamaged version 2 file (nearly every opening): frames checked
    by length and CRC-32, then every payload decoded by one JSON parse. None when anything
    is off (damage, a torn tail, a version 1 file): the careful walk then decides."""
    if not data.startswith(MAGIC):
        return None
    frames: list[tuple[int, int]] = []
    offset, size, unpack, crc32 = len(MAGIC), len(data), _HEADER.unpack_from, zlib.crc32
    while offset < size:
        if offset + _HEADER.size > size:
            return None
        length, crc = unpack(data, offset)
        start = offset + _HEADER.size
        end = start + length
        if length == 0 or end > size or data[start] != 0x7B or crc32(data[start:end]) != crc:
            return None
        frames.append((offset, end))
        offset = end
    try:
        values = json.loads(b"[" + b",".join(data[o + _HEADER.size:e] for o, e in frames)
                            + b"]")
    except ValueError:
        return None
    entries: list[Entry] = []
    for (start, end), value in zip(frames, values, strict=True):
        number = value.get("n") if isinstance(value, dict) else None
        if not isinstance(number, int) or number != len(entries) or not any(
                k in value for k in _KINDS):
            return None
        entries.append(Entry(start, end, data[start + _HEADER.size:end], value))
    return entries


def scan(data: bytes) -> Scan:
    """The whole entries of a journal file in order, with what lies between them."""
    whole = _whole_file(data)
    if whole is not None:
        return Scan(whole, whole[-1].end if whole else len(MAGIC), 0, 2)
    if data.startswith(MAGIC):
        version, header_damaged = 2, False
    elif data.startswith(MAGIC_V1):
        version, header_damaged = 1, False
    else:
        version, header_damaged = 2, True
    items: list[Entry | Damage] = []
    torn_at: int | None = None
    for item in _walk(data, len(MAGIC)):
        if isinstance(item, int):
            torn_at = item
        else:
            items.append(item)
    entries = [i for i in items if isinstance(i, Entry)]
    if header_damaged and entries and entries[0].number is None:
        version = 1  # a version 1 file whose first bytes were damaged
    damage = _count_lost(items, version)
    last_end = entries[-1].end if entries else len(MAGIC)
    good_end = max([last_end, *(d.end for d in damage)])
    torn = len(data) - torn_at if torn_at is not None else 0
    return Scan(entries, good_end, torn, version, header_damaged, damage)


def replay(entries: list[Entry], version: int) -> Tables:
    """The tables the entries describe, applied in order."""
    tables: Tables = {}
    for entry in entries:
        value = entry.value
        if "o" in value:
            apply_ops(tables, value["o"])
        elif "d" in value:
            name, doc_id, doc = value["d"]
            tables.setdefault(name, {})[doc_id] = doc
        elif version == 1:  # the whole snapshot, always the first entry
            for name, table in value["s"].items():
                tables.setdefault(name, {}).update(table)
        else:
            for name in value["s"].get("tables", []):
                tables.setdefault(name, {})
    return tables
