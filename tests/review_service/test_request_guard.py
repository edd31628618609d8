"""Every request is held to the same rules before a route sees it: a size limit (413), a
nesting limit, finite numbers and no NUL anywhere (422 naming the field and the rule), and
nothing of a refused request is stored."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from review_service.accounts.models import User
from review_service.config import Settings
from review_service.events.models import Event
from review_service.main import create_app
from review_service.request_guard import MAX_JSON_DEPTH, json_depth
from tests.review_service.factories import World, example_document

API = "/api/v1"
JSON = {"Content-Type": "application/json"}


def _events(app) -> int:  # type: ignore[no-untyped-def]
    with Session(app.state.engine) as s:
        return s.exec(select(func.count()).select_from(Event)).one()


def _refused(r, field: str, rule: str) -> None:  # type: ignore[no-untyped-def]
    assert r.status_code == 422, r.text
    error = r.json()["error"]
    assert error["code"] == "validation_failed"
    assert error["message"] and error["message_en"]
    named = [d for d in error["details"] if d["field"] == field]
    assert named, error["details"]
    assert rule in named[0]["problem_en"] and rule in named[0]["problem"]


def test_deep_json_to_filings_is_refused_naming_the_rule(client, world: World) -> None:  # type: ignore[no-untyped-def]
    body = '{"filing_id": ' + "[" * 1000 + "]" * 1000 + "}"
    r = client.post(f"{API}/filings", content=body, headers={**JSON, "X-Filing-Key": "x.y"})
    _refused(r, "body", "json_too_deep")
    assert "1001" in r.json()["error"]["details"][0]["problem_en"]
    # Just inside the limit is not the guard's business (the key is refused next).
    inside = "[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH
    r = client.post(f"{API}/filings", content=inside, headers={**JSON, "X-Filing-Key": "x.y"})
    assert r.status_code == 401


@pytest.mark.parametrize("literal", ["Infinity", "-Infinity", "NaN", "1e999"])
def test_non_finite_facts_are_refused_naming_the_field(client, world: World, literal: str) -> None:  # type: ignore[no-untyped-def]
    body = '{"facts": {"as_of": "2026-06-01", "years_in_occupation": LITERAL}}'
    body = body.replace("LITERAL", literal)
    r = client.post(
        f"{API}/standards/{world.a.standard.id}/self-check",
        content=body,
        headers={**JSON, **world.auth("a_applicant")},
    )
    _refused(r, "facts.years_in_occupation", "non_finite_number")


def test_non_finite_criterion_maximum_is_refused_and_nothing_stored(
    client, app, world: World
) -> None:  # type: ignore[no-untyped-def]
    text = json.dumps({"document": example_document()})
    document = json.loads(text)
    document["document"]["criteria"][1]["maximum"] = "__INF__"
    body = json.dumps(document).replace('"__INF__"', "Infinity")
    before = _events(app)
    r = client.post(f"{API}/standards", content=body, headers={**JSON, **world.auth("a_admin")})
    _refused(r, "document.criteria[1].maximum", "non_finite_number")
    assert _events(app) == before


def test_nul_in_a_name_is_refused_and_not_stored(client, app, world: World) -> None:  # type: ignore[no-untyped-def]
    r = client.patch(
        f"{API}/users/{world.a.applicant.id}",
        content='{"display_name": "张\\u0000三"}',
        headers={**JSON, **world.auth("a_admin")},
    )
    _refused(r, "display_name", "nul_character")
    with Session(app.state.engine) as s:
        user = s.get(User, world.a.applicant.id)
        assert user is not None and "\x00" not in user.display_name


def test_nul_in_a_key_a_query_a_form_field_and_a_path(client, world: World) -> None:  # type: ignore[no-untyped-def]
    r = client.post(
        f"{API}/standards/{world.a.standard.id}/self-check",
        content='{"facts": {"a\\u0000b": 1}}',
        headers={**JSON, **world.auth("a_applicant")},
    )
    _refused(r, "facts.a\\u0000b", "nul_character")
    r = client.get(f"{API}/enterprises?q=%00", headers=world.auth("regulator"))
    _refused(r, "q", "nul_character")
    r = client.post(f"{API}/auth/login", data={"username": "a_admin\x00", "password": "x"})
    _refused(r, "username", "nul_character")
    r = client.get(f"{API}/filings/IC%00X", headers=world.auth("regulator"))
    _refused(r, "path", "nul_character")


def test_many_problems_are_all_named(client, world: World) -> None:  # type: ignore[no-untyped-def]
    body = '{"facts": {"x": [NaN, "a\\u0000", {"y": -Infinity}]}}'
    r = client.post(
        f"{API}/standards/{world.a.standard.id}/self-check",
        content=body,
        headers={**JSON, **world.auth("a_applicant")},
    )
    fields = {d["field"] for d in r.json()["error"]["details"]}
    assert fields == {"facts.x[0]", "facts.x[1]", "facts.x[2].y"}


def test_escaped_text_that_only_looks_bad_passes(client, world: World) -> None:  # type: ignore[no-untyped-def]
    # A literal backslash-u-0000 and the word NaN inside strings are ordinary text.
    body = '{"facts": {"as_of": "2026-06-01", "note": "\\\\u0000 NaN [[[[["}}'
    r = client.post(
        f"{API}/standards/{world.a.standard.id}/self-check",
        content=body,
        headers={**JSON, **world.auth("a_applicant")},
    )
    assert r.status_code != 422 or all(
        "nul_character" not in d["problem_en"] for d in r.json()["error"]["details"]
    )


def test_json_depth_ignores_brackets_in_strings() -> None:
    assert json_depth(b'{"a": "[[[[", "b": [1, [2]]}') == 3
    assert json_depth(b'["\\\\", [["x\\"]]"]]]') == 3
    assert json_depth(b'"[["') == 0


@pytest.fixture
def small_app(database_url: str, db):  # type: ignore[no-untyped-def]
    settings = Settings(
        environment="test",
        database_url=database_url,
        secret_key="guard-secret-key-0123456789abcdef0123",
        id_hash_key="guard-id-hash-key-0123456789abcdef0123",
        max_request_bytes=4096,
        max_ordinary_request_bytes=2048,
    )
    app = create_app(settings)
    yield app
    app.state.engine.dispose()


def test_a_body_over_the_limit_is_refused_with_413(small_app) -> None:  # type: ignore[no-untyped-def]
    big = json.dumps({"filing_id": "x" * 5000})
    with TestClient(small_app) as client:
        declared = client.post(f"{API}/filings", content=big, headers=JSON)
        assert declared.status_code == 413
        assert declared.json()["error"]["code"] == "request_too_large"
        assert declared.json()["error"]["max_bytes"] == 4096

        def chunks():  # type: ignore[no-untyped-def]
            for _ in range(10):
                yield b" " * 1000  # no Content-Length: counted as it arrives

        streamed = client.post(f"{API}/filings", content=chunks(), headers=JSON)
        assert streamed.status_code == 413
        # Under the bulk limit: on to the filing key check.
        medium = json.dumps({"filing_id": "x" * 3000})
        assert client.post(f"{API}/filings", content=medium, headers=JSON).status_code == 401
        # Any other route takes the ordinary limit only (its JSON is parsed on the event loop).
        ordinary = client.post(f"{API}/standards", content=medium, headers=JSON)
        assert ordinary.status_code == 413
        assert ordinary.json()["error"]["max_bytes"] == 2048


def test_nul_in_an_uploaded_registry_extract_is_refused(client, world: World) -> None:  # type: ignore[no-untyped-def]
    csv = b"person_key,credit_code\nab\x00c,913206000000000001\n"
    r = client.post(
        f"{API}/registries/employment",
        files={"file": ("extract.csv", csv, "text/csv")},
        data={"as_of": "2026-06-30"},
        headers=world.auth("regulator"),
    )
    _refused(r, "file", "nul_character")


def test_enterprise_search_takes_wildcards_literally(client, world: World) -> None:  # type: ignore[no-untyped-def]
    headers = world.auth("regulator")
    everyone = client.get(f"{API}/enterprises", headers=headers).json()["count"]
    assert everyone >= 2
    for q in ("%", "_", "%%", "\\"):
        r = client.get(f"{API}/enterprises", params={"q": q}, headers=headers)
        assert r.status_code == 200
        assert r.json()["count"] == 0, q
    name = client.get(f"{API}/enterprises", headers=headers).json()["data"][0]["name"]
    r = client.get(f"{API}/enterprises", params={"q": name[1:4]}, headers=headers)
    assert r.json()["count"] >= 1
