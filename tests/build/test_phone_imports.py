"""The phone's code never imports jsonschema (nor anything `flet build` leaves out).

jsonschema needs `referencing` → `rpds-py`, a Rust extension with no Android build
(docs/android-packages.md), so on a phone importing it crashes the app. In a fresh
interpreter with an import blocker on sys.meta_path, this imports main.py and every module
of the packages the APK carries (fieldapp, schemas, recordsync), validates records that
take the error path, and fails if anything tried to import a blocked module. The blocker
records the attempt as well as refusing it, so a `try: import ... except ImportError`
cannot hide one.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# jsonschema's closure, and the folders [tool.flet.app] exclude keeps out of the app bundle.
BLOCKED = ("jsonschema", "jsonschema_specifications", "referencing", "rpds", "sync_server",
           "tests", "fastapi", "sqlalchemy")

PROBE = r"""
import importlib, json, pkgutil, sys

BLOCKED = set(json.loads(sys.argv[1]))
attempts = []

class Blocker:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            attempts.append(name)
            raise ImportError(f"blocked on the phone: {name}")
        return None

sys.meta_path.insert(0, Blocker())
imported = []
import main  # noqa: the entry point `flet build` runs
for package in ("fieldapp", "schemas", "recordsync"):
    module = importlib.import_module(package)
    for info in pkgutil.walk_packages(module.__path__, package + "."):
        importlib.import_module(info.name)
        imported.append(info.name)

import schemas
schemas.warm_up()
issues = schemas.validate_record(
    "producer", {"name_th": " ", "phone": "12", "address": {"postal_code": "99999"}, "x": 1},
    mode="final")
codes = sorted({i.code for i in issues})
print(json.dumps({"attempts": attempts, "imported": imported, "codes": codes,
                  "loaded": sorted(m for m in sys.modules if m.split(".")[0] in BLOCKED)}))
"""


def run_probe() -> dict[str, list[str]]:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(BLOCKED)], cwd=ROOT, capture_output=True,
        text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    found: dict[str, list[str]] = json.loads(result.stdout.strip().splitlines()[-1])
    return found


def test_phone_modules_import_and_validate_without_jsonschema() -> None:
    found = run_probe()
    assert found["attempts"] == [], f"the phone's code tried to import {found['attempts']}"
    assert found["loaded"] == []
    imported = found["imported"]
    # the probe really walked the app: the UI, the store, the sync client, the validator
    for module in ("fieldapp.ui.app", "fieldapp.store.device_store", "fieldapp.sync.client",
                   "schemas._collect", "recordsync.merge"):
        assert module in imported
    # the error path ran (the pure collector), with its usual issue codes
    assert {"required", "phone", "unknown_field", "postal_code_unknown"} <= set(found["codes"])
