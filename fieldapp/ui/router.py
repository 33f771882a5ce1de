"""One small router: a route string names a screen, and screens navigate by route only.

Screens never import each other: they call `ctx.go("/producer/<id>")` and the router
builds the screen from the table in `fieldapp.ui.routes`. Matching is pure (no Flet), so
it is unit-tested on its own.

A route is a path with `{name}` segments and an optional query (`?visit=<id>`); literal
segments win over parameters (`/producer/new` is not the producer with the id "new").
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar
from urllib.parse import parse_qsl, quote, urlsplit

__all__ = ["TABS", "Match", "RouteError", "Router", "match_route", "route_for", "tab_index"]

# The bottom navigation's tabs, in order; their routes are the top-level screens.
TABS: tuple[str, ...] = ("/home", "/producers", "/sync", "/settings")

S = TypeVar("S")


class RouteError(LookupError):
    """A route no screen answers to (a bug, or a stale bookmark)."""

    def __init__(self, route: str) -> None:
        super().__init__(f"no screen for route {route!r} / ไม่พบหน้าจอสำหรับ {route!r}")
        self.message_th = f"ไม่พบหน้าจอ {route}"
        self.message_en = f"No screen for {route}"


@dataclass(frozen=True)
class Match:
    pattern: str
    params: dict[str, str]
    query: dict[str, str]


def _segments(path: str) -> list[str]:
    return [s for s in path.split("/") if s]


def match_route(route: str, patterns: Sequence[str]) -> Match:
    """The pattern `route` matches, with its parameters; literal segments first."""
    parts = urlsplit(route or "/")
    path = _segments(parts.path) or ["home"]
    query = dict(parse_qsl(parts.query))
    best: tuple[int, str, dict[str, str]] | None = None
    for pattern in patterns:
        wanted = _segments(pattern) or ["home"]
        if len(wanted) != len(path):
            continue
        params: dict[str, str] = {}
        literals = 0
        for want, got in zip(wanted, path, strict=True):
            if want.startswith("{") and want.endswith("}"):
                params[want[1:-1]] = got
            elif want == got:
                literals += 1
            else:
                break
        else:
            if best is None or literals > best[0]:
                best = (literals, pattern, params)
    if best is None:
        raise RouteError(route)
    return Match(best[1], best[2], query)


def route_for(pattern: str, query: Mapping[str, str | None] | None = None, **params: str) -> str:
    """The route of a pattern with its parameters filled: route_for("/producer/{id}", id=x)."""
    route = pattern
    for name, value in params.items():
        route = route.replace("{" + name + "}", quote(str(value), safe=""))
    if "{" in route:
        raise RouteError(route)
    pairs = [f"{k}={quote(str(v), safe='')}" for k, v in (query or {}).items() if v]
    return route + ("?" + "&".join(pairs) if pairs else "")


def tab_index(route: str) -> int | None:
    """Which bottom-navigation tab a route is (None: not a top-level screen)."""
    path = urlsplit(route or "/").path.rstrip("/") or "/home"
    return TABS.index(path) if path in TABS else None


Factory = Callable[[Match], S]


class Router(Generic[S]):
    """Route → screen, through a table of pattern → factory."""

    def __init__(self, table: Mapping[str, Factory[S]]) -> None:
        self.table = dict(table)

    def build(self, route: str) -> S:
        found = match_route(route, list(self.table))
        return self.table[found.pattern](found)
