"""A headless phone journey, run by tests/build/test_phone_build.py inside the phone's venv.

    <phone venv>/bin/python -I phone_journey.py BUNDLE SERVER CODE PHOTO

BUNDLE is a copy of the app as `flet build` packs it ([tool.flet.app] exclude applied), so
only the phone's own code and its declared dependencies are importable. With
FLET_APP_STORAGE_DATA set (as on Android, where it is the app-private folder), it goes
through the app's services layer like the screens do: open the store, enrol with the one-time
code, save a producer, a product and a visit that saw it, process the photo file (a 12 MP
JPEG) and three small ones (the shot list the finalize check asks for), finalize the visit
(drafts stay on the phone), sync records and photos. Prints one JSON line for the test to check
against the server.

Standard library and the app only: no pytest, no tests.* imports (they are not in the venv).
"""

from __future__ import annotations

import asyncio
import importlib.metadata
import importlib.util
import json
import os
import sys
from pathlib import Path
from typing import Any

# What must not exist on the phone: jsonschema's closure (rpds-py has no Android build).
FORBIDDEN = ("jsonschema", "referencing", "rpds")


def small_jpeg(shade: int) -> bytes:
    """A plain picture for the rest of the shot list (Pillow is on the phone)."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), (40 + 60 * shade, 90, 120)).save(buffer, "JPEG")
    return buffer.getvalue()


def journey(bundle: Path, server: str, code: str, photo: Path) -> dict[str, Any]:
    sys.path.insert(0, str(bundle))
    importable = [name for name in FORBIDDEN if importlib.util.find_spec(name) is not None]

    import main  # noqa: F401  the entry point `flet build` runs: its whole import graph
    from fieldapp import services as sv
    from fieldapp.config import data_dir
    from fieldapp.settings import load_settings

    folder = data_dir(os.environ, Path.cwd())
    services = sv.Services(data_dir=folder, settings=load_settings(folder, server))
    asyncio.run(sv.enrol_device(services, server, code, "Android ทดสอบ (build)"))
    producer_id = sv.save_record(services, "producer", None, {
        "name_th": "วิสาหกิจชุมชนกลุ่มแม่บ้านบางขนาก", "producer_type": "community_enterprise",
        "phone": "0812345678",
        "address": {"moo": 3, "subdistrict_code": "240302", "district_code": "2403",
                    "province_code": "24", "postal_code": "24150"}})
    product_id = sv.save_record(services, "product", None, {
        "producer_id": producer_id, "name_th": "น้ำพริกเผาปลาสลิด", "category": "food",
        "price_thb": 45})
    visit_id = sv.save_record(services, "visit", None, {
        "producer_id": producer_id, "purpose": "follow_up",
        "started_at": "2026-12-05T03:00:00Z",
        "gps": {"lat": 13.8412, "lon": 101.0623, "accuracy_m": 12},
        "problems": "บรรจุภัณฑ์ยังไม่มีฉลากโภชนาการ", "product_ids": [product_id]})
    draft_issues = sv.validate_draft("producer", {"name_th": " ", "phone": "12"})
    # the finalize check wants the product's shot list, photographed on this visit
    links = {"producer_id": producer_id, "product_id": product_id, "visit_id": visit_id}
    stored = sv.add_photo(services, photo.read_bytes(), links, "product")
    for shade, subject in enumerate(("label", "packaging", "production_site")):
        sv.add_photo(services, small_jpeg(shade), links, subject)
    missing = sv.finalize_visit(services, visit_id)  # a draft visit stays on the phone
    stages: list[str] = []
    report = asyncio.run(sv.run_sync(services, lambda p: stages.append(p.stage)))
    states = {kind: sv.record_sync_state(services, kind, rid) for kind, rid in (
        ("producer", producer_id), ("visit", visit_id), ("photo", str(stored["id"])))}
    pending = sv.pending_changes(services)
    services.close()
    return {
        "importable_forbidden": importable,
        "loaded_forbidden": sorted(m for m in sys.modules if m.split(".")[0] in FORBIDDEN),
        "data_dir": str(folder),
        "store_files": sorted(str(p.relative_to(folder)) for p in folder.rglob("*")
                              if p.is_file()),
        "producer_id": producer_id,
        "visit_id": visit_id,
        "photo": {k: stored.get(k) for k in ("id", "thumb_sha256", "width", "height")},
        "draft_issue_codes": sorted({i.code for i in draft_issues}),
        "finalize_missing": missing,
        "report": {k: getattr(report, k, None) for k in (
            "completed", "error_en", "pushed", "statuses", "thumbnails_uploaded",
            "photos_uploaded", "photos_waiting_wifi", "safe_to_wipe")},
        "stages": stages,
        "sync_states": states,
        "pending_after_sync": pending,
        "versions": {d: importlib.metadata.version(d) for d in ("pillow", "msgpack", "flet")},
        "python": sys.version.split()[0],
    }


if __name__ == "__main__":
    bundle_arg, server_arg, code_arg, photo_arg = sys.argv[1:5]
    result = journey(Path(bundle_arg), server_arg, code_arg, Path(photo_arg))
    print(json.dumps(result, ensure_ascii=False, default=str))
