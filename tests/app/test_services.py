"""The adapter between screens and the other parts, on a real device store, photo store and
schemas (no Flet, no mocks)."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from fieldapp import services as sv
from fieldapp.settings import load_settings


@pytest.fixture
def services(tmp_path: Path) -> Iterator[sv.Services]:
    s = sv.Services(data_dir=tmp_path, settings=load_settings(tmp_path))
    yield s
    s.close()


def jpeg(width: int = 1200, height: int = 900) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (180, 90, 30)).save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


async def one_auto_sync_round(services: sv.Services,
                               connectivity: sv.ConnectivityProbe | None = None) -> None:
    """Run the background sync loop until it has produced a new report."""
    before = services.last_report
    task = asyncio.create_task(sv.auto_sync(services, 0.01, connectivity))
    for _ in range(500):
        await asyncio.sleep(0.02)
        if services.last_report is not before:
            break
    task.cancel()


def test_a_visit_goes_from_missing_items_to_final(services: sv.Services) -> None:
    producer_id = sv.save_record(services, "producer", None, {"name_th": "กลุ่มทอผ้าบ้านหมอนทอง"})
    product_id = sv.save_record(
        services, "product", None, {"producer_id": producer_id, "name_th": "ผ้าขาวม้าทอมือ"}
    )
    visit_id = sv.save_record(
        services, "visit", None, {"producer_id": producer_id, "product_ids": [product_id]}
    )
    assert sv.record_sync_state(services, "visit", visit_id) == "draft"
    missing = sv.missing_for_finalize(services, visit_id)
    fields = {(m["record_type"], m["field"].split(".")[0]) for m in missing}
    assert ("visit", "purpose") in fields
    assert ("producer", "phone") in fields
    assert ("product", "price_thb") in fields
    assert all(m["message_th"] and m["message_en"] for m in missing)
    assert sv.finalize_visit(services, visit_id)  # refused: still missing


    sv.save_record(
        services,
        "producer",
        producer_id,
        {
            "producer_type": "community_group",
            "phone": "0812345678",
            "address": {
                "subdistrict_code": "240304",
                "district_code": "2403",
                "province_code": "24",
                "postal_code": "24150",
            },
        },
    )
    sv.save_record(services, "product", product_id, {"category": "textile", "price_thb": 350})
    sv.save_record(
        services,
        "visit",
        visit_id,
        {
            "purpose": "follow_up",
            "started_at": "2026-11-25T02:00:00Z",
            "gps": {"lat": 13.84, "lon": 101.06, "accuracy_m": 8.0},
            "needs": ["marketing_channels"],
        },
    )
    # the supervisor's shot list: four photos of the product seen, taken during this visit
    missing = sv.missing_for_finalize(services, visit_id)
    assert [m["code"] for m in missing] == ["shot_list_incomplete"]
    assert "ฉลาก" in missing[0]["message_th"] and "label photo" in missing[0]["message_en"]
    links = {"producer_id": producer_id, "product_id": product_id, "visit_id": visit_id}
    for shade, subject in enumerate(("product", "label", "packaging", "production_site")):
        sv.add_photo(services, jpeg(1200 + shade, 900), links, subject=subject)
    assert sv.missing_for_finalize(services, visit_id) == []
    assert sv.finalize_visit(services, visit_id) == []
    assert sv.get_record(services, "visit", visit_id)["status"] == "final"  # type: ignore[index]
    assert sv.record_sync_state(services, "visit", visit_id) == "waiting"
    assert sv.pending_changes(services) >= 3


def test_finalize_needs_a_product_seen_and_the_visit_can_be_discarded(
    services: sv.Services,
) -> None:
    """Regression (issue 12, finding 5): a visit with no product marked as seen said
    "nothing missing"; a visit started by mistake could not be discarded."""
    producer_id = sv.save_record(services, "producer", None, {"name_th": "กลุ่มแม่บ้านบางคล้า"})
    visit_id = sv.save_record(services, "visit", None, {"producer_id": producer_id})
    codes = {m.get("code") for m in sv.missing_for_finalize(services, visit_id)}
    assert "no_product_seen" in codes
    product_id = sv.save_record(
        services, "product", None, {"producer_id": producer_id, "name_th": "น้ำพริกเผา"}
    )
    sv.link_product_to_visit(services, visit_id, product_id)
    sv.link_product_to_visit(services, visit_id, product_id)  # twice: listed once
    visit = sv.get_record(services, "visit", visit_id)
    assert visit is not None and visit["product_ids"] == [product_id]
    codes = {m.get("code") for m in sv.missing_for_finalize(services, visit_id)}
    assert "no_product_seen" not in codes and "shot_list_incomplete" in codes
    photo = sv.add_photo(
        services, jpeg(), {"producer_id": producer_id, "product_id": product_id,
                           "visit_id": visit_id}, subject="label"
    )
    assert sv.discard_draft_visit(services, visit_id)
    assert sv.get_record(services, "visit", visit_id) is None
    assert sv.get_record(services, "photo", str(photo["id"])) is None
    assert sv.get_record(services, "product", product_id) is not None  # the product stays


def test_search_by_thai_name_and_subdistrict(services: sv.Services) -> None:
    for name, code in [("กลุ่มจักสานผักตบชวา", "240301"), ("วิสาหกิจชุมชนปลาสลิด", "240302")]:
        sv.save_record(
            services, "producer", None, {"name_th": name, "address": {"subdistrict_code": code}}
        )
    assert [p["name_th"] for p in sv.search_producers(services, text="ปลาสลิด")] == [
        "วิสาหกิจชุมชนปลาสลิด"
    ]
    assert [p["name_th"] for p in sv.search_producers(services, subdistrict_code="240301")] == [
        "กลุ่มจักสานผักตบชวา"
    ]


def test_a_photo_is_processed_stored_and_recorded(services: sv.Services) -> None:
    services.settings.photo_long_edge = 1024
    producer_id = sv.save_record(services, "producer", None, {"name_th": "กลุ่มน้ำพริก"})
    fields = sv.add_photo(
        services, jpeg(3000, 2000), {"producer_id": producer_id}, subject="packaging"
    )
    assert max(fields["width"], fields["height"]) == 1024
    record = sv.get_record(services, "photo", fields["id"])
    assert record is not None and record["subject"] == "packaging"
    assert services.photo_store.has(fields["id"]) and services.photo_store.has(
        fields["thumb_sha256"]
    )
    thumb = sv.thumbnail_bytes(services, record)
    assert thumb is not None and thumb[:2] == b"\xff\xd8"
    # the same picture again is the same record, not a second one
    sv.add_photo(services, jpeg(3000, 2000), {"producer_id": producer_id}, subject="packaging")
    assert len(sv.related(services, "photos", producer_id)) == 1


def test_a_deleted_picture_cannot_come_back_under_its_old_id(services: sv.Services) -> None:
    producer_id = sv.save_record(services, "producer", None, {"name_th": "กลุ่มน้ำพริก"})
    fields = sv.add_photo(services, jpeg(), {"producer_id": producer_id}, subject="label")
    sv.delete_record(services, "photo", fields["id"])
    with pytest.raises(sv.PhotoDeletedError) as caught:
        sv.add_photo(services, jpeg(), {"producer_id": producer_id}, subject="label")
    assert caught.value.message_th.startswith("รูปนี้ถูกลบไปแล้ว")


def test_a_picture_that_is_not_an_image_is_refused_in_both_languages(
    services: sv.Services,
) -> None:
    from fieldapp.photos import PhotoError

    with pytest.raises(PhotoError) as caught:
        sv.add_photo(services, b"not a picture", {"producer_id": "0" * 32}, subject="product")
    assert caught.value.message_th and caught.value.message_en
    assert sv.list_records(services, "photo") == []


def test_sync_without_a_server_says_the_data_waits(services: sv.Services) -> None:
    from tests.support.browser import free_port

    services.settings.server = f"http://127.0.0.1:{free_port()}"  # nobody listens here
    services.settings.token = "t" * 40
    sv.save_record(services, "producer", None, {"name_th": "กลุ่มแปรรูปปลา"})
    report = asyncio.run(sv.run_sync(services, lambda progress: None))
    assert not report.completed
    assert report.error_th and report.error_en
    assert sv.pending_changes(services) == 1


def test_background_sync_tries_by_itself_and_keeps_the_result(services: sv.Services) -> None:
    from tests.support.browser import free_port

    services.settings.server = f"http://127.0.0.1:{free_port()}"
    services.settings.token = "t" * 40
    sv.save_record(services, "producer", None, {"name_th": "กลุ่มข้าวหลาม"})

    asyncio.run(one_auto_sync_round(services))
    assert services.last_report is not None and not services.last_report.completed
    assert services.last_sync_at is not None
    assert sv.pending_changes(services) == 1


def test_background_sync_interval_has_a_floor() -> None:
    from fieldapp.config import auto_sync_interval

    assert auto_sync_interval({}) == 300
    assert auto_sync_interval({"TAMBON_AUTO_SYNC_S": "1"}) == 10
    assert auto_sync_interval({"TAMBON_AUTO_SYNC_S": "ห้านาที"}) == 300


def test_records_made_before_enrolment_move_to_the_servers_device_id(
    services: sv.Services,
) -> None:
    producer_id = sv.save_record(services, "producer", None, {"name_th": "กลุ่มปลาร้าบองแม่นวล"})
    gone = sv.save_record(services, "producer", None, {"name_th": "พิมพ์ผิด"})
    sv.delete_record(services, "producer", gone)
    old_dir = services.store_dir
    server_id = "d" * 32

    sv.adopt_device_id(services, server_id)

    assert services.settings.device_id == server_id
    assert not old_dir.exists()
    assert [p["id"] for p in sv.list_records(services, "producer")] == [producer_id]
    assert sv.pending_changes(services) == 1
    [change] = services.store.pending_changes()
    assert change.device_id == server_id
    assert all(clock.endswith(server_id) for clock in change.clocks.values())
    # the choice survives a restart
    from fieldapp.settings import load_settings

    assert load_settings(services.data_dir).store_folder == f"store-{server_id}"


def test_enrol_after_working_offline_then_sync(tmp_path: Path) -> None:
    """The officer skipped enrolment, surveyed, then enrolled: the survey reaches the server."""
    import sqlalchemy as sa

    from sync_server.db.tables import records
    from tests.support.server import start_server

    server = start_server(tmp_path / "server")
    try:
        services = sv.Services(data_dir=tmp_path / "phone", settings=load_settings(tmp_path))
        sv.save_record(services, "producer", None, {"name_th": "กลุ่มข้าวกล้องบ้านดอนเกาะกา"})
        code = server.add_user("2403", "officer", "ประยูร ตั้งใจ").code
        asyncio.run(sv.enrol_device(services, server.base_url, code, "โทรศัพท์ทดสอบ"))
        assert services.settings.enrolled and services.settings.district_code == "2403"
        report = asyncio.run(sv.run_sync(services, lambda progress: None))
        assert report.completed, report.error_en
        services.close()
        with server.engine.connect() as conn:
            titles = conn.execute(
                sa.select(records.c.title).where(records.c.record_type == "producer")
            ).scalars()
            assert "กลุ่มข้าวกล้องบ้านดอนเกาะกา" in list(titles)
    finally:
        server.stop()


def test_photos_only_on_wifi_holds_full_photos_on_mobile_data(tmp_path: Path) -> None:
    """The setting with the phone on mobile data: records and thumbnails go, the full photo
    waits (and the phone is not safe to wipe); on Wi-Fi the background sync sends it."""
    from tests.support.server import start_server

    server = start_server(tmp_path / "server")
    services = sv.Services(data_dir=tmp_path / "phone", settings=load_settings(tmp_path))
    try:
        code = server.add_user("2403", "officer", "สมศรี ใจดี").code
        asyncio.run(sv.enrol_device(services, server.base_url, code, "โทรศัพท์ทดสอบ"))
        services.settings.photos_wifi_only = True
        producer_id = sv.save_record(services, "producer", None, {"name_th": "กลุ่มจักสาน"})
        photo = sv.add_photo(services, jpeg(), {"producer_id": producer_id}, subject="product")

        held = asyncio.run(sv.run_sync(services, lambda progress: None, ["mobile"]))
        assert held.completed, held.error_en
        assert held.thumbnails_uploaded == 1 and held.photos_uploaded == 0
        assert held.photos_waiting_wifi == 1 and not held.safe_to_wipe
        assert held.notice_th and "Wi-Fi" in held.notice_th
        assert held.notice_en and "wait for Wi-Fi" in held.notice_en
        assert sv.pending_changes(services) == 0
        assert not sv.photos_may_go_now(services, ["mobile"])
        assert sv.photos_may_go_now(services, ["wifi"])

        asked: list[str] = []

        async def on_wifi() -> list[str] | None:
            asked.append("wifi")
            return ["wifi"]

        asyncio.run(one_auto_sync_round(services, on_wifi))
        report = services.last_report
        assert report is not None
        assert asked and report is not held and report.completed, report.error_en
        assert report.photos_uploaded == 1 and report.photos_waiting_wifi == 0
        assert report.safe_to_wipe
        with server.engine.connect() as conn:
            import sqlalchemy as sa

            from sync_server.db.tables import photos

            stored = set(conn.execute(sa.select(photos.c.sha256)).scalars())
        assert {photo["id"], photo["thumb_sha256"]} <= stored
    finally:
        services.close()
        server.stop()


def test_search_finds_phones_however_written_thai_digits_and_no_tone_marks(
    services: sv.Services,
) -> None:
    """Regression (issue 12, finding 7): search missed phone numbers, Thai digits (๐๘๑…),
    "+66 …" and names typed without tone marks. Folding is schemas.textfold's."""
    sv.save_record(services, "producer", None, {
        "name_th": "กลุ่มแม่บ้านน้ำพริกบ้านหนองแขม", "phone": "0812345678",
        "id_number": "0994000123456"})
    sv.save_record(services, "producer", None, {"name_th": "ร้านขนมไทยป้าแดง"})

    def names(text: str) -> list[str]:
        return [str(p["name_th"]) for p in sv.search_producers(services, text=text)]

    for query in ("081-234-5678", "+66 81 234 5678", "๐๘๑๒๓๔๕๖๗๘", "234 5678",
                  "กลุมแมบานนำพริก", "หนองแขม", "0994000123456"):
        assert names(query) == ["กลุ่มแม่บ้านน้ำพริกบ้านหนองแขม"], query
    assert names("ป้าแดง") == ["ร้านขนมไทยป้าแดง"]
    assert names("0899999999") == []
    assert len(names("")) == 2


