import pytest
from standards_factories import engineer, engineer_data

from standards.baseline import laxities

EXCEPTIONAL = {
    "conditions": [{"code": "award", "kind": "award", "accepted": ["A", "B"]}],
    "waives": ["years"],
    "max_share": 0.1,
}
BASELINE = engineer(exceptional=EXCEPTIONAL)


def with_requirement(index: int, **changes):
    data = engineer_data(exceptional=EXCEPTIONAL)
    data["requirements"][index].update(changes)
    return engineer(**data)


def codes(found):
    return [(lax.path, lax.code) for lax in found]


def test_identical_standard_is_not_lax():
    assert laxities(engineer(exceptional=EXCEPTIONAL), BASELINE) == []


def test_stricter_everywhere_is_fine():
    data = engineer_data(
        pass_score=75,
        notice_working_days=10,
        panel={
            "min_size": 11,
            "member_level_offset": 1,
            "min_external_share": 0.3,
            "quorum_share": 0.8,
            "vote_threshold": 0.75,
        },
        exceptional={
            **EXCEPTIONAL,
            "conditions": [{"code": "award", "kind": "award", "accepted": ["A"]}],
            "max_share": 0.05,
        },
    )
    data["requirements"][0]["minimum"] = "bachelor"
    data["requirements"][1].update(years=5, by_education={"master": 3})
    data["requirements"].append({"code": "appraisals", "kind": "appraisals", "last_years": 3})
    assert laxities(engineer(**data), BASELINE) == []


def test_no_exceptional_track_is_stricter():
    assert laxities(engineer(), BASELINE) == []


def test_fewer_years():
    [lax] = laxities(with_requirement(1, years=3), BASELINE)
    assert (lax.path, lax.code) == (
        "requirements[1].years",
        "requirement.years_at_previous_level.laxer",
    )
    assert "3 years (baseline: 4 years)" in lax.message_en
    assert "4" in lax.baseline_value and "3" in lax.standard_value


def test_fewer_years_for_one_education_only():
    [lax] = laxities(with_requirement(1, by_education={"master": 1}), BASELINE)
    assert "master's degree: 1 years (baseline: 2 years)" in lax.message_en
    assert "bachelor" not in lax.message_en


def test_education_route_the_baseline_does_not_open():
    data = engineer_data()
    data["requirements"][1] = {
        **data["requirements"][1],
        "years": None,
        "by_education": {"bachelor": 4},
    }
    strict_base = engineer(**data)
    [lax] = laxities(engineer(), strict_base)
    assert "may not apply" in lax.message_en


def test_lower_education():
    assert codes(laxities(with_requirement(0, minimum="secondary_vocational"), BASELINE)) == [
        ("requirements[0].minimum", "requirement.min_education.laxer")
    ]


def test_missing_requirement():
    data = engineer_data(exceptional=EXCEPTIONAL)
    del data["requirements"][0]
    [lax] = laxities(engineer(**data), BASELINE)
    assert lax.code == "requirement.missing" and "education" in lax.message_en


def test_missing_prerequisite_and_lower_prerequisite():
    prereq = {"code": "p", "kind": "prerequisite", "track": "skill", "level": "grade3"}
    base = engineer(requirements=[*engineer_data()["requirements"], prereq])
    assert codes(laxities(engineer(), base)) == [("requirements", "requirement.missing")]
    lower = engineer(requirements=[*engineer_data()["requirements"], {**prereq, "level": "grade4"}])
    assert codes(laxities(lower, base)) == [
        ("requirements[2].level", "requirement.prerequisite.laxer")
    ]
    higher = engineer(
        requirements=[*engineer_data()["requirements"], {**prereq, "level": "grade2"}]
    )
    assert laxities(higher, base) == []


def test_broader_series_for_previous_level():
    data = engineer_data()
    data["requirements"][1]["series_any_of"] = ["engineering"]
    base = engineer(**data)
    assert codes(laxities(engineer(), base)) == [
        ("requirements[1].series_any_of", "requirement.years_at_previous_level.laxer")
    ]


def test_alternative_occupation_route_is_laxer_when_baseline_has_none():
    found = laxities(with_requirement(1, or_years_in_occupation=8), BASELINE)
    assert codes(found) == [
        ("requirements[1].or_years_in_occupation", "requirement.years_at_previous_level.laxer")
    ]


