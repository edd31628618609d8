"""Print the app's OpenAPI schema as JSON (the frontend generates its client from it).

``python -m review_service.openapi_dump > frontend/openapi.json``
"""

from __future__ import annotations

import json
import sys

from review_service.config import Settings
from review_service.main import create_app


def main() -> None:
    app = create_app(Settings(environment="development", database_url="sqlite://"))
    json.dump(app.openapi(), sys.stdout, ensure_ascii=False, indent=2, sort_keys=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
