"""Every rule with a planted case and a clean case. Filings go through intake and storage first,
as in the service, so nothing here is a state intake would refuse."""

from __future__ import annotations

import math
from datetime import date
from typing import Any

import factories
import numpy as np
import pytest

from audit.eligibility import EligibilityCache, ineligible_approvals
from audit.features import build_features
from audit.flags import Flag
from audit.pipeline import AuditSettings, run_audit
from audit.registry import EducationRecord, EmploymentRecord, Registries, parse_employment_csv
from audit.signals.decision_inconsistent import decisions
from audit.signals.standard_laxity import find_baseline
from standards.decision import decide
from standards.document import Standard
from standards.levels import Education

RULES_ONLY = AuditSettings(detector=False)


def audit(
    *raws: dict[str, Any],
    baselines: list[Standard] | None = None,
    registries: Registries | None = None,
) -> list[Flag]:
    result = run_audit(
        factories.dataset(*raws),
        baselines=baselines or [],
        registries=registries,
        settings=RULES_ONLY,
    )
    return result.flags


def of(flags: list[Flag], signal: str) -> list[Flag]:
    return [f for f in flags if f.signal == signal]


def test_a_clean_filing_raises_no_rule_flag() -> None:
    baseline = Standard.model_validate(factories.standard_doc(series="*"))
    flags = audit(factories.filing_doc(12), baselines=[baseline])
    assert [f.signal for f in flags if f.kind == "rule"] == []


def test_every_rule_flag_is_certain_and_explained() -> None:
    raw = factories.filing_doc(6)
    raw["applications"][5]["final_score"] = 10.0
    raw["applications"][4]["approved"] = not raw["applications"][4]["approved"]
    flags = [f for f in audit(raw) if f.kind == "rule"]
    assert {f.signal for f in flags} == {
        "rule.final_score_mismatch",
        "rule.decision_inconsistent",
    }
    for flag in flags:
        assert flag.band == "certain" and flag.p_value is None
        assert flag.enterprise_credit_code == factories.credit_code(1)
        assert flag.filing_id == "F-1-S1" and flag.period == "2026"
        assert flag.records and flag.reason and flag.reason_en
        assert flag.observed is not None


# --- eligibility -------------------------------------------------------------------------------


def test_an_approved_application_that_misses_a_requirement_is_flagged() -> None:
    raw = factories.filing_doc(4)
    raw["applications"][3]["facts"] = factories.facts_doc(years_as_assistant=1.5)
    assert raw["applications"][3]["approved"]
    [flag] = of(audit(raw), "rule.approved_ineligible")
    assert flag.application_ref == "a3" and flag.severity == "high"
    assert [f["code"] for f in flag.details["failed"]] == ["years"]
    assert flag.observed == 1 and flag.expected == 0 and flag.n == 2
    assert "requirement:years" in flag.records
    assert "不符合" in flag.reason and "not eligible" in flag.reason_en


def test_eligible_via_the_exceptional_track_or_rejected_is_not_flagged() -> None:
    raw = factories.filing_doc(4)
    # Short of years but with the award the exceptional track asks for: eligible.
    raw["applications"][3]["facts"] = factories.facts_doc(
        years_as_assistant=1.5, awards=["市级技术能手"]
    )
    raw["applications"][3]["exceptional"] = True
    # Ineligible but rejected: nothing was granted.
    raw["applications"][0]["facts"] = factories.facts_doc(years_as_assistant=1.5)
    assert not raw["applications"][0]["approved"]
    assert of(audit(raw), "rule.approved_ineligible") == []


def test_verdicts_are_cached_by_standard_and_facts_and_parallel_gives_the_same() -> None:
    raw = factories.filing_doc(30, targets=[80.0] * 30)
    for i in range(0, 30, 3):
        raw["applications"][i]["facts"] = factories.facts_doc(years_as_assistant=2)
    ds = factories.dataset(raw)
    cache = EligibilityCache()
    serial = ineligible_approvals(ds, cache)
    assert cache.evaluations == 2  # two distinct facts documents among 30 approvals
    parallel = ineligible_approvals(ds, EligibilityCache(), workers=2, min_parallel=1)
    assert [a for a, _ in serial] == [a for a, _ in parallel] == list(range(0, 30, 3))


# --- decision -------------------------------------------------------------------------------------


