"""Turn a record type's document into a self-contained schema that validates fast.

The documents stay readable (shared `$defs`, `$ref`, choices as `oneOf` with labels); the
validator gets an equivalent schema with:
- every `$ref` inlined: the referencing machinery costs more than the checks themselves;
- `oneOf` lists of labelled constants turned into one `enum`;
- annotations (titles, help, form hints) dropped, except the `x-errors` message overrides.
Keywords written next to a `$ref` win over the target's; our documents only ever use that
to narrow (e.g. a shorter maxLength), which tests/schemas checks against the plain documents.
"""

from __future__ import annotations

from typing import Any

from schemas._documents import raw_document, resolve

__all__ = ["compile_schema"]

_KEEP_X = {"x-errors"}
_ANNOTATIONS = {"title", "description", "$comment", "$schema", "$id", "$defs", "examples",
                "default"}
_SUBSCHEMA_MAPS = {"properties", "patternProperties", "$defs", "dependentSchemas"}
_SUBSCHEMA_LISTS = {"allOf", "anyOf", "oneOf", "prefixItems"}
_SUBSCHEMAS = {"items", "additionalProperties", "if", "then", "else", "not", "contains",
               "propertyNames", "unevaluatedProperties", "unevaluatedItems"}


def _choices_as_enum(options: list[Any]) -> list[Any] | None:
    if options and all(isinstance(o, dict) and "const" in o and not (
            set(o) - {"const", "title", "x-title-en", "description", "x-description-en"})
            for o in options):
        return [o["const"] for o in options]
    return None


def _compile(node: Any, document: str) -> Any:
    if not isinstance(node, dict):
        return node
    merged, document = resolve(node, document)
    out: dict[str, Any] = {}
    for key, value in merged.items():
        if key in _ANNOTATIONS or (key.startswith("x-") and key not in _KEEP_X):
            continue
        if key in _SUBSCHEMA_MAPS:
            out[key] = {k: _compile(v, document) for k, v in value.items()}
        elif key in _SUBSCHEMA_LISTS:
            enum = _choices_as_enum(value) if key == "oneOf" else None
            if enum is not None:
                out["enum"] = enum
            else:
                out[key] = [_compile(v, document) for v in value]
        elif key in _SUBSCHEMAS:
            out[key] = _compile(value, document)
        else:
            out[key] = value
    return out


def compile_schema(record_type: str) -> dict[str, Any]:
    compiled: dict[str, Any] = _compile(raw_document(record_type), record_type)
    compiled["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return compiled
