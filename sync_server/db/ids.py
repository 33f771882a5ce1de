"""Rows whose column is one of a list of ids, in each database's fastest form.

SQLite: `column IN (?, ?, ...)`, an expanding parameter, at most `CHUNK` ids a statement
(older SQLite builds allow 999 parameters).

PostgreSQL: `column = ANY(%(ids)s)` with ONE array parameter. The SQL text is the same for
any number of ids, so the server parses and plans it once per connection instead of once
per list length, and psycopg sends one value instead of hundreds. With 240 ids (a push
group) a query took 1.0 instead of 1.8 ms, and a push group runs four of them while it
holds the district's counter row (docs/bench-sync.md, round 5).

Build the two forms once, at import (`id_query`), and run them with `IdQuery.rows`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Connection
from sqlalchemy.sql.expression import ColumnElement, Executable

__all__ = ["CHUNK", "IdQuery", "id_query"]

CHUNK = 500


@dataclass(frozen=True)
class IdQuery:
    in_list: Executable  # `column IN (...)`: SQLite (and any other database)
    any_array: Executable  # `column = ANY(array)`: PostgreSQL

    def rows(self, conn: Connection, ids: Sequence[str], **params: Any) -> Iterator[Any]:
        """The statement's rows for `ids` (in chunks of `CHUNK`); `params` are its other
        parameters."""
        statement = self.any_array if conn.dialect.name == "postgresql" else self.in_list
        for start in range(0, len(ids), CHUNK):
            yield from conn.execute(statement, {**params, "ids": list(ids[start:start + CHUNK])})


def id_query(build: Callable[[ColumnElement[bool]], Executable],
             column: sa.ColumnElement[Any]) -> IdQuery:
    """Both forms of `build(match)`, where `match` says "`column` is one of :ids"."""
    return IdQuery(build(column.in_(sa.bindparam("ids", expanding=True))),
                   build(column == sa.any_(sa.bindparam("ids", type_=ARRAY(column.type)))))
