"""Put a photo where a verified upload by one of a district's devices leaves it: the file,
its `photos` row and the district's `blob_possession` row (sync_server/uploads/blobs.py).
For tests that seed a database directly instead of uploading through tus."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from sync_server.db.tables import blob_possession, photos

__all__ = ["store_blob"]


def store_blob(engine: Engine, photo_dir: Path, district_code: str, data: bytes) -> str:
    """Store `data` as a blob the district has proven it holds; returns its SHA-256."""
    sha = hashlib.sha256(data).hexdigest()
    path = photo_dir / sha[:2] / f"{sha}.jpg"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    now = datetime.now(UTC)
    with engine.begin() as conn:
        if conn.execute(sa.select(photos.c.sha256).where(photos.c.sha256 == sha)).first() is None:
            conn.execute(photos.insert().values(sha256=sha, size=len(data), mime="image/jpeg",
                                                district_code=district_code, created_at=now))
        held = conn.execute(sa.select(blob_possession.c.sha256).where(
            blob_possession.c.sha256 == sha,
            blob_possession.c.district_code == district_code)).first()
        if held is None:
            conn.execute(blob_possession.insert().values(
                district_code=district_code, sha256=sha, proof="upload", proven_at=now))
    return sha
