"""Pure pieces of the server, property-tested: enrolment code parsing, body limits."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sync_server.auth import enrolment_url, format_enrolment_code, normalize_enrolment_code
from sync_server.settings import UPLOADS_PREFIX, Settings

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
codes = st.text(alphabet=ALPHABET, min_size=16, max_size=16)


@given(codes, st.sampled_from(["-", " ", "", " - "]), st.booleans())
def test_any_spelling_of_a_code_normalises_to_it(code: str, separator: str,
                                                 lower: bool) -> None:
    text = separator.join(code[i:i + 4] for i in range(0, 16, 4))
    text = text.lower() if lower else text
    assert normalize_enrolment_code(f"  {text}\n") == code


@given(codes, st.sampled_from(["http://192.168.1.20:8000", "https://cdd-2403.example.th"]))
def test_the_qr_url_round_trips(code: str, server: str) -> None:
    url = enrolment_url(server, format_enrolment_code(code))
    assert url.startswith("tambon://enrol?server=" + quote(server, safe=""))
    assert normalize_enrolment_code(url) == code


@given(st.one_of(st.text(max_size=80),
                 st.tuples(st.sampled_from(["tambon://", "tambon:", "http://"]),
                           st.text(alphabet="[]:?&=/%enrolcodeABC123", max_size=30)).map("".join)))
def test_anything_else_is_refused_not_crashed(text: str) -> None:
    # The URL-shaped texts reach urlsplit, which raises ValueError for "tambon://[x".
    result = normalize_enrolment_code(text)
    assert result is None or (len(result) == 16 and set(result) <= set(ALPHABET))


@given(st.text(alphabet="/abcdefghijklmnopqrstuvwxyz0123456789", max_size=40))
def test_body_limit_is_the_longest_matching_prefix(path: str) -> None:
    settings = Settings.for_data_dir(Path("/nonexistent"), secret_key="k" * 40,
                                     body_limits=(("/api/v1/uploads/big", 64),
                                                  ("/imports", 32)))
    limit = settings.body_limit_for("/" + path)
    full = "/" + path
    if full.startswith("/api/v1/uploads/big"):
        assert limit == 64
    elif full.startswith(UPLOADS_PREFIX):
        assert limit == settings.max_upload_chunk
    elif full.startswith("/imports"):
        assert limit == 32
    else:
        assert limit == settings.max_json_body


def test_settings_from_env(tmp_path: Path) -> None:
    settings = Settings.from_env({"TAMBON_DATA_DIR": str(tmp_path),
                                  "TAMBON_PUBLIC_URL": "http://10.0.0.5:8000/",
                                  "TAMBON_MAX_JSON_BODY": "1000"})
    assert settings.database_url == f"sqlite:///{tmp_path / 'district.sqlite3'}"
    assert settings.photo_dir == tmp_path / "photos"
    assert settings.upload_dir == tmp_path / "uploads"
    assert settings.public_url == "http://10.0.0.5:8000"
    assert settings.max_json_body == 1000 and settings.database_kind == "sqlite"
    # the generated secret is kept, so every worker reads the same one
    again = Settings.from_env({"TAMBON_DATA_DIR": str(tmp_path)})
    assert again.secret_key == settings.secret_key and len(settings.secret_key) >= 32
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    pg = Settings.from_env({"TAMBON_DATA_DIR": str(tmp_path),
                            "DATABASE_URL": "postgresql+psycopg:///tambon"})
    assert pg.database_kind == "postgresql"


def test_production_refuses_a_short_secret(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="TAMBON_SECRET_KEY"):
        Settings.from_env({"TAMBON_DATA_DIR": str(tmp_path), "TAMBON_ENV": "production",
                           "TAMBON_SECRET_KEY": "short"})
