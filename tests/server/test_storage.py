"""The storage layer (sync_server.db.records, accounts, auth, rate limits), one suite run on
SQLite and on PostgreSQL."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import Engine

from sync_server.accounts import AccountError, create_district, create_user, verify_password
from sync_server.auth import (
    enrol_device,
    issue_enrolment_code,
    principal_for_token,
    revoke_device,
)
from sync_server.db.records import get_record, next_seq, redact_for_partner, upsert_record
from sync_server.db.tables import districts, feed_counters, rate_events, records
from sync_server.problems import Problem
from sync_server.ratelimit import hit

PRODUCER = "0123456789abcdef0123456789abcdef"
PRODUCT = "fedcba9876543210fedcba9876543210"


def producer(subdistrict: str = "240301", **extra: object) -> dict[str, object]:
    return {"name_th": "กลุ่มแม่บ้านเกษตรกรบางน้ำเปรี้ยว", "phone": "0812345678",
            "id_number": "3240300123456",
            "address": {"house_no": "12/3", "moo": 2, "subdistrict_code": subdistrict}, **extra}


@pytest.fixture
def district(engine: Engine) -> str:
    with engine.begin() as conn:
        create_district(conn, "2403")
        create_district(conn, "2401")
    return "2403"


def test_create_district_takes_names_from_geothai_and_is_idempotent(engine: Engine) -> None:
    with engine.begin() as conn:
        assert create_district(conn, "2403") is True
        assert create_district(conn, "2403") is False
        row = conn.execute(sa.select(districts)).one()
        counter = conn.execute(sa.select(feed_counters.c.last_seq)).scalar()
    assert (row.name_th, row.name_en, row.province_name_th) == (
        "บางน้ำเปรี้ยว", "Bang Nam Priao", "ฉะเชิงเทรา")
    assert row.created_at.tzinfo is not None
    assert counter == 0
    with engine.begin() as conn, pytest.raises(AccountError) as error:
        create_district(conn, "9999")
    assert "ไม่พบรหัสอำเภอ" in error.value.message_th


def test_upsert_insert_update_and_denormalised_columns(engine: Engine, district: str) -> None:
    with engine.begin() as conn:
        seq1 = upsert_record(conn, district_code=district, record_type="producer",
                             record_id=PRODUCER, data=producer(),
                             clocks={"name_th": "0000000000001-00000-server"})
        seq2 = upsert_record(conn, district_code=district, record_type="product",
                             record_id=PRODUCT,
                             data={"producer_id": PRODUCER, "name_th": "ข้าวกล้องงอก"},
                             clocks={})
    assert (seq1, seq2) == (1, 2)
    with engine.connect() as conn:
        stored = get_record(conn, PRODUCER)
        product = get_record(conn, PRODUCT)
        assert get_record(conn, PRODUCER, district_code="2401") is None
        row = conn.execute(sa.select(records.c.search_text).where(records.c.id == PRODUCER)
                           ).scalar()
    assert stored is not None and product is not None
    assert stored.data == producer() and stored.clocks == {"name_th": "0000000000001-00000-server"}
    assert stored.subdistrict_code == "240301" and stored.producer_id == PRODUCER
    assert stored.title == "กลุ่มแม่บ้านเกษตรกรบางน้ำเปรี้ยว"
    assert product.producer_id == PRODUCER and product.subdistrict_code == "240301"
    assert row is not None and "0812345678" in row and PRODUCER in row
    assert stored.updated_at.tzinfo is not None

    # the producer moves: its product's subdistrict follows; both take new seqs (the
    # product is new to the phones that pull 240305)
    with engine.begin() as conn:
        seq3 = upsert_record(conn, district_code=district, record_type="producer",
                             record_id=PRODUCER, data=producer("240305"), clocks={},
                             deleted=True)
    with engine.connect() as conn:
        moved = get_record(conn, PRODUCER)
        product = get_record(conn, PRODUCT)
    assert seq3 == 3 and moved is not None and moved.deleted and moved.seq == 3
    assert product is not None and product.subdistrict_code == "240305" and product.seq == 4


def test_records_written_before_their_producer_get_its_subdistrict(engine: Engine,
                                                                   district: str) -> None:
    with engine.begin() as conn:
        upsert_record(conn, district_code=district, record_type="product", record_id=PRODUCT,
                      data={"producer_id": PRODUCER, "name_th": "น้ำพริกเผา"}, clocks={})
        assert get_record(conn, PRODUCT).subdistrict_code is None  # type: ignore[union-attr]
        upsert_record(conn, district_code=district, record_type="producer",
                      record_id=PRODUCER, data=producer("240307"), clocks={})
        product = get_record(conn, PRODUCT)
    # after its producer (2) in the feed: new to the phones that pull 240307
    assert product is not None and product.subdistrict_code == "240307" and product.seq == 3


def test_ids_cannot_cross_districts_or_types(engine: Engine, district: str) -> None:
    with engine.begin() as conn:
        upsert_record(conn, district_code=district, record_type="producer",
                      record_id=PRODUCER, data=producer(), clocks={})
    for other_district, other_type in (("2401", "producer"), (district, "product")):
        with engine.begin() as conn, pytest.raises(ValueError):
            upsert_record(conn, district_code=other_district, record_type=other_type,
                          record_id=PRODUCER, data={"name_th": "x"}, clocks={})
    with engine.connect() as conn:
        assert conn.execute(sa.select(feed_counters.c.last_seq)
                            .where(feed_counters.c.district_code == "2401")).scalar() == 0


def test_failed_transaction_stores_nothing(engine: Engine, district: str) -> None:
    with pytest.raises(RuntimeError), engine.begin() as conn:
        upsert_record(conn, district_code=district, record_type="producer",
                      record_id=PRODUCER, data=producer(), clocks={})
        raise RuntimeError("the request failed half-way")
    with engine.connect() as conn:
        assert get_record(conn, PRODUCER) is None
        assert conn.execute(sa.select(feed_counters.c.last_seq)
                            .where(feed_counters.c.district_code == district)).scalar() == 0


def test_next_seq_under_concurrent_writers_is_gapless_and_unique(engine: Engine,
                                                                 district: str) -> None:
    taken: list[int] = []
    lock = threading.Lock()
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            for i in range(10):
                rid = f"{n:02d}{i:02d}" + "0" * 28
                with engine.begin() as conn:
                    seq = upsert_record(conn, district_code=district, record_type="producer",
                                        record_id=rid, data={"name_th": f"ผู้ผลิต {n}-{i}"},
                                        clocks={})
                with lock:
                    taken.append(seq)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(taken) == list(range(1, 41))
    with engine.connect() as conn:
        seqs = conn.execute(sa.select(records.c.seq).order_by(records.c.seq)).scalars().all()
    assert seqs == list(range(1, 41))


@pytest.mark.postgres
@pytest.mark.parametrize("engine", ["postgresql"], indirect=True)
def test_feed_positions_commit_in_order_on_postgresql(engine: Engine, district: str) -> None:
    """A writer holding position N blocks the next writer until it commits, so a reader can
    never see N+1 before N (the classic skipped-row trap of sequences). PostgreSQL only:
    SQLite serialises whole write transactions (BEGIN IMMEDIATE)."""
    assert engine.dialect.name == "postgresql"
    first = engine.connect()
    tx = first.begin()
    assert next_seq(first, district) == 1
    result: list[int] = []
    second = threading.Thread(target=lambda: result.append(_take_seq(engine, district)))
    second.start()
    second.join(timeout=0.5)
    assert second.is_alive(), "the second writer must wait for the first"
    tx.commit()
    first.close()
    second.join(timeout=10)
    assert result == [2]


def _take_seq(engine: Engine, district: str) -> int:
    with engine.begin() as conn:
        return next_seq(conn, district)


def test_naive_datetimes_are_refused(engine: Engine) -> None:
    with pytest.raises(sa.exc.StatementError), engine.begin() as conn:
        conn.execute(rate_events.insert().values(bucket="x", at=datetime(2026, 1, 1)))


def test_enrolment_code_lifecycle(engine: Engine, district: str) -> None:
    now = datetime(2026, 11, 1, 3, 0, tzinfo=UTC)
    with engine.begin() as conn:
        user = create_user(conn, district_code=district, role="officer",
                           display_name="นายสมชาย ใจดี", username="somchai",
                           password="รหัสผ่านยาวพอ")
        code = issue_enrolment_code(conn, user, ttl=timedelta(days=7), now=now)
        late = issue_enrolment_code(conn, user, ttl=timedelta(days=7), now=now)
    assert len(code) == 19 and code.count("-") == 3
    # accepted with spaces and lower case, or inside the QR URL
    with engine.begin() as conn:
        enrolled = enrol_device(conn, code.lower().replace("-", " "), "Galaxy A14",
                                now=now + timedelta(days=1))
        principal = principal_for_token(conn, enrolled.token)
    assert principal is not None and principal.role == "officer"
    assert principal.display_name == "นายสมชาย ใจดี" and principal.district_code == district
    with engine.begin() as conn, pytest.raises(Problem):
        enrol_device(conn, code, "again", now=now + timedelta(days=1))
    with engine.begin() as conn, pytest.raises(Problem):  # expired
        enrol_device(conn, f"tambon://enrol?server=http%3A%2F%2Fx&code={late}", "late",
                     now=now + timedelta(days=8))
    with engine.begin() as conn:
        assert revoke_device(conn, enrolled.device_id) is True
        assert revoke_device(conn, enrolled.device_id) is False
        assert principal_for_token(conn, enrolled.token) is None
    with engine.connect() as conn:
        password_hash = conn.execute(sa.text("select password_hash from users")).scalar()
    assert verify_password(password_hash, "รหัสผ่านยาวพอ")
    assert not verify_password(password_hash, "wrong password")


def test_rate_limit_is_shared_and_recovers(engine: Engine) -> None:
    start = datetime(2026, 11, 1, tzinfo=UTC)
    window = timedelta(minutes=10)
    results = [hit(engine, "enrol:10.0.0.1", limit=3, window=window,
                   now=start + timedelta(seconds=i)) for i in range(5)]
    assert results[:3] == [None, None, None]
    assert results[3] == 600 - 3 and results[4] == 600 - 4
    assert hit(engine, "enrol:10.0.0.2", limit=3, window=window, now=start) is None
    assert hit(engine, "enrol:10.0.0.1", limit=3, window=window,
               now=start + window + timedelta(seconds=1)) is None


def test_rate_limit_holds_under_parallel_attempts(engine: Engine) -> None:
    """Parallel attempts (several workers) cannot slip past the limit: on PostgreSQL's READ
    COMMITTED each would otherwise count the others' uncommitted rows as absent."""
    limit, attempts = 3, 12
    barrier = threading.Barrier(attempts)
    answers: list[int | None] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def attempt() -> None:
        try:
            barrier.wait(timeout=30)
            answer = hit(engine, "enrol:10.0.0.9", limit=limit, window=timedelta(minutes=10))
            with lock:
                answers.append(answer)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=attempt) for _ in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert answers.count(None) == limit
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(rate_events)
                            .where(rate_events.c.bucket == "enrol:10.0.0.9")).scalar() == limit


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(
    st.sampled_from(["name_th", "id_number", "phone", "address", "notes", "gps"]),
    st.one_of(st.text(max_size=20), st.dictionaries(
        st.sampled_from(["house_no", "moo", "subdistrict_code"]), st.text(max_size=8)))))
def test_partner_redaction_never_leaks(data: dict[str, object]) -> None:
    """Whatever a record holds, the partner view has no ID number, phone or house number,
    and keeps everything else unchanged (pure function)."""
    redacted = redact_for_partner("producer", data)
    assert "id_number" not in redacted and "phone" not in redacted
    if isinstance(redacted.get("address"), dict):
        assert "house_no" not in redacted["address"]
    for key, value in data.items():
        if key in ("id_number", "phone"):
            continue
        if key == "address" and isinstance(value, dict):
            assert redacted[key] == {k: v for k, v in value.items() if k != "house_no"}
        else:
            assert redacted[key] == value
