"""Who may open and do what, page by page: anonymous, partner, officer, supervisor."""

from __future__ import annotations

import uuid

import httpx
import pytest

from tests.web.conftest import Office, csrf_of, producer, put, signed_in

PAGES = ["/producers", "/producers/{pid}", "/review", "/review/{visit}", "/conflicts",
         "/duplicates"]
# POSTs that change data, and who may make them.
ACTIONS = [
    ("/producers/{pid}/plan", {"action": "ทดสอบสิทธิ์", "status": "planned"}, "office"),
    ("/review/{visit}", {"status": "approved"}, "supervisor"),
    ("/conflicts/{missing}/resolve", {"choice": "winning"}, "supervisor"),
    ("/duplicates/merge", {"keep": "{pid}", "pair": "{pid} {pid}"}, "supervisor"),
    ("/duplicates/merge", {"keep": "{pid}", "pair": "{pid} {pid}", "confirm": "yes"},
     "supervisor"),
    ("/duplicates/undo", {"merge": "999999999"}, "supervisor"),
]


@pytest.fixture
def ids(office: Office) -> dict[str, str]:
    pid = producer(office.engine, f"ทดสอบสิทธิ์ {uuid.uuid4().hex[:6]}", "240301")
    visit = put(office.engine, "visit", {"producer_id": pid, "status": "final"})
    return {"pid": pid, "visit": visit, "missing": uuid.uuid4().hex}


@pytest.mark.parametrize("path", PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(office: Office, ids: dict[str, str],
                                                path: str) -> None:
    response = office.client().get(path.format(**ids))
    assert response.status_code == 303
    assert httpx.URL(response.headers["location"]).path == "/login"


@pytest.mark.parametrize("path", PAGES)
def test_partner_agencies_get_no_office_page(office: Office, ids: dict[str, str],
                                             path: str) -> None:
    response = signed_in(office, "commerce").get(path.format(**ids))
    assert response.status_code == 403
    assert "ไม่มีสิทธิ์" in response.text


@pytest.mark.parametrize("path", PAGES)
def test_office_staff_open_every_page(office: Office, ids: dict[str, str], path: str) -> None:
    for who in ("somchai", "malee"):
        response = signed_in(office, who).get(path.format(**ids))
        assert response.status_code == 200, (who, path)


@pytest.mark.parametrize(("path", "form", "allowed"), ACTIONS)
def test_actions_by_role(office: Office, ids: dict[str, str], path: str,
                         form: dict[str, str], allowed: str) -> None:
    url = path.format(**ids)
    data = {key: value.format(**ids) for key, value in form.items()}
    expected = {"commerce": 403, "somchai": 403 if allowed == "supervisor" else None,
                "malee": None}
    for who, status in expected.items():
        client = signed_in(office, who)
        token = csrf_of(client.get("/login?next=/").text if who == "commerce"
                        else client.get("/producers").text)
        response = client.post(url, data={**data, "csrf_token": token})
        if status is not None:
            assert response.status_code == status, (who, url, response.text[:300])
        else:
            # Allowed: it gets past the guards (a redirect, or a 400/404 about the data).
            assert response.status_code in (303, 400, 404, 409), (who, url,
                                                                  response.status_code)
        assert client.post(url, data=data).status_code == 403  # no CSRF token
