"""The web app's client is generated from the committed OpenAPI schema; it must match the API.

On failure: ``python -m review_service.openapi_dump > frontend/openapi.json`` then
``cd frontend && npm run gen:api``, and commit both."""

from __future__ import annotations

import json

from review_service.config import PROJECT_ROOT, Settings
from review_service.main import create_app


def test_committed_schema_matches_the_api() -> None:
    app = create_app(Settings(environment="development", database_url="sqlite://"))
    committed = json.loads((PROJECT_ROOT / "frontend" / "openapi.json").read_text("utf-8"))
    live = json.loads(json.dumps(app.openapi()))
    assert sorted(committed["paths"]) == sorted(live["paths"]), (
        "routes changed: regenerate the client"
    )
    assert committed == live, "schemas changed: regenerate the client"
