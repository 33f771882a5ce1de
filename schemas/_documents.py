"""The JSON Schema documents as written: loading them, and following their `$ref`s.

The one place that reads `schemas/*.json`; the compiler, the form-field walker and the
validators all start from here (so none of them imports another through a private name).
"""

from __future__ import annotations

import copy
import json
from functools import cache
from importlib.resources import files
from typing import Any

from recordsync.changes import RECORD_TYPES  # the one list, shared with sync
from schemas._errors import UnknownRecordType

__all__ = ["BASE_URI", "DOCUMENTS", "RECORD_TYPES", "load_schema", "raw_document", "resolve"]

BASE_URI = "https://tambon-field.invalid/schemas/"
DOCUMENTS = ("common", *RECORD_TYPES)


@cache
def raw_document(name: str) -> dict[str, Any]:
    """The parsed document (shared: never change it; load_schema gives a copy)."""
    text = files("schemas").joinpath(f"{name}.json").read_text(encoding="utf-8")
    document: dict[str, Any] = json.loads(text)
    return document


def load_schema(record_type: str) -> dict[str, Any]:
    """The JSON Schema document of a record type (or "common"), as a fresh deep copy."""
    if record_type not in DOCUMENTS:
        raise UnknownRecordType(record_type)
    return copy.deepcopy(raw_document(record_type))


def resolve(schema: dict[str, Any], document: str) -> tuple[dict[str, Any], str]:
    """Follow `$ref` chains; returns the merged schema (keywords next to a `$ref` win over
    the target's) and the name of the document the last target lives in.

    Our documents only use refs of the forms "#/$defs/x" and "common.json#/$defs/x".
    Used by the form-field walker and the message translator, not by validation.
    """
    merged: dict[str, Any] = {}
    current, current_doc = schema, document
    for _ in range(16):
        for key, value in current.items():
            merged.setdefault(key, value)
        ref = current.get("$ref")
        if not isinstance(ref, str):
            break
        doc_part, _, pointer = ref.partition("#")
        if doc_part:
            current_doc = doc_part.removesuffix(".json")
        target: Any = raw_document(current_doc)
        for token in filter(None, pointer.split("/")):
            target = target[token.replace("~1", "/").replace("~0", "~")]
        current = target
    merged.pop("$ref", None)
    return merged, current_doc
