"""The audit trail in words a supervisor reads (pure).

The audit log and the phones' change log store machine facts: an action code, a record
type and id, a list of field keys (`sync.applied photo 5b3c… ["bytes", …]`). These
functions say the same in Thai (or English): what kind of record, which one by its name,
what was done, and which fields by their labels from `schemas/`. Who and when are shown
beside them by the page. Internal fields (the photo's size and checksum, clocks) are not
listed; an action this module does not know is shown by its code rather than hidden.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from schemas import field_label, find_field, label, load_schema

__all__ = ["describe_office", "describe_phone", "field_names", "type_name"]

_WORDS: dict[str, tuple[str, str]] = {
    "phone_new": ("บันทึกจากโทรศัพท์: เพิ่ม{what}", "From a phone: added {what}"),
    "phone_edit": ("บันทึกจากโทรศัพท์: แก้ไข{what}", "From a phone: changed {what}"),
    "phone_delete": ("บันทึกจากโทรศัพท์: ลบ{what}", "From a phone: deleted {what}"),
    "phone_superseded": (" (มีการแก้ไขที่ใหม่กว่าอยู่แล้ว บางค่าจึงไม่ถูกใช้)",
                         " (a newer edit was already there: some values were not used)"),
    "phone_already": (" (ได้รับซ้ำ ไม่มีอะไรเปลี่ยน)", " (received again: nothing changed)"),
    "fields": (": {fields}", ": {fields}"),
    "merge": ("รวม «{other}» เข้ากับผู้ผลิตนี้ ย้ายข้อมูล {n} รายการ",
              "Merged “{other}” into this producer; {n} records moved"),
    "merge_filled": (" คัดลอก {fields}", "; copied {fields}"),
    "merged_away": ("ถูกรวมเข้ากับ «{other}»", "Merged into “{other}”"),
    "unmerge": ("เลิกทำการรวม: «{other}» กลับมาเป็นผู้ผลิตแยก ย้ายข้อมูลกลับ {n} รายการ",
                "Merge undone: “{other}” is a separate producer again; {n} records moved back"),
    "plan_create": ("เพิ่มแผนพัฒนา{what}", "Added development plan item {what}"),
    "plan_update": ("แก้ไขแผนพัฒนา{what}", "Changed development plan item {what}"),
    "review": ("ตรวจ{what}: {status}", "Reviewed {what}: {status}"),
    "review_comment": (" — «{comment}»", " — “{comment}”"),
    "conflict": ("แก้ข้อมูลขัดแย้งของ{what}: {field} ใช้ค่า «{value}»",
                 "Resolved a conflict on {what}: {field} set to “{value}”"),
    "conflict_delete": ("รับทราบการลบที่ขัดแย้งของ{what}",
                        "Acknowledged a conflicting delete of {what}"),
}

# Fields phones send that are not something a person entered.
_INTERNAL = frozenset({"id", "schema_version", "bytes", "mime", "width", "height",
                       "thumb_sha256", "_deleted"})


def _w(key: str, lang: str, **values: object) -> str:
    pair = _WORDS[key]
    return (pair[1] if lang == "en" else pair[0]).format(**values)


def type_name(record_type: str, lang: str = "th") -> str:
    """The record type's title from its schema ("ผลิตภัณฑ์" / "Product")."""
    try:
        schema = load_schema(record_type)
    except (KeyError, FileNotFoundError, ValueError):
        return record_type
    return str(schema.get("x-title-en" if lang == "en" else "title") or record_type)


def field_names(record_type: str, fields: Iterable[str], lang: str = "th") -> str:
    """Labels of the fields a person changed, in the schema's words, comma-separated."""
    labels: list[str] = []
    for key in fields:
        if key in _INTERNAL or find_field(record_type, key) is None:
            continue
        text = field_label(record_type, key, lang)
        if text not in labels:
            labels.append(text)
    return ", ".join(labels)


def _what(record_type: str, record_id: str, titles: Mapping[str, str], lang: str) -> str:
    """"ผลิตภัณฑ์ «น้ำพริกเผา»" / "product “น้ำพริกเผา”" (the type alone when unnamed)."""
    kind = type_name(record_type, lang)
    name = titles.get(record_id)
    if lang == "en":
        kind = kind[:1].lower() + kind[1:]
        return f"{kind} “{name}”" if name else kind
    return f"{kind} «{name}»" if name else kind


def describe_phone(outcome: str, record_type: str, record_id: str,
                   payload: Mapping[str, Any] | None, titles: Mapping[str, str],
                   lang: str = "th") -> str:
    """One change a phone sent, e.g. "บันทึกจากโทรศัพท์: แก้ไข ผลิตภัณฑ์ «น้ำพริกเผา»:
    ราคา (บาท), ระดับดาว OPC"."""
    payload = payload or {}
    fields = payload.get("fields") or {}
    base = payload.get("base_clocks") or {}
    what = _what(record_type, record_id, titles, lang)
    if payload.get("deleted") or "_deleted" in (payload.get("clocks") or {}):
        text = _w("phone_delete", lang, what=what)
    elif isinstance(base, Mapping) and base and all(v is None for v in base.values()):
        text = _w("phone_new", lang, what=what)
    else:
        text = _w("phone_edit", lang, what=what)
    names = field_names(record_type, fields if isinstance(fields, Mapping) else (), lang)
    if names and "phone_delete" not in text:
        text += _w("fields", lang, fields=names)
    if outcome == "superseded":
        text += _w("phone_superseded", lang)
    elif outcome == "already_had":
        text += _w("phone_already", lang)
    return text


def describe_office(action: str, target_type: str | None, target_id: str | None,
                    detail: Mapping[str, Any] | None, titles: Mapping[str, str],
                    lang: str = "th") -> str:
    """One office action on a producer's record, in words; unknown actions by their code."""
    detail = detail or {}
    record_type, record_id = target_type or "", target_id or ""
    what = _what(record_type, record_id, titles, lang) if record_type else ""
    if action == "producer.merge":
        other = str(detail.get("dropped") or "")
        text = _w("merge", lang, other=titles.get(other, other), n=detail.get("moved", 0))
        filled = field_names("producer", detail.get("filled") or (), lang)
        return text + (_w("merge_filled", lang, fields=filled) if filled else "")
    if action == "producer.merged_away":
        other = str(detail.get("kept") or "")
        return _w("merged_away", lang, other=titles.get(other, other))
    if action == "producer.unmerge":
        other = str(detail.get("restored") or "")
        return _w("unmerge", lang, other=titles.get(other, other),
                  n=detail.get("moved_back", 0))
    if action in ("plan.create", "plan.update"):
        name = titles.get(record_id)
        quoted = (f" “{name}”" if lang == "en" else f" «{name}»") if name else ""
        text = _w("plan_create" if action == "plan.create" else "plan_update", lang,
                  what=quoted)
        names = field_names("plan_item", detail.get("fields") or (), lang)
        return text + (_w("fields", lang, fields=names) if names else "")
    if action.startswith("review."):
        status = action.split(".", 1)[1]
        text = _w("review", lang, what=what,
                  status=label("visit", "review_status", status, lang))
        comment = detail.get("comment")
        return text + (_w("review_comment", lang, comment=comment) if comment else "")
    if action == "conflict.resolve":
        field = str(detail.get("field") or "")
        if field == "_deleted":
            return _w("conflict_delete", lang, what=what)
        value = detail.get("value")
        return _w("conflict", lang, what=what, field=field_label(record_type, field, lang),
                  value="" if value is None else value)
    return f"{action} {what}".strip()
