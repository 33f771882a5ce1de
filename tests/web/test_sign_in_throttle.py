"""Sign-in protection (issue 11, item 7) on a real server process, over the real form: no one
can lock the supervisor out by knowing the username; guesses slow down per (username,
client address) with growing delays and per address; unknown and known usernames get the
same answers; an administrator lifts delays from the CLI; every attempt is audited and the
district's supervisor sees them. Each test signs in from its own loopback address."""

from __future__ import annotations

import re
import tempfile
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from sync_server.accounts import create_district, create_user
from sync_server.db.tables import audit_log, signin_throttle
from sync_server.web.signin_throttle import FREE_FAILURES, MAX_DELAY, delay_after
from tests.support.pg import create_database, drop_database, require_pg_admin_url
from tests.support.server import EACH_DATABASE, ServerProcess, start_server

DISTRICT, OTHER = "2403", "2401"
PASSWORD = "ตรวจงาน-2569"
ADDRESS_LIMIT = 12  # failed sign-ins per address (the server's default is 30)


@dataclass
class Site:
    server: ServerProcess
    supervisor: str
    other_supervisor: str
    admin: str

    def client(self, address: str) -> httpx.Client:
        """A browser from its own client address (one connection per request)."""
        return httpx.Client(base_url=self.server.base_url, timeout=60, follow_redirects=False,
                            headers={"Connection": "close"},
                            transport=httpx.HTTPTransport(local_address=address))


def _start(database: str) -> Iterator[Site]:
    database_url = cleanup = None
    if database == "postgresql":
        admin_url = require_pg_admin_url()
        database_url = create_database(admin_url)

        def cleanup() -> None:
            drop_database(admin_url, database_url)
    with tempfile.TemporaryDirectory(prefix="tambon-signin-") as temp:
        server = start_server(Path(temp), database_url=database_url,
                              env={"TAMBON_SIGNIN_ADDRESS_LIMIT": str(ADDRESS_LIMIT)})
        try:
            names = {}
            with server.engine.begin() as conn:
                create_district(conn, DISTRICT)
                create_district(conn, OTHER)
                for short, role, district in (("malee", "supervisor", DISTRICT),
                                              ("wichai", "supervisor", OTHER),
                                              ("root", "admin", DISTRICT)):
                    names[short] = f"{short}-{uuid.uuid4().hex[:6]}"
                    create_user(conn, district_code=district, role=role, display_name=short,
                                username=names[short], password=PASSWORD)
            yield Site(server, names["malee"], names["wichai"], names["root"])
        finally:
            server.stop()
            if cleanup is not None:
                cleanup()


@pytest.fixture(scope="module", params=EACH_DATABASE)
def site(request: pytest.FixtureRequest) -> Iterator[Site]:
    """Both databases: for what depends on transactions and locks."""
    yield from _start(request.param)


@pytest.fixture(scope="module")
def sqlite_site() -> Iterator[Site]:
    """SQLite only, for what does not depend on the database (argon2 is slow on purpose)."""
    yield from _start("sqlite")


def _attempt(client: httpx.Client, username: str, password: str,
             lang: str = "th") -> httpx.Response:
    client.cookies.set("lang", lang)
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token, page.text
    return client.post("/login", data={"username": username, "password": password,
                                       "csrf_token": token[1], "next": "/producers"})


def _answer(response: httpx.Response) -> tuple[int, str | None, str]:
    """What a caller can see, without the per-client form token."""
    body = re.sub(r'name="csrf_token" value="[^"]+"', "", response.text)
    return response.status_code, response.headers.get("retry-after"), body


def _fast_forward(site: Site, username: str, address: str) -> None:
    """As if the pair's delay had passed (the server reads the time from the database)."""
    with site.server.engine.begin() as conn:
        conn.execute(signin_throttle.update().where(signin_throttle.c.username == username,
                                                    signin_throttle.c.address == address)
                     .values(next_allowed_at=datetime.now(UTC) - timedelta(seconds=1)))


def _hold_back(site: Site, username: str, address: str, seconds: int = 600) -> None:
    """As if the pair had guessed on for a while: its next attempt is `seconds` away (the
    tests do not depend on how fast this machine checks a password)."""
    with site.server.engine.begin() as conn:
        conn.execute(signin_throttle.update().where(signin_throttle.c.username == username,
                                                    signin_throttle.c.address == address)
                     .values(next_allowed_at=datetime.now(UTC) + timedelta(seconds=seconds)))


