"""Run one sync of a phone in this process and die at a chosen point (for crash tests).

    python -m tests.sync.pull_runner <store dir> <photos dir> <device id> <token> <base url>
                                     <point> <nth>
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from fieldapp.photos import PhotoStore
from fieldapp.store import open_store
from fieldapp.sync import SyncClient


def main() -> None:
    store_dir, photos_dir, device_id, token, base_url, point, nth = sys.argv[1:8]
    store = open_store(Path(store_dir), device_id)
    seen = {"count": 0}

    def checkpoint(name: str) -> None:
        if name == point:
            seen["count"] += 1
            if seen["count"] >= int(nth):
                os._exit(137)  # like a SIGKILL: no cleanup, no flush beyond what is durable

    client = SyncClient(store, PhotoStore(Path(photos_dir)), base_url, token, page_size=3,
                        checkpoint=checkpoint)
    report = asyncio.run(client.sync())
    store.close()
    sys.exit(0 if report.completed else 1)


if __name__ == "__main__":
    main()
