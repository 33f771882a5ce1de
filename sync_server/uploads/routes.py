"""tus 1.0 resumable uploads (core, creation, checksum) and serving stored photos.

    OPTIONS /api/v1/uploads            capabilities (Tus-Version, Tus-Extension, ...)
    POST    /api/v1/uploads            create; Upload-Metadata must name `sha256`
    HEAD    /api/v1/uploads/{id}       Upload-Offset: how many bytes the server holds
    PATCH   /api/v1/uploads/{id}       append at Upload-Offset
    GET     /api/v1/photos/{sha256}    the photo (?size=thumb: its thumbnail)

Every creation by a standard tus client (tuspy, tus-js-client, Uppy) is a fresh upload at
offset 0, as the protocol expects, even for a photo the server holds: the bytes are sent and
verified again, which is how a district proves it holds them. The project's client sends
`Tambon-Dedupe: 1`: its upload id is then the photo's SHA-256, so a photo its district has
proven it holds is answered complete at creation (nothing sent) and its devices resume each
other's uploads. Nothing answers differently when another district holds the photo. A
finished upload must be a photo as the app writes it (`imagecheck`). See docs/sync.md.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.requests import ClientDisconnect

from sync_server.auth import Principal, principal_from_request
from sync_server.problems import Problem
from sync_server.uploads import imagecheck
from sync_server.uploads.blobs import (
    SHA256_RE,
    BlobStore,
    HashMismatch,
    ImageRefused,
    UploadBusy,
    UploadState,
)

__all__ = ["DEDUPE_HEADER", "STORED_FILE_HEADERS", "blob_store", "router"]

router = APIRouter(tags=["uploads"])

TUS_VERSION = "1.0.0"
TUS_EXTENSIONS = "creation,checksum"
MAX_PHOTO_BYTES = 50 * 1024 * 1024
PREFIX = "/api/v1/uploads"
# Sent by the project's client (fieldapp/sync/tus.py): meet the district's upload of this
# photo by its hash and skip a photo the district has proven it holds.
DEDUPE_HEADER = "Tambon-Dedupe"
_bearer = HTTPBearer(auto_error=False)


# On every answer that carries stored bytes: the browser must take the declared type.
STORED_FILE_HEADERS = {"X-Content-Type-Options": "nosniff"}


def _tus_headers(**extra: str) -> dict[str, str]:
    return {"Tus-Resumable": TUS_VERSION, "Cache-Control": "no-store", **extra}


def _problem(status: int, code: str, en: str, th: str, detail_en: str = "",
             detail_th: str = "") -> Problem:
    return Problem(status, code, en, th, detail_en, detail_th, headers=_tus_headers())


def blob_store(request: Request) -> BlobStore:
    """The app's one BlobStore (uploads, and every read of stored photos)."""
    store = getattr(request.app.state, "blob_store", None)
    if store is None:
        settings = request.app.state.settings
        store = BlobStore(request.app.state.engine, settings.upload_dir, settings.photo_dir)
        request.app.state.blob_store = store
    return store


def short_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """The caller, checked in a transaction of its own: an upload that takes minutes must
    not hold a database transaction (on SQLite, the write lock) while bytes trickle in."""
    with request.app.state.engine.begin() as conn:
        principal = principal_from_request(request, conn, credentials)
    if principal is None:
        raise Problem(401, "unauthenticated", "Sign-in needed", "ต้องลงชื่อเข้าใช้",
                      "Send the device token as 'Authorization: Bearer <token>'.",
                      "กรุณาส่งโทเค็นของเครื่องที่ถูกต้อง",
                      headers={"WWW-Authenticate": "Bearer", **_tus_headers()})
    return principal


def uploader(principal: Annotated[Principal, Depends(short_principal)]) -> Principal:
    if not principal.can_write:
        raise _problem(403, "read_only_token", "Read-only access", "สิทธิ์อ่านอย่างเดียว",
                       "Partner-agency tokens cannot upload photos.",
                       "โทเค็นของหน่วยงานภาคีอัปโหลดรูปไม่ได้")
    return principal


Uploader = Annotated[Principal, Depends(uploader)]


