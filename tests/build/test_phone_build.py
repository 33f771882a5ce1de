"""The phone build, proven without Flutter: the dependency closure `flet build apk` would
install, and the app running on exactly that closure against a real server.

1. A fresh virtual environment gets only the phone's declared dependencies (pyproject's
   `[project].dependencies`, no extras). pip resolves them from the package registry
   (`pip install --dry-run --report`, with constraints.txt), and the closure is judged as
   Flet's Android build would see it (tests/build/closure.py): a binary distribution that
   Flet's mobile index does not list (docs/android-packages.json), at a version every
   requirement admits, fails the test. Pure `py3-none-any` wheels are fine.
2. The venv installs the closure at the versions the phone would get: binary packages at
   the newest version the mobile index lists (Pillow 10.4.0, msgpack 1.1.0), the rest as
   constraints.txt pins them; `pip check` must pass.
3. In that venv, jsonschema, referencing and rpds must not be importable, and a headless
   phone journey (tests/build/phone_journey.py) runs on a copy of the app as `flet build`
   packs it: enrol, save a producer and a visit, process a 12 MP photo, sync. The server
   (tests/support/server.py, a real process on SQLite) must then hold the records, the photo
   and its thumbnail, byte for byte.

The venv and pip's downloads are cached under .cache/phone-build/ (hidden, so `flet build`
leaves it out), keyed by everything that decides the closure: a second run resolves and
installs nothing. A fresh clone builds it from the registry: the venv in about 20 s and the
journey in about 14 s
here, under a load of ~13 on 2 cores; about 20 s in all with the cache.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tomllib
import venv
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from sync_server.db.tables import photos, records
from tests.build import closure
from tests.photos import photogen
from tests.support.server import ROOT, ServerProcess, start_server

pytestmark = pytest.mark.timeout(900)

CACHE = ROOT / ".cache" / "phone-build"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
DECLARED: list[str] = PYPROJECT["project"]["dependencies"]
CONSTRAINTS = ROOT / "constraints.txt"
MOBILE_INDEX = ROOT / "docs" / "android-packages.json"
JOURNEY = Path(__file__).with_name("phone_journey.py")


def _pip(python: Path, *args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PIP_USER")}
    env.update(PIP_CACHE_DIR=str(CACHE / "pip"), PIP_DISABLE_PIP_VERSION_CHECK="1",
               PIP_NO_INPUT="1", PIP_PROGRESS_BAR="off")
    # this pip, working on the phone venv (`--python`): the venv needs no pip of its own
    result = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), *args],
                            env=env, capture_output=True, text=True, timeout=timeout,
                            check=False)
    assert result.returncode == 0, (
        f"pip {' '.join(args[:2])} failed:\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}")
    return result


def _cache_key() -> str:
    digest = hashlib.sha256()
    for part in (json.dumps(DECLARED), CONSTRAINTS.read_text(), MOBILE_INDEX.read_text(),
                 Path(closure.__file__).read_text(), sys.version):
        digest.update(part.encode())
    return digest.hexdigest()[:16]


class PhoneVenv:
    """The phone's venv, its install report and the versions it got."""

    def __init__(self) -> None:
        key = _cache_key()
        self.dir = CACHE / f"venv-{key}"
        self.report_path = CACHE / f"report-{key}.json"
        self.python = self.dir / "bin" / "python"
        self.index = closure.load_mobile_index(MOBILE_INDEX)
        if not (self.dir / ".ready").exists():
            self._build()
        self.report: dict[str, Any] = json.loads(self.report_path.read_text())

    def _build(self) -> None:
        CACHE.mkdir(parents=True, exist_ok=True)
        for stale in CACHE.glob("*-*"):  # older keys, or a build cut short
            if stale.is_dir():
                shutil.rmtree(stale, ignore_errors=True)
            else:
                stale.unlink()
        venv.EnvBuilder(with_pip=False, clear=True).create(self.dir)
        # 1. resolve, as the registry serves it, at the pinned versions
        _pip(self.python, "install", "--dry-run", "--only-binary=:all:", "--quiet",
             "--report", str(self.report_path), "-c", str(CONSTRAINTS), *DECLARED)
        report = json.loads(self.report_path.read_text())
        found = closure.problems(report, DECLARED, self.index)
        assert found == [], "the phone's closure cannot be built for Android:\n" + "\n".join(
            found)
        # 2. install what the phone would get: binary packages at Flet's listed versions
        pins = closure.mobile_pins(report, DECLARED, self.index)
        phone_constraints = CACHE / f"phone-constraints-{self.dir.name}.txt"
        phone_constraints.write_text("".join(f"{n}=={v}\n" for n, v in sorted(pins.items())))
        _pip(self.python, "install", "--only-binary=:all:", "--quiet",
             "-c", str(phone_constraints), *DECLARED)
        _pip(self.python, "check")
        (self.dir / ".ready").touch()

    def installed(self) -> dict[str, str]:
        listing = _pip(self.python, "list", "--format=json").stdout
        return {closure.canonicalize_name(d["name"]): d["version"] for d in json.loads(listing)}


@pytest.fixture(scope="module")
def phone_venv() -> PhoneVenv:
    return PhoneVenv()


