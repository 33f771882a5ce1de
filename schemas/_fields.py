"""What a form renderer needs, read from the schemas: ordered fields, labels, widgets, choices.

Conventions of our documents (see docs/record-model.md):
- properties are listed in form order; `x-section` names one of the document's `x-sections`;
- `title` is the Thai label, `x-title-en` the English one; `description` / `x-description-en`
  are help texts; choices are `oneOf: [{const, title, x-title-en}]`;
- `x-widget` hints the control, `x-unit` {th, en} a unit shown next to a number;
- `x-required-final` lists the properties a finalized record needs (on the record and on any
  nested object property), `x-required-final-any` groups of which at least one is needed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

from schemas._documents import RECORD_TYPES, raw_document, resolve
from schemas._errors import UnknownRecordType

__all__ = ["Choice", "FieldSpec", "Section", "field_label", "field_specs", "find_field",
           "label", "required_final_groups", "required_final_paths", "sections"]


@dataclass(frozen=True, slots=True)
class Choice:
    code: str | int
    title_th: str
    title_en: str

    def title(self, lang: str = "th") -> str:
        return self.title_en if lang == "en" else self.title_th


@dataclass(frozen=True, slots=True)
class Section:
    id: str
    title_th: str
    title_en: str


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One field of a form. `path` is dotted from the record root, without array indices
    (the fields of one certification are "certifications.number" and so on)."""

    name: str
    path: str
    title_th: str
    title_en: str
    widget: str
    value_type: str
    section: str | None = None
    help_th: str | None = None
    help_en: str | None = None
    choices: tuple[Choice, ...] = ()
    multiple: bool = False
    required: bool = False
    required_final: bool = False
    server_owned: bool = False
    personal: bool = False
    unit_th: str | None = None
    unit_en: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    max_length: int | None = None
    record_type_ref: str | None = None
    children: tuple[FieldSpec, ...] = field(default=())

    def title(self, lang: str = "th") -> str:
        return self.title_en if lang == "en" else self.title_th

    def choice(self, code: object) -> Choice | None:
        return next((c for c in self.choices if c.code == code), None)


def _choices(schema: dict[str, Any], document: str) -> tuple[Choice, ...]:
    merged, _ = resolve(schema, document)
    options = merged.get("oneOf")
    if not isinstance(options, list) or not all("const" in o for o in options):
        return ()
    return tuple(Choice(o["const"], o["title"], o["x-title-en"]) for o in options)


def _value_type(merged: dict[str, Any], choices: tuple[Choice, ...]) -> str:
    declared = merged.get("type")
    if isinstance(declared, str):
        return declared
    if choices:
        return "integer" if all(isinstance(c.code, int) for c in choices) else "string"
    return "string"


def _default_widget(value_type: str, choices: tuple[Choice, ...], multiple: bool,
                    item_type: str | None) -> str:
    if multiple:
        return "multiselect"
    if choices:
        return "select"
    return {
        "boolean": "checkbox",
        "integer": "number",
        "number": "number",
        "object": "group",
        "array": "repeat" if item_type == "object" else "list",
    }.get(value_type, "text")