def test_approved_below_the_pass_score_and_against_the_votes_is_flagged_high() -> None:
    raw = factories.filing_doc(4)
    app = raw["applications"][0]
    assert not app["approved"]
    app["approved"] = True
    [flag] = of(audit(raw), "rule.decision_inconsistent")
    assert flag.application_ref == "a0" and flag.severity == "high"
    failed = [p["code"] for p in flag.details["parts"] if not p["passed"]]
    assert "pass_score" in failed
    assert flag.details["filed_approved"] and not flag.details["computed_approved"]


@pytest.mark.parametrize(("below", "flagged"), [(0.003, False), (0.02, True)])
def test_approval_within_the_reported_rounding_of_the_pass_score(
    below: float, flagged: bool
) -> None:
    # A mean of 59.997 reported as 60.00 against a pass score of 60 is rounding; 59.98 is not.
    raw = factories.filing_doc(4)
    app = raw["applications"][3]
    assert app["approved"]
    mean = build_features(factories.dataset(raw)).applications.final_score[3]
    raw["session"]["standard"]["pass_score"] = round(float(mean) + below, 6)
    flags = of(audit(raw), "rule.decision_inconsistent")
    assert ("a3" in [f.application_ref for f in flags]) is flagged


def test_approved_without_any_vote_fails_the_quorum() -> None:
    raw = factories.filing_doc(4)
    raw["applications"][3]["votes"] = []
    [flag] = of(audit(raw), "rule.decision_inconsistent")
    assert flag.application_ref == "a3"
    assert flag.observed == 0 and flag.expected == 5  # 0 present, 5 of 7 required
    assert "quorum" in [p["code"] for p in flag.details["parts"] if not p["passed"]]


def test_rejected_although_everything_passes_is_flagged_medium() -> None:
    raw = factories.filing_doc(4)
    raw["applications"][3]["approved"] = False
    [flag] = of(audit(raw), "rule.decision_inconsistent")
    assert flag.severity == "medium"
    assert flag.observed is not None and flag.observed >= 60 and flag.expected == 60


def test_rejected_because_a_hard_requirement_fails_is_consistent() -> None:
    # Scores and votes pass, but 1.5 years as assistant is short of the standard's years:
    # the panel rightly rejected, whatever the scores.
    raw = factories.filing_doc(4)
    raw["applications"][3]["approved"] = False
    raw["applications"][3]["facts"] = factories.facts_doc(years_as_assistant=1.5)
    assert of(audit(raw), "rule.decision_inconsistent") == []


def test_rejected_although_eligible_via_the_exceptional_track_is_still_flagged() -> None:
    raw = factories.filing_doc(4)
    raw["applications"][3]["approved"] = False
    raw["applications"][3]["exceptional"] = True
    raw["applications"][3]["facts"] = factories.facts_doc(
        years_as_assistant=1.5, awards=["市级技术能手"]
    )
    [flag] = of(audit(raw), "rule.decision_inconsistent")
    assert flag.application_ref == "a3" and flag.severity == "medium"


def test_vectorised_decisions_agree_with_decide_on_every_application() -> None:
    rng = np.random.default_rng(11)
    applications = []
    for i in range(80):
        members = [f"m{k}" for k in range(1, 8)]
        recused = [m for m in members if rng.random() < 0.1]
        present = [m for m in members if m not in recused]
        votes = {
            m: str(rng.choice(["approve", "reject", "abstain"], p=[0.6, 0.3, 0.1]))
            for m in present
            if rng.random() < 0.85
        }
        app = factories.application_doc(
            i, target=float(rng.uniform(45, 80)), members=present, votes=votes
        )
        app["recusals"] = [{"member_id": m, "kind": "other"} for m in recused]
        applications.append(app)
    ds = factories.dataset(factories.filing_doc(applications=applications))
    features = build_features(ds)
    computed = decisions(ds, features)
    standard = ds.standards[0]
    apps = features.applications
    for a in range(ds.n_applications):
        final = float(apps.final_score[a])
        expected = decide(
            rules=standard.panel,
            pass_score=standard.pass_score,
            eligible_members=int(apps.eligible_members[a]),
            approvals=int(apps.approvals[a]),
            rejections=int(apps.rejections[a]),
            abstentions=int(apps.abstentions[a]),
            final_score=None if math.isnan(final) else final,
        )
        assert computed.approved[a] == expected.approved, a
        assert computed.quorum_required[a] == expected.quorum_required, a
        assert computed.approvals_required[a] == expected.approvals_required, a