def app_bundle(target: Path) -> Path:
    """The app folder as `flet build` packs it: [tool.flet.app] exclude and `build` left out,
    and by default hidden entries, virtual environments and __pycache__."""
    excluded = {*PYPROJECT["tool"]["flet"]["app"]["exclude"], "build"}
    ignore = shutil.ignore_patterns("__pycache__", ".*")
    target.mkdir(parents=True)
    for entry in sorted(ROOT.iterdir()):
        if entry.name in excluded or entry.name.startswith("."):
            continue
        if entry.is_dir():
            if (entry / "pyvenv.cfg").exists():
                continue
            shutil.copytree(entry, target / entry.name, ignore=ignore)
        else:
            shutil.copy2(entry, target / entry.name)
    return target


def twelve_megapixel_jpeg(path: Path) -> Path:
    image = photogen.upright(photogen.PHONE_SIZE, seed=13)
    assert image.width * image.height == 12_000_000
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=92)
    path.write_bytes(buffer.getvalue())
    return path


def test_closure_has_only_pure_wheels_or_listed_binaries(phone_venv: PhoneVenv) -> None:
    found = closure.dists(phone_venv.report)
    names = {d.name for d in found}
    # the declared dependencies and their closure, and nothing of the server or the tests
    assert {"flet", "flet-geolocator", "tinydb", "httpx", "pillow", "geothai"} <= names
    assert not names & {"jsonschema", "referencing", "rpds-py", "fastapi", "sqlalchemy"}
    assert closure.problems(phone_venv.report, DECLARED, phone_venv.index) == []
    binary = {d.name for d in found if d.kind == "binary"}
    assert binary <= set(phone_venv.index.packages)
    # the venv holds exactly the closure, binary packages at the versions Flet's index lists
    pins = closure.mobile_pins(phone_venv.report, DECLARED, phone_venv.index)
    assert phone_venv.installed() == {n: str(v) for n, v in pins.items()}
    for name in binary:
        assert pins[name] in phone_venv.index.packages[name]


def test_phone_journey_on_the_phone_closure(phone_venv: PhoneVenv, tmp_path: Path) -> None:
    server: ServerProcess = start_server(tmp_path / "server")
    try:
        code = server.add_user("2403", "officer", "สมหญิง ตั้งใจ").code
        photo = twelve_megapixel_jpeg(tmp_path / "IMG_20261205_100000.jpg")
        app_data = tmp_path / "app-private"  # what Android gives the app
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "TAMBON_"))}
        env["FLET_APP_STORAGE_DATA"] = str(app_data)
        bundle = app_bundle(tmp_path / "app")
        result = subprocess.run(
            [str(phone_venv.python), "-I", str(JOURNEY), str(bundle), server.base_url, code,
             str(photo)], cwd=bundle, env=env, capture_output=True, text=True, timeout=300,
            check=False)
        assert result.returncode == 0, result.stderr[-4000:]
        out = json.loads(result.stdout.strip().splitlines()[-1])

        assert out["importable_forbidden"] == [] and out["loaded_forbidden"] == []
        # the binary packages at the versions Flet's Android index serves (Pillow 10.4.0)
        pins = closure.mobile_pins(phone_venv.report, DECLARED, phone_venv.index)
        assert out["versions"]["pillow"] == str(pins["pillow"])
        assert out["versions"]["msgpack"] == str(pins["msgpack"])
        assert out["data_dir"] == str(app_data)
        assert any(f.startswith("store") for f in out["store_files"])
        assert any(f.startswith("photos/") for f in out["store_files"])
        assert {"required", "phone"} <= set(out["draft_issue_codes"])  # pure validator
        report = out["report"]
        assert report["completed"], report["error_en"]
        assert out["finalize_missing"] == []
        # producer, product, visit, and the four photos of the product's shot list
        assert report["statuses"] == {"applied": 7}
        assert out["sync_states"] == dict.fromkeys(("producer", "visit", "photo"), "sent")
        assert out["pending_after_sync"] == 0
        assert report["thumbnails_uploaded"] == 4 and report["photos_uploaded"] == 4
        assert report["safe_to_wipe"]
        photo_id = out["photo"]["id"]
        assert max(out["photo"]["width"], out["photo"]["height"]) == 1600  # resized

        with server.engine.connect() as conn:
            rows = {(r.record_type, r.id): r for r in conn.execute(
                sa.select(records.c.record_type, records.c.id, records.c.data))}
            stored_blobs = set(conn.execute(sa.select(photos.c.sha256)).scalars())
        producer = rows[("producer", out["producer_id"])].data
        assert producer["name_th"] == "วิสาหกิจชุมชนกลุ่มแม่บ้านบางขนาก"
        visit = rows[("visit", out["visit_id"])].data
        assert visit["producer_id"] == out["producer_id"] and visit["purpose"] == "follow_up"
        assert visit["status"] == "final"
        assert rows[("photo", photo_id)].data["visit_id"] == out["visit_id"]
        assert {photo_id, out["photo"]["thumb_sha256"]} <= stored_blobs
        officer = server.actors("2403")["supervisor"]
        full = httpx.get(f"{server.base_url}/api/v1/photos/{photo_id}",
                         headers=officer.headers, timeout=30)
        assert full.status_code == 200
        assert hashlib.sha256(full.content).hexdigest() == photo_id
    finally:
        server.stop()
