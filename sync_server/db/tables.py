"""Every table of the district database, in SQLAlchemy Core.

One metadata for SQLite and PostgreSQL. Alembic migrations under `sync_server/migrations`
are generated from this file; change the two together.

Design notes:
- `records` holds the current merged state of every record (producer, product, visit, photo,
  plan item, network link): each field's value in `data` and its HLC timestamp in `clocks`.
- `records.seq` is the record's position in its district's change feed. Sequence numbers come
  from `feed_counters`, a per-district row updated inside the writing transaction: the row
  lock is held until commit, so feed positions become visible in order and a pull with
  `seq > cursor` never skips a late-committing writer (PostgreSQL's classic trap).
- `change_log` is append-only: every change received, once (unique `change_id`), with what
  the merge made of it. Replays are answered from here.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

# JSON on SQLite, JSONB on PostgreSQL (indexable, compact).
Json = sa.JSON().with_variant(JSONB(), "postgresql")


class UtcDateTime(sa.TypeDecorator[datetime]):
    """A timezone-aware UTC timestamp on both databases.

    PostgreSQL stores `timestamptz`; SQLite has no time zones, so the value is converted to
    UTC before it is stored and marked UTC again when read. Naive datetimes are refused: a
    local time would silently shift by seven hours.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: pass a timezone-aware UTC time")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

districts = sa.Table(
    "districts",
    metadata,
    sa.Column("code", sa.String(4), primary_key=True),  # DOPA district code, e.g. "2403"
    sa.Column("name_th", sa.Text, nullable=False),
    sa.Column("name_en", sa.Text, nullable=False),
    sa.Column("province_code", sa.String(2), nullable=False),
    sa.Column("province_name_th", sa.Text, nullable=False),
    sa.Column("province_name_en", sa.Text, nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
)

users = sa.Table(
    "users",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("district_code", sa.ForeignKey("districts.code"), nullable=False, index=True),
    # officer | supervisor | partner | admin
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("display_name", sa.Text, nullable=False),
    sa.Column("username", sa.String(64), unique=True),  # web sign-in; None for phone-only
    sa.Column("password_hash", sa.Text),  # argon2
    sa.Column("agency_name", sa.Text),  # for partner-agency users
    sa.Column("failed_logins", sa.Integer, nullable=False, server_default="0"),
    sa.Column("locked_until", UtcDateTime()),
    sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("created_at", UtcDateTime(), nullable=False),
)

enrolment_codes = sa.Table(
    "enrolment_codes",
    metadata,
    sa.Column("code_hash", sa.String(64), primary_key=True),  # sha256 of the one-time code
    sa.Column("user_id", sa.ForeignKey("users.id"), nullable=False, index=True),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("expires_at", UtcDateTime(), nullable=False),
    sa.Column("used_at", UtcDateTime()),
)

# A device token (a phone) or an API token (a partner agency). Only the hash is stored.
devices = sa.Table(
    "devices",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),  # also the device's HLC node id
    sa.Column("user_id", sa.ForeignKey("users.id"), nullable=False, index=True),
    sa.Column("kind", sa.String(8), nullable=False, server_default="phone"),  # phone | api
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("last_seen_at", UtcDateTime()),
    sa.Column("revoked_at", UtcDateTime()),
)

