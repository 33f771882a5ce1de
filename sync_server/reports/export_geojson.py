"""Producers as a GeoJSON FeatureCollection of Points (RFC 7946: lon, lat order), streamed.

Producers without a usable GPS point are left out: a Feature with a null geometry is
valid GeoJSON but GIS tools then drop or misplace it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from .labels import code_label, subdistrict_name

__all__ = ["feature", "geojson_chunks"]

PERSONAL_PROPERTIES = ("contact_person", "id_number", "phone", "house_no")


def _point(producer: Mapping[str, Any]) -> tuple[float, float] | None:
    gps = producer.get("gps") or {}
    lat, lon = gps.get("lat"), gps.get("lon")
    if not (isinstance(lat, int | float) and isinstance(lon, int | float)):
        return None
    if isinstance(lat, bool) or isinstance(lon, bool):
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return float(lon), float(lat)


def feature(producer: Mapping[str, Any], include_personal: bool) -> dict[str, Any] | None:
    point = _point(producer)
    if point is None:
        return None
    address = producer.get("address") or {}
    code = address.get("subdistrict_code")
    properties: dict[str, Any] = {
        "id": producer.get("id"),
        "name_th": producer.get("name_th"),
        "name_en": producer.get("name_en"),
        "producer_type": producer.get("producer_type"),
        "producer_type_th": code_label("producer_type", producer.get("producer_type")),
        "moo": address.get("moo"),
        "village": address.get("village"),
        "subdistrict_code": code,
        "subdistrict_th": subdistrict_name(str(code)) if code else None,
        "accuracy_m": (producer.get("gps") or {}).get("accuracy_m"),
    }
    if include_personal:
        properties.update(contact_person=producer.get("contact_person"),
                          id_number=producer.get("id_number"), phone=producer.get("phone"),
                          house_no=address.get("house_no"))
    return {"type": "Feature", "id": producer.get("id"),
            "geometry": {"type": "Point", "coordinates": list(point)},
            "properties": properties}


def geojson_chunks(producers: Iterable[Mapping[str, Any]], include_personal: bool,
                   features_per_chunk: int = 200) -> Iterator[bytes]:
    yield b'{"type":"FeatureCollection","features":['
    first = True
    pending: list[str] = []
    for producer in producers:
        f = feature(producer, include_personal)
        if f is None:
            continue
        pending.append(("" if first else ",") + json.dumps(f, ensure_ascii=False))
        first = False
        if len(pending) >= features_per_chunk:
            yield "".join(pending).encode()
            pending.clear()
    yield ("".join(pending) + "]}").encode()
