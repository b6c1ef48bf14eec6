"""The OpenAPI description matches what the server really sends."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

Client = TestClient[web.Request, web.Application]
TOKEN = "openapi-test-token"


async def _spec(client: Client) -> dict[str, Any]:
    resp = await client.get("/openapi.json")
    assert resp.status == 200
    spec: dict[str, Any] = await resp.json()
    return spec


def _validator(spec: dict[str, Any], path: str, method: str, status: int, media: str) -> Any:
    operation = spec["paths"][path][method]
    schema = operation["responses"][str(status)]["content"][media]["schema"]
    registry: Registry[Any] = Registry().with_resource(
        "urn:policy-qa", Resource.from_contents(spec, default_specification=DRAFT202012)
    )
    ref = schema["$ref"].replace("#", "urn:policy-qa#", 1)
    return Draft202012Validator({"$ref": ref}, registry=registry)


CASES: list[tuple[str, str, str, dict[str, Any], int, str]] = [
    (
        "/api/v1/ask",
        "post",
        "/api/v1/ask",
        {"json": {"question": "Do you sell my email?"}},
        200,
        "application/json",
    ),
    (
        "/api/v1/ask",
        "post",
        "/api/v1/ask",
        {"json": {"question": "how long do you keep data"}},
        200,
        "application/json",
    ),
    (
        "/api/v1/ask",
        "post",
        "/api/v1/ask",
        {"json": {"question": "hello"}},
        200,
        "application/json",
    ),
    ("/api/v1/ask", "post", "/api/v1/ask", {"json": {}}, 422, "application/problem+json"),
    (
        "/api/v1/ask",
        "post",
        "/api/v1/ask",
        {"data": b"{", "headers": {"Content-Type": "application/json"}},
        400,
        "application/problem+json",
    ),
    ("/api/v1/ask", "post", "/api/v1/ask", {"data": b"x"}, 415, "application/problem+json"),
    ("/api/v1/search", "get", "/api/v1/search?q=cookies", {}, 200, "application/json"),
    (
        "/api/v1/search",
        "get",
        "/api/v1/search?q=cookies&limit=0",
        {},
        422,
        "application/problem+json",
    ),
    ("/api/v1/clauses", "get", "/api/v1/clauses", {}, 200, "application/json"),
    (
        "/api/v1/clauses/{clause_id}",
        "get",
        "/api/v1/clauses/nope",
        {},
        404,
        "application/problem+json",
    ),
    ("/healthz", "get", "/healthz", {}, 200, "application/json"),
    ("/widget.json", "get", "/widget.json", {}, 200, "application/json"),
    (
        "/widget.json",
        "get",
        "/widget.json",
        {"headers": {"Origin": "https://not-allowed.example"}},
        200,
        "application/json",
    ),
    (
        "/api/v1/ask",
        "post",
        "/api/v1/ask",
        {"json": {"question": "Vendez-vous mon adresse e-mail ?"}},
        200,
        "application/json",
    ),
    (
        "/api/v1/search",
        "get",
        "/api/v1/search?q=sell%20my%20email&answer=true",
        {},
        200,
        "application/json",
    ),
]


@pytest.mark.parametrize(("path", "method", "url", "kwargs", "status", "media"), CASES)
async def test_responses_match_the_spec(
    client: Client,
    path: str,
    method: str,
    url: str,
    kwargs: dict[str, Any],
    status: int,
    media: str,
) -> None:
    spec = await _spec(client)
    resp = await client.request(method.upper(), url, **kwargs)
    assert resp.status == status
    assert resp.content_type == media
    _validator(spec, path, method, status, media).validate(await resp.json())


async def test_every_clause_validates(client: Client) -> None:
    spec = await _spec(client)
    listing = await (await client.get("/api/v1/clauses")).json()
    validator = _validator(spec, "/api/v1/clauses/{clause_id}", "get", 200, "application/json")
    for clause in listing["clauses"]:
        resp = await client.get(f"/api/v1/clauses/{clause['clause_id']}")
        validator.validate(await resp.json())


@pytest.fixture
async def full_client(
    aiohttp_client: Any, make_app: Callable[..., web.Application], tmp_path: Path
) -> Client:
    """Every route on: insights, and the admin token its report and /admin/reload need."""
    app = make_app(insights=True, admin_token=TOKEN, database=f"sqlite:///{tmp_path / 'i.db'}")
    client: Client = await aiohttp_client(app)
    return client


async def test_spec_is_openapi_3_1_and_describes_every_route(full_client: Client) -> None:
    spec = await _spec(full_client)
    assert spec["openapi"].startswith("3.1")
    routes = {
        r.resource.canonical
        for r in full_client.app.router.routes()
        if r.resource is not None and r.method != "HEAD"
    }
    documented = {"/api/v1/ask", "/api/v1/search", "/api/v1/clauses", "/healthz", "/widget.json"}
    assert documented <= set(spec["paths"])
    assert set(spec["paths"]) <= routes


async def test_insights_responses_match_the_spec(full_client: Client) -> None:
    spec = await _spec(full_client)
    json_type, problem = "application/json", "application/problem+json"

    async def check(resp: Any, path: str, method: str, status: int, media: str) -> Any:
        assert resp.status == status
        assert resp.content_type == media
        body = await resp.json()
        _validator(spec, path, method, status, media).validate(body)
        return body

    ask = await full_client.post("/api/v1/ask", json={"question": "cookies?", "channel": "widget"})
    answer = await check(ask, "/api/v1/ask", "post", 200, json_type)
    assert isinstance(answer["answer_id"], str)
    for body, status, media in [
        ({"answer_id": answer["answer_id"], "helpful": False, "comment": "no"}, 202, json_type),
        ({"answer_id": "unknown", "helpful": True}, 404, problem),
        ({"answer_id": answer["answer_id"], "helpful": "yes"}, 422, problem),
    ]:
        resp = await full_client.post("/api/v1/feedback", json=body)
        await check(resp, "/api/v1/feedback", "post", status, media)
    auth = {"Authorization": f"Bearer {TOKEN}"}
    for url, headers, status, media in [
        ("/api/v1/insights?days=7", auth, 200, json_type),
        ("/api/v1/insights", {"Authorization": "Bearer wrong"}, 401, problem),
        ("/api/v1/insights?days=0", auth, 422, problem),
    ]:
        resp = await full_client.get(url, headers=headers)
        await check(resp, "/api/v1/insights", "get", status, media)


def test_a_wrong_response_would_fail_validation() -> None:
    """The check can fail: a body missing a required field is rejected."""
    from qa_service.openapi import spec

    validator = _validator(spec(), "/api/v1/ask", "post", 200, "application/json")
    assert not validator.is_valid({"status": "answered"})
    assert not validator.is_valid({"status": "maybe", "answer": "", "citations": []})
