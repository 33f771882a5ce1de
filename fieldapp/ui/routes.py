"""The route table: every screen of the app, by route. The only module that imports screens.

Patterns (see `fieldapp.ui.router`):
- the tabs `/home`, `/producers`, `/sync`, `/settings`, and `/enrol` (`?first=1`: first run);
- `/producer/new`, `/producer/{producer_id}`, `/producer/{producer_id}/edit`;
- `/producer/{producer_id}/product/new` (`?visit=<id>`: added during that visit, and linked
  to it), `/producer/{producer_id}/product/{product_id}`, `.../photos`;
- `/producer/{producer_id}/visit/new`, `/producer/{producer_id}/visit/{visit_id}`;
- `/producer/{producer_id}/plan/new`, `/producer/{producer_id}/plan/{item_id}`;
- `/producer/{producer_id}/link/new` (a network link from this producer),
  `/producer/{producer_id}/link/{link_id}`.
"""

from __future__ import annotations

from collections.abc import Callable

from fieldapp.ui.context import AppContext
from fieldapp.ui.record_screen import RecordFormScreen
from fieldapp.ui.router import Match, Router
from fieldapp.ui.screen import Screen
from fieldapp.ui.screens.enrol import EnrolScreen
from fieldapp.ui.screens.home import HomeScreen
from fieldapp.ui.screens.photos import PhotosScreen
from fieldapp.ui.screens.producer import ProducerScreen
from fieldapp.ui.screens.producer_form import ProducerFormScreen
from fieldapp.ui.screens.producers import ProducerListScreen
from fieldapp.ui.screens.product import ProductScreen
from fieldapp.ui.screens.settings import SettingsScreen
from fieldapp.ui.screens.sync import SyncScreen
from fieldapp.ui.screens.visit import VisitScreen

__all__ = ["screen_router"]

Build = Callable[[AppContext, Match], Screen]

TABLE: dict[str, Build] = {
    "/home": lambda ctx, m: HomeScreen(ctx),
    "/producers": lambda ctx, m: ProducerListScreen(ctx),
    "/sync": lambda ctx, m: SyncScreen(ctx),
    "/settings": lambda ctx, m: SettingsScreen(ctx),
    "/enrol": lambda ctx, m: EnrolScreen(ctx, first_run=m.query.get("first") == "1"),
    "/producer/new": lambda ctx, m: ProducerFormScreen(ctx, None),
    "/producer/{producer_id}": lambda ctx, m: ProducerScreen(ctx, m.params["producer_id"]),
    "/producer/{producer_id}/edit": lambda ctx, m: ProducerFormScreen(
        ctx, m.params["producer_id"]
    ),
    "/producer/{producer_id}/product/new": lambda ctx, m: ProductScreen(
        ctx, m.params["producer_id"], None, visit_id=m.query.get("visit")
    ),
    "/producer/{producer_id}/product/{product_id}": lambda ctx, m: ProductScreen(
        ctx, m.params["producer_id"], m.params["product_id"]
    ),
    "/producer/{producer_id}/product/{product_id}/photos": lambda ctx, m: PhotosScreen(
        ctx, m.params["producer_id"], m.params["product_id"]
    ),
    "/producer/{producer_id}/visit/new": lambda ctx, m: VisitScreen(
        ctx, m.params["producer_id"], None
    ),
    "/producer/{producer_id}/visit/{visit_id}": lambda ctx, m: VisitScreen(
        ctx, m.params["producer_id"], m.params["visit_id"]
    ),
    "/producer/{producer_id}/plan/new": lambda ctx, m: RecordFormScreen(
        ctx, "plan_item", None, {"producer_id": m.params["producer_id"], "status": "planned"}
    ),
    "/producer/{producer_id}/plan/{item_id}": lambda ctx, m: RecordFormScreen(
        ctx, "plan_item", m.params["item_id"]
    ),
    "/producer/{producer_id}/link/new": lambda ctx, m: RecordFormScreen(
        ctx, "network_link", None, {"from_producer_id": m.params["producer_id"]}
    ),
    "/producer/{producer_id}/link/{link_id}": lambda ctx, m: RecordFormScreen(
        ctx, "network_link", m.params["link_id"]
    ),
}


def screen_router(ctx: AppContext) -> Callable[[str], Screen]:
    """route → a new screen for this session; each screen knows the route it was built for."""
    def bind(build: Build) -> Callable[[Match], Screen]:
        return lambda match: build(ctx, match)

    router: Router[Screen] = Router({pattern: bind(b) for pattern, b in TABLE.items()})

    def build(route: str) -> Screen:
        screen = router.build(route)
        if not screen.route or screen.route == "/":
            screen.route = route
        return screen

    return build
