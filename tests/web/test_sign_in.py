"""Sign-in, sessions, CSRF, lock-out and sign-out over HTTP against the real app."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote

import httpx
import sqlalchemy as sa

from sync_server.auth import hash_token
from sync_server.db.tables import audit_log, users, web_sessions
from sync_server.web.session import LOCK_AFTER_FAILURES, SESSION_COOKIE
from tests.web.conftest import DISTRICT, PASSWORD, Office, add_person, csrf_of, sign_in


def test_root_starts_at_sign_in(office: Office) -> None:
    client = office.client()
    response = client.get("/", follow_redirects=True)
    assert response.url.path == "/login"
    assert "เข้าสู่ระบบ" in response.text


def test_pages_redirect_to_sign_in_with_next(office: Office) -> None:
    response = office.client().get("/producers?q=ผ้า")
    assert response.status_code == 303
    location = httpx.URL(response.headers["location"])
    assert location.path == "/login"
    assert location.params["next"] == "/producers?q=" + quote("ผ้า")


def test_sign_in_sets_a_hardened_cookie_and_stores_only_a_hash(office: Office) -> None:
    client = office.client()
    response = sign_in(client, office.users["somchai"], next_url="/producers?q=x")
    assert response.status_code == 303
    assert response.headers["location"] == "/producers?q=x"
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie
    token = client.cookies[SESSION_COOKIE]
    with office.engine.connect() as conn:
        hashes = conn.execute(sa.select(web_sessions.c.token_hash)).scalars().all()
    assert hashes and token not in hashes
    page = client.get("/producers")
    assert page.status_code == 200
    assert "สมชาย ใจดี" in page.text
    assert page.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert page.headers["cache-control"] == "no-store"


def test_wrong_password_is_refused_in_thai_and_english(office: Office) -> None:
    client = office.client()
    response = sign_in(client, office.users["somchai"], "wrong-password")
    assert response.status_code == 401
    assert "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง" in response.text
    client.cookies.set("lang", "en")
    response = sign_in(client, office.users["somchai"], "wrong-password")
    assert "The username or password is wrong." in response.text
    assert SESSION_COOKIE not in client.cookies


def test_sign_in_without_the_form_token_is_refused(office: Office) -> None:
    client = office.client()
    response = client.post("/login", data={"username": office.users["somchai"],
                                           "password": PASSWORD, "csrf_token": "forged"})
    assert response.status_code == 403
    assert "แบบฟอร์มหมดอายุ" in response.text
    assert SESSION_COOKIE not in client.cookies


def test_open_redirects_are_not_followed(office: Office) -> None:
    response = sign_in(office.client(), office.users["somchai"], next_url="//evil.example/")
    assert response.headers["location"] == "/producers"


def test_repeated_failures_lock_the_account_even_for_the_right_password(office: Office) -> None:
    add_person(office, "malee", "supervisor", DISTRICT, "มาลี ศรีสุข")
    client = office.client()
    for _ in range(LOCK_AFTER_FAILURES - 1):
        assert sign_in(client, office.users["malee"], "nope-nope").status_code == 401
    locked = sign_in(client, office.users["malee"], "nope-nope")
    assert locked.status_code == 403
    assert "ถูกล็อกชั่วคราว" in locked.text
    right = sign_in(client, office.users["malee"])
    assert right.status_code == 403 and "ถูกล็อกชั่วคราว" in right.text
    client.cookies.set("lang", "en")
    assert "This account is locked" in sign_in(client, office.users["malee"]).text
    with office.engine.connect() as conn:
        until = conn.execute(sa.select(users.c.locked_until)
                             .where(users.c.username == office.users["malee"])).scalar()
        actions = conn.execute(sa.select(audit_log.c.action)).scalars().all()
    assert until is not None
    assert "web.account_locked" in actions and "web.sign_in_locked" in actions
    # The other accounts are not affected.
    assert sign_in(office.client(), office.users["somchai"]).status_code == 303


def test_success_resets_the_failure_count(office: Office) -> None:
    add_person(office, "somchai", "officer", DISTRICT, "สมชาย ใจดี")
    client = office.client()
    for _ in range(LOCK_AFTER_FAILURES - 1):
        sign_in(client, office.users["somchai"], "nope-nope")
    assert sign_in(client, office.users["somchai"]).status_code == 303
    with office.engine.connect() as conn:
        assert conn.execute(sa.select(users.c.failed_logins)
                            .where(users.c.username == office.users["somchai"])).scalar() == 0


def test_sign_out_needs_the_csrf_token_and_ends_the_session(office: Office) -> None:
    client = office.client()
    sign_in(client, office.users["somchai"])
    page = client.get("/producers")
    token = client.cookies[SESSION_COOKIE]
    refused = client.post("/logout", data={"csrf_token": "forged"})
    assert refused.status_code == 403
    assert 'data-code="csrf_failed"' in refused.text
    assert "แบบฟอร์มหมดอายุ" in refused.text and "The form expired" in refused.text
    assert client.get("/producers").status_code == 200
    done = client.post("/logout", data={"csrf_token": csrf_of(page.text)})
    assert done.status_code == 303
    assert client.get("/producers").status_code == 303
    with office.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(web_sessions).where(
            web_sessions.c.token_hash == hash_token(token))).scalar() == 0


def test_partner_agencies_cannot_open_office_pages(office: Office) -> None:
    client = office.client()
    assert sign_in(client, office.users["commerce"]).status_code == 303
    response = client.get("/producers")
    assert response.status_code == 403
    assert "ไม่มีสิทธิ์" in response.text and "Not allowed" in response.text
    as_json = client.get("/producers", headers={"Accept": "application/json"})
    assert as_json.status_code == 403 and as_json.json()["code"] == "forbidden"


def test_language_switch_is_kept_in_a_cookie(office: Office) -> None:
    client = office.client()
    sign_in(client, office.users["somchai"])
    response = client.get("/lang?to=en&next=/producers")
    assert response.status_code == 303 and response.headers["location"] == "/producers"
    page = client.get("/producers")
    assert "Producers" in page.text and '<html lang="en">' in page.text


def test_static_files_are_served_locally(office: Office) -> None:
    client = office.client()
    css = client.get("/static/css/office.css")
    assert css.status_code == 200 and "NotoSansThai-Regular.ttf" in css.text
    font = client.get("/static/fonts/NotoSansThai-Bold.ttf")
    assert font.status_code == 200 and len(font.content) > 10_000
    assert client.get("/static/../web/session.py").status_code == 404


def test_parallel_guesses_still_lock_the_account(office: Office) -> None:
    username = add_person(office, "malee", "supervisor", DISTRICT, "มาลี ศรีสุข")
    clients = [office.client() for _ in range(LOCK_AFTER_FAILURES + 3)]
    with ThreadPoolExecutor(max_workers=len(clients)) as pool:
        statuses = list(pool.map(lambda c: sign_in(c, username, "เดาสุ่ม-1234").status_code,
                                 clients))
    assert statuses.count(403) >= 1  # at least the fifth guess locked it
    assert sign_in(office.client(), username).status_code == 403
