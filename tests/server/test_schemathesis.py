"""Schemathesis against the live server's /openapi.json: generated requests (valid and
invalid) for every documented operation, with a real officer token; zero 5xx answers, and
every error answer is a problem document."""

from __future__ import annotations

import json

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from tests.server.world import World

MAX_EXAMPLES = 25


@pytest.fixture(scope="module")
def schema(world: World) -> schemathesis.BaseSchema:
    return schemathesis.openapi.from_url(f"{world.base_url}/openapi.json")


def _operations(schema: schemathesis.BaseSchema) -> list[schemathesis.APIOperation]:
    return [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_no_server_errors(world: World, schema: schemathesis.BaseSchema,
                          mode: GenerationMode) -> None:
    operations = _operations(schema)
    assert any(op.path == "/api/v1/records" for op in operations)
    headers = world.own["officer"].headers
    failures: list[str] = []
    seen: set[tuple[str, str]] = set()
    client = httpx.Client(base_url=world.base_url, timeout=30)

    strategy = st.one_of([op.as_strategy(generation_mode=mode) for op in operations])

    @settings(max_examples=MAX_EXAMPLES * len(operations), deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(case=strategy)
    def run(case: schemathesis.Case) -> None:
        kwargs = case.as_transport_kwargs(base_url=world.base_url, headers=headers)
        response = client.request(
            kwargs["method"], kwargs["url"], headers=kwargs.get("headers"),
            params=kwargs.get("params"), content=_content(kwargs))
        seen.add((case.method, case.path))
        if response.status_code >= 500:
            failures.append(f"{case.method} {case.formatted_path}: {response.status_code} "
                            f"{response.text[:200]}")
        elif (response.status_code >= 400 and case.method != "HEAD" and response.content
              and not response.headers.get("content-type", "").startswith(
                  "application/problem+json")):
            failures.append(f"{case.method} {case.formatted_path}: "
                            f"{response.status_code} is not a problem document")

    try:
        run()
    finally:
        client.close()
    assert failures == []
    if mode == GenerationMode.POSITIVE:  # (operations without inputs have no negative cases)
        assert seen == {(op.method.upper(), op.path) for op in operations}


def _content(kwargs: dict) -> bytes | None:
    if kwargs.get("json") is not None:
        return json.dumps(kwargs["json"]).encode()
    data = kwargs.get("data") or kwargs.get("content")
    if isinstance(data, str):
        return data.encode()
    return data