def _pair(site: Site, username: str, address: str) -> sa.Row | None:
    with site.server.engine.connect() as conn:
        return conn.execute(sa.select(signin_throttle).where(
            signin_throttle.c.username == username,
            signin_throttle.c.address == address)).first()


def test_delays_grow_from_the_fourth_wrong_password() -> None:
    assert [delay_after(n).total_seconds() for n in range(1, 9)] == [0, 0, 0, 2, 4, 8, 16, 32]
    assert delay_after(40) == MAX_DELAY == delay_after(10_000)


def test_unknown_and_known_usernames_get_identical_answers(sqlite_site: Site) -> None:
    unknown = f"nobody-{uuid.uuid4().hex[:6]}"
    for i, lang in enumerate(("th", "en")):
        answers = {}
        for name, username, address in (("known", sqlite_site.supervisor, f"127.0.1.{i + 1}"),
                                        ("unknown", unknown, f"127.0.2.{i + 1}")):
            with sqlite_site.client(address) as client:
                answers[name] = [_answer(_attempt(client, username, "เดาผิด-1", lang))
                                 for _ in range(FREE_FAILURES + 1)]
                _hold_back(sqlite_site, username, address)
                answers[name].append(_answer(_attempt(client, username, PASSWORD, lang)))
        retry = [int(answers[name][-1][1] or 0) for name in ("known", "unknown")]
        assert min(retry) >= 590 and abs(retry[0] - retry[1]) <= 1
        same = [[(status, re.sub(r"\b(599|600)\b", "…", body)) for status, _, body in a]
                for a in (answers["known"], answers["unknown"])]
        assert same[0] == same[1]
        statuses = [status for status, _, _ in answers["known"]]
        assert statuses == [401] * (FREE_FAILURES + 1) + [429]
        words = {"th": ("ลองได้อีก 2 ครั้ง", "รอ 2 วินาที", "ลองเข้าสู่ระบบผิดหลายครั้งเกินไป"),
                 "en": ("2 more attempts", "Wait 2 seconds", "Too many wrong attempts")}[lang]
        assert words[0] in answers["unknown"][1][2]
        assert words[1] in answers["unknown"][FREE_FAILURES][2]
        assert words[2] in answers["unknown"][-1][2]


def test_a_guesser_elsewhere_cannot_lock_the_supervisor_out(sqlite_site: Site) -> None:
    guesser_address = "127.0.3.1"
    with sqlite_site.client(guesser_address) as guesser:
        for i in range(FREE_FAILURES + 5):  # guessing on for minutes
            assert _attempt(guesser, sqlite_site.supervisor, f"เดา-{i}").status_code == 401
            if i >= FREE_FAILURES:  # too soon after the last wrong guess
                again = _attempt(guesser, sqlite_site.supervisor, f"เดาอีก-{i}")
                assert again.status_code == 429
                _fast_forward(sqlite_site, sqlite_site.supervisor, guesser_address)
        assert _attempt(guesser, sqlite_site.supervisor, "เดาอีกครั้ง").status_code == 401
        # Even the right password waits at the guesser's address (64 s now, then 128 s...).
        held = _attempt(guesser, sqlite_site.supervisor, PASSWORD)
        assert held.status_code == 429 and int(held.headers["retry-after"]) > 15
    with sqlite_site.client("127.0.3.2") as office:  # the supervisor at the office: no wait
        assert _attempt(office, sqlite_site.supervisor, PASSWORD).status_code == 303


def test_each_further_failure_doubles_the_wait_and_success_forgets(site: Site) -> None:
    address = "127.0.4.1"
    with site.client(address) as client:
        waits = []
        for _ in range(FREE_FAILURES + 4):
            assert _attempt(client, site.supervisor, "ผิด").status_code == 401
            row = _pair(site, site.supervisor, address)
            assert row is not None
            waits.append((row.next_allowed_at - row.last_failure_at).total_seconds())
            _fast_forward(site, site.supervisor, address)
        assert waits == [0, 0, 0, 2, 4, 8, 16]
        assert _attempt(client, site.supervisor, PASSWORD).status_code == 303
    assert _pair(site, site.supervisor, address) is None