web_sessions = sa.Table(
    "web_sessions",
    metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("user_id", sa.ForeignKey("users.id"), nullable=False, index=True),
    sa.Column("csrf_token", sa.String(64), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("expires_at", UtcDateTime(), nullable=False),
)

# Attempts counted for rate limits (enrolment, sign-in); shared by every worker.
rate_events = sa.Table(
    "rate_events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("bucket", sa.String(128), nullable=False),  # e.g. "enrol:127.0.0.1"
    sa.Column("at", UtcDateTime(), nullable=False),
    sa.Index("ix_rate_events_bucket_at", "bucket", "at"),
)

# Office sign-in throttling per (username as typed, client address): failures in a row and
# when the next attempt may come (growing delays). Usernames that do not exist get rows too,
# so the answers cannot tell them apart. Shared by every worker; see web/signin_throttle.py.
signin_throttle = sa.Table(
    "signin_throttle",
    metadata,
    sa.Column("username", sa.String(64), primary_key=True),
    sa.Column("address", sa.String(64), primary_key=True),
    sa.Column("failures", sa.Integer, nullable=False),
    sa.Column("last_failure_at", UtcDateTime(), nullable=False),
    sa.Column("next_allowed_at", UtcDateTime(), nullable=False),
)

feed_counters = sa.Table(
    "feed_counters",
    metadata,
    sa.Column("district_code", sa.ForeignKey("districts.code"), primary_key=True),
    sa.Column("last_seq", sa.BigInteger, nullable=False, server_default="0"),
)

records = sa.Table(
    "records",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),  # made on the device (photos: sha256)
    sa.Column("record_type", sa.String(16), nullable=False),
    sa.Column("district_code", sa.ForeignKey("districts.code"), nullable=False),
    sa.Column("subdistrict_code", sa.String(6)),  # for pulls limited to chosen subdistricts
    sa.Column("producer_id", sa.String(64)),  # the producer a record belongs to
    sa.Column("data", Json, nullable=False),  # field -> value
    sa.Column("clocks", Json, nullable=False),  # field -> encoded HLC timestamp
    sa.Column("deleted", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("schema_version", sa.Integer, nullable=False, server_default="1"),
    sa.Column("seq", sa.BigInteger, nullable=False),  # position in the district's feed
    # Denormalised for the register's search and filters (kept in step by the merge).
    sa.Column("title", sa.Text),  # producer / product name in Thai
    sa.Column("search_text", sa.Text),  # folded names, ids and phones (schemas.textfold)
    sa.Column("sort_key", sa.Text),  # Thai dictionary order of title (schemas.textfold)
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
    sa.Index("ix_records_feed", "district_code", "seq"),
    sa.Index("ix_records_district_type", "district_code", "record_type", "id"),
    sa.Index("ix_records_producer", "producer_id"),
    # The office register (sync_server/web/register.py): covers its count, search and
    # the order of its first page (Thai order: sort_key), so none of them reads the JSON
    # rows. Producers only: their names are bounded by the schema (plan items' long texts
    # would not fit a PostgreSQL index row); sort_key is bounded by schemas.textfold.
    sa.Index("ix_records_register", "district_code", "deleted", "sort_key", "id",
             "subdistrict_code", "search_text",
             sqlite_where=sa.text("record_type = 'producer'"),
             postgresql_where=sa.text("record_type = 'producer'")),
)

# When the office merges duplicate producers, the old id forwards to the surviving one so
# phones that still hold the old id converge.
producer_forwards = sa.Table(
    "producer_forwards",
    metadata,
    sa.Column("old_id", sa.String(64), primary_key=True),
    sa.Column("new_id", sa.String(64), nullable=False),
    sa.Column("district_code", sa.ForeignKey("districts.code"), nullable=False),
    sa.Column("merged_by", sa.ForeignKey("users.id")),
    sa.Column("merged_at", UtcDateTime(), nullable=False),
)

change_log = sa.Table(
    "change_log",
    metadata,
    sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True,
              autoincrement=True),
    sa.Column("change_id", sa.String(64), nullable=False, unique=True),
    sa.Column("district_code", sa.ForeignKey("districts.code"), nullable=False),
    sa.Column("device_id", sa.String(36), nullable=False),
    sa.Column("user_id", sa.String(36)),
    sa.Column("record_type", sa.String(16), nullable=False),
    sa.Column("record_id", sa.String(64), nullable=False, index=True),
    sa.Column("payload", Json, nullable=False),  # the change exactly as received
    # applied | superseded | rejected (duplicates are answered, not logged twice)
    sa.Column("outcome", sa.String(16), nullable=False),
    sa.Column("detail", Json),  # which fields won or lost, the rejection reason
    sa.Column("received_at", UtcDateTime(), nullable=False),
)

conflicts = sa.Table(
    "conflicts",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("district_code", sa.ForeignKey("districts.code"), nullable=False, index=True),
    sa.Column("record_type", sa.String(16), nullable=False),
    sa.Column("record_id", sa.String(64), nullable=False, index=True),
    sa.Column("field", sa.String(64), nullable=False),
    sa.Column("kind", sa.String(8), nullable=False),  # hard (same field) | soft (other fields)
    sa.Column("winning_value", Json),
    sa.Column("winning_clock", sa.String(96)),
    sa.Column("winning_device_id", sa.String(36)),
    sa.Column("losing_value", Json),
    sa.Column("losing_clock", sa.String(96)),
    sa.Column("losing_device_id", sa.String(36)),
    sa.Column("change_id", sa.String(64)),  # the change that revealed the conflict
    sa.Column("status", sa.String(10), nullable=False, server_default="open"),  # open|resolved
    sa.Column("resolved_by", sa.ForeignKey("users.id")),
    sa.Column("resolved_at", UtcDateTime()),
    sa.Column("created_at", UtcDateTime(), nullable=False),
)

# Blobs by content: full photos and thumbnails alike. Bytes live on disk under
# <data dir>/photos/<sha256[:2]>/<sha256>.jpg; this row says they arrived whole and verified.
photos = sa.Table(
    "photos",
    metadata,
    sa.Column("sha256", sa.String(64), primary_key=True),
    sa.Column("size", sa.BigInteger, nullable=False),
    sa.Column("mime", sa.String(32), nullable=False, server_default="image/jpeg"),
    sa.Column("district_code", sa.ForeignKey("districts.code"), nullable=False),  # first upload
    sa.Column("uploaded_by_device", sa.String(36)),
    sa.Column("created_at", UtcDateTime(), nullable=False),
)

