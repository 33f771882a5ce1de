"""Server settings: one frozen object built from the environment and passed in everywhere.

Nothing in the server reads the environment except `Settings.from_env()`, so tests build a
`Settings` for a temporary data directory and several app instances can live in one process.

Environment variables:
- `DATABASE_URL`: SQLAlchemy URL, e.g. `postgresql+psycopg://user@host/db`. Default: a SQLite
  file `district.sqlite3` inside the data directory.
- `TAMBON_DATA_DIR`: where the SQLite file, photos and upload parts live (default `./var`).
- `TAMBON_SECRET_KEY`: signing secret shared by all workers. Default: a random key created once
  in `<data dir>/secret_key` (mode 0600), so every worker on this machine shares it.
- `TAMBON_PUBLIC_URL`: the URL phones reach this server at; it goes into enrolment QR codes.
- `TAMBON_ENV`: `development` (default) or `production` (refuses a secret shorter than 32 chars).
- `TAMBON_MAX_JSON_BODY`, `TAMBON_MAX_UPLOAD_CHUNK`: body limits in bytes.
- `TAMBON_ENROL_RATE_LIMIT`: enrolment attempts allowed per client IP per 10 minutes (10).
- `TAMBON_PUSH_QUEUE_CHANGES`: changes that may wait for a district's writer in one server
  process before a push is answered 503 + Retry-After (20,000; docs/sync.md).
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

__all__ = ["UPLOADS_PREFIX", "Settings"]

MiB = 1024 * 1024
# The tus upload routes (owned by the sync part) take bodies up to one chunk.
UPLOADS_PREFIX = "/api/v1/uploads"


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str
    secret_key: str
    public_url: str = "http://127.0.0.1:8000"
    environment: str = "development"
    # Request bodies: JSON APIs and forms get `max_json_body`; paths under a prefix in
    # `body_limits` get that prefix's limit instead (longest prefix wins).
    max_json_body: int = 2 * MiB
    max_upload_chunk: int = 8 * MiB
    body_limits: tuple[tuple[str, int], ...] = ()
    enrolment_code_ttl: timedelta = timedelta(days=7)
    # Enrolment attempts per client IP within the window, counted across all workers.
    enrol_rate_limit: int = 10
    enrol_rate_window: timedelta = timedelta(minutes=10)
    # Failed office sign-ins per client IP within the window (any usernames), across all
    # workers; per (username, IP) there are growing delays besides (web/signin_throttle.py).
    signin_address_limit: int = 30
    signin_address_window: timedelta = timedelta(minutes=15)
    # How stale `devices.last_seen_at` may get before a request refreshes it (saves a write
    # per request).
    last_seen_resolution: timedelta = timedelta(minutes=1)
    # Sync pushes waiting for their district's writer (counted in changes), per process.
    push_queue_changes: int = 20_000
    extra: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    @property
    def photo_dir(self) -> Path:
        return self.data_dir / "photos"

    @property
    def upload_dir(self) -> Path:
        return self.data_dir / "uploads"

    @property
    def database_kind(self) -> str:
        """`sqlite` or `postgresql`, as the health endpoint reports it."""
        return "postgresql" if self.database_url.startswith("postgresql") else "sqlite"

    def body_limit_for(self, path: str) -> int:
        """The largest request body accepted for `path`, in bytes."""
        limits = ((UPLOADS_PREFIX, self.max_upload_chunk), *self.body_limits)
        best_prefix, best = "", self.max_json_body
        for prefix, limit in limits:
            if path.startswith(prefix) and len(prefix) > len(best_prefix):
                best_prefix, best = prefix, limit
        return best

    @classmethod
    def for_data_dir(cls, data_dir: Path | str, **overrides: object) -> Settings:
        """Settings for a data directory with defaults (tests and the CLI use this)."""
        data_dir = Path(data_dir).resolve()
        values: dict[str, object] = {
            "data_dir": data_dir,
            "database_url": default_sqlite_url(data_dir),
        }
        values.update(overrides)
        if "secret_key" not in values:
            values["secret_key"] = _secret_from_file(data_dir)
        return cls(**values)  # type: ignore[arg-type]

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if environ is None else environ)
        data_dir = Path(env.get("TAMBON_DATA_DIR") or "./var").resolve()
        overrides: dict[str, object] = {}
        if env.get("DATABASE_URL"):
            overrides["database_url"] = env["DATABASE_URL"]
        if env.get("TAMBON_SECRET_KEY"):
            overrides["secret_key"] = env["TAMBON_SECRET_KEY"]
        if env.get("TAMBON_PUBLIC_URL"):
            overrides["public_url"] = env["TAMBON_PUBLIC_URL"].rstrip("/")
        if env.get("TAMBON_ENV"):
            overrides["environment"] = env["TAMBON_ENV"]
        for name, key in (("max_json_body", "TAMBON_MAX_JSON_BODY"),
                          ("max_upload_chunk", "TAMBON_MAX_UPLOAD_CHUNK"),
                          ("enrol_rate_limit", "TAMBON_ENROL_RATE_LIMIT"),
                          ("signin_address_limit", "TAMBON_SIGNIN_ADDRESS_LIMIT"),
                          ("push_queue_changes", "TAMBON_PUSH_QUEUE_CHANGES")):
            if env.get(key):
                overrides[name] = int(env[key])
        settings = cls.for_data_dir(data_dir, **overrides)
        if settings.environment == "production" and len(settings.secret_key) < 32:
            raise ValueError("TAMBON_SECRET_KEY must be at least 32 characters in production")
        return settings

    def ensure_dirs(self) -> None:
        for path in (self.data_dir, self.photo_dir, self.upload_dir):
            path.mkdir(parents=True, exist_ok=True)


def default_sqlite_url(data_dir: Path) -> str:
    return f"sqlite:///{(data_dir / 'district.sqlite3').as_posix()}"


def _secret_from_file(data_dir: Path) -> str:
    """Read `<data dir>/secret_key`, creating it atomically the first time.

    Several workers may start together: `O_EXCL` makes exactly one of them write the key and
    the others read it.
    """
    path = data_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    tmp = data_dir / f".secret_key.{os.getpid()}.{secrets.token_hex(4)}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    try:
        os.link(tmp, path)  # fails if another worker won the race
    except FileExistsError:
        pass
    finally:
        tmp.unlink()
    return path.read_text().strip()