def test_a_reported_final_score_unlike_the_members_totals_is_flagged() -> None:
    raw = factories.filing_doc(4)
    app = raw["applications"][2]
    mean_of_totals = np.mean([factories.member_total(s["values"]) for s in app["scores"]])
    assert app["final_score"] == pytest.approx(mean_of_totals, abs=1e-3)
    app["final_score"] = 99.0
    [flag] = of(audit(raw), "rule.final_score_mismatch")
    assert flag.application_ref == "a2"
    assert flag.observed == 99.0
    assert flag.expected == pytest.approx(mean_of_totals)
    assert flag.statistic_value == pytest.approx(99.0 - mean_of_totals)


# --- standard and panel -------------------------------------------------------------------------


def test_a_standard_laxer_than_its_baseline_gets_one_flag_listing_every_laxity() -> None:
    baseline_doc = factories.standard_doc(series="*", pass_score=65)
    baseline_doc["requirements"][1]["years"] = 5
    baseline = Standard.model_validate(baseline_doc)
    flags = audit(
        factories.filing_doc(3, enterprise=1),
        factories.filing_doc(3, enterprise=2),
        baselines=[baseline],
    )
    laxer = of(flags, "rule.standard_laxer_than_baseline")
    assert len(laxer) == 2  # one per session
    flag = laxer[0]
    assert flag.scope == "session" and flag.session_ref == "S1"
    assert flag.n == 2 and flag.observed == 2
    assert {x["path"] for x in flag.details["laxities"]} == {"pass_score", "requirements[1].years"}


def test_no_laxity_flag_against_an_equal_baseline_or_without_one() -> None:
    same = Standard.model_validate(factories.standard_doc())
    assert (
        of(audit(factories.filing_doc(3), baselines=[same]), "rule.standard_laxer_than_baseline")
        == []
    )
    assert of(audit(factories.filing_doc(3)), "rule.standard_laxer_than_baseline") == []


def test_find_baseline_prefers_the_cluster_and_the_exact_series() -> None:
    general = Standard.model_validate(factories.standard_doc(series="*", name="通用"))
    series = Standard.model_validate(factories.standard_doc(name="工程"))
    cluster = Standard.model_validate(
        factories.standard_doc(series="*", name="船舶", industry_cluster="shipbuilding")
    )
    other_level = Standard.model_validate(
        factories.standard_doc(level="deputy_senior", name="高级")
    )
    pick = find_baseline(
        [general, series, cluster, other_level],
        "title",
        "engineering",
        "intermediate",
        "shipbuilding",
    )
    assert pick is cluster
    pick = find_baseline(
        [general, series, cluster], "title", "engineering", "intermediate", "textiles"
    )
    assert pick is series
    assert find_baseline([other_level], "title", "engineering", "intermediate", None) is None


def test_a_panel_breaking_its_rules_is_flagged_per_problem() -> None:
    panel = factories.panel_doc(size=4, external=0)
    panel[0]["role"] = "member"
    panel[2]["level"] = "assistant"
    members = [m["member_id"] for m in panel]
    applications = [factories.application_doc(i, target=80, members=members) for i in range(3)]
    flags = audit(factories.filing_doc(panel=panel, applications=applications))
    signals = {f.signal for f in flags if f.signal.startswith("rule.panel")}
    assert signals == {
        "rule.panel_too_small",
        "rule.panel_even_size",
        "rule.panel_external_share",
        "rule.panel_chair",
        "rule.panel_member_below_level",
    }
    [small] = of(flags, "rule.panel_too_small")
    assert small.observed == 4 and small.expected == 5
    [below] = of(flags, "rule.panel_member_below_level")
    assert below.scope == "member" and below.member_id == "m3"
    assert below.observed == 2 and below.expected == 3
    [external] = of(flags, "rule.panel_external_share")
    assert external.observed == 0 and external.expected == pytest.approx(0.2)


def test_a_compliant_panel_is_not_flagged() -> None:
    assert [f for f in audit(factories.filing_doc(3)) if f.signal.startswith("rule.panel")] == []


# --- conflicts ----------------------------------------------------------------------------------


