"""GPS values as stored: {lat, lon, accuracy_m, captured_at}; manual entry parsed here."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

__all__ = ["gps_value", "parse_manual_gps"]


def gps_value(lat: float, lon: float, accuracy_m: float | None, when: datetime) -> dict[str, Any]:
    value: dict[str, Any] = {
        "lat": round(float(lat), 6),
        "lon": round(float(lon), 6),
        "captured_at": when.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
    }
    if accuracy_m is not None:
        value["accuracy_m"] = round(float(accuracy_m), 1)
    return value


def parse_manual_gps(lat_text: str, lon_text: str, when: datetime) -> dict[str, Any]:
    """Typed latitude/longitude (decimal degrees); ValueError("gps.err.range") when not a
    position on Earth. Whether it lies in Thailand is the schema's check, shown inline."""
    try:
        lat = float(lat_text.strip().replace(",", "."))
        lon = float(lon_text.strip().replace(",", "."))
    except ValueError:
        raise ValueError("gps.err.range") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValueError("gps.err.range")
    # A typed position has no measured accuracy.
    return gps_value(lat, lon, None, when)
