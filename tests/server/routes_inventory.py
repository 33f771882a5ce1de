"""Every route the real app serves, discovered from `create_app()`, and how to call it.

New routes added by any part are picked up automatically: the matrix then checks them for
authentication, read-only partner tokens, district scoping and personal-data leaks. A route
that needs no sign-in must be listed in PUBLIC, or the matrix fails and says so.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from fastapi.routing import iter_route_contexts

from tests.support.server import make_app

# (method, path) open to anyone. Each entry is a decision: keep it short.
PUBLIC: frozenset[tuple[str, str]] = frozenset({
    ("GET", "/api/v1/health"),
    ("POST", "/api/v1/devices/enrol"),
    ("GET", "/openapi.json"),
    ("GET", "/docs"),
    ("GET", "/docs/oauth2-redirect"),
    ("GET", "/redoc"),
    ("OPTIONS", "/api/v1/uploads"),  # tus capability discovery
    ("GET", "/"),  # only redirects to /producers, which asks for sign-in
    ("GET", "/login"),
    ("POST", "/login"),
    ("GET", "/lang"),
    ("GET", "/static/{path:path}"),
    ("GET", "/static/{path}"),
})

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Writes a partner-agency token may make (its own API area).
PARTNER_WRITABLE_PREFIXES = ("/api/v1/partner/",)


@dataclass(frozen=True)
class RouteInfo:
    method: str
    path: str  # as declared, e.g. /api/v1/records/{record_type}/{record_id}
    in_schema: bool

    @property
    def key(self) -> tuple[str, str]:
        return (self.method, self.path)

    @property
    def is_public(self) -> bool:
        return self.key in PUBLIC

    @property
    def is_api(self) -> bool:
        return self.path.startswith("/api/")

    @property
    def params(self) -> list[str]:
        return [p.split(":")[0] for p in re.findall(r"{([^}]+)}", self.path)]

    def url(self, values: dict[str, str]) -> str:
        def fill(match: re.Match[str]) -> str:
            name = match.group(1).split(":")[0]
            return values.get(name, "x")
        return re.sub(r"{([^}]+)}", fill, self.path)

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


@cache
def discover_routes() -> tuple[RouteInfo, ...]:
    with tempfile.TemporaryDirectory() as temp:
        app, _settings = make_app(Path(temp))
        found: set[RouteInfo] = set()
        for context in iter_route_contexts(app.routes):
            path = context.path
            methods = context.methods or set()
            if path is None:
                continue
            in_schema = bool(getattr(context, "include_in_schema", True))
            for method in methods:
                if method == "HEAD" and "GET" in methods:
                    continue  # Starlette adds HEAD to every GET
                found.add(RouteInfo(method, path, in_schema))
        app.state.engine.dispose()
    return tuple(sorted(found, key=lambda r: (r.path, r.method)))