def test_evident_conflicts_without_recusal_are_flagged() -> None:
    raw = factories.filing_doc(6)
    raw["schema_version"] = "1.1"
    apps = raw["applications"]
    apps[2]["supervisor_member_id"] = "m2"  # the application names the supervisor
    apps[3]["applicant"]["resident_id"] = raw["panel"][2]["resident_id"]  # m3's own
    raw["panel"][4]["supervises"] = ["a4"]  # the member lists whom they supervise
    raw["panel"][5]["relatives"] = ["a5"]
    apps[1]["relative_member_ids"] = ["m6"]  # a relative named by the application
    raw["panel"][1]["declared_interests"] = ["a0"]
    apps[0]["subordinate_member_ids"] = ["m7"]  # the applicant supervises m7
    flags = of(audit(raw), "rule.conflict_not_recused")
    found = {(f.application_ref, f.member_id): f for f in flags}
    assert set(found) == {
        ("a0", "m2"),
        ("a0", "m7"),
        ("a1", "m6"),
        ("a2", "m2"),
        ("a3", "m3"),
        ("a4", "m5"),
        ("a5", "m6"),
    }
    assert found["a0", "m2"].details["conflicts"] == ["declared_interest"]
    assert found["a0", "m7"].details["conflicts"] == ["supervisor"]
    assert found["a1", "m6"].details["conflicts"] == ["relative"]
    assert found["a2", "m2"].details["conflicts"] == ["supervisor"]
    assert found["a4", "m5"].details["conflicts"] == ["supervisor"]
    assert found["a3", "m3"].details["conflicts"] == ["own_application"]
    assert all(f.severity == "high" and f.band == "certain" for f in flags)
    assert found["a5", "m6"].details["acts"] == ["score", "vote"]
    # The applicant is named as filed, with the masked ID, in both languages.
    flag = found["a4", "m5"]
    assert "申报人10004" in flag.reason and "直接上下级" in flag.reason
    assert "申报人10004, ID " in flag.reason_en and "direct supervisor" in flag.reason_en
    assert "*" in flag.reason


def test_same_department_alone_is_no_conflict() -> None:
    # Internal members from the applicant's own department are the norm in self-review.
    raw = factories.filing_doc(3)
    for app in raw["applications"]:
        app["department"] = "board-1"  # m1 and m4 are internal members of board-1
    assert of(audit(raw), "rule.conflict_not_recused") == []


def test_a_recused_member_or_an_external_one_is_not_flagged() -> None:
    raw = factories.filing_doc(3)
    app = raw["applications"][1]
    app["department"] = "board-1"  # m1 and m4 are internal members of board-1: both recuse
    app["recusals"] = [
        {"member_id": "m1", "kind": "same_department"},
        {"member_id": "m4", "kind": "same_department"},
    ]
    app["scores"] = [s for s in app["scores"] if s["member_id"] not in ("m1", "m4")]
    app["votes"] = [v for v in app["votes"] if v["member_id"] not in ("m1", "m4")]
    raw["panel"][6]["department"] = "workshop-2"  # external m7: another organisation's dept
    raw["applications"][2]["department"] = "workshop-2"
    assert of(audit(raw), "rule.conflict_not_recused") == []


# --- identity -------------------------------------------------------------------------------------


def _two_enterprises(second_period: str = "2026", approve_second: bool = True) -> list[dict]:
    first = factories.filing_doc(3, enterprise=1, targets=[80, 80, 80])
    second = factories.filing_doc(3, enterprise=2, period=second_period, targets=[80, 80, 80])
    # Applicant of enterprise 1's a0 also applies through enterprise 2 as its a1.
    second["applications"][1]["applicant"] = dict(first["applications"][0]["applicant"])
    if not approve_second:
        second["applications"][1] = factories.application_doc(1, target=40, applicant_seq=10_000)
    return [first, second]


def test_the_same_person_approved_twice_for_a_level_is_flagged_on_both() -> None:
    flags = of(audit(*_two_enterprises()), "rule.duplicate_approval")
    assert {(f.enterprise_credit_code, f.application_ref) for f in flags} == {
        (factories.credit_code(1), "a0"),
        (factories.credit_code(2), "a1"),
    }
    assert all(f.n == 2 and sorted(f.records) == ["F-1-S1/a0", "F-2-S1/a1"] for f in flags)