# Which district has proven it holds which blob: one of its own devices sent the bytes and
# the server verified them (sync_server/uploads/). Content addressing stores a blob once;
# reading it needs a row here for the reader's district, so naming another district's hash
# in a record gives nothing. `proof`: "upload" (verified upload) or "backfill" (granted by
# migration 0006 from the photo records that existed before proofs were kept).
blob_possession = sa.Table(
    "blob_possession",
    metadata,
    sa.Column("district_code", sa.ForeignKey("districts.code"), primary_key=True),
    sa.Column("sha256", sa.String(64), primary_key=True),
    sa.Column("proof", sa.String(16), nullable=False),
    sa.Column("device_id", sa.String(36)),
    sa.Column("proven_at", UtcDateTime(), nullable=False),
)

# tus uploads in progress, per district. `id` is "<district>-<url id>": the url id is the
# photo's sha256 for the project's client (its devices meet and resume one upload) or
# "<sha256>-<random>" for a standard tus client (a fresh upload at offset 0 per creation).
uploads = sa.Table(
    "uploads",
    metadata,
    sa.Column("id", sa.String(80), primary_key=True),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("length", sa.BigInteger, nullable=False),
    sa.Column("offset", sa.BigInteger, nullable=False, server_default="0"),
    sa.Column("district_code", sa.ForeignKey("districts.code"), nullable=False),
    sa.Column("device_id", sa.String(36)),
    sa.Column("metadata", Json),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
)

# History of the office's review of visits. The current status and comments also live in
# the visit record's server-owned fields (review_status, review_comments) so they sync out.
review_events = sa.Table(
    "review_events",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("district_code", sa.ForeignKey("districts.code"), nullable=False),
    sa.Column("visit_id", sa.String(64), nullable=False, index=True),
    sa.Column("user_id", sa.ForeignKey("users.id"), nullable=False),
    sa.Column("status", sa.String(16)),  # received | has_issues | approved | rejected
    sa.Column("comment", sa.Text),
    sa.Column("created_at", UtcDateTime(), nullable=False),
)

# The district's list of partner agencies (pages: /agencies); plan items name one by id.
agencies = sa.Table(
    "agencies",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),  # uuid4 hex, like record ids
    sa.Column("district_code", sa.ForeignKey("districts.code"), nullable=False, index=True),
    sa.Column("name_th", sa.Text, nullable=False),
    sa.Column("short_name", sa.Text),  # e.g. "พาณิชย์จังหวัด"; also matches old free text
    # a code of schemas' plan_item $defs/agency_kind (government, local_government, ...)
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.UniqueConstraint("district_code", "name_th", name="uq_agencies_district_name"),
)

audit_log = sa.Table(
    "audit_log",
    metadata,
    sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True,
              autoincrement=True),
    sa.Column("at", UtcDateTime(), nullable=False),
    sa.Column("district_code", sa.String(4), index=True),
    sa.Column("user_id", sa.String(36)),
    sa.Column("device_id", sa.String(36)),
    sa.Column("action", sa.String(64), nullable=False),  # e.g. "enrol", "review.approve"
    sa.Column("target_type", sa.String(32)),
    sa.Column("target_id", sa.String(64)),
    sa.Column("detail", Json),
    sa.Column("ip", sa.String(45)),
)

# What phones report about their own health (today: damage found in the phone's store, see
# docs/security.md "Phone store damage"). One row per report; a phone sends a report until
# the server has it, so (device_id, report_id) is unique and a resend changes nothing.
device_health_reports = sa.Table(
    "device_health_reports",
    metadata,
    sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True,
              autoincrement=True),
    sa.Column("device_id", sa.ForeignKey("devices.id"), nullable=False),
    sa.Column("district_code", sa.ForeignKey("districts.code"), nullable=False, index=True),
    sa.Column("report_id", sa.String(64), nullable=False),  # made on the phone
    sa.Column("kind", sa.String(32), nullable=False),  # store_damage
    sa.Column("entries_lost", sa.Integer, nullable=False),
    sa.Column("count_exact", sa.Boolean, nullable=False),  # False: entries_lost is a minimum
    sa.Column("damaged_bytes", sa.BigInteger, nullable=False),
    sa.Column("app_version", sa.String(32), nullable=False),
    sa.Column("detected_at", UtcDateTime(), nullable=False),  # by the phone's clock
    sa.Column("received_at", UtcDateTime(), nullable=False),
    sa.UniqueConstraint("device_id", "report_id"),
)
