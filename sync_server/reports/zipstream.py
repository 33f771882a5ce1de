"""A ZIP archive written front to back as a stream of bytes: memory stays flat.

`zipfile` writes to any object with `write`; when that object cannot seek, zipfile puts
each member's sizes in a data descriptor after its bytes and the central directory at the
end, which every unzip tool reads. The sink below hands out what was written so far after
each chunk, so an HTTP response can send it on while the next chunk is read.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

__all__ = ["Member", "zip_chunks"]


class _Sink(io.RawIOBase):
    def __init__(self) -> None:
        self._parts: list[bytes] = []
        self._position = 0

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        self._parts.append(bytes(data))
        self._position += len(data)
        return len(data)

    def tell(self) -> int:
        return self._position

    def drain(self) -> bytes:
        out = b"".join(self._parts)
        self._parts.clear()
        return out


@dataclass(slots=True)
class Member:
    name: str  # path inside the archive, "/"-separated
    chunks: Iterable[bytes]
    compress: bool = True  # JPEGs are compressed already: store them


def zip_chunks(members: Iterable[Member]) -> Iterator[bytes]:
    sink = _Sink()
    with zipfile.ZipFile(sink, mode="w", allowZip64=True) as archive:
        for member in members:
            info = zipfile.ZipInfo(member.name, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED if member.compress else zipfile.ZIP_STORED
            with archive.open(info, mode="w", force_zip64=True) as dst:
                for chunk in member.chunks:
                    dst.write(chunk)
                    if sink.tell():
                        yield sink.drain()
            yield sink.drain()
    yield sink.drain()
