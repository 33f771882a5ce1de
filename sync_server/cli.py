"""The admin command line: `python -m sync_server <command> [options]`.

Commands: migrate, create-district, add-user, new-code, issue-token, revoke-device,
unlock-user, list-users, serve, demo, repage.
Settings come from the environment (DATABASE_URL, TAMBON_DATA_DIR, TAMBON_PUBLIC_URL).
Errors print in English and Thai and exit with status 2; nothing is half-stored.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy.engine import Connection, Engine

from sync_server.accounts import (
    AccountError,
    UserInfo,
    create_district,
    create_user,
    find_user,
    list_users,
)
from sync_server.audit import audit
from sync_server.auth import create_device, enrolment_url, issue_enrolment_code, revoke_device
from sync_server.db.engine import make_engine, migrate, repage
from sync_server.errors import BilingualError
from sync_server.ratelimit import reset
from sync_server.settings import Settings
from sync_server.web.signin_throttle import clear

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m sync_server",
        description="Tambon Field district server: database, accounts and the web server.")
    sub = parser.add_subparsers(dest="command", required=True)

    sub.add_parser("migrate", help="create or upgrade the database (idempotent)")

    p = sub.add_parser("create-district",
                       help="add a district by its DOPA code (names from geothai)")
    p.add_argument("code", help="4-digit district code, e.g. 2403")

    p = sub.add_parser("add-user", help="add a user; prints a one-time enrolment code last")
    p.add_argument("--district", required=True, help="district code, e.g. 2403")
    p.add_argument("--role", required=True, choices=("officer", "supervisor", "partner", "admin"))
    p.add_argument("--name", required=True, help="display name, e.g. 'สมศรี ใจดี'")
    p.add_argument("--username", help="web sign-in name (needs --password)")
    p.add_argument("--password", help="web sign-in password, 8+ characters")
    p.add_argument("--agency", help="partner agency's name")
    p.add_argument("--qr", type=Path, help="also write the enrolment QR code to this PNG file")

    p = sub.add_parser("new-code", help="a fresh enrolment code for an existing user")
    p.add_argument("--user", required=True, help="user id or username")
    p.add_argument("--qr", type=Path, help="also write the enrolment QR code to this PNG file")

    p = sub.add_parser("issue-token",
                       help="an API token (e.g. a partner agency's); printed once, last line")
    p.add_argument("--user", required=True, help="user id or username")
    p.add_argument("--name", required=True, help="what the token is for, e.g. 'ระบบพาณิชย์จังหวัด'")

    p = sub.add_parser("revoke-device", help="revoke a phone's or API client's token")
    p.add_argument("device_id")

    p = sub.add_parser("unlock-user",
                       help="lift the sign-in delays of a username (after wrong passwords)")
    p.add_argument("username", help="the web sign-in name, as typed at the sign-in page")
    p.add_argument("--address", help="only from this client IP; also lifts the limit on "
                                     "failed sign-ins from that address")

    p = sub.add_parser("list-users", help="list users and their active devices")
    p.add_argument("--district", help="only this district")

    p = sub.add_parser("serve", help="run the server with uvicorn")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--workers", type=int, default=None,
                   help="server processes (default: one per core, at most 4; each has its "
                        "own district writers, ordered across processes)")

    sub.add_parser("demo", help="create the demo district 2403 with users and producers")
    sub.add_parser("repage", help="rewrite an SQLite database made before 8 KB pages "
                                  "(stop the server first)")
    return parser


def main(argv: Sequence[str] | None = None, settings: Settings | None = None) -> int:
    args = build_parser().parse_args(argv)
    settings = settings or Settings.from_env()
    if args.command == "serve":
        return _serve(args, settings)
    settings.ensure_dirs()
    engine = make_engine(settings.database_url)
    try:
        return _run(args, settings, engine)
    except BilingualError as exc:  # AccountError, RepageError
        print(exc.terminal_text(), file=sys.stderr)
        return 2
    finally:
        engine.dispose()


def _run(args: argparse.Namespace, settings: Settings, engine: Engine) -> int:
    if args.command == "repage":
        before, after = repage(engine)
        if before == after:
            print(f"the database already has {after // 1024} KB pages / "
                  f"ฐานข้อมูลใช้หน้าขนาด {after // 1024} KB อยู่แล้ว")
        else:
            print(f"rewritten with {after // 1024} KB pages (was {before // 1024} KB) / "
                  f"เขียนใหม่ด้วยหน้าขนาด {after // 1024} KB แล้ว (เดิม {before // 1024} KB)")
        return 0
    if args.command == "migrate":
        migrate(engine)
        print("database is up to date / ฐานข้อมูลเป็นรุ่นล่าสุดแล้ว")
        return 0
    if args.command == "create-district":
        with engine.begin() as conn:
            created = create_district(conn, args.code)
            if created:
                audit(conn, None, "district.create", "district", args.code,
                      district_code=args.code)
        print(f"district {args.code} {'created' if created else 'already exists'}")
        return 0
    if args.command == "add-user":
        _check_qr_target(args.qr)
        with engine.begin() as conn:
            user_id = create_user(
                conn, district_code=args.district, role=args.role, display_name=args.name,
                username=args.username, password=args.password, agency_name=args.agency)
            code = issue_enrolment_code(conn, user_id, ttl=settings.enrolment_code_ttl)
            audit(conn, None, "user.create", "user", user_id, {"role": args.role},
                  district_code=args.district)
        print(f"user {user_id} ({args.role}) created in district {args.district}")
        _print_code(settings, code, args.qr)
        return 0
    if args.command == "new-code":
        _check_qr_target(args.qr)
        with engine.begin() as conn:
            user = _find_user(conn, args.user)
            code = issue_enrolment_code(conn, user.id, ttl=settings.enrolment_code_ttl)
        _print_code(settings, code, args.qr)
        return 0
    if args.command == "issue-token":
        with engine.begin() as conn:
            user = _find_user(conn, args.user)
            device_id, token = create_device(conn, user_id=user.id, name=args.name, kind="api")
            audit(conn, None, "token.issue", "device", device_id, {"user_id": user.id},
                  district_code=user.district_code)
        access = "read-only" if user.role == "partner" else user.role
        print(f"API token {device_id} for {user.display_name} ({access}); "
              "shown once, revoke with: revoke-device " + device_id)
        print(token)
        return 0
    if args.command == "revoke-device":
        with engine.begin() as conn:
            revoked = revoke_device(conn, args.device_id)
            if revoked:
                audit(conn, None, "device.revoke", "device", args.device_id)
        if not revoked:
            raise AccountError(f"no active device {args.device_id!r}",
                               f"ไม่พบเครื่องที่ใช้งานอยู่ {args.device_id!r}")
        print(f"device {args.device_id} revoked")
        return 0
    if args.command == "unlock-user":
        return _unlock_user(engine, args.username, args.address)
    if args.command == "list-users":
        with engine.begin() as conn:
            for user in list_users(conn, args.district):
                print("\t".join([user.id, user.district_code, user.role, user.display_name,
                                 user.username or "-", f"devices={user.active_devices}",
                                 "active" if user.active else "inactive"]))
        return 0
    if args.command == "demo":
        from sync_server.demo import run_demo
        migrate(engine)
        return run_demo(engine, settings)
    raise AssertionError(args.command)


def _unlock_user(engine: Engine, username: str, address: str | None) -> int:
    """Lift the sign-in throttle of `username` (every address, or one) and, with an address,
    that address's limit. Works for usernames that do not exist too: they are throttled
    alike (so that answers do not reveal which exist)."""
    pairs = clear(engine, username, address)
    lifted = reset(engine, f"signin:{address}") if address else 0
    with engine.begin() as conn:
        user = find_user(conn, username=username.strip())
        audit(conn, None, "user.unlock", "user", user.id if user else None,
              {"username": username.strip()[:64], "address": address, "pairs": pairs,
               "address_events": lifted}, district_code=user.district_code if user else None)
    where = f" from {address}" if address else ""
    print(f"sign-in delays lifted for {username.strip()!r}{where}: {pairs} address(es)"
          + (f", {lifted} failed attempt(s) of the address forgotten" if address else ""))
    print(f"ปลดการรอเข้าสู่ระบบของ {username.strip()!r} แล้ว")
    return 0


def _find_user(conn: Connection, text: str) -> UserInfo:
    user = find_user(conn, user_id=text) or find_user(conn, username=text)
    if user is None:
        raise AccountError(f"no user {text!r}", f"ไม่พบผู้ใช้ {text!r}")
    return user


def _check_qr_target(qr: Path | None) -> None:
    """Refuse a QR path that cannot be written before anything is stored: otherwise the user
    is created and the command dies on the file with a traceback, never printing the code."""
    if qr is None:
        return
    if qr.is_dir() or not qr.parent.is_dir():
        raise AccountError(
            f"cannot write the QR code to {qr}: give a file name in a folder that exists",
            f"เขียนไฟล์ QR ที่ {qr} ไม่ได้ กรุณาระบุชื่อไฟล์ในโฟลเดอร์ที่มีอยู่แล้ว")


def _print_code(settings: Settings, code: str, qr: Path | None) -> None:
    url = enrolment_url(settings.public_url, code)
    qr_error: OSError | None = None
    if qr is not None:
        import segno
        try:
            segno.make(url, error="m").save(str(qr), scale=8, border=4)
            print(f"QR code written to {qr}: {url}")
        except OSError as exc:  # e.g. no write permission: the code is stored, so show it
            qr_error = exc
    print(f"enrolment code (valid {settings.enrolment_code_ttl.days} days, one use):")
    print(code)
    if qr_error is not None:
        raise AccountError(
            f"the code above is valid, but the QR code could not be written to {qr} "
            f"({qr_error.strerror or qr_error})",
            f"รหัสด้านบนใช้ได้ แต่เขียนไฟล์ QR ที่ {qr} ไม่ได้ ({qr_error.strerror or qr_error})")


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    from sync_server.middleware import configure_logging
    from sync_server.serving import serve_one, serve_processes
    # Workers are separate processes that build the app from the environment.
    os.environ.setdefault("TAMBON_DATA_DIR", str(settings.data_dir))
    os.environ.setdefault("DATABASE_URL", settings.database_url)
    os.environ.setdefault("TAMBON_LOG_LEVEL", "INFO")
    configure_logging()
    workers = args.workers if args.workers is not None else default_workers()
    if workers < 1:
        print(f"error: --workers must be at least 1, not {workers}\n"
              f"ข้อผิดพลาด: --workers ต้องเป็น 1 ขึ้นไป ไม่ใช่ {workers}", file=sys.stderr)
        return 2
    print(f"serving on http://{args.host}:{args.port} with {workers} worker process"
          f"{'es' if workers > 1 else ''}", flush=True)
    if workers > 1:
        return serve_processes(args.host, args.port, workers)
    return serve_one(args.host, args.port)


def default_workers() -> int:
    """Server processes when `serve` is not told: one per core the process may use, at most
    4 (one process is bound to one core by Python's GIL; past 4, a district office's
    SQLite file gains nothing from more writers taking turns)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    return max(1, min(4, cores))