def _walk(obj_schema: dict[str, Any], document: str, prefix: str, parent_required: set[str],
          parent_final: set[str]) -> tuple[FieldSpec, ...]:
    merged_obj, document = resolve(obj_schema, document)
    specs: list[FieldSpec] = []
    for name, prop in merged_obj.get("properties", {}).items():
        merged, prop_doc = resolve(prop, document)
        path = f"{prefix}{name}"
        choices = _choices(prop, document)
        multiple = False
        item_type: str | None = None
        children: tuple[FieldSpec, ...] = ()
        value_type = _value_type(merged, choices)
        own_final = set(prop.get("x-required-final", merged.get("x-required-final", [])))
        if value_type == "array" and isinstance(merged.get("items"), dict):
            items, items_doc = resolve(merged["items"], prop_doc)
            item_choices = _choices(merged["items"], prop_doc)
            if item_choices:
                choices, multiple = item_choices, True
            item_type = items.get("type")
            if item_type == "object":
                children = _walk(items, items_doc, f"{path}.", set(items.get("required", [])),
                                 set(items.get("x-required-final", [])))
        elif value_type == "object":
            children = _walk(merged, prop_doc, f"{path}.", set(merged.get("required", [])),
                             own_final)
        unit = merged.get("x-unit") or {}
        specs.append(FieldSpec(
            name=name,
            path=path,
            title_th=merged["title"],
            title_en=merged["x-title-en"],
            widget=merged.get("x-widget") or _default_widget(value_type, choices, multiple,
                                                             item_type),
            value_type=value_type,
            section=merged.get("x-section"),
            help_th=merged.get("description"),
            help_en=merged.get("x-description-en"),
            choices=choices,
            multiple=multiple,
            required=name in parent_required,
            required_final=name in parent_final or name in parent_required,
            server_owned=bool(merged.get("x-server-owned")),
            personal=bool(merged.get("x-personal")),
            unit_th=unit.get("th"),
            unit_en=unit.get("en"),
            minimum=merged.get("minimum"),
            maximum=merged.get("maximum"),
            max_length=merged.get("maxLength"),
            record_type_ref=merged.get("x-record-type"),
            children=children,
        ))
    return tuple(specs)


def _check_type(record_type: str) -> None:
    if record_type not in RECORD_TYPES:
        raise UnknownRecordType(record_type)


@cache
def field_specs(record_type: str) -> tuple[FieldSpec, ...]:
    """The fields of a record type in form order, nested objects and repeats as `children`."""
    _check_type(record_type)
    schema = raw_document(record_type)
    return _walk(schema, record_type, "", set(schema.get("required", [])),
                 set(schema.get("x-required-final", [])))


@cache
def sections(record_type: str) -> tuple[Section, ...]:
    _check_type(record_type)
    return tuple(Section(s["id"], s["title"], s["x-title-en"])
                 for s in raw_document(record_type).get("x-sections", []))


@cache
def _by_path(record_type: str) -> dict[str, FieldSpec]:
    found: dict[str, FieldSpec] = {}

    def add(specs: tuple[FieldSpec, ...]) -> None:
        for spec in specs:
            found[spec.path] = spec
            add(spec.children)

    add(field_specs(record_type))
    return found


def find_field(record_type: str, path: str) -> FieldSpec | None:
    """The spec of a field by dotted path; array indices ("certifications.0.number") ignored."""
    clean = ".".join(part for part in path.split(".") if not part.isdigit())
    return _by_path(record_type).get(clean)


def field_label(record_type: str, path: str, lang: str = "th") -> str:
    spec = find_field(record_type, path)
    return spec.title(lang) if spec else path


def label(record_type: str, field: str, code: object, lang: str = "th") -> str:
    """The Thai (or English, lang="en") label of a choice; an unknown code comes back as text,
    so exports of old data never fail on a code that has since been retired."""
    spec = find_field(record_type, field)
    choice = spec.choice(code) if spec else None
    if choice is None:
        return "" if code is None else str(code)
    return choice.title(lang)


@cache
def required_final_paths(record_type: str) -> tuple[str, ...]:
    """Leaf paths a finalized record needs: "address" expands to "address.subdistrict_code"."""
    paths: list[str] = []

    def visit(specs: tuple[FieldSpec, ...]) -> None:
        for spec in specs:
            if not spec.required_final:
                continue
            # Expand into a nested object only where it names its own final-only fields
            # (address -> subdistrict_code); a gps point with lat/lon is one field.
            nested = [c for c in spec.children if c.required_final and not c.required]
            if spec.value_type == "object" and nested:
                visit(spec.children)
            else:
                paths.append(spec.path)

    visit(field_specs(record_type))
    return tuple(paths)


@cache
def required_final_groups(record_type: str) -> tuple[tuple[str, ...], ...]:
    """Groups of top-level fields of which a finalized record needs at least one."""
    _check_type(record_type)
    return tuple(tuple(g) for g in raw_document(record_type).get("x-required-final-any", []))
