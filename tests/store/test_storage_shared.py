"""TinyDB's query API on every crash-safe storage: what an app written for TinyDB relies on."""

from __future__ import annotations

from pathlib import Path

import pytest
from tinydb import Query, TinyDB
from tinydb.operations import add, delete, increment

from fieldapp.store import DurableStorage, InvalidRecordError

Producer = Query()


def test_insert_search_update_remove(db: TinyDB) -> None:
    first = db.insert({"name_th": "กลุ่มแม่บ้านบางขนาก", "category": "food", "members": 12})
    db.insert({"name_th": "วิสาหกิจชุมชนผ้าทอโยธะกา", "category": "textile", "members": 8})
    assert [d["name_th"] for d in db.search(Producer.category == "food")] == ["กลุ่มแม่บ้านบางขนาก"]
    db.update(increment("members"), doc_ids=[first])
    assert db.get(doc_id=first)["members"] == 13
    db.remove(Producer.category == "textile")
    assert len(db) == 1


def test_everything_survives_reopening(
    tmp_path: Path, db: TinyDB, storage_class: type[DurableStorage]
) -> None:
    products = db.table("product")
    products.insert_multiple(
        {"name_th": f"น้ำพริกเผา สูตร {n}", "price_thb": 35 + n} for n in range(20)
    )
    products.update({"unit": "กระปุก"}, Producer.price_thb > 50)
    products.remove(Producer.price_thb == 35)
    db.table("visit").insert({"purpose": "follow_up", "needs": ["packaging"]})
    db.table("visit").update(add("needs", ["standards"]))  # type: ignore[arg-type]  # lists add too
    db.table("empty")  # not written until something is stored, as with TinyDB's JSONStorage
    expected = {name: db.table(name).all() for name in db.tables()}
    db.close()

    again = TinyDB(tmp_path / "tambon.db", storage=storage_class)
    try:
        assert {name: again.table(name).all() for name in again.tables()} == expected
        assert again.table("visit").all()[0]["needs"] == ["packaging", "standards"]
        assert again.table("product").get(Producer.price_thb == 54)["unit"] == "กระปุก"  # type: ignore[index]
        # new ids continue after the highest one, as TinyDB does
        new_id = again.table("product").insert({"name_th": "ข้าวเกรียบ"})
        assert new_id == 21
    finally:
        again.close()


def test_truncate_drop_and_upsert(db: TinyDB) -> None:
    table = db.table("plan_item")
    table.insert_multiple({"need": "packaging", "n": n} for n in range(5))
    table.upsert({"need": "packaging", "n": 2, "status": "done"}, Producer.n == 2)
    table.upsert({"need": "budget", "n": 99}, Producer.n == 99)
    assert table.count(Producer.status == "done") == 1
    assert len(table) == 6
    table.truncate()
    assert len(table) == 0
    db.insert({"x": 1})
    db.drop_table("plan_item")
    assert "plan_item" not in db.tables()
    db.drop_tables()
    assert db.tables() == set()


def test_field_removal_and_nested_values(db: TinyDB) -> None:
    doc_id = db.insert({"address": {"moo": 3, "subdistrict_code": "240302"}, "notes": "โทรก่อน"})
    db.update(delete("notes"), doc_ids=[doc_id])
    assert db.get(doc_id=doc_id) == {"address": {"moo": 3, "subdistrict_code": "240302"}}


def test_a_value_json_cannot_hold_is_refused_and_nothing_is_stored(
    tmp_path: Path, db: TinyDB, storage_class: type[DurableStorage]
) -> None:
    db.insert({"name_th": "ก่อน"})
    with pytest.raises(InvalidRecordError) as error:
        db.insert_multiple([{"name_th": "ได้"}, {"price": float("nan")}])
    assert "JSON" in str(error.value) and "บันทึกไม่ได้" in str(error.value)
    with pytest.raises(InvalidRecordError):
        db.insert({"when": object()})
    assert [d["name_th"] for d in db.all()] == ["ก่อน"]
    db.close()
    again = TinyDB(tmp_path / "tambon.db", storage=storage_class)
    try:
        assert [d["name_th"] for d in again.all()] == ["ก่อน"]
    finally:
        again.close()


def test_what_tinydb_reads_is_a_copy(db: TinyDB) -> None:
    """TinyDB mutates the data it read before writing; a failed update must not leak."""
    doc_id = db.insert({"needs": ["budget"]})

    def explode(doc: dict) -> None:
        doc["needs"].append("packaging")
        raise RuntimeError("ผู้ใช้ยกเลิก")

    with pytest.raises(RuntimeError):
        db.update(explode, doc_ids=[doc_id])
    assert db.get(doc_id=doc_id) == {"needs": ["budget"]}


def test_a_second_open_of_the_same_file_is_refused(
    tmp_path: Path, db: TinyDB, storage_class: type[DurableStorage]
) -> None:
    from fieldapp.store import StoreLockedError

    with pytest.raises(StoreLockedError, match="already open"):
        storage_class(tmp_path / "tambon.db")