def test_identity_reasons_name_the_person_as_filed_never_by_their_hash() -> None:
    flags = of(audit(*_two_enterprises()), "rule.duplicate_approval")
    flags += of(audit(*_two_enterprises(approve_second=False)), "rule.multiple_enterprises")
    key = factories.person_key(10_000)
    mask = factories.accept(factories.filing_doc(1)).applications[0].applicant.id_mask
    assert mask and "*" in mask
    for flag in flags:
        assert "申报人10000" in flag.reason and "申报人10000" in flag.reason_en
        assert f"身份证号{mask}" in flag.reason and f"ID {mask}" in flag.reason_en
        assert key[:8] not in flag.reason + flag.reason_en


def test_approved_once_and_rejected_once_is_no_duplicate_approval() -> None:
    flags = audit(*_two_enterprises(approve_second=False))
    assert of(flags, "rule.duplicate_approval") == []


def test_applying_through_two_enterprises_in_one_period_is_flagged() -> None:
    flags = of(audit(*_two_enterprises(approve_second=False)), "rule.multiple_enterprises")
    assert len(flags) == 2
    assert flags[0].observed == 2 and set(flags[0].details["enterprises"]) == {
        factories.credit_code(1),
        factories.credit_code(2),
    }


def test_two_enterprises_in_different_periods_or_two_sessions_of_one_are_not_flagged() -> None:
    assert of(audit(*_two_enterprises("2025")), "rule.multiple_enterprises") == []
    first = factories.filing_doc(2, enterprise=1, session_ref="S1", targets=[40, 45])
    again = factories.filing_doc(2, enterprise=1, session_ref="S2", targets=[80, 85])
    assert of(audit(first, again), "rule.multiple_enterprises") == []


def _assistant_filing(held_on: date, *, period: str = "2024", session_ref: str = "A1") -> dict:
    """Enterprise 1 approving its usual applicants (10_000..) for assistant on ``held_on``."""
    standard = factories.standard_doc(
        level="assistant",
        requirements=[{"code": "edu", "kind": "min_education", "minimum": "junior_college"}],
        exceptional=None,
    )
    raw = factories.filing_doc(
        2, period=period, session_ref=session_ref, standard=standard, targets=[80, 80]
    )
    raw["session"]["level"] = "assistant"
    raw["session"]["held_on"] = held_on.isoformat()
    return raw


def test_consecutive_levels_sooner_than_the_required_years_are_flagged() -> None:
    # Assistant in May 2024, intermediate in May 2026: 2 years, the standard asks 4.
    lower = _assistant_filing(date(2024, 5, 20))
    higher = factories.filing_doc(2, targets=[80, 80])
    [flag, other] = of(audit(lower, higher), "rule.promotion_too_soon")
    assert {flag.application_ref, other.application_ref} == {"a0", "a1"}
    assert flag.filing_id == "F-1-S1" and flag.severity == "high"
    assert flag.observed == pytest.approx(730 / 365.25) and flag.expected == 4
    assert flag.records == ["F-1-A1/a0", "F-1-S1/a0"]
    assert "间隔2.0年" in flag.reason and "满4年" in flag.reason
    assert "2.0 years apart, fewer than the 4 years" in flag.reason_en
    assert "申报人10000" in flag.reason


def test_consecutive_levels_after_the_required_years_are_not_flagged() -> None:
    lower = _assistant_filing(date(2021, 5, 20), period="2021")
    higher = factories.filing_doc(2, targets=[80, 80])
    assert of(audit(lower, higher), "rule.promotion_too_soon") == []


def test_two_live_applications_of_one_person_are_flagged() -> None:
    # The same applicants in an assistant and an intermediate session of one period.
    lower = _assistant_filing(date(2026, 5, 20), period="2026")
    higher = factories.filing_doc(2, targets=[40, 45])
    flags = of(audit(lower, higher), "rule.concurrent_applications")
    assert {(f.filing_id, f.application_ref) for f in flags} == {
        ("F-1-A1", "a0"),
        ("F-1-A1", "a1"),
        ("F-1-S1", "a0"),
        ("F-1-S1", "a1"),
    }
    assert all(f.n == 2 for f in flags)
    assert "同时有2份在审申报" in flags[0].reason and "申报人1000" in flags[0].reason


def test_applying_again_in_a_later_session_for_the_same_level_is_not_concurrent() -> None:
    first = factories.filing_doc(2, session_ref="S1", targets=[40, 45])
    again = factories.filing_doc(2, session_ref="S2", targets=[80, 85])
    again["session"]["held_on"] = "2026-06-20"
    assert of(audit(first, again), "rule.concurrent_applications") == []


# --- registries -----------------------------------------------------------------------------------


