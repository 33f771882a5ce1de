"""The admin CLI, run as `python -m sync_server ...` in a real process."""

from __future__ import annotations

import io
import os
import shutil
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import httpx
import pytest
import segno
from PIL import Image

from tests.support.server import ROOT, ServerProcess


def run_cli(data_dir: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TAMBON_DATA_DIR": str(data_dir),
           "TAMBON_PUBLIC_URL": "http://192.168.1.20:8000"}
    env.pop("DATABASE_URL", None)
    return subprocess.run([sys.executable, "-m", "sync_server", *args], env=env, cwd=ROOT,
                          capture_output=True, text=True, check=check, timeout=120)


def test_setup_add_user_with_qr_and_list(tmp_path: Path) -> None:
    assert "up to date" in run_cli(tmp_path, "migrate").stdout
    assert "created" in run_cli(tmp_path, "create-district", "2403").stdout
    assert "already exists" in run_cli(tmp_path, "create-district", "2403").stdout
    qr = tmp_path / "enrol.png"
    out = run_cli(tmp_path, "add-user", "--district", "2403", "--role", "officer",
                  "--name", "นางสาวสุดา ขยันงาน", "--username", "suda",
                  "--password", "ขยันทุกวัน", "--qr", str(qr)).stdout
    last = out.rstrip("\n").splitlines()[-1]
    assert len(last) == 19 and last.count("-") == 3, out  # the code ALONE on the last line
    assert "tambon://enrol?server=http%3A%2F%2F192.168.1.20%3A8000&code=" + last in out
    assert qr.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    # No QR decoder is installed; QR encoding is deterministic, so the file must equal the
    # QR of the printed URL pixel for pixel.
    url = "tambon://enrol?server=http%3A%2F%2F192.168.1.20%3A8000&code=" + last
    expected = io.BytesIO()
    segno.make(url, error="m").save(expected, kind="png", scale=8, border=4)
    expected.seek(0)
    with Image.open(qr) as image, Image.open(expected) as reference:
        assert image.width == image.height and image.width >= 200
        assert image.convert("L").tobytes() == reference.convert("L").tobytes()
    listing = run_cli(tmp_path, "list-users", "--district", "2403").stdout
    assert "นางสาวสุดา ขยันงาน" in listing and "suda" in listing and "devices=0" in listing


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data dir with a migrated database holding district 2403 (made once)."""
    path = tmp_path_factory.mktemp("template")
    run_cli(path, "migrate")
    run_cli(path, "create-district", "2403")
    return path


@pytest.fixture
def prepared(template: Path, tmp_path: Path) -> Path:
    shutil.copy(template / "district.sqlite3", tmp_path / "district.sqlite3")
    shutil.copy(template / "secret_key", tmp_path / "secret_key")
    return tmp_path


@pytest.mark.parametrize("args, english, thai", [
    (("create-district", "9999"), "unknown district code", "ไม่พบรหัสอำเภอ"),
    (("add-user", "--district", "2499", "--role", "officer", "--name", "ก"),
     "does not exist", "ยังไม่มีอำเภอ"),
    (("add-user", "--district", "2403", "--role", "officer", "--name", "ก",
      "--username", "x"), "both --username and --password", "รหัสผ่าน"),
    (("revoke-device", "nope"), "no active device", "ไม่พบเครื่อง"),
    (("add-user", "--district", "2403", "--role", "officer", "--name", "ก",
      "--qr", "/nonexistent-folder/enrol.png"), "cannot write the QR code", "เขียนไฟล์ QR"),
])
def test_errors_are_clear_in_both_languages_and_store_nothing(
        prepared: Path, args: tuple[str, ...], english: str, thai: str) -> None:
    tmp_path = prepared
    result = run_cli(tmp_path, *args, check=False)
    assert result.returncode == 2
    assert english in result.stderr and thai in result.stderr
    assert "Traceback" not in result.stderr
    assert run_cli(tmp_path, "list-users").stdout == ""


def test_bad_role_is_refused_by_argparse(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "add-user", "--district", "2403", "--role", "chief",
                     "--name", "ก", check=False)
    assert result.returncode == 2 and "invalid choice" in result.stderr


def test_enrol_with_cli_code_then_revoke(server_factory) -> None:
    server: ServerProcess = server_factory()
    server.cli("create-district", "2403")
    out = server.cli("add-user", "--district", "2403", "--role", "officer",
                     "--name", "นายอำนาจ ใจกล้า").stdout
    code = out.splitlines()[-1]
    enrolled = httpx.post(f"{server.base_url}/api/v1/devices/enrol",
                          json={"code": code, "device_name": "Redmi 13C"}).json()
    headers = {"Authorization": f"Bearer {enrolled['token']}"}
    assert enrolled["user"]["display_name"] == "นายอำนาจ ใจกล้า"
    assert enrolled["district"]["name_en"] == "Bang Nam Priao"
    assert httpx.get(f"{server.base_url}/api/v1/me", headers=headers).status_code == 200
    assert "devices=1" in server.cli("list-users").stdout
    server.cli("revoke-device", enrolled["device_id"])
    assert httpx.get(f"{server.base_url}/api/v1/me", headers=headers).status_code == 401


def test_partner_api_token_is_read_only(server_factory) -> None:
    server: ServerProcess = server_factory()
    server.add_user("2403", "partner", "นางสาวกานดา พาณิชย์ดี", username="commerce",
                    password="พาณิชย์จังหวัด", agency_name="สำนักงานพาณิชย์จังหวัดฉะเชิงเทรา")
    out = server.cli("issue-token", "--user", "commerce", "--name", "ระบบพาณิชย์จังหวัด").stdout
    assert "read-only" in out
    headers = {"Authorization": f"Bearer {out.splitlines()[-1]}"}
    me = httpx.get(f"{server.base_url}/api/v1/me", headers=headers).json()
    assert me["user"]["role"] == "partner"
    assert me["user"]["agency_name"] == "สำนักงานพาณิชย์จังหวัดฉะเชิงเทรา"
    push = httpx.post(f"{server.base_url}/api/v1/sync/push", headers=headers, json={})
    assert push.status_code == 403


def test_demo_is_idempotent_and_prints_a_fresh_code(tmp_path: Path) -> None:
    first = run_cli(tmp_path, "demo").stdout
    second = run_cli(tmp_path, "demo").stdout
    code1, code2 = first.splitlines()[-1], second.splitlines()[-1]
    assert code1 != code2 and len(code1) == 19
    assert "http://192.168.1.20:8000" in first and "supervisor" in first
    assert "demo-supervisor" in first
    import sqlalchemy as sa

    from sync_server.db.engine import make_engine
    engine = make_engine(f"sqlite:///{tmp_path / 'district.sqlite3'}")
    with engine.connect() as conn:
        counts: dict[str, int] = dict(conn.execute(sa.text(
            "select record_type, count(*) from records group by record_type")).all())
        seq = conn.execute(sa.text("select last_seq from feed_counters")).scalar()
        users = conn.execute(sa.text("select count(*) from users")).scalar()
    engine.dispose()
    assert counts == {"producer": 12, "product": 16, "visit": 5, "plan_item": 16,
                      "network_link": 7}
    assert seq == 56 and users == 3


def test_docs_describe_every_command() -> None:
    """docs/server.md's command table has a row for every command of the CLI."""
    from sync_server.cli import build_parser

    docs = (ROOT / "docs" / "server.md").read_text("utf-8")
    rows = {line.split("`")[1].split()[0] for line in docs.splitlines()
            if line.startswith("| `")}
    sub = next(a for a in build_parser()._actions if a.dest == "command")
    commands = set(sub.choices or ())
    assert "unlock-user" in commands
    assert commands - rows == set()


