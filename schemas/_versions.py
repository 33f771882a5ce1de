"""Record model versions and the upgrades that bring an older record up to date.

An upgrade function takes (record_type, record) at version n and returns the record at
version n + 1; it renames fields or fills defaults, never drops data. They are applied in a
chain before validation, on a copy. A record from a newer model than this app knows is
refused (NewerSchemaError: "update the app"); the server keeps such changes in change_log.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from schemas._errors import NewerSchemaError, UnknownSchemaVersion

__all__ = ["SCHEMA_VERSION", "UPGRADES", "Upgrade", "record_version", "register_upgrade",
           "upgrade_record"]

SCHEMA_VERSION = 1

Upgrade = Callable[[str, dict[str, Any]], dict[str, Any]]

# from-version -> the function that lifts a record from that version to the next.
# Version 1 is the first model, so nothing is registered yet; the next change to a record's
# shape adds `@register_upgrade(1)` here and raises SCHEMA_VERSION to 2.
UPGRADES: dict[int, Upgrade] = {}


def register_upgrade(from_version: int, registry: dict[int, Upgrade] | None = None
                     ) -> Callable[[Upgrade], Upgrade]:
    target = UPGRADES if registry is None else registry

    def decorate(func: Upgrade) -> Upgrade:
        if from_version in target:
            raise ValueError(f"an upgrade from version {from_version} is already registered")
        target[from_version] = func
        return func

    return decorate


def record_version(record: Mapping[str, Any]) -> int | None:
    """The record's model version: absent means 1 (the first model); None if not an integer."""
    version = record.get("schema_version", 1)
    if isinstance(version, bool) or not isinstance(version, int):
        return None
    return version


def upgrade_record(record_type: str, record: Mapping[str, Any], *,
                   upgrades: Mapping[int, Upgrade] | None = None,
                   current: int = SCHEMA_VERSION) -> dict[str, Any]:
    """A copy of the record lifted to the `current` version.

    Raises NewerSchemaError for a record newer than `current`, UnknownSchemaVersion when
    no upgrade step leads from the record's version.
    """
    chain = UPGRADES if upgrades is None else upgrades
    result = dict(record)
    version = record_version(result)
    if version is None:
        return result  # the schema reports the bad schema_version itself
    if version > current:
        raise NewerSchemaError(version, current)
    while version < current:
        step = chain.get(version)
        if step is None:
            raise UnknownSchemaVersion(version)
        result = step(record_type, result)
        version += 1
        result["schema_version"] = version
    return result
