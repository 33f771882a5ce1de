"""signin_throttle: office sign-in throttling per (username, client address)

Replaces the renewable 15-minute account lock-out (issue 11, item 7); `users.failed_logins`
and `users.locked_until` are no longer read.

Revision ID: 0007_signin_throttle
Revises: 0006_blob_possession
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_signin_throttle"
down_revision = "0006_blob_possession"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "signin_throttle",
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("next_allowed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("username", "address", name=op.f("pk_signin_throttle")),
    )


def downgrade() -> None:
    op.drop_table("signin_throttle")
