from datetime import date

import pytest
from standards_factories import AS_OF, applicant, assistant_engineer

from standards.facts import Appraisal, Qualification
from standards.levels import Education, Track
from standards.requirements import (
    Appraisals,
    Award,
    Certificates,
    ContinuingEducation,
    FrontlinePost,
    MinEducation,
    Prerequisite,
    YearsAtPreviousLevel,
    YearsInOccupation,
)


def test_min_education_pass_and_fail_name_both_values():
    req = MinEducation(code="education", minimum=Education.bachelor)
    ok = req.check(applicant(education=Education.master))
    assert ok.passed and ok.required == "本科" and ok.given == "硕士"
    bad = req.check(applicant(education=Education.junior_college))
    assert not bad.passed
    assert "大专" in bad.message and "本科" in bad.message
    assert "junior college" in bad.message_en and "bachelor" in bad.message_en
    assert bad.code == "education" and bad.kind == "min_education"


ENGINEER_YEARS = YearsAtPreviousLevel(
    code="years",
    previous_track=Track.title,
    previous_level="assistant",
    years=4,
    by_education={Education.master: 2, Education.doctorate: 1},
)


def test_years_picks_the_most_favourable_entry_for_the_education():
    assert ENGINEER_YEARS.required_years(Education.junior_college) == 4
    assert ENGINEER_YEARS.required_years(Education.master) == 2
    assert ENGINEER_YEARS.required_years(Education.doctorate) == 1


def test_years_at_previous_level_pass_and_fail():
    three_years = [assistant_engineer(date(2022, 5, 1))]  # ~3.1 years by AS_OF
    bachelor = applicant(education=Education.bachelor, qualifications=three_years)
    bad = ENGINEER_YEARS.check(bachelor)
    assert not bad.passed
    assert "4" in bad.required and "3.1" in bad.given
    assert "4 years" in bad.message_en and "3.1" in bad.message_en
    master = applicant(education=Education.master, qualifications=three_years)
    good = ENGINEER_YEARS.check(master)
    assert good.passed and "2" in good.required


def test_years_boundary_is_inclusive():
    exactly_four = assistant_engineer(date(AS_OF.year - 4, AS_OF.month, AS_OF.day))
    assert ENGINEER_YEARS.check(applicant(qualifications=[exactly_four])).passed


def test_years_without_the_previous_level():
    result = ENGINEER_YEARS.check(applicant(qualifications=[]))
    assert not result.passed
    assert "未取得" in result.given and "does not hold" in result.given_en


def test_a_higher_level_counts_as_time_at_the_previous_one():
    engineer_since_2019 = Qualification(
        track=Track.title, series="engineering", level="intermediate", obtained_on=date(2019, 1, 1)
    )
    assert ENGINEER_YEARS.check(applicant(qualifications=[engineer_since_2019])).passed


def test_a_qualification_dated_after_as_of_is_not_held():
    future = assistant_engineer(date(2026, 1, 1))
    assert not ENGINEER_YEARS.check(applicant(qualifications=[future])).passed


def test_series_limit_on_the_previous_level():
    req = ENGINEER_YEARS.model_copy(update={"series_any_of": ["economics"]})
    assert not req.check(applicant()).passed


def test_no_route_for_the_education():
    req = YearsAtPreviousLevel(
        code="years",
        previous_track=Track.title,
        previous_level="assistant",
        by_education={Education.bachelor: 4},
    )
    result = req.check(applicant(education=Education.junior_college))
    assert not result.passed and "no route" in result.required_en


def test_or_years_in_occupation_is_an_alternative_route():
    grade4 = YearsAtPreviousLevel(
        code="years",
        previous_track=Track.skill,
        previous_level="grade5",
        years=4,
        or_years_in_occupation=6,
    )
    assert grade4.check(applicant(qualifications=[], years_in_occupation=6)).passed
    result = grade4.check(applicant(qualifications=[], years_in_occupation=5.5))
    assert not result.passed and "6" in result.required and "5.5" in result.given


