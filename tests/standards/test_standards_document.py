import pytest
from standards_factories import engineer, engineer_data

from standards.document import Standard, parse_standard
from standards.levels import Track
from standards.problems import StandardInvalid
from standards.requirements import MinEducation, YearsAtPreviousLevel


def refusal(data) -> StandardInvalid:
    with pytest.raises(StandardInvalid) as info:
        parse_standard(data)
    return info.value


def paths_and_codes(error: StandardInvalid) -> set[tuple[str, str]]:
    return {(p.path, p.code) for p in error.problems}


def test_valid_document_parses_with_typed_requirements():
    std = engineer()
    assert std.track is Track.title
    assert isinstance(std.requirements[0], MinEducation)
    assert isinstance(std.requirements[1], YearsAtPreviousLevel)
    assert std.panel.vote_threshold == pytest.approx(2 / 3)
    assert std.requirement("years").code == "years"


def test_weights_not_summing_to_one_names_criteria_and_rule():
    data = engineer_data()
    data["criteria"][2]["weight"] = 0.4
    error = refusal(data)
    [problem] = error.problems
    assert (problem.path, problem.code) == ("criteria", "criteria.weights_sum")
    assert "0.9" in problem.message and "0.9" in problem.message_en
    assert "sum to 1" in problem.message_en


def test_weights_within_tolerance_are_accepted():
    data = engineer_data()
    data["criteria"][0]["weight"] = 0.2 + 5e-7
    assert parse_standard(data).criteria[0].weight == pytest.approx(0.2, abs=1e-6)


def test_pass_score_above_maximum():
    error = refusal(engineer_data(pass_score=101))
    assert paths_and_codes(error) == {("pass_score", "pass_score.range")}
    assert "100" in error.problems[0].message_en


def test_pass_score_zero_is_refused():
    assert paths_and_codes(refusal(engineer_data(pass_score=0))) == {
        ("pass_score", "pass_score.range")
    }


def test_unknown_level_names_the_known_ones():
    error = refusal(engineer_data(level="chief"))
    [problem] = error.problems
    assert problem.path == "level" and problem.code == "level.unknown"
    assert "deputy_senior" in problem.message_en


def test_unknown_previous_level_inside_a_requirement():
    data = engineer_data()
    data["requirements"][1]["previous_level"] = "grade2"
    assert ("requirements[1].previous_level", "requirement.unknown_level") in paths_and_codes(
        refusal(data)
    )


def test_previous_level_must_be_below_the_level_reviewed():
    data = engineer_data()
    data["requirements"][1]["previous_level"] = "deputy_senior"
    assert ("requirements[1].previous_level", "requirement.previous_not_below") in paths_and_codes(
        refusal(data)
    )


def test_duplicate_criterion_and_requirement_codes():
    data = engineer_data()
    data["criteria"][2]["code"] = "ethics"
    data["requirements"][1]["code"] = "education"
    assert paths_and_codes(refusal(data)) == {
        ("criteria[2].code", "criteria.duplicate_code"),
        ("requirements[1].code", "requirements.duplicate_code"),
    }


def test_malformed_requirement_unknown_kind_and_missing_field():
    data = engineer_data()
    data["requirements"].append({"code": "x", "kind": "horoscope"})
    data["requirements"].append({"code": "y", "kind": "min_education"})
    error = refusal(data)
    found = paths_and_codes(error)
    assert ("requirements[2]", "schema.union_tag_invalid") in found
    assert ("requirements[3].minimum", "schema.missing") in found
    by_path = {p.path: p for p in error.problems}
    assert "horoscope" in by_path["requirements[2]"].message
    assert by_path["requirements[3].minimum"].message == "缺少必填字段"


def test_requirement_without_any_years_route():
    data = engineer_data()
    del data["requirements"][1]["years"]
    data["requirements"][1]["by_education"] = {}
    assert ("requirements[1].years", "requirement.no_route") in paths_and_codes(refusal(data))


def test_every_problem_is_listed_at_once():
    data = engineer_data(pass_score=150, level="nope", extra_field=1)
    data["criteria"][1]["maximum"] = -5
    data["criteria"][0]["weight"] = 0.5
    found = paths_and_codes(refusal(data))
    assert {
        ("extra_field", "schema.extra_forbidden"),
        ("criteria[1].maximum", "schema.greater_than"),
        ("criteria", "criteria.weights_sum"),
        ("level", "level.unknown"),
        ("pass_score", "pass_score.range"),
    } <= found


def test_every_problem_has_both_languages():
    data = engineer_data(pass_score="high", track="hobby")
    for problem in refusal(data).problems:
        assert problem.message and problem.message_en
        assert problem.path


def test_exceptional_may_only_waive_existing_requirements():
    data = engineer_data(
        exceptional={
            "conditions": [{"code": "award", "kind": "award", "accepted": ["省科技进步奖"]}],
            "waives": ["years", "publications"],
        }
    )
    assert paths_and_codes(refusal(data)) == {
        ("exceptional.waives[1]", "exceptional.unknown_requirement")
    }


def test_non_dict_document():
    error = refusal(["not", "a", "document"])
    assert error.problems[0].path == "$"


def test_direct_construction_is_checked_too():
    data = engineer_data(pass_score=200)
    with pytest.raises(ValueError, match="pass score"):
        Standard.model_validate(data)
