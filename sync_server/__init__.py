"""The district server: FastAPI app, storage, accounts, sync, uploads, office pages, reports."""

__version__ = "0.1.0"
