"""Valid filings for the tests, from the bench generator (intake shape: clear resident IDs)."""

from __future__ import annotations

import copy
from functools import lru_cache
from typing import Any

from bench.generator import GeneratorConfig, SyntheticData, generate


@lru_cache
def _data(apps: int, bodies: int, seed: int, manipulated: float) -> SyntheticData:
    return generate(
        GeneratorConfig(
            bodies=bodies,
            apps_per_body=apps,
            sessions_per_body=1,
            share_manipulated=manipulated,
            seed=seed,
        )
    )


@lru_cache
def _documents(apps: int, bodies: int, seed: int, manipulated: float) -> list[dict[str, Any]]:
    return _data(apps, bodies, seed, manipulated).documents(intake=True)


def filing_document(
    credit_code: str | None = None, *, apps: int = 12, filing_id: str | None = None, seed: int = 1
) -> dict[str, Any]:
    """One valid filing of ``apps`` applications, filed under ``credit_code`` when given."""
    document = copy.deepcopy(_documents(apps, 1, seed, 0.0)[0])
    if credit_code is not None:
        document["review_body"]["credit_code"] = credit_code
    if filing_id is not None:
        document["filing_id"] = filing_id
    return document


def filing_documents(
    bodies: int, *, apps: int = 20, seed: int = 3, manipulated: float = 0.3
) -> list[dict[str, Any]]:
    """Filings of ``bodies`` review bodies, some of them manipulated (for audits)."""
    return copy.deepcopy(_documents(apps, bodies, seed, manipulated))
