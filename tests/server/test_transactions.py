"""The request transaction (`DbConn`) commits BEFORE the response starts, and rolls back when
the route fails, so a client never gets a 200 for something that was not stored."""

from __future__ import annotations

from pathlib import Path

import anyio
import httpx
import sqlalchemy as sa
from fastapi import FastAPI
from sqlalchemy import event
from starlette.types import Message, Receive, Scope, Send

from sync_server.db.engine import make_engine, migrate
from sync_server.db.tables import rate_events
from sync_server.deps import DbConn
from sync_server.problems import install_problem_handlers


def make(tmp_path: Path) -> tuple[FastAPI, list[str]]:
    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    migrate(engine)
    order: list[str] = []
    event.listen(engine, "commit", lambda conn: order.append("commit"))
    event.listen(engine, "rollback", lambda conn: order.append("rollback"))
    app = FastAPI()
    app.state.engine = engine
    install_problem_handlers(app)

    @app.post("/ok")
    def ok(conn: DbConn) -> dict[str, bool]:
        conn.execute(sa.text("insert into rate_events (bucket, at) values ('ok', '2026-01-01')"))
        return {"ok": True}

    @app.post("/fail")
    def fail(conn: DbConn) -> dict[str, bool]:
        conn.execute(sa.text("insert into rate_events (bucket, at) values ('x', '2026-01-01')"))
        raise RuntimeError("the route failed after writing")

    inner = app.build_middleware_stack()

    async def recording(scope: Scope, receive: Receive, send: Send) -> None:
        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                order.append(f"response {message['status']}")
            await send(message)
        await inner(scope, receive, wrapped)

    app.build_middleware_stack = lambda: recording  # type: ignore[method-assign]
    return app, order


def post(app: FastAPI, path: str) -> httpx.Response:
    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            return await client.post(path)
    return anyio.run(go)


def test_commit_happens_before_the_response(tmp_path: Path) -> None:
    app, order = make(tmp_path)
    order.clear()
    assert post(app, "/ok").status_code == 200
    assert order.index("commit") < order.index("response 200")


def test_failed_route_rolls_back_before_its_500(tmp_path: Path) -> None:
    app, order = make(tmp_path)
    order.clear()
    response = post(app, "/fail")
    assert response.status_code == 500
    assert response.json()["code"] == "internal_error"
    assert "commit" not in order and order.index("rollback") < order.index("response 500")
    with app.state.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(rate_events)).scalar() == 0
