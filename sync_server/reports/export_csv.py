"""Tables to CSV bytes, streamed: UTF-8 with a byte-order mark so Excel shows Thai.

Cells that a spreadsheet would run as a formula (starting with = + - @ or a tab) get a
leading apostrophe (OWASP's advice against CSV injection); numbers are written as numbers.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date

from .columns import Cell, Table
from .fiscal import be_date

__all__ = ["BOM", "csv_chunks", "neutralise"]

BOM = "\ufeff".encode()
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Cell) -> Cell:
    """A cell as CSV text sees it: formulas defused, dates as day/month/พ.ศ. year."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    if isinstance(value, date):
        return be_date(value.isoformat())
    return value


def csv_chunks(table: Table, rows_per_chunk: int = 500) -> Iterator[bytes]:
    """The BOM and header first, then the rows in chunks of a few hundred."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(table.headers)
    yield BOM + buffer.getvalue().encode()
    buffer.seek(0)
    buffer.truncate()
    for n, row in enumerate(table.rows, start=1):
        writer.writerow(["" if v is None else neutralise(v) for v in row])
        if n % rows_per_chunk == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode()