def _require_tus(request: Request) -> None:
    version = request.headers.get("tus-resumable")
    if version != TUS_VERSION:
        raise Problem(412, "tus_version", "Unsupported tus version", "ไม่รองรับรุ่นโปรโตคอล tus",
                      f"Send 'Tus-Resumable: {TUS_VERSION}'.",
                      f"กรุณาส่ง Tus-Resumable: {TUS_VERSION}",
                      headers={"Tus-Version": TUS_VERSION, "Cache-Control": "no-store"})


def parse_metadata(header: str) -> dict[str, str]:
    """`key base64,key2 base64` (tus Upload-Metadata) -> dict; ValueError if malformed."""
    out: dict[str, str] = {}
    for pair in filter(None, (p.strip() for p in header.split(","))):
        key, _, value = pair.partition(" ")
        try:
            out[key] = base64.b64decode(value, validate=True).decode("utf-8") if value else ""
        except (binascii.Error, UnicodeDecodeError) as exc:
            raise ValueError(f"metadata {key!r} is not base64 UTF-8") from exc
        if "\x00" in out[key]:  # stored as JSON text, which PostgreSQL refuses with a NUL
            raise ValueError(f"metadata {key!r} holds a NUL character")
    return out


def _offset_headers(state: UploadState) -> dict[str, str]:
    return _tus_headers(**{"Upload-Offset": str(state.offset),
                           "Upload-Length": str(state.length)})


@router.options(PREFIX, status_code=204, summary="tus capabilities")
def tus_options() -> Response:
    return Response(status_code=204, headers={
        "Tus-Resumable": TUS_VERSION, "Tus-Version": TUS_VERSION,
        "Tus-Extension": TUS_EXTENSIONS, "Tus-Max-Size": str(MAX_PHOTO_BYTES),
        "Tus-Checksum-Algorithm": "sha256"})


@router.post(PREFIX, status_code=201, summary="Create (or find) the upload of a photo")
def tus_create(
    request: Request,
    principal: Uploader,
    dedupe: Annotated[str | None, Header(
        alias=DEDUPE_HEADER,
        description="'1' (the project's client): the upload id is the photo's SHA-256, "
                    "shared by the district's devices, and a photo the district has proven "
                    "it holds is answered complete. Otherwise a fresh upload at offset 0.",
    )] = None,
) -> Response:
    _require_tus(request)
    try:
        length = int(request.headers.get("upload-length", ""))
    except ValueError as exc:
        raise _problem(400, "upload_length_missing", "Upload-Length needed",
                       "ต้องระบุขนาดไฟล์", "Send Upload-Length (bytes).",
                       "กรุณาส่ง Upload-Length เป็นจำนวนไบต์") from exc
    if length <= 0 or length > MAX_PHOTO_BYTES:
        raise _problem(413, "photo_too_large", "Photo size not accepted",
                       "ขนาดรูปไม่อยู่ในช่วงที่รับได้",
                       f"A photo must be 1 to {MAX_PHOTO_BYTES} bytes.",
                       f"รูปต้องมีขนาด 1 ถึง {MAX_PHOTO_BYTES} ไบต์")
    try:
        metadata = parse_metadata(request.headers.get("upload-metadata", ""))
    except ValueError as exc:
        raise _problem(400, "bad_upload_metadata", "Upload-Metadata not valid",
                       "ข้อมูลประกอบไฟล์ไม่ถูกต้อง", str(exc),
                       "ข้อมูลประกอบต้องเป็น base64 ของข้อความ UTF-8 ที่ไม่มีอักขระ NUL") from exc
    sha = metadata.get("sha256", "").lower()
    if not SHA256_RE.match(sha):
        raise _problem(400, "sha256_missing", "The photo's SHA-256 is needed",
                       "ต้องระบุรหัส SHA-256 ของรูป",
                       "Name the photo's SHA-256 (64 hex) as Upload-Metadata key 'sha256'.",
                       "กรุณาระบุ sha256 ของรูปใน Upload-Metadata")
    try:
        state = blob_store(request).create(
            sha, length, district_code=principal.district_code,
            device_id=principal.device_id, metadata=metadata,
            by_hash=dedupe == "1")
    except ValueError as exc:
        raise _problem(409, "length_mismatch", "Photo length does not match",
                       "ขนาดรูปไม่ตรงกับที่เคยแจ้ง", str(exc),
                       "รูปนี้เคยแจ้งขนาดไว้ต่างจากนี้") from exc
    headers = _offset_headers(state)
    headers["Location"] = f"{PREFIX}/{state.url_id}"
    return Response(status_code=201, headers=headers)


