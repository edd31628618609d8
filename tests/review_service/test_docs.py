"""The API docs at /docs work offline: the page names only this server's own assets
(Swagger UI 5, which renders OpenAPI 3.1), and those are served."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from review_service.config import Settings
from review_service.main import create_app


def test_docs_load_nothing_from_outside() -> None:
    app = create_app(Settings(environment="development", database_url="sqlite://"))
    with TestClient(app) as client:
        page = client.get("/docs")
        assert page.status_code == 200
        urls = re.findall(r"""(?:src|href)=["']([^"']+)""", page.text)
        urls += re.findall(r"""url:\s*['"]([^'"]+)""", page.text)
        assert urls and all(u.startswith("/") for u in urls), urls
        assert "cdn" not in page.text.lower()
        assert '"validatorUrl": null' in page.text
        for url in urls:
            r = client.get(url)
            assert r.status_code == 200, url
        bundle = client.get("/docs/assets/swagger-ui-bundle.js").text
        versions = [int(v) for v in re.findall(r'"(\d+)\.\d+\.\d+"', bundle[:2_000_000])]
        assert max(versions) >= 5  # OpenAPI 3.1 needs Swagger UI 5
        assert "Apache License" in client.get("/docs/assets/LICENSE").text
        assert client.get("/docs/oauth2-redirect").status_code == 200
