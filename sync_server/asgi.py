"""The ASGI app for uvicorn: `uvicorn --factory sync_server.asgi:create` or `sync_server.asgi:app`.

Settings come from the environment (DATABASE_URL, TAMBON_DATA_DIR, ...). The factory form
builds the app in each worker process after fork, which is what `--workers N` wants.
"""

from __future__ import annotations

from fastapi import FastAPI

from sync_server.app import create_app
from sync_server.middleware import configure_logging

__all__ = ["create"]  # and `app`, built on first access


def create() -> FastAPI:
    configure_logging()
    return create_app()


def __getattr__(name: str) -> FastAPI:
    # `sync_server.asgi:app` builds the app on first access, not at import, so importing this
    # module (e.g. from a test) needs no environment.
    if name == "app":
        application = create()
        globals()["app"] = application
        return application
    raise AttributeError(name)
