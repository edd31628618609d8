"""The filing contract: versioned, strict, and its published JSON Schema matches the code."""

from __future__ import annotations

import json
from pathlib import Path

import factories
import pytest
from pydantic import ValidationError

from audit.contract import SCHEMA_VERSION, Filing, filing_schema

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_a_factory_filing_parses_and_round_trips_through_json() -> None:
    filing = factories.accept(factories.filing_doc(3))
    again = Filing.model_validate_json(filing.model_dump_json())
    assert again == filing
    assert filing.schema_version == SCHEMA_VERSION == "1.0"


def test_an_unknown_schema_version_is_refused() -> None:
    raw = factories.filing_doc(1)
    raw["schema_version"] = "2.0"
    with pytest.raises(ValidationError) as info:
        Filing.model_validate(raw)
    assert info.value.errors()[0]["loc"] == ("schema_version",)


def test_unknown_fields_are_refused_rather_than_dropped() -> None:
    raw = factories.filing_doc(1)
    raw["applications"][0]["aproved"] = True
    with pytest.raises(ValidationError) as info:
        Filing.model_validate(raw)
    assert info.value.errors()[0]["loc"] == ("applications", 0, "aproved")


def test_a_level_that_is_not_on_the_members_track_is_refused() -> None:
    raw = factories.filing_doc(1)
    raw["panel"][2]["level"] = "grade2"  # a skill level given on the title track
    with pytest.raises(ValidationError) as info:
        Filing.model_validate(raw)
    assert info.value.errors()[0]["loc"] == ("panel", 2, "level")


def test_filings_are_immutable() -> None:
    filing = factories.accept(factories.filing_doc(1))
    with pytest.raises(ValidationError):
        filing.filing_id = "other"  # type: ignore[misc]


def test_schema_names_the_version_and_every_top_level_field() -> None:
    schema = filing_schema()
    assert schema["x-schema-version"] == "1.0"
    assert schema["$schema"].endswith("2020-12/schema")
    assert set(schema["required"]) >= {
        "schema_version",
        "filing_id",
        "filed_at",
        "review_body",
        "session",
        "panel",
        "applications",
    }
    assert "FilingApplication" in schema["$defs"]


def test_the_published_schema_file_matches_the_code() -> None:
    published = json.loads((DOCS / "filing-schema.json").read_text(encoding="utf-8"))
    assert published == json.loads(json.dumps(filing_schema())), (
        "docs/filing-schema.json is stale: regenerate it with "
        "python -m audit.contract > docs/filing-schema.json"
    )
