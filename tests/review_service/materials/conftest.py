from __future__ import annotations

import pytest

from review_service.config import Settings
from tests.review_service.reviews.conftest import HOLIDAYS, clock, flow  # noqa: F401


@pytest.fixture
def settings(database_url: str) -> Settings:
    # Small limits, so the size rules are tested with small files.
    return Settings(
        environment="test",
        database_url=database_url,
        secret_key="test-secret-key-that-is-long-enough-0123456789",
        id_hash_key="test-id-hash-key-long-enough-0123456789",
        holidays=HOLIDAYS,
        material_max_file_mb=1,
        material_max_application_mb=2,
    )