def _employment(seq: int, employer: int, start: date, end: date | None = None) -> EmploymentRecord:
    return EmploymentRecord(factories.person_key(seq), factories.credit_code(employer), start, end)


def test_applicants_not_insured_by_the_enterprise_are_flagged() -> None:
    raw = factories.filing_doc(5, targets=[80] * 5)
    person = [10_000 + i for i in range(5)]  # applicants of enterprise 1
    registries = Registries(
        employment=[
            _employment(person[0], 1, date(2020, 1, 1)),  # clean
            _employment(person[1], 7, date(2020, 1, 1)),  # another employer
            _employment(person[2], 1, date(2026, 3, 1)),  # March to May: three months
            _employment(person[3], 1, date(2025, 1, 1), date(2025, 10, 31)),  # spells that
            _employment(person[3], 1, date(2025, 11, 15)),  # follow each other: merged
        ]  # person[4]: no record at all
    )
    flags = of(audit(raw, registries=registries), "rule.not_insured")
    found = {f.application_ref: f for f in flags}
    assert set(found) == {"a1", "a2", "a4"}
    assert not found["a1"].details["covering_record"]
    assert found["a2"].details["covering_record"] and found["a2"].observed == 3
    assert found["a2"].expected == 6
    assert found["a4"].observed == 0


@pytest.mark.parametrize(
    ("row", "months"),
    [
        # Six months ending in the session's month (2026-05-20): December to May, inclusive.
        ("end=2026-05-20,months=6", 6),
        ("end=2026-05-10,months=6", 6),
        ("end=2026-05-20,months=5", 5),
        ("start=2025-12-31", 6),  # December is touched: it counts
        ("start=2026-01-01", 5),
        ("start=2025-12-01,end=2026-05-01", 6),  # insured in May: the session month counts
        ("start=2025-10-01,end=2026-04-30", 0),  # ended before the session's month
    ],
)
def test_insured_months_are_whole_calendar_months_up_to_the_session_date(
    row: str, months: int
) -> None:
    fields = dict(part.split("=") for part in row.split(","))
    text = (
        "resident_id,employer_credit_code,start,end,months\n"
        f"{factories.resident_id(10_000)},{factories.credit_code(1)},"
        f"{fields.get('start', '')},{fields.get('end', '')},{fields.get('months', '')}\n"
    )
    records, problems = parse_employment_csv(text, factories.KEY, as_of=date(2026, 6, 30))
    assert problems == []
    raw = factories.filing_doc(1, targets=[80])
    flags = of(audit(raw, registries=Registries(employment=records)), "rule.not_insured")
    if months >= 6:
        assert flags == []
    else:
        [flag] = flags
        assert flag.observed == months and flag.expected == 6
        assert flag.details["covering_record"] == (months > 0)
        if months:
            assert f"{months} consecutive calendar months" in flag.reason_en
            assert f"共{months}个月" in flag.reason


def test_a_gap_of_a_whole_month_splits_the_spell() -> None:
    person = 10_000
    raw = factories.filing_doc(1, targets=[80])
    joined = [
        _employment(person, 1, date(2025, 6, 1), date(2025, 11, 30)),
        _employment(person, 1, date(2025, 12, 20)),  # December touched: no month missing
    ]
    assert of(audit(raw, registries=Registries(employment=joined)), "rule.not_insured") == []
    gap = [
        _employment(person, 1, date(2025, 6, 1), date(2025, 10, 31)),
        _employment(person, 1, date(2025, 12, 1)),  # November missing: December to May, 6
        _employment(person + 1, 1, date(2025, 6, 1), date(2025, 10, 31)),
    ]
    assert of(audit(raw, registries=Registries(employment=gap)), "rule.not_insured") == []
    gap[1] = _employment(person, 1, date(2026, 1, 1))  # December missing: 5 months
    [flag] = of(audit(raw, registries=Registries(employment=gap)), "rule.not_insured")
    assert flag.observed == 5


def test_third_party_bodies_review_other_employers_staff() -> None:
    raw = factories.filing_doc(2, targets=[80, 80])
    raw["review_body"]["kind"] = "third_party"
    registries = Registries(employment=[_employment(10_000, 7, date(2020, 1, 1))])
    assert of(audit(raw, registries=registries), "rule.not_insured") == []


def _education(seq: int, level: Education) -> EducationRecord:
    return EducationRecord(factories.person_key(seq), level, "南通大学", 2010)


