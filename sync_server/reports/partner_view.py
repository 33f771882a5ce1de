"""What a partner agency may see of a record: an allow-list, then the server's redaction.

An allow-list, not a block-list, so a field added to the model later stays private until
someone decides partners need it. On top of it:
- `db.records.redact_for_partner` runs last (ID numbers, phones and house numbers, also
  inside nested objects), so the two lists must both fail for anything to leak;
- free text (notes, problems, stories) has long digit runs masked, because officers type
  phone numbers into notes ("โทร 081-234-5678") whatever the form says; in fact every
  string is (through `textmask.mask_digits`, the one masking function), except record ids and
  FDA numbers of the FDA standard, and personal keys are dropped at any depth;
- GPS points are rounded to 0.01° (about 1 km): enough for a map of a district, not enough
  to find a single owner's house, which the hidden house number would otherwise give away.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from sync_server.db.records import redact_for_partner

from . import strength
from .fiscal import parse_iso_date, plan_fiscal_year
from .labels import code_label, subdistrict_name
from .textmask import mask_digits

__all__ = ["mask_digits", "partner_link", "partner_plan", "partner_producer",
           "partner_product", "partner_standards", "partner_visit_needs"]

GPS_DECIMALS = 2

Record = Mapping[str, Any]


def _pick(record: Record, keys: tuple[str, ...]) -> dict[str, Any]:
    return {k: record[k] for k in keys if record.get(k) is not None}


# Keys removed at any depth, whatever object they sit in.
PERSONAL_KEYS = frozenset({"id_number", "phone", "house_no", "contact_person"})
# String values kept as they are: record ids. Certificate numbers go through
# `_certificate` (an FDA serial has 13 digits like an ID, but is printed on every label
# and partners need it; any other "number" is free text an officer typed).
UNMASKED_KEYS = frozenset({"id", "producer_id", "product_id", "visit_id", "number"})
_FDA_NUMBER = re.compile(r"^[0-9]{2}-?[0-9]-?[0-9]{5}-?[0-9]-?[0-9]{4}$")


def _certificate(cert: Mapping[str, Any]) -> dict[str, Any]:
    out = _pick(cert, ("standard", "number", "issued_on", "expires_on"))
    number = out.get("number")
    if isinstance(number, str) and not (out.get("standard") == "fda"
                                        and _FDA_NUMBER.match(number)):
        out["number"] = mask_digits(number)
    return out


def _scrub(value: Any, key: str = "") -> Any:
    """Drop personal keys at every depth; mask phone-like digit runs in other strings."""
    if isinstance(value, Mapping):
        return {k: _scrub(v, str(k)) for k, v in value.items() if k not in PERSONAL_KEYS}
    if isinstance(value, list):
        return [_scrub(v, key) for v in value]
    if isinstance(value, str) and key not in UNMASKED_KEYS:
        return mask_digits(value)
    return value


def _final(record_type: str, out: dict[str, Any]) -> dict[str, Any]:
    """The server's redaction, then a deep scrub: an allow-listed field is copied whole,
    and a malformed one (a nested contact with a phone) must not carry anything out."""
    scrubbed: dict[str, Any] = _scrub(redact_for_partner(record_type, out))
    return scrubbed


def partner_producer(producer: Record, *, categories: list[str], needs: list[str]
                     ) -> dict[str, Any]:
    address = producer.get("address") or {}
    gps = producer.get("gps") or {}
    out = _pick(producer, ("id", "name_th", "name_en", "producer_type", "members_count",
                           "year_founded_be", "registration_year_be", "community_link"))
    out["producer_type_th"] = code_label("producer_type", producer.get("producer_type"))
    code = address.get("subdistrict_code")
    out["address"] = _pick(address, ("moo", "village", "subdistrict_code", "district_code",
                                     "province_code", "postal_code"))
    out["subdistrict_th"] = subdistrict_name(str(code)) if code else None
    lat, lon = gps.get("lat"), gps.get("lon")
    if isinstance(lat, int | float) and isinstance(lon, int | float):
        out["gps_approx"] = {"lat": round(float(lat), GPS_DECIMALS),
                             "lon": round(float(lon), GPS_DECIMALS)}
    out["categories"] = categories
    out["needs"] = needs
    scores = strength.scores(producer)
    if scores:  # หลัก 5 ก: the group's, not a person's
        out["group_strength"] = scores
        out["group_strength_total"] = strength.total(producer)
    return _final("producer", out)


def partner_product(product: Record) -> dict[str, Any]:
    out = _pick(product, ("id", "producer_id", "name_th", "brand", "category", "price_thb",
                          "unit", "monthly_capacity", "sales_channels", "local_material_pct",
                          "opc_stars", "opc_year_be", "quadrant"))
    out["category_th"] = code_label("category", product.get("category"))
    out["story"] = mask_digits(product.get("story"))
    out["certifications"] = [
        _certificate(c) for c in product.get("certifications") or () if isinstance(c, Mapping)
    ]
    packaging = product.get("packaging") or {}
    out["packaging"] = _pick(packaging, ("material", "has_label", "fda_number_shown",
                                         "needs_redesign"))
    return _final("product", out)


def partner_standards(product: Record) -> list[dict[str, Any]]:
    """One row per certification of a product."""
    rows = []
    for cert in product.get("certifications") or ():
        if not isinstance(cert, Mapping):
            continue
        row = {"product_id": product.get("id"), "producer_id": product.get("producer_id"),
               "product_name_th": product.get("name_th"), "category": product.get("category"),
               **_certificate(cert)}
        row["standard_th"] = code_label("standard", cert.get("standard"))
        rows.append(_final("product", row))
    return rows


def partner_visit_needs(visit: Record) -> dict[str, Any]:
    started = parse_iso_date(visit.get("started_at"))
    out = {"visit_id": visit.get("id"), "producer_id": visit.get("producer_id"),
           "visited_on": started.isoformat() if started else None,
           "needs": [n for n in visit.get("needs") or () if isinstance(n, str)],
           "problems": mask_digits(visit.get("problems"))}
    members = visit.get("members_present")
    if isinstance(members, int) and not isinstance(members, bool):
        out["members_present"] = members
    agencies = visit.get("agencies_present")
    if isinstance(agencies, list):
        out["agencies_present"] = [mask_digits(a) for a in agencies if isinstance(a, str)]
    return _final("visit", out)


def partner_plan(item: Record, agency: str | None = None) -> dict[str, Any]:
    """`agency`: the item's agency as the district's list names it (else its typed name)."""
    out = _pick(item, ("id", "producer_id", "visit_id", "need", "agency", "agency_id",
                       "budget_thb", "due_on", "status", "funding_source"))
    if agency:
        out["agency"] = agency
    out["fiscal_year_be"] = plan_fiscal_year(item)
    out["action"] = mask_digits(item.get("action"))
    out["follow_up_notes"] = mask_digits(item.get("follow_up_notes"))
    return _final("plan_item", out)


def partner_link(link: Record, from_name: str, to_name: str) -> dict[str, Any]:
    """A network link between two producers (the producers' names, no people)."""
    out = _pick(link, ("id", "from_producer_id", "to_producer_id", "kind"))
    out["kind_th"] = code_label("link_kind", link.get("kind"))
    out["from_name_th"], out["to_name_th"] = from_name, to_name
    out["notes"] = mask_digits(link.get("notes"))
    return _final("network_link", out)