def test_years_in_occupation_by_education():
    req = YearsInOccupation(
        code="years",
        by_education={
            Education.secondary_vocational: 5,
            Education.junior_college: 3,
            Education.bachelor: 1,
        },
    )
    assert req.check(applicant(education=Education.bachelor, years_in_occupation=1)).passed
    bad = req.check(applicant(education=Education.junior_college, years_in_occupation=2))
    assert not bad.passed and "3" in bad.required and "2" in bad.given
    assert not req.check(applicant(education=Education.senior_high, years_in_occupation=20)).passed


def test_prerequisite_with_related_series():
    req = Prerequisite(
        code="holds_grade3",
        track=Track.skill,
        level="grade3",
        series_any_of=["welder", "ship_fitter"],
    )
    welder = Qualification(
        track=Track.skill, series="welder", level="grade2", obtained_on=date(2020, 1, 1)
    )
    ok = req.check(applicant(qualifications=[welder]))
    assert ok.passed and "welder" in ok.given
    weaver = welder.model_copy(update={"series": "weaver"})
    bad = req.check(applicant(qualifications=[weaver]))
    assert not bad.passed and "weaver" in bad.given and "welder" in bad.required


def test_prerequisite_specialty():
    req = Prerequisite(
        code="p", track=Track.title, level="assistant", specialty_any_of=["marine_welding"]
    )
    holding = assistant_engineer(date(2020, 1, 1)).model_copy(
        update={"specialty": "marine_welding"}
    )
    assert req.check(applicant(qualifications=[holding])).passed
    assert not req.check(applicant()).passed


CERTS = Certificates(
    code="one_plus_n",
    min_education=Education.secondary_vocational,
    count=2,
    accepted=["A", "B", "C"],
)


def test_certificates_one_plus_n():
    assert CERTS.check(applicant(certificates=["A", "C", "Z"])).passed
    few = CERTS.check(applicant(certificates=["A", "Z"]))
    assert not few.passed and "1项" in few.given and "fewer than 2" in few.message_en
    low = CERTS.check(applicant(education=Education.senior_high, certificates=["A", "B"]))
    assert not low.passed and "education below" in low.message_en


def test_duplicate_certificates_count_once():
    assert not CERTS.check(applicant(certificates=["A", "A"])).passed


def test_appraisals_of_the_last_completed_years():
    req = Appraisals(code="appraisals", last_years=3)
    assert req.check(applicant()).passed  # 2022–2024 passed, as of 2025
    failed = [Appraisal(year=2022, passed=True), Appraisal(year=2023, passed=False)]
    result = req.check(applicant(appraisals=failed))
    assert not result.passed
    assert "2023不合格" in result.given and "2024无记录" in result.given
    assert "2023, 2024" in result.message_en


def test_continuing_education_each_year():
    req = ContinuingEducation(code="ce", hours_per_year=90, last_years=3)
    assert req.check(applicant()).passed
    short = req.check(applicant(continuing_education_hours={2022: 90, 2023: 40, 2024: 90}))
    assert not short.passed and "2023" in short.message and "40" in short.given


def test_frontline_post():
    req = FrontlinePost(code="frontline")
    assert req.check(applicant(frontline_post=True)).passed
    assert not req.check(applicant(frontline_post=False)).passed


def test_award():
    req = Award(code="award", accepted=["全国技术能手", "江苏技能大奖"])
    assert req.check(applicant(awards=["江苏技能大奖"])).passed
    bad = req.check(applicant(awards=["优秀员工"]))
    assert not bad.passed and "0" in bad.given


@pytest.mark.parametrize(
    "req",
    [
        MinEducation(code="a", minimum=Education.bachelor),
        ENGINEER_YEARS,
        CERTS,
        Appraisals(code="b", last_years=2),
        ContinuingEducation(code="c", hours_per_year=90, last_years=1),
        Award(code="d", accepted=["x"]),
    ],
)
def test_every_result_carries_rule_and_messages_in_both_languages(req):
    result = req.check(applicant())
    for text in (result.rule, result.rule_en, result.message, result.message_en):
        assert text
    assert result.required and result.required_en and result.given and result.given_en
