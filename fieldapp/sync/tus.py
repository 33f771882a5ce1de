"""A small async tus 1.0 client on httpx, for content-addressed photos.

With `Tambon-Dedupe: 1` the server names this client's upload by the photo's SHA-256, so
creation doubles as "does my district have this already?": the answer's Upload-Offset says
how many bytes the server holds for the district, and a photo one of the district's phones
has sent (and the server verified) is not sent again; two phones of a district resume each
other's upload. A photo that only another district has sent is uploaded in full: that is
how a district proves it holds the bytes (docs/sync.md). After a drop the client asks
(HEAD) where the server stands and sends only the rest.
"""

from __future__ import annotations

import base64
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx

from .errors import RefusedError, SyncError

__all__ = ["DEDUPE_HEADERS", "TUS_HEADERS", "UploadResult", "upload_blob"]

TUS_HEADERS = {"Tus-Resumable": "1.0.0"}
# Ask the server to meet the district's upload of this photo by hash (see above).
DEDUPE_HEADERS = {"Tambon-Dedupe": "1"}
# (method, url, headers, body, retry) -> response. With retry, drops and 5xx are retried by
# the caller's policy; without, the first failure is raised (a PATCH must not be blindly
# repeated: the server may have kept part of it, so the client asks HEAD first).
Send = Callable[[str, str, dict[str, str], bytes | None, bool], Awaitable[httpx.Response]]


class UploadResult:
    __slots__ = ("bytes_sent", "skipped")

    def __init__(self, bytes_sent: int, skipped: bool) -> None:
        self.bytes_sent = bytes_sent
        self.skipped = skipped


def _metadata(sha256: str, kind: str) -> str:
    pairs = {"sha256": sha256, "filename": f"{sha256}.jpg", "kind": kind}
    return ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in pairs.items())


async def upload_blob(
    send: Send,
    uploads_url: str,
    sha256: str,
    path: Path,
    size: int,
    *,
    kind: str,
    chunk_size: int,
    on_bytes: Callable[[int], None],
    on_retry: Callable[[SyncError, int], Awaitable[None]],
) -> UploadResult:
    """Upload one file; returns the bytes PATCHed (0 and skipped=True if the district's
    proven copy was on the server already).

    `send` raises SyncError subclasses; retryable ones (drops, 5xx) come back here through
    `on_retry(error, attempt)`, which sleeps or re-raises when the retries are spent.
    """
    created = await send("POST", uploads_url, {
        **TUS_HEADERS, **DEDUPE_HEADERS, "Upload-Length": str(size),
        "Upload-Metadata": _metadata(sha256, kind)},
        None, True)
    url = created.headers.get("location") or f"{uploads_url}/{sha256}"
    offset = int(created.headers.get("upload-offset", "0"))
    if offset >= size:
        return UploadResult(0, True)
    on_bytes(offset)  # resumed: what the server already holds counts as done
    confirmed = offset
    sent = 0
    attempt = 0
    with path.open("rb") as handle:
        while offset < size:
            handle.seek(offset)
            chunk = handle.read(chunk_size)
            try:
                answer = await send("PATCH", url, {
                    **TUS_HEADERS, "Upload-Offset": str(offset),
                    "Content-Type": "application/offset+octet-stream"}, chunk, False)
                attempt = 0
                offset = int(answer.headers.get("upload-offset", offset + len(chunk)))
            except SyncError as error:
                if isinstance(error, RefusedError) and error.status == 409:
                    offset = await _server_offset(send, url)
                elif not error.retryable:
                    raise
                else:
                    await on_retry(error, attempt)
                    attempt += 1
                    offset = await _server_offset(send, url)
            finally:
                sent += len(chunk)  # counted as it left the phone, delivered or not
            if offset > confirmed:
                # Progress (even a partial chunk the server kept): the retry budget starts
                # again, so a link that drops every few seconds still finishes.
                attempt = 0
                on_bytes(offset - confirmed)
                confirmed = offset
    return UploadResult(sent, False)


async def _server_offset(send: Send, url: str) -> int:
    answer = await send("HEAD", url, dict(TUS_HEADERS), None, True)
    return int(answer.headers["upload-offset"])
