"""Changes to a store's tables as small JSON-able operations, and pure functions over them.

A store is `{table name: {document id: document}}` (TinyDB's layout, ids as strings).
Every write, whether it comes from TinyDB's `write(whole dict)` or from the device store's own
path, becomes a list of operations. The journal stores them, replay applies them, and each
one sets an absolute value, so replaying an entry twice gives the same state as once.

    ["put", table, doc_id, document]   set one document
    ["del", table, doc_id]             remove one document (missing is fine)
    ["table", table, {doc_id: doc}]    set a whole table (used to create an empty one)
    ["drop", table]                    remove a table
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["Op", "Tables", "apply_ops", "diff_tables", "inverse_ops"]

Tables = dict[str, dict[str, Any]]
Op = list[Any]


def apply_ops(tables: Tables, ops: list[Op]) -> None:
    """Apply `ops` to `tables` in place. Cost: the size of the operations, not of `tables`."""
    for op in ops:
        kind = op[0]
        if kind == "put":
            tables.setdefault(op[1], {})[op[2]] = op[3]
        elif kind == "del":
            table = tables.setdefault(op[1], {})
            table.pop(op[2], None)
        elif kind == "table":
            tables[op[1]] = op[2]
        elif kind == "drop":
            tables.pop(op[1], None)
        else:
            raise ValueError(f"unknown store operation {kind!r}")


def inverse_ops(tables: Mapping[str, Mapping[str, Any]], ops: list[Op]) -> list[Op]:
    """Operations that undo `ops` when applied after them (computed before applying them)."""
    undo: list[Op] = []
    for op in ops:
        kind, name = op[0], op[1]
        if name not in tables:
            undo.append(["drop", name])
        elif kind in ("put", "del"):
            old = tables[name].get(op[2])
            undo.append(["del", name, op[2]] if old is None else ["put", name, op[2], old])
        else:
            undo.append(["table", name, tables[name]])
    undo.reverse()
    return undo


def diff_tables(
    old: Mapping[str, Mapping[str, Any]], new: Mapping[str, Mapping[str, Any]]
) -> list[Op]:
    """The operations that turn `old` into `new`.

    TinyDB hands a storage the whole database on every write; this finds the few documents
    that changed, so only those reach the disk. It compares every document, so it costs
    O(database) in CPU time (as TinyDB's own write path does), but only O(change) in bytes.
    """
    ops: list[Op] = []
    for name in old:
        if name not in new:
            ops.append(["drop", name])
    for name, table in new.items():
        old_table = old.get(name)
        if old_table is None:
            ops.append(["table", name, dict(table)])
            continue
        for doc_id, doc in table.items():
            previous = old_table.get(doc_id)
            if previous is None or previous != doc:
                ops.append(["put", name, doc_id, doc])
        for doc_id in old_table:
            if doc_id not in table:
                ops.append(["del", name, doc_id])
    return ops
