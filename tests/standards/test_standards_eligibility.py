from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from standards_factories import AS_OF, applicant, assistant_engineer, engineer, engineer_data

from standards.eligibility import evaluate
from standards.facts import ApplicantFacts, Appraisal, Qualification
from standards.levels import Education, Track, education_rank

EXCEPTIONAL = {
    "conditions": [{"code": "award", "kind": "award", "accepted": ["江苏省技术能手"]}],
    "waives": ["years"],
    "max_share": 0.1,
}


def test_eligible_applicant_gets_every_result_in_order():
    verdict = evaluate(applicant(), engineer())
    assert verdict.eligible and not verdict.via_exceptional
    assert [r.code for r in verdict.results] == ["education", "years"]
    assert all(r.passed for r in verdict.results)


def test_ineligible_names_the_failed_requirement():
    verdict = evaluate(applicant(qualifications=[assistant_engineer(date(2023, 1, 1))]), engineer())
    assert not verdict.eligible
    assert [r.code for r in verdict.failed] == ["years"]
    assert "years" in verdict.summary_en and "no exceptional track" in verdict.summary_en


def test_exceptional_track_explains_why_it_makes_someone_eligible():
    std = engineer(exceptional=EXCEPTIONAL)
    facts = applicant(
        qualifications=[assistant_engineer(date(2023, 1, 1))], awards=["江苏省技术能手"]
    )
    verdict = evaluate(facts, std)
    assert verdict.eligible and verdict.via_exceptional
    assert [r.code for r in verdict.exceptional_results] == ["award"]
    assert "exceptional track" in verdict.summary_en and "10%" in verdict.summary_en
    assert "破格" in verdict.summary


def test_exceptional_track_needs_its_conditions():
    std = engineer(exceptional=EXCEPTIONAL)
    facts = applicant(qualifications=[assistant_engineer(date(2023, 1, 1))])
    verdict = evaluate(facts, std)
    assert not verdict.eligible and not verdict.via_exceptional
    assert "award" in verdict.summary_en


def test_exceptional_track_cannot_waive_what_it_does_not_list():
    std = engineer(exceptional=EXCEPTIONAL)
    facts = applicant(education=Education.senior_high, awards=["江苏省技术能手"])
    verdict = evaluate(facts, std)
    assert not verdict.eligible
    assert "education cannot be waived" in verdict.summary_en


def test_exceptional_not_used_when_regular_track_suffices():
    verdict = evaluate(applicant(awards=["江苏省技术能手"]), engineer(exceptional=EXCEPTIONAL))
    assert verdict.eligible and not verdict.via_exceptional and verdict.exceptional_results == []


# --- properties -----------------------------------------------------------------------------

RICH_STANDARD = engineer(
    requirements=[
        *engineer_data()["requirements"],
        {
            "code": "occupation",
            "kind": "years_in_occupation",
            "years": 6,
            "by_education": {"bachelor": 3},
        },
        {"code": "appraisals", "kind": "appraisals", "last_years": 2},
        {
            "code": "one_plus_n",
            "kind": "certificates",
            "min_education": "junior_college",
            "count": 1,
            "accepted": ["A", "B"],
        },
    ],
    exceptional={
        "conditions": [
            {"code": "award", "kind": "award", "accepted": ["X"]},
            {"code": "occupation_long", "kind": "years_in_occupation", "years": 10},
        ],
        "waives": ["years", "one_plus_n"],
    },
)

facts_strategy = st.builds(
    lambda edu, days, occ, certs, appraisals, awards: ApplicantFacts(
        as_of=AS_OF,
        education=edu,
        qualifications=[] if days is None else [assistant_engineer(AS_OF - timedelta(days=days))],
        years_in_occupation=occ,
        certificates=certs,
        appraisals=[Appraisal(year=y, passed=p) for y, p in appraisals.items()],
        awards=awards,
    ),
    st.sampled_from(list(Education)),
    st.none() | st.integers(min_value=0, max_value=4000),
    st.floats(min_value=0, max_value=15, allow_nan=False),
    st.lists(st.sampled_from(["A", "B", "C"]), max_size=3),
    st.dictionaries(st.sampled_from([2023, 2024]), st.booleans()),
    st.lists(st.sampled_from(["X", "Y"]), max_size=2),
)


@settings(max_examples=300, deadline=None)
@given(
    facts=facts_strategy,
    extra_days=st.integers(min_value=0, max_value=3000),
    extra_years=st.floats(min_value=0, max_value=10, allow_nan=False),
    better_education=st.sampled_from(list(Education)),
)
def test_more_years_or_higher_education_never_makes_eligible_ineligible(
    facts, extra_days, extra_years, better_education
):
    before = evaluate(facts, RICH_STANDARD)
    if education_rank(better_education) < education_rank(facts.education):
        better_education = facts.education
    qualifications = [
        q.model_copy(update={"obtained_on": q.obtained_on - timedelta(days=extra_days)})
        for q in facts.qualifications
    ]
    improved = facts.model_copy(
        update={
            "education": better_education,
            "qualifications": qualifications,
            "years_in_occupation": facts.years_in_occupation + extra_years,
        }
    )
    after = evaluate(improved, RICH_STANDARD)
    if before.eligible:
        assert after.eligible
    # Per requirement too: nothing that passed may fail.
    for b, a in zip(before.results, after.results, strict=True):
        assert a.passed or not b.passed


@settings(max_examples=200, deadline=None)
@given(facts=facts_strategy, order=st.permutations(range(len(RICH_STANDARD.requirements))))
def test_verdict_does_not_depend_on_requirement_order(facts, order):
    shuffled = RICH_STANDARD.model_copy(
        update={"requirements": [RICH_STANDARD.requirements[i] for i in order]}
    )
    before, after = evaluate(facts, RICH_STANDARD), evaluate(facts, shuffled)
    assert (before.eligible, before.via_exceptional) == (after.eligible, after.via_exceptional)
    assert before.summary == after.summary
    assert sorted(before.results, key=lambda r: r.code) == sorted(
        after.results, key=lambda r: r.code
    )


def test_the_property_strategy_reaches_both_outcomes():
    # Guard against a vacuous property: fixed examples on each side of the line.
    eligible = ApplicantFacts(
        as_of=AS_OF,
        education=Education.bachelor,
        qualifications=[assistant_engineer(date(2019, 1, 1))],
        years_in_occupation=7,
        certificates=["A"],
        appraisals=[Appraisal(year=2023, passed=True), Appraisal(year=2024, passed=True)],
    )
    assert evaluate(eligible, RICH_STANDARD).eligible
    via = eligible.model_copy(
        update={
            "qualifications": [],
            "certificates": [],
            "awards": ["X"],
            "years_in_occupation": 10,
        }
    )
    verdict = evaluate(via, RICH_STANDARD)
    assert verdict.eligible and verdict.via_exceptional
    assert not evaluate(via.model_copy(update={"awards": []}), RICH_STANDARD).eligible


def test_skill_holder_qualification_must_name_a_real_level():
    with pytest.raises(ValueError, match="grade9"):
        Qualification(track=Track.skill, series="welder", level="grade9", obtained_on=AS_OF)
