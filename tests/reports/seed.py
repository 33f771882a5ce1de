"""Put a `thai_data.Dataset` into a real district database, photos on disk included."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

from PIL import Image
from sqlalchemy.engine import Engine

from sync_server.accounts import create_district
from sync_server.db.records import upsert_record
from sync_server.web.session import start_session
from tests.support.blobs import store_blob

from .thai_data import Dataset

DISTRICT = "2403"


def _jpeg(index: int) -> bytes:
    image = Image.new("RGB", (64, 48), ((index * 37) % 256, (index * 91) % 256, 120))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=80)
    return out.getvalue()


def seed(engine: Engine, ds: Dataset, photo_dir: Path | None = None) -> None:
    """Write every record through `upsert_record` (as the sync merge does). Photos get real
    JPEG bytes whose SHA-256 becomes their id; one producer is deleted (a tombstone)."""
    with engine.begin() as conn:
        create_district(conn, DISTRICT)
    if photo_dir is not None:  # as if the district's phones had uploaded them
        for i, photo in enumerate(ds.photos):
            photo["id"] = store_blob(engine, photo_dir, DISTRICT, _jpeg(i))
    now = datetime.now(UTC)
    with engine.begin() as conn:
        for record_type, items in ds.by_type().items():
            for record in items:
                fields = {k: v for k, v in record.items() if k != "id"}
                upsert_record(conn, district_code=DISTRICT, record_type=record_type,
                              record_id=record["id"], data=fields, clocks={}, now=now)
        # A deleted producer must appear nowhere.
        upsert_record(conn, district_code=DISTRICT, record_type="producer",
                      record_id="d" * 32, data={"name_th": "กลุ่มที่ถูกลบแล้ว",
                                                "phone": "0899999999",
                                                "id_number": "1101700230705"},
                      clocks={}, deleted=True, now=now)


def web_session(engine: Engine, user_id: str) -> str:
    with engine.begin() as conn:
        return start_session(conn, user_id, datetime.now(UTC))
