"""Thai order and search: records.sort_key, search_text rebuilt with schemas.textfold

Adds `records.sort_key` (the Thai dictionary-order key of `title`, compared in binary
order on both databases), computes it for existing rows, rebuilds every stored
`search_text` with the shared folding rule (Thai digits, phones as canonical digits, tone
marks optional), and makes the register index order by `sort_key` instead of `title`.

Revision ID: 0004_thai_sort_search
Revises: 0007_signin_throttle
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_thai_sort_search"
down_revision = "0007_signin_throttle"  # chained after main's latest (was 0001_initial)
branch_labels = None
depends_on = None

_BATCH = 1000
_PRODUCERS = sa.text("record_type = 'producer'")


def _rebuild_texts() -> None:
    """Recompute search_text and sort_key of every record from its stored data, in
    batches by id (the records table may be large)."""
    from sync_server.db.record_text import record_search_text, title_sort_key

    bind = op.get_bind()
    rec = sa.table("records", sa.column("id", sa.String), sa.column("data", sa.JSON),
                   sa.column("title", sa.Text), sa.column("search_text", sa.Text),
                   sa.column("sort_key", sa.Text))
    last = ""
    while True:
        rows = bind.execute(
            sa.select(rec.c.id, rec.c.data, rec.c.title).where(rec.c.id > last)
            .order_by(rec.c.id).limit(_BATCH)).all()
        if not rows:
            return
        bind.execute(
            rec.update().where(rec.c.id == sa.bindparam("b_id"))
            .values(search_text=sa.bindparam("b_search"), sort_key=sa.bindparam("b_key")),
            [{"b_id": row.id, "b_search": record_search_text(row.id, row.data or {}),
              "b_key": title_sort_key(row.title)} for row in rows])
        last = rows[-1].id


def upgrade() -> None:
    with op.batch_alter_table("records", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sort_key", sa.Text(), nullable=True))
        batch_op.drop_index("ix_records_register", sqlite_where=_PRODUCERS,
                            postgresql_where=_PRODUCERS)
    _rebuild_texts()
    with op.batch_alter_table("records", schema=None) as batch_op:
        batch_op.create_index(
            "ix_records_register",
            ["district_code", "deleted", "sort_key", "id", "subdistrict_code", "search_text"],
            unique=False, sqlite_where=_PRODUCERS, postgresql_where=_PRODUCERS)


def downgrade() -> None:
    with op.batch_alter_table("records", schema=None) as batch_op:
        batch_op.drop_index("ix_records_register", sqlite_where=_PRODUCERS,
                            postgresql_where=_PRODUCERS)
        batch_op.drop_column("sort_key")
        batch_op.create_index(
            "ix_records_register",
            ["district_code", "deleted", "title", "id", "subdistrict_code", "search_text"],
            unique=False, sqlite_where=_PRODUCERS, postgresql_where=_PRODUCERS)