def test_education_claims_above_the_registry_are_flagged() -> None:
    raw = factories.filing_doc(4, targets=[80] * 4)
    raw["applications"][3]["facts"] = factories.facts_doc(education="senior_high")
    registries = Registries(
        education=[
            _education(10_000, Education.bachelor),  # claims bachelor: matches
            _education(10_001, Education.junior_college),  # claims bachelor: higher
        ]  # 10_002 claims bachelor, no record; 10_003 claims senior high: not checkable
    )
    flags = of(audit(raw, registries=registries), "rule.education_unverified")
    found = {f.application_ref: f for f in flags}
    assert set(found) == {"a1", "a2"}
    assert found["a1"].observed == 5 and found["a1"].expected == 4
    assert found["a2"].expected == 0 and "no registry record" in found["a2"].reason_en
    assert found["a1"].severity == "high"


def test_no_registries_no_registry_flags() -> None:
    flags = audit(factories.filing_doc(3))
    assert of(flags, "rule.not_insured") == of(flags, "rule.education_unverified") == []


def test_only_the_imported_registry_is_checked() -> None:
    # Employment imported, education not: nobody is "missing from the education registry".
    raw = factories.filing_doc(3, targets=[80] * 3)
    registries = Registries(
        employment=[_employment(10_000 + i, 1, date(2020, 1, 1)) for i in range(3)]
    )
    flags = audit(raw, registries=registries)
    assert of(flags, "rule.education_unverified") == []
    assert of(flags, "rule.not_insured") == []
    only_education = Registries(education=[_education(10_000, Education.junior_college)])
    flags = audit(raw, registries=only_education)
    assert of(flags, "rule.not_insured") == []
    assert {f.application_ref for f in of(flags, "rule.education_unverified")} == {"a0", "a1", "a2"}


# --- exceptional track ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("max_share", "exceptional", "flagged", "limit"),
    [(0.1, 3, True, 0.1), (0.1, 1, False, 0.1), (0.3, 2, False, 0.3), (0.15, 2, True, 0.15)],
)
def test_exceptional_track_above_the_standards_own_cap(
    max_share: float | None, exceptional: int, flagged: bool, limit: float
) -> None:
    standard = factories.standard_doc()
    standard["exceptional"]["max_share"] = max_share
    raw = factories.filing_doc(10, standard=standard)
    for app in raw["applications"][:exceptional]:
        app["exceptional"] = True
    flags = of(audit(raw), "rule.exceptional_overuse")
    assert bool(flags) == flagged
    if flagged:
        [flag] = flags
        assert flag.band == "certain" and flag.details["cap_source"] == "standard"
        assert flag.observed == pytest.approx(exceptional / 10)
        assert flag.expected == pytest.approx(limit)
        assert len(flag.records) == exceptional
        assert "规定的破格比例上限" in flag.reason and "that the standard" in flag.reason_en


@pytest.mark.parametrize("max_share", [0.1, None])
def test_one_exceptional_application_in_a_session_of_eight_is_no_overuse(
    max_share: float | None,
) -> None:
    standard = factories.standard_doc()
    standard["exceptional"]["max_share"] = max_share
    raw = factories.filing_doc(8, standard=standard)
    raw["applications"][0]["exceptional"] = True
    assert of(audit(raw), "rule.exceptional_overuse") == []


def test_without_a_cap_in_the_standard_the_count_is_tested_against_the_reference() -> None:
    standard = factories.standard_doc()
    standard["exceptional"]["max_share"] = None
    raw = factories.filing_doc(10, standard=standard)
    for app in raw["applications"][:2]:
        app["exceptional"] = True
    # 2 of 10 at a 10% reference share: P(X >= 2) = 0.26, nothing unusual.
    assert of(audit(raw), "rule.exceptional_overuse") == []
    for app in raw["applications"][:5]:
        app["exceptional"] = True
    [flag] = of(audit(raw), "rule.exceptional_overuse")
    # P(X >= 5 | n=10, p=0.1) = 0.0016: an alarm, and the reason says no cap was set.
    assert flag.band == "alarm" and flag.p_value == pytest.approx(0.001634937, rel=1e-4)
    assert flag.details["cap_source"] == "reference"
    assert "未规定破格比例上限" in flag.reason and "sets no cap" in flag.reason_en
    assert "above the maximum" not in flag.reason_en
