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
    # The factories file in 1.0: filings in the old version keep being accepted.
    assert filing.schema_version == "1.0" and SCHEMA_VERSION == "1.1"


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
    assert schema["x-schema-version"] == "1.1"
    assert schema["x-schema-versions-accepted"] == ["1.0", "1.1"]
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


def test_a_1_1_filing_with_every_new_field_parses_and_round_trips() -> None:
    raw = factories.filing_doc(3)
    raw["schema_version"] = "1.1"
    raw["review_body"]["industry_cluster"] = "new_energy"
    raw["review_body"]["industry_cluster_name"] = "新能源"
    raw["panel"][1]["supervises"] = ["a0"]
    raw["panel"][2]["relatives"] = ["a1"]
    raw["panel"][3]["declared_interests"] = ["a2"]
    raw["applications"][2]["relative_member_ids"] = ["m5"]
    sheet = raw["applications"][0]["scores"][0]
    sheet["criterion_times"] = {
        code: {"started_at": sheet["started_at"], "submitted_at": sheet["submitted_at"]}
        for code in sheet["values"]
    }
    filing = factories.accept(raw)
    assert Filing.model_validate_json(filing.model_dump_json()) == filing
    assert filing.panel[1].supervises == ["a0"]
    assert filing.review_body.industry_cluster_name == "新能源"
