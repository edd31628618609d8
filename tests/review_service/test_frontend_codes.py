"""The web app's pick lists (frontend/src/api/codes.ts) are filled from the catalogue the API
serves, never written by hand; a list pointing at a group the catalogue lacks fails here (the
groups themselves are checked against the enums in tests/review_service/catalogue)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from review_service.config import PROJECT_ROOT

CODES = (PROJECT_ROOT / "frontend" / "src" / "api" / "codes.ts").read_text("utf-8")


def test_pick_lists_come_from_catalogue_groups(client: TestClient) -> None:
    block = re.search(r"export const PICK_LISTS = \{(.*?)\} as const", CODES, re.S)
    assert block, "PICK_LISTS is missing from codes.ts"
    pick_lists = dict(re.findall(r"([A-Z_]+): '([a-z_]+)'", block.group(1)))
    assert {"TITLE_LEVELS", "SKILL_LEVELS", "EDUCATION", "CLUSTERS", "SESSION_STATUSES"} <= set(
        pick_lists
    )
    groups = client.get("/api/v1/catalogue").json()["groups"]
    for name, group in pick_lists.items():
        assert groups.get(group), f"{name}: the catalogue has no group {group}"
    # No hand-written code lists are left.
    assert not re.search(r"\[\s*'[a-z_]+'\s*,", CODES)
