"""Alembic migrations for the district database, found through the package path so they work
from any working directory: `alembic_config()` needs no alembic.ini.

We are pre-release: there is ONE migration, `0001_initial`, generated from
`sync_server/db/tables.py`. When a table changes before the first release, regenerate it
(see docs/server.md); after a release, add a new revision instead.
"""

from __future__ import annotations

from alembic.config import Config

__all__ = ["alembic_config"]


def alembic_config(url: str | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", "sync_server:migrations")
    if url is not None:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config
