"""blob_possession: which district has proven it holds which photo blob

A district may read a blob only when one of its own devices sent those bytes (issue 11,
item 1). Backfill: the district of each blob's first upload (proof "upload"), and every
district whose photo records named a stored blob as `id` or `thumb_sha256` before proofs
were kept (proof "backfill": a phone whose upload was skipped because another district had
the bytes holds no other proof). Uploads in progress are dropped: their ids were not scoped
to a district; phones start those uploads again from byte 0.

Revision ID: 0006_blob_possession
Revises: 0003_agencies_plans
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0006_blob_possession"
down_revision = "0003_agencies_plans"  # chained after main's 0003 (was "0001_initial")
branch_labels = None
depends_on = None

_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_BATCH = 1000


def upgrade() -> None:
    possession = op.create_table(
        "blob_possession",
        sa.Column("district_code", sa.String(length=4), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("proof", sa.String(length=16), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=True),
        sa.Column("proven_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["district_code"], ["districts.code"],
                                name=op.f("fk_blob_possession_district_code_districts")),
        sa.PrimaryKeyConstraint("district_code", "sha256", name=op.f("pk_blob_possession")),
    )
    assert possession is not None
    conn = op.get_bind()
    photos = sa.table("photos", sa.column("sha256", sa.String),
                      sa.column("district_code", sa.String),
                      sa.column("uploaded_by_device", sa.String),
                      sa.column("created_at", sa.DateTime(timezone=True)))
    records = sa.table("records", sa.column("id", sa.String), sa.column("record_type", sa.String),
                       sa.column("district_code", sa.String), sa.column("data", sa.JSON))
    uploads = sa.table("uploads", sa.column("id", sa.String))
    conn.execute(uploads.delete())

    stored: set[str] = set()
    held: set[tuple[str, str]] = set()
    rows: list[dict[str, object]] = []
    for photo in conn.execute(sa.select(photos.c.sha256, photos.c.district_code,
                                        photos.c.uploaded_by_device, photos.c.created_at)):
        stored.add(photo.sha256)
        held.add((photo.district_code, photo.sha256))
        rows.append({"district_code": photo.district_code, "sha256": photo.sha256,
                     "proof": "upload", "device_id": photo.uploaded_by_device,
                     "proven_at": photo.created_at or datetime.now(UTC)})
    now = datetime.now(UTC)
    result = conn.execute(
        sa.select(records.c.id, records.c.district_code, records.c.data)
        .where(records.c.record_type == "photo").execution_options(yield_per=_BATCH))
    for record in result:
        data = record.data if isinstance(record.data, dict) else {}
        for sha in (record.id, data.get("thumb_sha256")):
            if not (isinstance(sha, str) and _SHA256.match(sha) and sha in stored):
                continue
            key = (str(record.district_code), sha)
            if key not in held:
                held.add(key)
                rows.append({"district_code": record.district_code, "sha256": sha,
                             "proof": "backfill", "device_id": None, "proven_at": now})
    for start in range(0, len(rows), _BATCH):
        op.bulk_insert(possession, rows[start:start + _BATCH])


def downgrade() -> None:
    op.drop_table("blob_possession")
