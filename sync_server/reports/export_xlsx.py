"""Tables to an XLSX workbook with openpyxl's write-only mode: memory stays flat.

Write-only worksheets stream their rows to temporary files, so 80,000 producers and their
products never sit in memory as cells. The caller writes to a temporary file and streams
that file out (a ZIP container cannot be written front to back without knowing sizes).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import IO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from .columns import Cell, Table

__all__ = ["sheet_title", "write_xlsx"]

_FORBIDDEN_IN_TITLE = set('[]:*?/\\')


def sheet_title(title: str) -> str:
    """Excel refuses some characters and more than 31 characters in a sheet name."""
    cleaned = "".join(" " if ch in _FORBIDDEN_IN_TITLE else ch for ch in title).strip()
    return cleaned[:31] or "Sheet"


def _cell(ws: WriteOnlyWorksheet, value: Cell) -> object:
    """Strings that look like formulas stay text: a name like "=SUM(...)" must not run."""
    if isinstance(value, str) and value.startswith("="):
        cell = WriteOnlyCell(ws, value)
        cell.data_type = "s"
        return cell
    return value


def write_xlsx(target: str | IO[bytes], tables: Iterable[Table]) -> None:
    """One worksheet per table, a bold header row, rows streamed as they come."""
    wb = Workbook(write_only=True)
    bold = Font(bold=True)
    for table in tables:
        ws = wb.create_sheet(sheet_title(table.title))
        ws.freeze_panes = "A2"
        header = []
        for text in table.headers:
            cell = WriteOnlyCell(ws, text)
            cell.font = bold
            header.append(cell)
        ws.append(header)
        for row in table.rows:
            ws.append([_cell(ws, v) for v in row])
    wb.save(target)
