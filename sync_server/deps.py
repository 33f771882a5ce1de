"""Shared FastAPI dependencies: the request's database transaction.

`DbConn` gives a route one connection inside one transaction that commits when the route
function returns (before the response is sent, so a failed commit is a 500, never a 200) and
rolls back if it raises, so nothing is half-stored when a request fails.
FastAPI caches dependencies per request: the auth dependency and the route share it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.engine import Connection, Engine

from sync_server.db.engine import read_only

__all__ = ["DbConn", "ReadConn", "get_engine", "transaction"]


def get_engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


def transaction(request: Request) -> Iterator[Connection]:
    with get_engine(request).begin() as conn:
        yield conn


def read_transaction(request: Request) -> Iterator[Connection]:
    """A transaction that only reads (on SQLite it does not take the write lock)."""
    with read_only(get_engine(request)).begin() as conn:
        yield conn


# scope="function": the transaction ends when the route function returns, BEFORE the response
# is sent. With FastAPI's default ("request") scope the commit would run after the client had
# its 200, so a failing commit would go unseen, and SQLite's write lock would be held while
# the response streams.
DbConn = Annotated[Connection, Depends(transaction, scope="function")]
ReadConn = Annotated[Connection, Depends(read_transaction, scope="function")]

# On SQLite every write transaction holds the database's write lock until it ends: a route
# that takes `DbConn` (directly or through `current_principal`) must not open a second write
# transaction with `engine.begin()` while the first is open, or it waits for itself.
