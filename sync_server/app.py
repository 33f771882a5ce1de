"""`create_app(settings)`: the FastAPI application, stateless so several workers share one DB.

Everything a request needs hangs off `app.state`: `settings` (a `Settings`) and `engine` (the
SQLAlchemy engine). Routers of the other parts are included here; each part owns its
`routes.py`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

import schemas
from sync_server import __version__
from sync_server.api import core, device_health, enrol
from sync_server.api import records as records_api
from sync_server.db.engine import make_engine
from sync_server.middleware import AccessLogMiddleware, BodyLimitMiddleware, NulUrlMiddleware
from sync_server.openapi import install_openapi
from sync_server.problems import install_problem_handlers
from sync_server.reports import routes as reports_routes
from sync_server.settings import Settings
from sync_server.sync import conflict_feed
from sync_server.sync import routes as sync_routes
from sync_server.uploads import routes as uploads_routes
from sync_server.web import routes as web_routes

__all__ = ["create_app"]


def create_app(settings: Settings | None = None) -> FastAPI:
    """The application for `settings` (default: from the environment).

    Does not migrate: run `python -m sync_server migrate` (or `migrate(engine)`) first.
    """
    settings = settings or Settings.from_env()
    settings.ensure_dirs()
    engine = make_engine(settings.database_url)
    # Every record validator compiled now (~20 ms), not in the first phone's push.
    schemas.warm_up()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        readers = getattr(app.state, "sync_readers", None)  # sync/routes.py
        if readers is not None:
            readers.shutdown(wait=True, cancel_futures=True)
        engine.dispose()

    app = FastAPI(
        title="Tambon Field district server",
        version=__version__,
        description="Sync, uploads, accounts and office pages of one district office.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.engine = engine
    install_problem_handlers(app)
    # The last added is the outermost: the access log sees the 413 and NUL answers too.
    app.add_middleware(BodyLimitMiddleware, limit_for=settings.body_limit_for)
    app.add_middleware(NulUrlMiddleware)
    app.add_middleware(AccessLogMiddleware)

    app.include_router(core.router)
    app.include_router(enrol.router)
    app.include_router(device_health.router)
    app.include_router(records_api.router)
    app.include_router(sync_routes.router)
    app.include_router(conflict_feed.router)
    app.include_router(uploads_routes.router)
    app.include_router(reports_routes.router)
    app.include_router(web_routes.router)  # last: office pages live at "/"
    install_openapi(app)  # every error status of every route, as problem+json
    return app
