"""Migration 0006_blob_possession on SQLite and PostgreSQL: a database at 0001_initial with
photos, photo records and an upload in progress gets the possession each district had
before proofs were kept, and nothing else."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from sync_server.accounts import create_district
from sync_server.db.engine import migrate
from sync_server.db.tables import blob_possession, photos, records, uploads


def _sha(n: int) -> str:
    return f"{n:064x}"


def test_backfill_from_photos_and_photo_records(empty_engine: Engine) -> None:
    migrate(empty_engine, "0001_initial")
    now = datetime.now(UTC)
    full_a, thumb_a, full_b, dedupe_skipped = _sha(1), _sha(2), _sha(3), _sha(4)
    with empty_engine.begin() as conn:
        create_district(conn, "2403")
        create_district(conn, "2404")
        for sha, district in ((full_a, "2403"), (thumb_a, "2403"), (full_b, "2404"),
                              (dedupe_skipped, "2403")):
            conn.execute(photos.insert().values(sha256=sha, size=10, mime="image/jpeg",
                                                district_code=district,
                                                uploaded_by_device="dev-" + district,
                                                created_at=now))

        def photo(record_id: str, district: str, data: dict[str, object]) -> None:
            conn.execute(records.insert().values(
                id=record_id, record_type="photo", district_code=district, data=data,
                clocks={}, seq=int(record_id[-2:], 16), created_at=now, updated_at=now))

        photo(full_a, "2403", {"thumb_sha256": thumb_a})
        # B's phone skipped the upload of a photo A had sent: B's record is its only proof.
        photo(dedupe_skipped, "2404", {"thumb_sha256": thumb_a})
        photo(_sha(5), "2404", {"thumb_sha256": _sha(6)})  # never arrived: nothing to grant
        photo(_sha(7), "2404", {"thumb_sha256": "not a hash"})
        conn.execute(records.insert().values(  # not a photo record: ignored
            id=_sha(8), record_type="producer", district_code="2404",
            data={"thumb_sha256": full_a}, clocks={}, seq=99, created_at=now, updated_at=now))
        conn.execute(uploads.insert().values(
            id=_sha(9), sha256=_sha(9), length=5, offset=2, district_code="2403",
            created_at=now, updated_at=now))
    migrate(empty_engine)
    with empty_engine.connect() as conn:
        held = {(row.district_code, row.sha256, row.proof, row.device_id)
                for row in conn.execute(sa.select(blob_possession))}
        left = conn.execute(sa.select(sa.func.count()).select_from(uploads)).scalar()
    assert held == {
        ("2403", full_a, "upload", "dev-2403"),
        ("2403", thumb_a, "upload", "dev-2403"),
        ("2403", dedupe_skipped, "upload", "dev-2403"),
        ("2404", full_b, "upload", "dev-2404"),
        ("2404", dedupe_skipped, "backfill", None),
        ("2404", thumb_a, "backfill", None),
    }
    assert left == 0  # uploads were not scoped to a district: phones start them again