def test_parallel_guesses_queue_behind_the_delay(site: Site) -> None:
    """Ten guesses at once from a pair that is out of free attempts: one is checked, the
    other nine wait behind the delay it starts (64 s) instead of slipping through."""
    username, address = f"nobody-{uuid.uuid4().hex[:6]}", "127.0.5.1"
    now = datetime.now(UTC)
    with site.server.engine.begin() as conn:
        conn.execute(signin_throttle.insert().values(
            username=username, address=address, failures=FREE_FAILURES + 5,
            last_failure_at=now, next_allowed_at=now - timedelta(seconds=1)))
    clients = [site.client(address) for _ in range(10)]
    try:
        with ThreadPoolExecutor(max_workers=len(clients)) as pool:
            statuses = list(pool.map(lambda c: _attempt(c, username, "เดาสุ่ม").status_code,
                                     clients))
    finally:
        for client in clients:
            client.close()
    assert sorted(statuses) == [401] + [429] * 9, statuses


def test_the_address_limit_holds_across_usernames_and_the_cli_lifts_it(site: Site) -> None:
    with site.client("127.0.6.1") as sprayer:  # one failure per username: no delays
        for i in range(ADDRESS_LIMIT):
            assert _attempt(sprayer, f"guess-{i}-{uuid.uuid4().hex[:4]}", "x").status_code == 401
        assert _attempt(sprayer, "guess-more", "x").status_code == 429
        assert _attempt(sprayer, site.other_supervisor, PASSWORD).status_code == 429
        out = site.server.cli("unlock-user", site.other_supervisor, "--address", "127.0.6.1")
        assert "ปลด" in out.stdout and "127.0.6.1" in out.stdout
        assert _attempt(sprayer, site.other_supervisor, PASSWORD).status_code == 303


def test_an_administrator_lifts_the_delays_from_the_cli(sqlite_site: Site) -> None:
    with sqlite_site.client("127.0.7.1") as client:
        for _ in range(FREE_FAILURES + 1):
            _attempt(client, sqlite_site.other_supervisor, "ผิด")
        _hold_back(sqlite_site, sqlite_site.other_supervisor, "127.0.7.1")
        assert _attempt(client, sqlite_site.other_supervisor, PASSWORD).status_code == 429
        sqlite_site.server.cli("unlock-user", sqlite_site.other_supervisor)
        assert _attempt(client, sqlite_site.other_supervisor, PASSWORD).status_code == 303


def test_sign_ins_are_audited_and_shown_to_the_district(sqlite_site: Site) -> None:
    unknown = f"nobody-{uuid.uuid4().hex[:6]}"
    with sqlite_site.client("127.0.8.1") as client:
        for _ in range(FREE_FAILURES + 1):
            _attempt(client, sqlite_site.supervisor, "ผิด")
        _hold_back(sqlite_site, sqlite_site.supervisor, "127.0.8.1")
        assert _attempt(client, sqlite_site.supervisor, "ผิด").status_code == 429
        for _ in range(2):
            _attempt(client, unknown, "ผิด")
        _fast_forward(sqlite_site, sqlite_site.supervisor, "127.0.8.1")
        assert _attempt(client, sqlite_site.supervisor, PASSWORD).status_code == 303
        page = client.get("/sign-ins")
    assert page.status_code == 200
    mine = page.text
    for action in ("web.sign_in", "web.sign_in_failed", "web.sign_in_throttled"):
        assert f'data-action="{action}"' in mine
    assert "127.0.8.1" in mine and sqlite_site.supervisor in mine
    assert unknown not in mine  # no district: administrators only
    with sqlite_site.client("127.0.8.2") as other:
        assert _attempt(other, sqlite_site.other_supervisor, PASSWORD).status_code == 303
        assert sqlite_site.supervisor not in other.get("/sign-ins").text
    with sqlite_site.client("127.0.8.3") as admin:
        assert _attempt(admin, sqlite_site.admin, PASSWORD).status_code == 303
        assert unknown in admin.get("/sign-ins").text
    with sqlite_site.server.engine.connect() as conn:
        rows = conn.execute(sa.select(audit_log.c.action, audit_log.c.district_code).where(
            audit_log.c.ip == "127.0.8.1")).all()
    assert {(a, d) for a, d in rows} >= {("web.sign_in_failed", DISTRICT),
                                         ("web.sign_in_throttled", DISTRICT),
                                         ("web.sign_in", DISTRICT),
                                         ("web.sign_in_failed", None)}
