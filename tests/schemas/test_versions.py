"""Older records are upgraded before validation; newer ones are refused with "update the app"."""

from __future__ import annotations

from typing import Any

import pytest

from schemas import (
    SCHEMA_VERSION,
    UPGRADES,
    NewerSchemaError,
    UnknownSchemaVersion,
    register_upgrade,
    upgrade_record,
    validate_record,
)
from schemas._versions import Upgrade


def fake_registry() -> dict[int, Upgrade]:
    """A made-up v0 model: the producer's phone was called `tel` and had dashes."""
    registry: dict[int, Upgrade] = {}

    @register_upgrade(0, registry)
    def rename_tel(record_type: str, record: dict[str, Any]) -> dict[str, Any]:
        if record_type == "producer" and "tel" in record:
            record = dict(record)
            record["phone"] = record.pop("tel").replace("-", "")
        return record

    return registry


V0_PRODUCER = {"schema_version": 0, "name_th": "กลุ่มจักสานโพรงอากาศ", "tel": "081-234-5678"}


def test_an_old_record_is_upgraded_then_validated() -> None:
    registry = fake_registry()
    # without the upgrade, v0 is refused as unknown
    assert [(i.path, i.code) for i in validate_record("producer", V0_PRODUCER)] == [
        ("schema_version", "schema_version_unknown")]
    assert validate_record("producer", V0_PRODUCER, upgrades=registry) == []
    upgraded = upgrade_record("producer", V0_PRODUCER, upgrades=registry)
    assert upgraded == {"schema_version": 1, "name_th": "กลุ่มจักสานโพรงอากาศ",
                        "phone": "0812345678"}
    assert V0_PRODUCER["tel"] == "081-234-5678"  # the input is left alone


def test_upgrades_chain_through_every_version() -> None:
    registry = fake_registry()

    @register_upgrade(1, registry)
    def add_country(record_type: str, record: dict[str, Any]) -> dict[str, Any]:
        return {**record, "country": "TH"}

    upgraded = upgrade_record("producer", V0_PRODUCER, upgrades=registry, current=2)
    assert upgraded["schema_version"] == 2
    assert upgraded["country"] == "TH" and upgraded["phone"] == "0812345678"


def test_a_version_with_no_upgrade_path_is_refused() -> None:
    with pytest.raises(UnknownSchemaVersion) as caught:
        upgrade_record("producer", V0_PRODUCER, upgrades={})
    assert caught.value.record_version == 0


def test_registering_a_step_twice_is_refused() -> None:
    registry = fake_registry()
    with pytest.raises(ValueError, match="already registered"):
        register_upgrade(0, registry)(lambda t, r: r)


def test_a_newer_record_is_refused_with_update_the_app() -> None:
    newer = {"schema_version": SCHEMA_VERSION + 1, "name_th": "กลุ่มใหม่",
             "field_from_the_future": 1}
    issues = validate_record("producer", newer)
    assert [(i.path, i.code) for i in issues] == [("schema_version", "schema_version_newer")]
    assert "อัปเดตแอป" in issues[0].message_th
    assert "update the app" in issues[0].message_en
    with pytest.raises(NewerSchemaError) as caught:
        upgrade_record("producer", newer)
    assert caught.value.record_version == SCHEMA_VERSION + 1


def test_the_current_model_has_no_upgrades_yet() -> None:
    assert SCHEMA_VERSION == 1
    assert UPGRADES == {}
    assert upgrade_record("producer", {"name_th": "ก"}) == {"name_th": "ก"}