@router.head(PREFIX + "/{upload_id}", summary="How many bytes the server holds")
def tus_head(upload_id: str, request: Request, principal: Uploader) -> Response:
    state = blob_store(request).state(principal.district_code, upload_id)
    if state is None:
        return Response(status_code=404, headers=_tus_headers())
    return Response(status_code=200, headers=_offset_headers(state))


def _chunk_checksum(header: str | None) -> bytes | None:
    if not header:
        return None
    algorithm, _, value = header.partition(" ")
    if algorithm.lower() != "sha256":
        raise _problem(400, "checksum_algorithm", "Checksum algorithm not supported",
                       "ไม่รองรับวิธีตรวจสอบนี้", "Use 'Upload-Checksum: sha256 <base64>'.",
                       "กรุณาใช้ sha256")
    try:
        return base64.b64decode(value, validate=True)
    except binascii.Error as exc:
        raise _problem(400, "checksum_malformed", "Upload-Checksum not valid",
                       "ค่าตรวจสอบไม่ถูกต้อง", "The checksum must be base64.",
                       "ค่าตรวจสอบต้องเป็น base64") from exc


@router.patch(PREFIX + "/{upload_id}", status_code=204, summary="Append bytes")
async def tus_patch(upload_id: str, request: Request, principal: Uploader) -> Response:
    _require_tus(request)
    if request.headers.get("content-type", "").split(";")[0].strip() != \
            "application/offset+octet-stream":
        raise _problem(415, "tus_content_type", "Wrong content type", "ชนิดข้อมูลไม่ถูกต้อง",
                       "PATCH bodies must be application/offset+octet-stream.",
                       "ต้องส่งเป็น application/offset+octet-stream")
    blobs = blob_store(request)
    state = await run_in_threadpool(blobs.state, principal.district_code, upload_id)
    if state is None:
        raise _problem(404, "upload_not_found", "No such upload", "ไม่พบการอัปโหลดนี้",
                       "Create the upload with POST first.", "กรุณาเริ่มการอัปโหลดใหม่")
    try:
        offset = int(request.headers.get("upload-offset", ""))
    except ValueError as exc:
        raise _problem(400, "upload_offset_missing", "Upload-Offset needed",
                       "ต้องระบุตำแหน่งที่ส่งต่อ", "Send Upload-Offset.",
                       "กรุณาส่ง Upload-Offset") from exc
    if state.complete and offset == state.length:
        # Nothing left to send (e.g. the photo came from another device): a no-op, so a tus
        # client that retries with the offset from HEAD finishes cleanly.
        return Response(status_code=204, headers=_offset_headers(state))
    if offset != state.offset or state.complete:
        raise Problem(409, "offset_mismatch", "Offset does not match", "ตำแหน่งไม่ตรงกัน",
                      f"The server holds {state.offset} bytes; HEAD and resume from there.",
                      f"เซิร์ฟเวอร์มีข้อมูล {state.offset} ไบต์ กรุณาส่งต่อจากตำแหน่งนั้น",
                      headers=_offset_headers(state))
    expected = _chunk_checksum(request.headers.get("upload-checksum"))
    first_bytes = state.offset == 0
    new_offset, disconnected, head = await _append(blobs, state, request, expected)
    state = UploadState(state.district_code, state.url_id, state.sha256, state.length,
                        new_offset)
    if first_bytes and new_offset > 0 and not b"\xff\xd8\xff".startswith(head[:3]):
        # Not a JPEG from its first bytes: refused now, not after the rest is sent.
        await run_in_threadpool(blobs.discard, state)
        raise _refused(imagecheck.not_a_jpeg(head))
    if disconnected:
        return Response(status_code=400, headers=_offset_headers(state))
    if state.complete:
        try:
            await run_in_threadpool(blobs.finish, state, device_id=principal.device_id)
        except ImageRefused as refused:
            raise _refused(refused) from None
        except HashMismatch:
            raise _problem(460, "photo_hash_mismatch", "The photo arrived damaged",
                           "รูปที่ได้รับเสียหาย",
                           "The received bytes do not match the photo's SHA-256; the upload "
                           "was discarded. Send the photo again from the start.",
                           "ข้อมูลที่ได้รับไม่ตรงกับรหัส SHA-256 ของรูป ระบบทิ้งการอัปโหลดนี้แล้ว "
                           "กรุณาส่งรูปใหม่ตั้งแต่ต้น") from None
    return Response(status_code=204, headers=_offset_headers(state))


