import json
from importlib import resources

import pytest

from standards.baseline import laxities
from standards.defaults import baseline_for, load_baselines, load_equivalence, load_examples
from standards.document import ANY_SERIES
from standards.levels import Track


def test_baselines_cover_the_engineering_series_and_the_skill_ladder():
    found = {(b.track, b.series, b.level) for b in load_baselines()}
    for level in ("assistant", "intermediate", "deputy_senior", "senior"):
        assert (Track.title, "engineering", level) in found
    for level in (
        "grade5",
        "grade4",
        "grade3",
        "grade2",
        "grade1",
        "special_technician",
        "chief_technician",
    ):
        assert (Track.skill, ANY_SERIES, level) in found


def test_baseline_numbers_from_the_domain_reference():
    baselines = load_baselines()
    engineer = baseline_for(baselines, Track.title, "engineering", "intermediate")
    years = engineer.requirement("years")
    assert years.required_years("bachelor") == 4 and years.required_years("master") == 2
    senior = baseline_for(baselines, Track.title, "engineering", "deputy_senior")
    assert senior.requirement("years").required_years("doctorate") == 2
    assert senior.panel.min_size == 11 and senior.notice_working_days == 5
    grade3 = baseline_for(baselines, Track.skill, "welder", "grade3")
    assert grade3.requirement("years").required_years("junior_college") == 2
    assert grade3.requirement("years").required_years("senior_high") == 5


def test_baseline_for_unknown_returns_none():
    assert baseline_for(load_baselines(), Track.title, "accounting", "intermediate") is None


@pytest.mark.parametrize("example", load_examples(), ids=lambda s: s.level)
def test_examples_are_not_laxer_than_their_baselines(example):
    baseline = baseline_for(load_baselines(), example.track, example.series, example.level)
    assert baseline is not None
    assert laxities(example, baseline) == []
    assert example.name and example.name_en and example.description and example.description_en
    assert example.enterprise_credit_code and example.industry_cluster


def test_examples_are_stricter_in_different_ways():
    marine, textile = load_examples()
    assert marine.industry_cluster == "shipbuilding_offshore"
    assert marine.pass_score > 60 and marine.panel.min_size > 7
    assert textile.industry_cluster == "high_end_textile"
    assert textile.notice_working_days > 5
    assert {r.kind for r in textile.requirements} >= {"certificates", "appraisals"}


def test_equivalence_table_has_the_national_rows():
    table = load_equivalence()
    national = {
        (r.from_level, r.to_level): r.min_years_at_level
        for r in table.rules
        if r.scope == "national"
    }
    assert national[("grade3", "assistant")] == 2
    assert national[("grade2", "intermediate")] == 3
    assert national[("grade1", "deputy_senior")] == 4
    assert national[("technician", "grade3")] == 1


@pytest.mark.parametrize(
    "name",
    [
        "baselines_engineering.json",
        "baselines_skill.json",
        "equivalence.json",
        "catalogue.json",
        "example_marine_welding_engineer.json",
        "example_textile_weaver_technician.json",
    ],
)
def test_every_default_file_says_where_its_numbers_come_from(name):
    data = json.loads(resources.files("standards.defaults").joinpath(name).read_text("utf-8"))
    assert len(data["source"]) > 40
