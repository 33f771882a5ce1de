"""Schemathesis against the live server's /openapi.json, with EVERY check it has: generated
requests (valid and invalid) for every documented operation, sent with a real officer token
to a real server process. Zero failures: no 5xx, and every status, media type, header and
body the server answers is the one its OpenAPI description declares (issue 11, item 9).

The operations are read from the running server, so routes added later are covered without
touching this file; their error answers are declared by `sync_server.openapi`. It runs on
SQLite and on PostgreSQL: PostgreSQL refuses what SQLite stores (a NUL character in text or
JSON), so a 5xx can hide on one database only."""

from __future__ import annotations

import re
from base64 import b64encode
from collections.abc import Iterator

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.core.failures import FailureGroup

from sync_server.openapi import TUS_METADATA_FORMAT
from tests.server.world import World, build_world
from tests.support.server import EACH_DATABASE, server_on

_BEARER = re.compile(r"Bearer [^\s]+")  # a well-formed token header (HTTPBearer)
MAX_EXAMPLES = 12  # per operation and mode: the whole run fits in about a minute

# The tus Upload-Metadata header (its format is named in the description): the photo's
# SHA-256 as tus wants it, base64 of the hex digest, sometimes with more pairs after it.
_hex64 = st.text("0123456789abcdef", min_size=64, max_size=64)
schemathesis.openapi.format(TUS_METADATA_FORMAT, st.builds(
    lambda sha, name: f"sha256 {b64encode(sha.encode()).decode()}"
    + (f",filename {b64encode(name.encode()).decode()}" if name else ""),
    _hex64, st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00"),
                    max_size=20)))  # as the description says: UTF-8 text, no NUL
# tus PATCH bodies are raw bytes, sent as they are.
schemathesis.serializer.alias("application/offset+octet-stream", "application/octet-stream")


@pytest.fixture(scope="module", params=EACH_DATABASE)
def world(request: pytest.FixtureRequest,
          tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    with server_on(request.param, tmp_path_factory.mktemp("server")) as server:
        yield build_world(server)


@pytest.fixture(scope="module")
def schema(world: World) -> schemathesis.BaseSchema:
    loaded = schemathesis.openapi.from_url(f"{world.base_url}/openapi.json")
    # tus 1.0 answers an unsupported Tus-Resumable version with 412 Precondition Failed (the
    # protocol requires it), a rejection schemathesis does not list by default.
    rejection = loaded.config.checks.negative_data_rejection
    rejection.expected_statuses = [*rejection.expected_statuses, "412"]
    return loaded


def _operations(schema: schemathesis.BaseSchema) -> list[schemathesis.APIOperation]:
    return [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]


def all_checks() -> list:
    load_all_checks()
    return CHECKS.get_all()


def test_every_check_is_run() -> None:
    names = {check.__name__ for check in all_checks()}
    assert {"not_a_server_error", "status_code_conformance", "content_type_conformance",
            "response_headers_conformance", "response_schema_conformance",
            "negative_data_rejection", "positive_data_acceptance", "ignored_auth",
            "unsupported_method", "missing_required_header"} <= names


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_the_api_is_what_its_description_says(world: World, schema: schemathesis.BaseSchema,
                                              mode: GenerationMode) -> None:
    operations = _operations(schema)
    assert any(op.path == "/api/v1/records" for op in operations)
    headers = world.own["officer"].headers
    checks = all_checks()
    failures: dict[str, str] = {}
    seen: set[tuple[str, str]] = set()
    session = requests.Session()

    def call(case: schemathesis.Case) -> None:
        seen.add((case.method, case.path))
        sent = dict(headers)
        if mode == GenerationMode.NEGATIVE:
            given_auth = next((str(v) for k, v in (case.headers or {}).items()
                               if k.lower() == "authorization"), None)
            if given_auth is None:
                sent = {}  # the case leaves the token out on purpose: send it without
            elif not _BEARER.fullmatch(given_auth):
                sent = {}  # the case breaks the token on purpose: ours must not mend it
        try:
            case.call_and_validate(base_url=world.base_url, session=session, headers=sent,
                                   checks=checks, timeout=30)
        except FailureGroup as group:
            for failure in group.exceptions:
                key = f"{case.method} {case.path}: {failure.title}"
                failures.setdefault(key, f"{failure.message}"[:600])

    try:
        for operation in operations:  # each one, so none is left out by chance
            run = settings(max_examples=MAX_EXAMPLES, deadline=None, database=None,
                           suppress_health_check=list(HealthCheck))(
                given(case=operation.as_strategy(generation_mode=mode))(call))
            try:
                run()
            except Unsatisfiable:  # no input can be made invalid (e.g. no parameters)
                assert mode == GenerationMode.NEGATIVE, operation.label
    finally:
        session.close()
    assert failures == {}, "\n\n".join(f"{k}\n{v}" for k, v in failures.items())
    if mode == GenerationMode.POSITIVE:  # (operations without inputs have no negative cases)
        assert seen == {(op.method.upper(), op.path) for op in operations}
