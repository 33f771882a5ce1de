"""device health reports: damage a phone found in its own store (issue 11 item 3)

Revision ID: 0002_device_health
Revises: 0001_initial
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_device_health"
down_revision = "0001_initial"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "device_health_reports",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True,
                  nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("district_code", sa.String(length=4), nullable=False),
        sa.Column("report_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("entries_lost", sa.Integer(), nullable=False),
        sa.Column("count_exact", sa.Boolean(), nullable=False),
        sa.Column("damaged_bytes", sa.BigInteger(), nullable=False),
        sa.Column("app_version", sa.String(length=32), nullable=False),
        sa.Column("detected_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["device_id"], ["devices.id"],
                                name=op.f("fk_device_health_reports_device_id_devices")),
        sa.ForeignKeyConstraint(["district_code"], ["districts.code"],
                                name=op.f("fk_device_health_reports_district_code_districts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_device_health_reports")),
        sa.UniqueConstraint("device_id", "report_id",
                            name=op.f("uq_device_health_reports_device_id")),
    )
    with op.batch_alter_table("device_health_reports", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_device_health_reports_district_code"),
                              ["district_code"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("device_health_reports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_device_health_reports_district_code"))
    op.drop_table("device_health_reports")
