"""A small two-district world on a real server: actors of every role in both districts, a
revoked device, and records whose personal fields the tests look for in answers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa

from recordsync.hlc import HybridLogicalClock
from sync_server.auth import create_device, hash_token, revoke_device
from sync_server.db.records import upsert_record
from sync_server.db.tables import web_sessions
from sync_server.demo_data import demo_id, thai_id
from sync_server.web.session import SESSION_COOKIE, start_session
from tests.support.server import Actor, ServerProcess, create_actors

OWN = "2403"  # บางน้ำเปรี้ยว
OTHER = "2401"  # เมืองฉะเชิงเทรา


@dataclass(frozen=True)
class WebSession:
    """An office web session (cookie + CSRF token) of an actor."""

    token: str
    csrf: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Cookie": f"{SESSION_COOKIE}={self.token}", "X-CSRF-Token": self.csrf,
                "Accept": "text/html"}


@dataclass(frozen=True)
class World:
    server: ServerProcess
    own: dict[str, Actor]
    other: dict[str, Actor]
    revoked: Actor
    own_producer_id: str
    own_product_id: str
    other_producer_id: str
    # personal values of the own district's producer (never shown to partners)
    id_number: str
    phone: str
    house_no: str
    # (district "own"/"other", role) -> office session
    sessions: dict[tuple[str, str], WebSession]

    @property
    def base_url(self) -> str:
        return self.server.base_url


def producer_fields(name: str, subdistrict: str, id_number: str, phone: str,
                    house_no: str) -> dict[str, object]:
    return {
        "producer_type": "community_group", "name_th": name, "id_kind": "national",
        "id_number": id_number, "phone": phone,
        "address": {"house_no": house_no, "moo": 4, "village": "บ้านคลองหลวง",
                    "subdistrict_code": subdistrict, "district_code": subdistrict[:4],
                    "province_code": subdistrict[:2]},
    }


def build_world(server: ServerProcess) -> World:
    own = create_actors(server.engine, OWN)
    other = create_actors(server.engine, OTHER)
    with server.engine.begin() as conn:
        _device, token = create_device(conn, user_id=own["officer"].user_id, name="หาย")
        revoked_id = _device
        revoke_device(conn, revoked_id)
    revoked = Actor(own["officer"].user_id, revoked_id, token, "officer", OWN)

    clock = HybridLogicalClock("server")
    id_number = thai_id("324039876543")
    phone = "0871112233"
    house_no = "99/123"
    own_producer = demo_id("test:own-producer")
    own_product = demo_id("test:own-product")
    other_producer = demo_id("test:other-producer")
    now = datetime.now(UTC)
    with server.engine.begin() as conn:
        for district, rid, fields in (
            (OWN, own_producer, producer_fields("กลุ่มจักสานไม้ไผ่บ้านคลองหลวง", "240305",
                                                id_number, phone, house_no)),
            (OTHER, other_producer, producer_fields("กลุ่มขนมไทยบ้านหน้าเมือง", "240101",
                                                    thai_id("324010011223"), "0891110000",
                                                    "7/7")),
        ):
            upsert_record(conn, district_code=district, record_type="producer",
                          record_id=rid, data=fields,
                          clocks={k: clock.now().encode() for k in fields}, now=now)
        product = {"producer_id": own_producer, "name_th": "ตะกร้าไม้ไผ่", "category":
                   "household", "price_thb": 250}
        upsert_record(conn, district_code=OWN, record_type="product", record_id=own_product,
                      data=product, clocks={k: clock.now().encode() for k in product}, now=now)
    sessions: dict[tuple[str, str], WebSession] = {}
    with server.engine.begin() as conn:
        for label, actors in (("own", own), ("other", other)):
            for role, actor in actors.items():
                token = start_session(conn, actor.user_id, now)
                csrf = conn.execute(sa.select(web_sessions.c.csrf_token).where(
                    web_sessions.c.token_hash == hash_token(token))).scalar_one()
                sessions[(label, role)] = WebSession(token, csrf)
    return World(server, own, other, revoked, own_producer, own_product, other_producer,
                 id_number, phone, house_no, sessions)
