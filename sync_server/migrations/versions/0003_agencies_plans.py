"""agencies: the district's list of partner agencies, seeded from plan items' free text

Plan items named their agency in free text, so one agency spelt two ways became two bars in
the budget chart. This revision adds the list (name, short name, kind) and fills it with
one entry per distinct agency name already written on plan items (spaces collapsed), kind
"government" until a supervisor corrects it; reports map old plan items to these entries
by name (see sync_server/web/agencies.py), so no record is rewritten behind the phones.

Revision ID: 0003_agencies_plans
Revises: 0002_device_health
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0003_agencies_plans"
down_revision = "0002_device_health"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "agencies",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("district_code", sa.String(length=4), nullable=False),
        sa.Column("name_th", sa.Text(), nullable=False),
        sa.Column("short_name", sa.Text(), nullable=True),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["district_code"], ["districts.code"],
                                name=op.f("fk_agencies_district_code_districts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agencies")),
        sa.UniqueConstraint("district_code", "name_th", name="uq_agencies_district_name"),
    )
    with op.batch_alter_table("agencies", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_agencies_district_code"), ["district_code"],
                              unique=False)
    _seed_from_plan_items()


def _seed_from_plan_items() -> None:
    conn = op.get_bind()
    rows = conn.execute(sa.text(
        "SELECT district_code, data FROM records WHERE record_type = 'plan_item'"))
    seen: set[tuple[str, str]] = set()
    now = datetime.now(UTC)
    table = sa.table("agencies", sa.column("id"), sa.column("district_code"),
                     sa.column("name_th"), sa.column("kind"), sa.column("active"),
                     sa.column("created_at"))
    for district, data in rows:
        if isinstance(data, str):
            data = json.loads(data)
        name = " ".join(str((data or {}).get("agency") or "").split())
        if not name or (district, name) in seen:
            continue
        seen.add((district, name))
        conn.execute(table.insert().values(id=uuid.uuid4().hex, district_code=district,
                                           name_th=name, kind="government", active=True,
                                           created_at=now))


def downgrade() -> None:
    with op.batch_alter_table("agencies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agencies_district_code"))
    op.drop_table("agencies")