@pytest.mark.parametrize(
    ("kind_data", "laxer"),
    [
        (
            {
                "kind": "certificates",
                "min_education": "bachelor",
                "count": 2,
                "accepted": ["A", "B"],
            },
            {"count": 1},
        ),
        (
            {
                "kind": "certificates",
                "min_education": "bachelor",
                "count": 2,
                "accepted": ["A", "B"],
            },
            {"accepted": ["A", "B", "C"]},
        ),
        (
            {
                "kind": "certificates",
                "min_education": "bachelor",
                "count": 2,
                "accepted": ["A", "B"],
            },
            {"min_education": "junior_college"},
        ),
        ({"kind": "appraisals", "last_years": 3}, {"last_years": 2}),
        (
            {"kind": "continuing_education", "hours_per_year": 90, "last_years": 3},
            {"hours_per_year": 60},
        ),
        (
            {"kind": "continuing_education", "hours_per_year": 90, "last_years": 3},
            {"last_years": 1},
        ),
        ({"kind": "years_in_occupation", "years": 5}, {"years": 4}),
        ({"kind": "award", "accepted": ["A"]}, {"accepted": ["A", "B"]}),
    ],
)
def test_each_requirement_kind_reports_its_laxity(kind_data, laxer):
    extra = {"code": "extra", **kind_data}
    base = engineer(requirements=[*engineer_data()["requirements"], extra])
    lax_std = engineer(requirements=[*engineer_data()["requirements"], {**extra, **laxer}])
    [lax] = laxities(lax_std, base)
    field = next(iter(laxer))
    assert lax.path == f"requirements[2].{field}"
    assert lax.code == f"requirement.{kind_data['kind']}.laxer"
    assert lax.message and lax.message_en
    assert laxities(base, base) == []


def test_one_of_several_requirements_of_a_kind_may_satisfy_the_baseline():
    base = engineer(
        requirements=[
            *engineer_data()["requirements"],
            {"code": "a", "kind": "appraisals", "last_years": 3},
        ]
    )
    std = engineer(
        requirements=[
            *engineer_data()["requirements"],
            {"code": "a1", "kind": "appraisals", "last_years": 1},
            {"code": "a3", "kind": "appraisals", "last_years": 3},
        ]
    )
    assert laxities(std, base) == []


def test_lower_pass_score():
    [lax] = laxities(engineer(pass_score=55, exceptional=EXCEPTIONAL), BASELINE)
    assert (lax.path, lax.baseline_value, lax.standard_value) == ("pass_score", "60", "55")


def test_shorter_notice():
    [lax] = laxities(engineer(notice_working_days=3, exceptional=EXCEPTIONAL), BASELINE)
    assert lax.code == "notice.shorter" and "3" in lax.message and "5" in lax.message


@pytest.mark.parametrize(
    ("panel", "field"),
    [
        ({"min_size": 5, "min_external_share": 0.1}, "min_size"),
        ({"min_size": 7, "min_external_share": 0.1, "odd_size": False}, "odd_size"),
        ({"min_size": 7, "min_external_share": 0.05}, "min_external_share"),
        (
            {"min_size": 7, "min_external_share": 0.1, "member_level_offset": -1},
            "member_level_offset",
        ),
        ({"min_size": 7, "min_external_share": 0.1, "chair_required": False}, "chair_required"),
        ({"min_size": 7, "min_external_share": 0.1, "quorum_share": 0.5}, "quorum_share"),
        ({"min_size": 7, "min_external_share": 0.1, "vote_threshold": 0.5}, "vote_threshold"),
    ],
)
def test_every_panel_laxity(panel, field):
    [lax] = laxities(engineer(panel=panel, exceptional=EXCEPTIONAL), BASELINE)
    assert lax.path == f"panel.{field}"


def test_exceptional_laxities():
    no_exc_base = engineer()
    assert codes(laxities(BASELINE, no_exc_base)) == [("exceptional", "exceptional.not_allowed")]
    looser = engineer(
        exceptional={
            "conditions": [{"code": "award", "kind": "award", "accepted": ["A", "B", "C"]}],
            "waives": ["years", "education"],
            "max_share": 0.2,
            "justification_required": False,
        }
    )
    assert sorted(lax.code for lax in laxities(looser, BASELINE)) == [
        "exceptional.justification.laxer",
        "exceptional.max_share.laxer",
        "exceptional.waives_more",
        "requirement.award.laxer",
    ]


def test_mismatched_scope_is_reported():
    senior = engineer(level="deputy_senior", exceptional=EXCEPTIONAL)
    found = laxities(senior, BASELINE)
    assert ("level", "scope.mismatch") in codes(found)
    assert next(lax for lax in found if lax.path == "level").baseline_value == "intermediate"
