"""The office sees which producers are a phone's drafts (issue 12, finding 1): a producer
that synced with only a name is marked in the register as a draft, not shown as complete."""

from __future__ import annotations

import re
import uuid

from tests.web.conftest import Office, producer, put, signed_in


def test_incomplete_producers_are_marked_as_drafts(office: Office) -> None:
    tag = uuid.uuid4().hex[:8]
    complete = producer(office.engine, f"กลุ่มจักสานบ้านดอนทอง {tag}", "240301",
                        phone="0812345678")
    only_a_name = put(office.engine, "producer", {"name_th": f"ร้านขนมบ้านนา {tag}"})
    html = signed_in(office, "somchai").get("/producers", params={"q": tag}).text

    def row(record_id: str) -> str:
        found = re.search(rf'<td><a href="/producers/{record_id}">.*?</tr>', html, re.S)
        assert found, html
        return found[0]

    assert "ร่าง ข้อมูลยังไม่ครบ" in row(only_a_name)
    assert "ร่าง" not in row(complete)
