"""The OpenAPI description, made to say what the server really answers (issue 11, item 9).

FastAPI describes each route's success and its own 422, but the server's errors come from
everywhere: the problem handlers (`problems.py`: 400 malformed JSON, 404, 405, 422 as a
problem, 500), the body-limit middleware (413), authentication (401, 403), rate limits
(429), the database (503), a protocol's own rules (tus: 409, 412). `install_openapi(app)`
adds them to every operation of every router, so a route added later is described too,
without anyone remembering to: each error status is declared once, here, with the
`application/problem+json` body (`Problem` schema) every error carries.

Which statuses an operation gets:
- every operation: 400, 404, 405, 413, 415, 422, 429, 500, 503 (what the shared machinery
  can answer anywhere);
- operations that need a token or session (they declare `security`): 401, 403;
- operations under a prefix of `PROTOCOL_STATUSES` (tus uploads): that protocol's statuses,
  and the request headers and body `PROTOCOL_REQUESTS` names (the tus routes read their
  headers themselves, so FastAPI cannot see them);
- statuses a route declares itself keep its description and get the problem body.
A response without a body (HEAD, tus answers) carries no content type, which OpenAPI allows
for any declared response.
"""

from __future__ import annotations

from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from sync_server.problems import MEDIA_TYPE

__all__ = ["ALWAYS", "PROBLEM_SCHEMA", "PROTOCOL_REQUESTS", "PROTOCOL_STATUSES", "SECURED",
           "TUS_METADATA_FORMAT", "install_openapi", "problem_responses"]

ALWAYS = (400, 404, 405, 413, 415, 422, 429, 500, 503)
SECURED = (401, 403)
# Protocols with statuses of their own, by path prefix.
PROTOCOL_STATUSES: dict[str, tuple[int, ...]] = {
    "/api/v1/uploads": (409, 412, 460),  # tus 1.0: offset mismatch, version, checksum
}

# What a protocol asks of requests that FastAPI does not see (the tus routes read their
# headers themselves): (path prefix, method) -> header parameters and request body.
_TUS_VERSION = {"name": "Tus-Resumable", "in": "header", "required": True,
                "schema": {"type": "string", "enum": ["1.0.0"]}}
TUS_METADATA_FORMAT = "tus-upload-metadata"
PROTOCOL_REQUESTS: dict[tuple[str, str], dict[str, Any]] = {
    ("/api/v1/uploads", "post"): {"parameters": [
        _TUS_VERSION,
        {"name": "Upload-Length", "in": "header", "required": True,
         "schema": {"type": "integer", "minimum": 1, "maximum": 50 * 1024 * 1024}},
        {"name": "Upload-Metadata", "in": "header", "required": True,
         "description": "tus metadata: `sha256 <base64 of the photo's 64-hex SHA-256>`, "
                        "optionally more `key base64` pairs after commas; each value is "
                        "UTF-8 text without a NUL character",
         "schema": {"type": "string", "format": TUS_METADATA_FORMAT}}]},
    ("/api/v1/uploads/", "head"): {"parameters": [_TUS_VERSION]},
    ("/api/v1/uploads/", "patch"): {
        "parameters": [
            _TUS_VERSION,
            {"name": "Upload-Offset", "in": "header", "required": True,
             "schema": {"type": "integer", "minimum": 0}},
            {"name": "Upload-Checksum", "in": "header", "required": False,
             "description": "`sha256 <base64 digest of this chunk>`",
             "schema": {"type": "string"}}],
        "requestBody": {"required": True, "content": {
            "application/offset+octet-stream": {
                "schema": {"type": "string", "format": "binary"}}}}},
}
# Headers of successful tus answers.
_OFFSET_HEADERS = {name: {"schema": {"type": "string"}}
                   for name in ("Tus-Resumable", "Upload-Offset", "Upload-Length")}

PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "description": "RFC 9457 problem details, in English and Thai (sync_server/problems.py).",
    "type": "object",
    "required": ["type", "code", "status", "title", "title_th", "detail", "detail_th"],
    "properties": {
        "type": {"type": "string"},
        "code": {"type": "string", "description": "Stable; clients branch on it"},
        "status": {"type": "integer"},
        "title": {"type": "string"},
        "title_th": {"type": "string"},
        "detail": {"type": "string"},
        "detail_th": {"type": "string"},
        "errors": {"type": "array", "items": {
            "type": "object",
            "properties": {"path": {"type": "string"}, "code": {"type": "string"},
                           "message_th": {"type": "string"},
                           "message_en": {"type": "string"}}}},
    },
}
_PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Checksum mismatch" if status == 460 else f"HTTP {status}"


def problem_responses(path: str, operation: Mapping[str, Any]) -> dict[int, str]:
    """The error statuses of one operation, with a default description each."""
    statuses = set(ALWAYS)
    if operation.get("security"):
        statuses.update(SECURED)
    for prefix, extra in PROTOCOL_STATUSES.items():
        if path.startswith(prefix):
            statuses.update(extra)
    return {status: _phrase(status) for status in sorted(statuses)}


def _describe(schema: dict[str, Any]) -> dict[str, Any]:
    schema.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    for path, item in schema.get("paths", {}).items():
        for method in _METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            _add_protocol(path, method, operation)
            responses = operation.setdefault("responses", {})
            for status, phrase in problem_responses(path, operation).items():
                responses.setdefault(str(status), {"description": phrase})
            for status, response in responses.items():
                if not (status.isdigit() and int(status) >= 400):
                    continue
                if method == "head":  # a HEAD answer has no body, so no media type
                    response.pop("content", None)
                else:  # every error is a problem document, FastAPI's own 422 included
                    response["content"] = {MEDIA_TYPE: {"schema": _PROBLEM_REF}}
    schemas = schema["components"]["schemas"]
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    return schema


def _add_protocol(path: str, method: str, operation: dict[str, Any]) -> None:
    for (prefix, verb), extra in PROTOCOL_REQUESTS.items():
        if verb != method or not (path == prefix or (prefix.endswith("/")
                                                     and path.startswith(prefix))):
            continue
        params = operation.setdefault("parameters", [])
        known = {(p.get("in"), p.get("name", "").lower()) for p in params}
        params.extend(p for p in extra.get("parameters", ())
                      if ("header", p["name"].lower()) not in known)
        if "requestBody" in extra:
            operation.setdefault("requestBody", extra["requestBody"])
        for status, response in operation.get("responses", {}).items():
            if status.startswith("2"):
                response.setdefault("headers", {}).update(_OFFSET_HEADERS)
                if method != "get":
                    response.pop("content", None)  # tus answers carry no body


def install_openapi(app: FastAPI) -> None:
    """Make `app.openapi()` (and /openapi.json) describe every error answer. Call after the
    routers are included or before: the description is built on first use."""
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = _describe(get_openapi(
                title=app.title, version=app.version, openapi_version=app.openapi_version,
                description=app.description, routes=app.routes))
        return app.openapi_schema

    setattr(app, "openapi", openapi)  # noqa: B010  (FastAPI's documented way to override)

