"""Export streams: each function opens its own read-only connection, reads as it writes,
and yields bytes, so an HTTP response can send a large export with flat memory.

They run after the route has returned (inside the StreamingResponse), which is why they
take the engine, not the request's connection: that transaction is over by then.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Connection, Engine

from sync_server.db.engine import read_only
from sync_server.web.agencies import AgencyIndex, list_agencies

from .columns import SHEETS, ProducerInfo, Table, export_tables
from .export_csv import csv_chunks
from .export_geojson import geojson_chunks
from .export_photos import photo_names
from .export_xlsx import write_xlsx
from .filters import RecordFilter
from .queries import matching_producers, producer_infos, select_children
from .zipstream import Member, zip_chunks

__all__ = ["CSV_TABLES", "csv_stream", "csv_zip_stream", "geojson_stream", "photos_zip_stream",
           "xlsx_stream", "xlsx_to_file"]

CSV_TABLES = tuple(sheet.file_stem for sheet in SHEETS)  # producers, products, …
CHUNK = 256 * 1024


def _tables(conn: Connection, district: str | None, flt: RecordFilter, include_personal: bool,
            known: dict[str, ProducerInfo] | None = None) -> list[Table]:
    index = AgencyIndex(list_agencies(conn, district)) if district is not None else None

    def agency_name(item: Mapping[str, Any]) -> str | None:
        found = index.resolve(item) if index is not None else None
        return found.name_th if found is not None else None

    return export_tables(
        producers=matching_producers(conn, district, flt),
        products=select_children(conn, district, "product", flt),
        visits=select_children(conn, district, "visit", flt),
        plan_items=select_children(conn, district, "plan_item", flt),
        include_personal=include_personal,
        known_producers=known,
        # Links of the whole district: the subdistrict filter picks producers, and a link
        # is exported when both of its producers are.
        links=select_children(conn, district, "network_link", RecordFilter()),
        agency_name=agency_name,
    )


def xlsx_to_file(engine: Engine, district: str | None, flt: RecordFilter, include_personal: bool,
                 target: str | Path) -> None:
    """The five-sheet workbook written to `target` (the benchmark calls this directly)."""
    with read_only(engine).connect() as conn:
        write_xlsx(str(target), _tables(conn, district, flt, include_personal))


def xlsx_stream(engine: Engine, district: str | None, flt: RecordFilter, include_personal: bool
                ) -> Iterator[bytes]:
    fd, path = tempfile.mkstemp(prefix="tambon-export-", suffix=".xlsx")
    os.close(fd)
    try:
        xlsx_to_file(engine, district, flt, include_personal, path)
        with open(path, "rb") as handle:
            while chunk := handle.read(CHUNK):
                yield chunk
    finally:
        os.unlink(path)


def csv_stream(engine: Engine, district: str | None, flt: RecordFilter, include_personal: bool,
               table_name: str) -> Iterator[bytes]:
    index = CSV_TABLES.index(table_name)
    with read_only(engine).connect() as conn:
        known = None if index == 0 else producer_infos(conn, district, flt)
        yield from csv_chunks(_tables(conn, district, flt, include_personal, known)[index])


def csv_zip_stream(engine: Engine, district: str | None, flt: RecordFilter, include_personal: bool
                   ) -> Iterator[bytes]:
    """One CSV per record type in one ZIP; tables are read in order (producers first)."""
    with read_only(engine).connect() as conn:
        tables = _tables(conn, district, flt, include_personal)
        members = (Member(f"{t.file_stem}.csv", csv_chunks(t)) for t in tables)
        yield from zip_chunks(members)


def geojson_stream(engine: Engine, district: str | None, flt: RecordFilter, include_personal: bool
                   ) -> Iterator[bytes]:
    with read_only(engine).connect() as conn:
        yield from geojson_chunks(matching_producers(conn, district, flt), include_personal)


def _file_chunks(path: Path) -> Iterator[bytes]:
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            yield chunk


def photos_zip_stream(engine: Engine, district: str | None, flt: RecordFilter,
                      photo_path: Callable[[str], Path | None]) -> Iterator[bytes]:
    """Photos of the chosen producers, named `<producer>/<product>-<subject>-<sha8>.jpg`.

    `photo_path(sha256) -> Path | None` says where the bytes are (None: not readable by
    the district, see BlobStore.reader); photos that have not arrived yet (the record
    synced, the upload not finished) are left out rather than failing.
    """
    with read_only(engine).connect() as conn:
        producers = {p["id"]: str(p.get("name_th") or "")
                     for p in matching_producers(conn, district, flt)}
        products = {p["id"]: str(p.get("name_th") or "")
                    for p in select_children(conn, district, "product", flt)
                    if p.get("producer_id") in producers}
        photos = select_children(conn, district, "photo", flt)
        members = (
            Member(name, _file_chunks(path), compress=False)
            for name, sha in photo_names(photos, producers, products)
            if (path := photo_path(sha)) is not None and path.is_file()
        )
        yield from zip_chunks(members)