def test_a_damaged_store_is_reported_to_the_officer(tmp_path: Path) -> None:
    """The device store's damage report reaches home and settings (services.store_damage),
    in Thai and English, and stays until the office has it (after a restart too)."""
    settings = load_settings(tmp_path)
    services = sv.Services(data_dir=tmp_path, settings=settings)
    for n in range(40):
        sv.save_record(services, "producer", None, {"name_th": f"กลุ่มจักสานบ้านที่ {n + 1}"})
    assert sv.store_damage(services, "th") == []
    journal = services.store_dir / "records.journal"
    services.close()
    data = bytearray(journal.read_bytes())
    middle = len(data) // 2
    data[middle:middle + 24] = b"\xff" * 24  # a bad block in the middle of the file
    journal.write_bytes(bytes(data))

    reopened = sv.Services(data_dir=tmp_path, settings=load_settings(tmp_path))
    try:
        [thai] = sv.store_damage(reopened, "th")
        [english] = sv.store_damage(reopened, "en")
        assert "ข้อมูลในเครื่องเสียหายบางส่วน" in thai
        assert "could not be read" in english
        assert 30 <= len(sv.list_records(reopened, "producer")) < 40
    finally:
        reopened.close()
    again = sv.Services(data_dir=tmp_path, settings=load_settings(tmp_path))
    try:
        assert len(sv.store_damage(again, "th")) == 1  # kept until the office has it
        [(when, text, sent)] = sv.store_damage_history(again, "en")
        assert when and "could not be read" in text and not sent
    finally:
        again.close()
