"""Routes of the office web pages; create_app() includes `router` last (pages live at "/")."""

from fastapi import APIRouter

from sync_server.web import (
    pages_agencies,
    pages_auth,
    pages_conflicts,
    pages_duplicates,
    pages_producer,
    pages_register,
    pages_review,
)

router = APIRouter(include_in_schema=False)
for _part in (pages_auth, pages_register, pages_producer, pages_review, pages_conflicts,
              pages_duplicates, pages_agencies):
    router.include_router(_part.router)