def _refused(refused: ImageRefused) -> Problem:
    return _problem(422, refused.code, refused.title_en, refused.title_th,
                    refused.detail_en + " The upload was discarded.",
                    refused.detail_th + " ระบบทิ้งการอัปโหลดนี้แล้ว")


async def _append(blobs: BlobStore, state: UploadState, request: Request,
                  expected: bytes | None) -> tuple[int, bool, bytes]:
    """Append the body at the upload's offset.

    Returns (new offset, client disconnected, the body's first bytes).

    Bytes that arrived before a disconnect are kept (made durable, offset advanced), so a
    retry resumes at the last byte received, unless a chunk checksum was announced: then a
    partial chunk cannot be verified and is dropped.
    """
    digest = hashlib.sha256()
    limit = state.length - state.offset
    try:
        with blobs.appending(state) as handle:
            written = 0
            disconnected = False
            head = b""
            try:
                async for block in request.stream():
                    if len(head) < 64:
                        head += block[:64 - len(head)]
                    if written + len(block) > limit:
                        raise _problem(413, "beyond_length", "More bytes than announced",
                                       "ส่งข้อมูลเกินขนาดที่แจ้งไว้",
                                       f"Only {limit} more bytes are expected.",
                                       f"รับได้อีก {limit} ไบต์เท่านั้น")
                    handle.write(block)
                    digest.update(block)
                    written += len(block)
            except ClientDisconnect:
                disconnected = True
            if expected is not None and (disconnected or digest.digest() != expected):
                handle.truncate(state.offset)
                handle.seek(state.offset)
                if not disconnected:
                    raise _problem(460, "checksum_mismatch", "Chunk checksum does not match",
                                   "ข้อมูลส่วนนี้เสียหายระหว่างส่ง",
                                   "The chunk was discarded; send it again.",
                                   "ระบบทิ้งข้อมูลส่วนนี้แล้ว กรุณาส่งใหม่")
            new_offset = await run_in_threadpool(blobs.commit_bytes, handle, state)
            return new_offset, disconnected, head
    except UploadBusy as exc:
        raise _problem(423, "upload_busy", "This photo is being uploaded right now",
                       "รูปนี้กำลังถูกอัปโหลดอยู่", "Try again in a moment.",
                       "กรุณาลองใหม่อีกครู่") from exc


@router.get("/api/v1/photos/{sha256}", summary="A stored photo or its thumbnail",
            response_class=FileResponse)
def get_photo(
    sha256: str,
    request: Request,
    principal: Annotated[Principal, Depends(short_principal)],
    size: Annotated[str, Query(pattern="^(full|thumb)$")] = "full",
) -> Any:
    """Only blobs the caller's district has proven it holds (its own devices sent them);
    the same 404 when another district holds the photo or nobody does."""
    sha = sha256.lower()
    found = blob_store(request).readable(sha, principal.district_code, thumb=size == "thumb")
    if found is None:
        raise Problem(404, "photo_not_found", "Photo not found", "ไม่พบรูป",
                      "The photo has not arrived yet or is not in your district.",
                      "รูปยังไม่ถูกส่งมา หรือไม่ได้อยู่ในอำเภอของคุณ")
    path, mime = found
    etag = f'"{path.stem}"'
    headers = {"ETag": etag, "Cache-Control": "private, max-age=31536000, immutable",
               **STORED_FILE_HEADERS,
               "Content-Disposition": f'inline; filename="{path.name}"'}
    if request.headers.get("if-none-match") in (etag, path.stem):
        return Response(status_code=304, headers=headers)
    return FileResponse(path, media_type=mime, headers=headers)
