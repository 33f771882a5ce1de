"""Errors on the office pages as pages: a person at a browser gets a Thai/English page with a
way back, not a JSON problem document.

`OfficeRoute` is the route class of every office router. It catches the `Problem`s raised by
the page guards (sign-in, role, CSRF) and by the pages themselves, and renders `error.html`
with the problem's status; a 303 becomes a plain redirect. Requests that ask for JSON
(`Accept: application/json`) still get the problem document.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from fastapi.routing import APIRoute

from sync_server.problems import Problem, problem_response
from sync_server.web.templating import render

__all__ = ["OfficeRoute"]


class OfficeRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            try:
                return await handler(request)
            except Problem as problem:
                if "application/json" in request.headers.get("accept", ""):
                    return problem_response(problem)
                if problem.status == 303 and problem.headers:
                    return RedirectResponse(problem.headers["Location"], status_code=303)
                principal = getattr(request.state, "principal", None)
                return render(request, "error.html", {"problem": problem}, principal,
                              status_code=problem.status)

        return route
