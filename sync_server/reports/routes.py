"""Routes of the reports part; create_app() includes `router`. Filled in by the part's owner."""

from fastapi import APIRouter

router = APIRouter()
