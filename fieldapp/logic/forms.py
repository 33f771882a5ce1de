"""The pure side of the schema-driven forms: which fields show, in which step, and how the
text an officer types becomes a stored value (or a Thai/English error).

Field specs come from `schemas.field_specs` (labels, widgets, choices, required-in-final);
nothing here knows Flet.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from fieldapp.logic.thai_dates import be_input, parse_be_date

if TYPE_CHECKING:
    from schemas import FieldSpec, Section

__all__ = [
    "SKIPPED_WIDGETS",
    "FormStep",
    "Parsed",
    "display_text",
    "form_steps",
    "parse_moo",
    "parse_text",
    "with_child",
]

# Not typed by the officer: ids, server-owned review fields, links chosen elsewhere.
SKIPPED_WIDGETS = {"hidden", "record_picker", "list"}
TEXT_WIDGETS = {
    "text",
    "textarea",
    "id_number",
    "phone",
    "postal_code",
    "number",
    "year_be",
    "date",
}


@dataclass(frozen=True)
class FormStep:
    section_id: str
    title_th: str
    title_en: str
    fields: tuple[FieldSpec, ...]


@dataclass(frozen=True)
class Parsed:
    """The stored value of what was typed; `error` is an i18n key when it cannot be stored."""

    value: Any = None
    error: str | None = None


def shown(spec: FieldSpec) -> bool:
    return not (spec.server_owned or spec.widget in SKIPPED_WIDGETS or spec.name == "id")


def form_steps(
    specs: Sequence[FieldSpec], sections: Sequence[Section], skip: Iterable[str] = ()
) -> list[FormStep]:
    """One step per schema section, in order, holding the fields the officer fills.

    Fields named in `skip` are handled by the screen itself (e.g. a visit's producer)."""
    skipped = set(skip)
    by_section: dict[str | None, list[Any]] = {}
    for spec in specs:
        if shown(spec) and spec.name not in skipped:
            by_section.setdefault(spec.section, []).append(spec)
    steps = [
        FormStep(s.id, s.title_th, s.title_en, tuple(by_section[s.id]))
        for s in sections
        if by_section.get(s.id)
    ]
    loose = by_section.get(None)
    if loose:
        steps.append(FormStep("other", "อื่น ๆ", "Other", tuple(loose)))
    return steps


_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


def parse_text(spec: FieldSpec, text: str) -> Parsed:
    """What a text box holds, as the value to store. Empty text clears the field (None)."""
    raw = text.strip()
    if raw == "":
        return Parsed(None)
    widget, value_type = spec.widget, spec.value_type
    if widget == "date" or (value_type == "string" and widget == "date"):
        try:
            return Parsed(parse_be_date(raw).isoformat())
        except ValueError:
            return Parsed(error="form.err.date")
    if value_type in ("integer", "number") or widget in ("number", "year_be"):
        cleaned = raw.replace(",", "").replace(" ", "")
        if not _NUMBER.match(cleaned):
            return Parsed(error="form.err.number")
        number = float(cleaned)
        if value_type == "integer" or widget == "year_be":
            if not number.is_integer():
                return Parsed(error="form.err.integer")
            return Parsed(int(number))
        return Parsed(int(number) if number.is_integer() and "." not in cleaned else number)
    if widget in ("phone", "id_number", "postal_code"):
        # Officers type phones and ids with dashes and spaces; stored as digits only.
        digits = re.sub(r"[\s\-]", "", raw)
        if widget == "phone" and digits.startswith("+66"):
            digits = "0" + digits[3:]
        return Parsed(digits)
    return Parsed(raw)


def parse_moo(text: str) -> Parsed:
    """The village number (หมู่ที่) box: a whole number 1-99, or empty to clear it.

    isdecimal(), not isdigit(): '²' is a digit that int() cannot read; Thai digits are
    decimal and read as the number they show."""
    raw = text.strip()
    if raw == "":
        return Parsed(None)
    if not (raw.isdecimal() and 1 <= int(raw) <= 99):
        return Parsed(error="form.err.integer")
    return Parsed(int(raw))


def display_text(spec: FieldSpec, value: Any) -> str:
    """The text a box shows for a stored value (dates in พ.ศ. as DD/MM/YYYY)."""
    if value is None:
        return ""
    if spec.widget == "date" and isinstance(value, str):
        try:
            return be_input(value)
        except ValueError:
            return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def with_child(obj: Mapping[str, Any] | None, name: str, value: Any) -> dict[str, Any] | None:
    """A nested object (address, packaging) with one child set; empty children are dropped
    and an object left empty becomes None, so a cleared group clears the field."""
    result = {k: v for k, v in (obj or {}).items() if k != name}
    if value not in (None, "", []):
        result[name] = value
    return result or None
