"""Routes of the reports part: the summary, map and network pages, the exports under
`/api/v1/exports/`, the partner-agency API under `/api/v1/partner/`, and the page where a
supervisor issues partner tokens. Thin: the work is in the pure modules and `queries`.

Who may do what (PDPA: the minimum):
- summary, map, network pages: anyone signed in, partner agencies too (their map points
  are rounded to about 1 km and the network's notes have digit runs masked);
- exports: office users; supervisors and admins get the personal columns (ID number, phone,
  house number, contact person), officers get the same files without them;
- partner API: partner tokens (and supervisors/admins, to check what partners see);
  personal fields never leave through it;
- partner tokens page: supervisors and admins.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.engine import Connection

from schemas.textfold import sort_key
from sync_server.audit import audit
from sync_server.auth import Principal, principal_from_request
from sync_server.deps import ReadConn, get_engine
from sync_server.problems import Problem
from sync_server.uploads.routes import STORED_FILE_HEADERS, blob_store
from sync_server.web.agencies import AgencyIndex, list_agencies
from sync_server.web.places import subdistricts_of
from sync_server.web.session import require_web_supervisor, require_web_viewer
from sync_server.web.templating import render, request_lang

from . import exports
from .charts import Bar, bar_chart
from .columns import SHEETS
from .filters import FilterError, RecordFilter
from .fiscal import THAILAND_TZ
from .labels import code_label, codes, subdistrict_name
from .mapsvg import MapPoint, map_svg
from .network import Link, Node, network_svg
from .partner_api import KINDS, PartnerQuery, partner_page
from .partner_tokens import (
    TokenError,
    issue_partner_token,
    list_partner_tokens,
    revoke_partner_token,
)
from .partner_view import GPS_DECIMALS, mask_digits
from .queries import matching_producers, select_children
from .strings import STRINGS
from .summary import summarise

__all__ = ["router"]

router = APIRouter()

OFFICE_ROLES = ("officer", "supervisor", "admin")
PERSONAL_ROLES = ("supervisor", "admin")
PARTNER_API_ROLES = ("partner", "supervisor", "admin")

_bearer = HTTPBearer(auto_error=False, description="Device or partner API token")


def _caller(*roles: str) -> Callable[..., Principal]:
    """Like `auth.require_roles`, but in its own short transaction that commits at once.

    `require_roles` shares the request's write transaction, which (with FastAPI's yield
    dependencies) ends only after the response is sent: a 30-second XLSX stream would hold
    SQLite's write lock, and phones could not sync, for all that time. Here the token check
    (and its last-seen write) commits before the route runs; the data is read in read-only
    transactions.
    """

    def dependency(request: Request,
                   credentials: Annotated[HTTPAuthorizationCredentials | None,
                                          Depends(_bearer)]) -> Principal:
        with get_engine(request).begin() as conn:
            principal = principal_from_request(request, conn, credentials)
        if principal is None:
            raise Problem(401, "unauthenticated", "Sign-in needed", "ต้องลงชื่อเข้าใช้",
                          "Send a valid token as 'Authorization: Bearer <token>'.",
                          "กรุณาส่งโทเค็นที่ถูกต้อง", headers={"WWW-Authenticate": "Bearer"})
        if principal.role not in roles:
            raise Problem(403, "forbidden_role", "Not allowed for your role",
                          "บทบาทของคุณไม่มีสิทธิ์", f"Only {', '.join(roles)} may do this.",
                          "บัญชีของคุณไม่มีสิทธิ์ทำรายการนี้")
        request.state.principal = principal  # for the access log
        return principal

    return dependency


ExportPrincipal = Annotated[Principal, Depends(_caller(*OFFICE_ROLES))]
PartnerPrincipal = Annotated[Principal, Depends(_caller(*PARTNER_API_ROLES))]
Viewer = Annotated[Principal, Depends(require_web_viewer)]
Supervisor = Annotated[Principal, Depends(require_web_supervisor)]


def _today() -> date:
    return datetime.now(THAILAND_TZ).date()


def _ip(request: Request) -> str | None:
    return request.client.host if request.client else None


def _audit_now(request: Request, principal: Principal, action: str,
               detail: dict[str, Any]) -> None:
    """Commit the audit row before answering: an answer must never go out unlogged."""
    with get_engine(request).begin() as conn:
        audit(conn, principal, action, "district", principal.district_code, detail,
              _ip(request))


def _filter_problem(exc: FilterError) -> Problem:
    return Problem(400, "invalid_filter", "A filter is not valid", "ตัวกรองไม่ถูกต้อง",
                   exc.message_en, exc.message_th,
                   errors=[{"path": exc.parameter, "code": "invalid_filter",
                            "message_th": exc.message_th, "message_en": exc.message_en}])


def _parse_filter(request: Request) -> RecordFilter:
    try:
        return RecordFilter.parse(dict(request.query_params))
    except FilterError as exc:
        raise _filter_problem(exc) from exc


def _budget_year(request: Request) -> int | None:
    """`fy`: the fiscal year (พ.ศ.) the budget chart counts; absent means this one."""
    raw = request.query_params.get("fy") or ""
    if not raw:
        return None
    if not (raw.isascii() and raw.isdecimal() and 2500 <= int(raw) <= 2700):
        raise _filter_problem(FilterError(
            "fy", "fy is a fiscal year in the Buddhist Era, e.g. 2569",
            "fy ต้องเป็นปีงบประมาณ พ.ศ. เช่น 2569"))
    return int(raw)


def _chosen(conn: Connection, district: str, flt: RecordFilter
            ) -> tuple[list[dict[str, Any]], set[str]]:
    producers = list(matching_producers(conn, district, flt))
    return producers, {p["id"] for p in producers}


def _children(conn: Connection, district: str, record_type: str, flt: RecordFilter,
              ids: set[str]) -> list[dict[str, Any]]:
    return [r for r in select_children(conn, district, record_type, flt)
            if r.get("producer_id") in ids]


def _page_context(request: Request, principal: Principal, flt: RecordFilter
                  ) -> dict[str, Any]:
    lang = request_lang(request)
    return {
        "filters": flt,
        "query": "&".join(f"{k}={v}" for k, v in flt.as_params().items()),
        "subdistricts": [(c, th if lang == "th" else en)
                         for c, th, en in subdistricts_of(principal.district_code)],
        "categories": [(c, code_label("category", c, lang)) for c in codes("category")],
        "is_office": principal.role in OFFICE_ROLES,
        "personal": principal.role in PERSONAL_ROLES,
        "csv_tables": [(sheet.file_stem, sheet.title_th if lang == "th"
                        else sheet.file_stem.replace("_", " ")) for sheet in SHEETS],
    }


# --- pages --------------------------------------------------------------------------------

@router.get("/reports", include_in_schema=False)
def summary_page(request: Request, conn: ReadConn, principal: Viewer) -> Response:
    flt = _parse_filter(request)
    lang = request_lang(request)
    district = principal.district_code
    budget_year = _budget_year(request)
    producers, ids = _chosen(conn, district, flt)
    agencies = AgencyIndex(list_agencies(conn, district))
    summary = summarise(
        producers=producers,
        products=_children(conn, district, "product", flt, ids),
        visits=_children(conn, district, "visit", flt, ids),
        plan_items=_children(conn, district, "plan_item", flt, ids),
        today=_today(),
        subdistrict_codes=[] if flt.subdistrict else [c for c, _, _ in subdistricts_of(district)],
        budget_year_be=budget_year,
        agency_of=agencies.key,
        agency_short_names={a.id: a.short_name for a in agencies.entries if a.short_name},
    )
    sections = []
    for section in summary.sections:
        title = section.title_th if lang == "th" else section.title_en
        rows = [(r.label_th if lang == "th" else r.label_en, r.value, r.short)
                for r in section.rows]
        sections.append({
            "key": section.key, "title": title, "unit": section.unit_th, "rows": rows,
            "total": section.total,
            "svg": bar_chart([Bar(short or label, value, full=label)
                              for label, value, short in rows], title=title,
                             show_title=False),
        })
    return render(request, "reports/summary.html", {
        **_page_context(request, principal, flt),
        "summary": summary, "sections": sections, "today": _today().isoformat(),
    }, principal, strings=STRINGS)


@router.get("/reports/map", include_in_schema=False)
def map_page(request: Request, conn: ReadConn, principal: Viewer) -> Response:
    flt = _parse_filter(request)
    lang = request_lang(request)
    producers, _ = _chosen(conn, principal.district_code, flt)
    rounded = principal.role not in OFFICE_ROLES
    points: list[MapPoint] = []
    counts: dict[str, list[Any]] = {}  # subdistrict -> [name, with GPS, without GPS]
    for p in producers:
        code = str((p.get("address") or {}).get("subdistrict_code") or "")
        row = counts.setdefault(code, [subdistrict_name(code or None, lang), 0, 0])
        gps = p.get("gps") or {}
        lat, lon = gps.get("lat"), gps.get("lon")
        if isinstance(lat, int | float) and isinstance(lon, int | float):
            row[1] += 1
            if rounded:
                lat, lon = round(lat, GPS_DECIMALS), round(lon, GPS_DECIMALS)
            name = str(p.get("name_th") or "")
            points.append(MapPoint(float(lat), float(lon),
                                   (mask_digits(name) or "") if rounded else name, code,
                                   subdistrict_name(code or None, lang)))
        else:
            row[2] += 1
    title = STRINGS["map_title"][0 if lang == "th" else 1]
    return render(request, "reports/map.html", {
        **_page_context(request, principal, flt),
        "svg": map_svg(points, title=title), "rows": sorted(counts.items()),
        "rounded": rounded,
    }, principal, strings=STRINGS)


@router.get("/reports/network", include_in_schema=False)
def network_page(request: Request, conn: ReadConn, principal: Viewer) -> Response:
    flt = _parse_filter(request)
    lang = request_lang(request)
    district = principal.district_code
    producers, ids = _chosen(conn, district, flt)
    office = principal.role in OFFICE_ROLES
    names = {p["id"]: str(p.get("name_th") or p["id"][:8]) if office
             else mask_digits(str(p.get("name_th") or p["id"][:8])) or "" for p in producers}
    links: list[Link] = []
    rows: list[tuple[str, str, str, Any]] = []
    linked: list[str] = []
    for record in select_children(conn, district, "network_link", RecordFilter()):
        a, b = str(record.get("from_producer_id")), str(record.get("to_producer_id"))
        if a not in ids or b not in ids:
            continue
        kind = str(record.get("kind") or "")
        links.append(Link(a, b, kind))
        notes = record.get("notes")
        rows.append((names[a], code_label("link_kind", kind, lang), names[b],
                     notes if office else mask_digits(notes)))
        linked.extend(x for x in (a, b) if x not in linked)
    rows.sort(key=lambda row: (sort_key(row[0]), sort_key(row[2]), sort_key(row[1])))
    nodes = [Node(pid, names[pid])
             for pid in sorted(linked, key=lambda i: (sort_key(names[i]), i))]
    kind_labels = {k: code_label("link_kind", k, lang) for k in codes("link_kind")}
    title = STRINGS["network_title"][0 if lang == "th" else 1]
    return render(request, "reports/network.html", {
        **_page_context(request, principal, flt),
        "svg": network_svg(nodes, links, kind_labels=kind_labels, title=title),
        "rows": rows,
    }, principal, strings=STRINGS)


def _tokens_page(request: Request, conn: Connection, principal: Principal, *,
                 issued: Any = None, flash: str | None = None, error: str | None = None,
                 status_code: int = 200) -> Response:
    return render(request, "reports/tokens.html", {
        **_page_context(request, principal, RecordFilter()),
        "tokens": list_partner_tokens(conn, principal.district_code),
        "agency_names": [a.name_th for a in list_agencies(conn, principal.district_code,
                                                          active_only=True)],
        "issued": issued, "flash": flash, "error": error,
    }, principal, strings=STRINGS, status_code=status_code)


@router.get("/reports/partner-tokens", include_in_schema=False)
def tokens_page(request: Request, conn: ReadConn, principal: Supervisor) -> Response:
    return _tokens_page(request, conn, principal)


@router.post("/reports/partner-tokens", include_in_schema=False)
async def tokens_action(request: Request, principal: Supervisor) -> Response:
    form = await request.form()
    lang = request_lang(request)
    engine = get_engine(request)
    action = str(form.get("action") or "issue")
    with engine.begin() as conn:
        if action == "revoke":
            done = revoke_partner_token(conn, district_code=principal.district_code,
                                        device_id=str(form.get("device_id") or ""),
                                        by=principal, ip=_ip(request))
            flash = STRINGS["token_revoked"][0 if lang == "th" else 1] if done else None
            return _tokens_page(request, conn, principal, flash=flash,
                                status_code=200 if done else 404)
        try:
            issued = issue_partner_token(conn, district_code=principal.district_code,
                                         agency_name=str(form.get("agency_name") or ""),
                                         by=principal, ip=_ip(request))
        except TokenError as exc:
            return _tokens_page(request, conn, principal, status_code=400,
                                error=exc.message_th if lang == "th" else exc.message_en)
        return _tokens_page(request, conn, principal, issued=issued)


# --- exports ------------------------------------------------------------------------------

_MEDIA = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "zip": "application/zip",
    "geojson": "application/geo+json",
}


def _download(body: Iterator[bytes], filename: str) -> StreamingResponse:
    media = _MEDIA[filename.rsplit(".", 1)[1]]
    return StreamingResponse(body, media_type=media, headers={
        "Content-Disposition": f'attachment; filename="{filename}"',
        "Cache-Control": "no-store",
        **STORED_FILE_HEADERS,
    })


@router.get("/api/v1/exports/{name}", tags=["exports"])
def export(name: str, request: Request, principal: ExportPrincipal) -> StreamingResponse:
    """producers.xlsx (5 sheets), {producers|products|visits|plan_items|network_links}.csv,
    csv.zip,
    producers.geojson, photos.zip; filters: subdistrict, category, producer_type, no_fda."""
    flt = _parse_filter(request)
    engine = get_engine(request)
    district = principal.district_code
    personal = principal.role in PERSONAL_ROLES
    stem = f"tambon-{district}-{datetime.now(UTC):%Y%m%d}"
    body: Iterator[bytes]
    if name in ("producers.xlsx", "export.xlsx"):
        body, filename = exports.xlsx_stream(engine, district, flt, personal), f"{stem}.xlsx"
    elif name.endswith(".csv") and name[:-4] in exports.CSV_TABLES:
        body = exports.csv_stream(engine, district, flt, personal, name[:-4])
        filename = f"{stem}-{name}"
    elif name == "csv.zip":
        body, filename = exports.csv_zip_stream(engine, district, flt, personal), \
            f"{stem}-csv.zip"
    elif name == "producers.geojson":
        body = exports.geojson_stream(engine, district, flt, personal)
        filename = f"{stem}-producers.geojson"
    elif name == "photos.zip":
        # Only photos the district has proven it holds (sync_server/uploads/blobs.py).
        body = exports.photos_zip_stream(engine, district, flt,
                                         blob_store(request).reader(district))
        filename = f"{stem}-photos.zip"
    else:
        raise Problem(404, "unknown_export", "No such export", "ไม่มีไฟล์ส่งออกนี้",
                      "Use producers.xlsx, producers.csv, products.csv, visits.csv, "
                      "plan_items.csv, csv.zip, producers.geojson or photos.zip.",
                      "ใช้ producers.xlsx, producers.csv, products.csv, visits.csv, "
                      "plan_items.csv, csv.zip, producers.geojson หรือ photos.zip")
    _audit_now(request, principal, "export." + name,
               {"filter": flt.as_params(), "personal": personal})
    return _download(body, filename)


# --- partner API --------------------------------------------------------------------------

@router.get("/api/v1/partner/{kind}", tags=["partner"])
def partner(kind: str, request: Request, conn: ReadConn, principal: PartnerPrincipal
            ) -> JSONResponse:
    """Read-only lists for partner agencies, paged with `cursor` (from `next_cursor`) and
    `limit` (1-500). Filters: subdistrict, category, producer_type, no_fda=true, need,
    standard, status (plans), expiring=this_fiscal_year (standards). `plans` of a partner
    token are its own agency's only; `links` are the producers' network links. Never carries
    national IDs, phones or house numbers."""
    if kind not in KINDS:
        raise Problem(404, "unknown_list", "No such list", "ไม่มีรายการนี้",
                      f"Use one of: {', '.join(KINDS)}.", f"ใช้ได้: {', '.join(KINDS)}")
    params = dict(request.query_params)
    agencies = AgencyIndex(list_agencies(conn, principal.district_code))
    scope = None
    if principal.role == "partner":  # a partner token sees its own agency's plans only
        scope = agencies.key({"agency": principal.agency_name or ""})[0] or "none"
    try:
        query = PartnerQuery.parse(params)
        page = partner_page(conn, principal.district_code, kind, query, params.get("cursor"),
                            _today(), agency_of=agencies.key, agency_scope=scope)
    except FilterError as exc:
        raise _filter_problem(exc) from exc
    _audit_now(request, principal, "partner_api." + kind,
               {"query": {k: v for k, v in params.items() if k != "cursor"},
                "agency": principal.agency_name, "count": len(page.items)})
    return JSONResponse(
        {"items": page.items, "next_cursor": page.next_cursor, "count": len(page.items)},
        headers={"Cache-Control": "no-store"})
