"""Phones for sync tests: a real DeviceStore and PhotoStore per phone, and real photos."""

from __future__ import annotations

import io
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from PIL import Image

from fieldapp.photos import PhotoStore, ProcessedPhoto, process_photo
from fieldapp.store import DeviceStore, open_store
from fieldapp.sync import RetryPolicy, SyncClient
from recordsync.hlc import wall_clock_ms
from tests.sync.harness import Device

FAST_RETRIES = RetryPolicy(max_attempts=30, base_s=0.01, cap_s=0.2)


def camera_jpeg(seed: int, size: tuple[int, int] = (1200, 900)) -> bytes:
    """A noisy photo-like JPEG (noise keeps it from compressing to nothing)."""
    rng = random.Random(seed)
    small = Image.new("RGB", (size[0] // 8, size[1] // 8))
    small.putdata([(rng.randrange(256), rng.randrange(256), rng.randrange(256))
                   for _ in range(small.width * small.height)])
    image = small.resize(size, Image.Resampling.BICUBIC)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


@dataclass
class Phone:
    device: Device
    store: DeviceStore
    photos: PhotoStore
    root: Path

    def client(self, base_url: str, transport: httpx.AsyncBaseTransport | None = None,
               **kwargs: Any) -> SyncClient:
        kwargs.setdefault("policy", FAST_RETRIES)
        return SyncClient(self.store, self.photos, base_url, self.device.token,
                          transport=transport, **kwargs)

    def take_photo(self, producer_id: str, seed: int, subject: str = "product"
                   ) -> ProcessedPhoto:
        processed = process_photo(camera_jpeg(seed))
        self.photos.put(processed)
        self.photos.put_blob(processed.thumb, processed.thumb_sha256)
        self.store.create("photo", {**processed.record_fields(), "producer_id": producer_id,
                                    "subject": subject})
        return processed


def make_phone(root: Path, device: Device, now_ms: Callable[[], int] = wall_clock_ms) -> Phone:
    store = open_store(root / "store", device.device_id, now_ms)
    return Phone(device, store, PhotoStore(root / "photos"), root)


def producer_fields(n: int) -> dict[str, Any]:
    return {"name_th": f"วิสาหกิจชุมชนกลุ่มแม่บ้านบางขนาก {n}",
            "producer_type": "community_enterprise", "phone": "0812345678",
            "address": {"moo": 3, "subdistrict_code": "240302", "district_code": "2403",
                        "province_code": "24", "postal_code": "24150"}}
