"""Many rows through one statement at DB-API speed, with SQLAlchemy's own type handling.

`Connection.execute(statement, list_of_dicts)` spends most of its time per row in generic
parameter building (`construct_params`, per-row dict merging, bind casts looked up again):
on a push group of 400 rows (records and their change log) that was 17 % of the district
writer's CPU under load (docs/bench-sync.md). `execute_many` compiles the statement once
per dialect and column set, takes each bind parameter's processor once (the JSON
serializer of the engine, `UtcDateTime`'s conversion, booleans: exactly what SQLAlchemy
applies), and hands the driver plain tuples (SQLite) or dicts (psycopg) through
`exec_driver_sql`: the same SQL and the same stored values, without the per-row overhead.

The caller's transaction is used as it is (no commit here). Every row must have the same
keys: those are the statement's bind names (for an INSERT, the column keys).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Connection
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
    prepared = _Prepared(str(compiled), names, processors, positional)
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
        params.append(tuple(values) if prepared.positional
                      else dict(zip(prepared.names, values, strict=True)))
    conn.exec_driver_sql(prepared.sql, params)


_UNSET = object()