def _old_style_database(data_dir: Path) -> Path:
    """A database file as every one was made before 8 KB pages: 4 KB pages, WAL."""
    path = data_dir / "district.sqlite3"
    with closing(sqlite3.connect(path)) as raw:  # closed: an open one is a user of the file
        raw.execute("PRAGMA page_size=4096")
        raw.execute("PRAGMA journal_mode=WAL")
    run_cli(data_dir, "migrate")
    run_cli(data_dir, "create-district", "2403")
    run_cli(data_dir, "add-user", "--district", "2403", "--role", "officer",
            "--name", "นางสาวสุดา ขยันงาน")
    return path


def _file_settings(path: Path) -> tuple[int, str, str]:
    with closing(sqlite3.connect(path)) as raw:
        return (raw.execute("PRAGMA page_size").fetchone()[0],
                raw.execute("PRAGMA journal_mode").fetchone()[0],
                raw.execute("PRAGMA integrity_check").fetchone()[0])


def test_repage_rewrites_an_old_database_with_8_kb_pages(tmp_path: Path) -> None:
    path = _old_style_database(tmp_path)
    assert _file_settings(path) == (4096, "wal", "ok")
    out = run_cli(tmp_path, "repage").stdout
    assert "rewritten with 8 KB pages (was 4 KB)" in out and "เขียนใหม่" in out
    assert _file_settings(path) == (8192, "wal", "ok")
    assert "นางสาวสุดา ขยันงาน" in run_cli(tmp_path, "list-users").stdout  # nothing lost
    assert "already has 8 KB pages" in run_cli(tmp_path, "repage").stdout


def test_repage_refuses_while_the_database_is_in_use(tmp_path: Path) -> None:
    path = _old_style_database(tmp_path)
    with closing(sqlite3.connect(path)) as server_like:  # as a running server's connections
        server_like.execute("SELECT count(*) FROM users").fetchone()
        result = run_cli(tmp_path, "repage", check=False)
    assert result.returncode == 2
    assert "stop the server first" in result.stderr and "หยุดเซิร์ฟเวอร์" in result.stderr
    assert "Traceback" not in result.stderr
    assert _file_settings(path) == (4096, "wal", "ok")


def test_repage_without_a_database_says_so(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "repage", check=False)
    assert result.returncode == 2
    assert "no database file" in result.stderr and "ไม่พบไฟล์ฐานข้อมูล" in result.stderr
