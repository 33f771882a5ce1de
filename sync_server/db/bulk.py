"""Many rows through one statement at DB-API speed, with SQLAlchemy's own type handling.

`Connection.execute(statement, list_of_dicts)` spends most of its time per row in generic
parameter building (`construct_params`, per-row dict merging, bind casts looked up again):
on a push group of 400 rows (records and their change log) that was 17 % of the district
writer's CPU under load (docs/bench-sync.md). `execute_many` compiles the statement once
per dialect and column set, takes each bind parameter's processor once (the JSON
serializer of the engine, `UtcDateTime`'s conversion, booleans: exactly what SQLAlchemy
applies), and hands the driver plain tuples (SQLite) or dicts (psycopg) through
`exec_driver_sql`: the same SQL and the same stored values, without the per-row overhead.

On PostgreSQL a plain INSERT (no RETURNING, no ON CONFLICT, no preset values) goes through
`COPY ... FROM STDIN` instead: the same processed values, written by psycopg's COPY
writer. A push group's two inserts (records and their change log, about 240 rows each)
are the bulk of what the district's counter-row lock waits for; with COPY the writer
spent 47 instead of 60-74 microseconds per record row and half the client CPU
(docs/bench-sync.md, round 5). A database error is raised as SQLAlchemy's exception of
the same kind (an `IntegrityError` stays one), and the transaction is the caller's.

The caller's transaction is used as it is (no commit here). Every row must have the same
keys: those are the statement's bind names (for an INSERT, the column keys).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Connection
from sqlalchemy.sql.dml import Insert
from sqlalchemy.sql.expression import Executable

__all__ = ["JsonText", "execute_many"]


class JsonText(str):
    """A JSON column's value encoded already, by the engine's serializer
    (`db.engine.json_text`): `execute_many` stores it as it is instead of encoding it again
    (SQLite: the text; PostgreSQL: the text with the statement's `::JSONB` cast). Lets work
    that needs no database (the writer's speculation) move out of the write lock."""

    __slots__ = ()


@dataclass(frozen=True, slots=True)
class _Prepared:
    sql: str
    names: tuple[str, ...]  # bind names, in the driver's parameter order
    processors: tuple[Callable[[Any], Any] | None, ...]
    positional: bool
    copy_sql: str | None = None  # PostgreSQL: COPY of the columns in `names` order


_CACHE: dict[tuple[int, str, tuple[str, ...]], _Prepared] = {}
_KEEP: list[Executable] = []  # the cached statements, so their id() is never reused
_CACHE_LOCK = threading.Lock()


def _prepare(conn: Connection, statement: Executable, keys: tuple[str, ...]) -> _Prepared:
    dialect = conn.dialect
    cache_key = (id(statement), dialect.name + "+" + str(dialect.driver), keys)
    prepared = _CACHE.get(cache_key)
    if prepared is not None:
        return prepared
    compiled = statement.compile(dialect=dialect, column_keys=list(keys))  # type: ignore[attr-defined]
    positional = bool(compiled.positional)
    names = tuple(compiled.positiontup) if positional else tuple(compiled.binds)
    unknown = [n for n in names if n not in keys]
    if unknown:
        raise ValueError(f"rows lack the statement's parameters {unknown}")
    processors = tuple(
        compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect)
        for name in names)
    prepared = _Prepared(str(compiled), names, processors, positional,
                         _copy_sql(statement, names, dialect))
    with _CACHE_LOCK:
        # Statements are module constants (or `table.insert()` of one): bounded.
        _CACHE[cache_key] = prepared
        _KEEP.append(statement)
    return prepared


def execute_many(conn: Connection, statement: Executable,
                 rows: Sequence[Mapping[str, Any]]) -> None:
    """Execute `statement` once per row of `rows` (an executemany) in `conn`'s transaction.

    `statement` must be a long-lived object (a module constant, or a `table.insert()` kept
    by the caller): it is compiled once per dialect and key set and cached by identity."""
    if not rows:
        return
    keys = tuple(rows[0])
    prepared = _prepare(conn, statement, keys)
    # Outside a transaction psycopg would begin one that SQLAlchemy does not see: then an
    # executemany, which begins it the usual way.
    copy_sql = prepared.copy_sql if conn.in_transaction() else None
    columns = [(name, processor) for name, processor in
               zip(prepared.names, prepared.processors, strict=True)]
    # A value shared by every row (the group's `now`, its district) is processed once: the
    # processed form of the previous row's value is reused when the raw value is the same
    # object.
    last_raw: list[Any] = [_UNSET] * len(columns)
    last_out: list[Any] = [None] * len(columns)
    params: list[Any] = []
    for row in rows:
        values = []
        for i, (name, processor) in enumerate(columns):
            raw = row[name]
            if processor is None:
                values.append(raw)
            elif type(raw) is JsonText:
                values.append(str.__str__(raw))
            elif raw is last_raw[i]:
                values.append(last_out[i])
            else:
                out = processor(raw)
                last_raw[i], last_out[i] = raw, out
                values.append(out)
        params.append(values if copy_sql is not None
                      else tuple(values) if prepared.positional
                      else dict(zip(prepared.names, values, strict=True)))
    if copy_sql is not None:
        _copy(conn, copy_sql, params)
    else:
        conn.exec_driver_sql(prepared.sql, params)


def _copy_sql(statement: Executable, names: tuple[str, ...], dialect: Any) -> str | None:
    """`COPY table (names) FROM STDIN` when `statement` is a plain INSERT of those columns
    on PostgreSQL; None otherwise (an executemany then)."""
    if dialect.name != "postgresql" or type(statement) is not Insert:
        return None
    if (statement._returning or statement._post_values_clause is not None
            or statement._values or statement._multi_values
            or statement.select is not None):
        return None
    table = statement.table
    if any(name not in table.c for name in names):
        return None
    preparer = dialect.identifier_preparer
    columns = ", ".join(preparer.format_column(table.c[name]) for name in names)
    return f"COPY {preparer.format_table(table)} ({columns}) FROM STDIN"


def _copy(conn: Connection, sql: str, rows: list[list[Any]]) -> None:
    driver = conn.connection.driver_connection
    assert driver is not None
    dbapi = conn.dialect.loaded_dbapi
    try:
        with driver.cursor() as cursor, cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)
    except dbapi.Error as error:
        # As `exec_driver_sql` would raise it: IntegrityError, OperationalError, ...
        raise sa_exc.DBAPIError.instance(sql, None, error, dbapi.Error,
                                         dialect=conn.dialect) from error


_UNSET = object()
