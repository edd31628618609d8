"""The synthetic data set behind the benchmarks: deterministic, accepted by intake, clean where
it is not labelled, and every label backed by a plant that is really in the data.

The checks use the standards library and the filing contract (not the audit's own rules), so a
clean-data mistake here cannot hide behind the same mistake in the audit."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from datetime import date
from typing import Any

import pytest

from audit.intake import check_filing
from bench.generator import MULTIPLE_ENTERPRISES, PLANTS, GeneratorConfig, generate
from bench.identities import credit_codes, resident_ids
from standards.baseline import laxities
from standards.decision import decide
from standards.document import Standard
from standards.eligibility import evaluate
from standards.facts import ApplicantFacts
from standards.identifiers import credit_code_problem, resident_id_problem
from standards.panel import PanelMemberFacts, panel_problems
from standards.scoring import member_total

CONFIG = GeneratorConfig(bodies=60, apps_per_body=30, share_manipulated=0.6, seed=7)


@pytest.fixture(scope="module")
def data():
    return generate(CONFIG)


@pytest.fixture(scope="module")
def documents(data):
    return data.documents()


def _labelled(data, signal: str) -> dict[tuple[str | None, str | None, str | None], Any]:
    """Refs of every label (primary or not) of ``signal``, by (session, application, member)."""
    out = {}
    for label in data.labels:
        if label.signal == signal:
            for r in label.refs:
                out[(r.session_ref, r.application_ref, r.member_id)] = label
    return out


def _apps_labelled(data, signal: str) -> set[str]:
    return {k[1] for k in _labelled(data, signal) if k[1]}


def _sessions_labelled(data, signal: str) -> set[str]:
    return {k[0] for k in _labelled(data, signal) if k[0]}


def test_same_seed_same_data_other_seed_other_data():
    small = GeneratorConfig(bodies=12, apps_per_body=15, seed=3)
    first = json.dumps(generate(small).documents(), sort_keys=True)
    again = json.dumps(generate(small).documents(), sort_keys=True)
    other = json.dumps(
        generate(GeneratorConfig(bodies=12, apps_per_body=15, seed=4)).documents(),
        sort_keys=True,
    )
    assert first == again
    assert first != other


def test_size_follows_the_config(data, documents):
    assert sum(len(d["applications"]) for d in documents) == 60 * 30
    assert len({d["review_body"]["credit_code"] for d in documents}) == 60
    sizes = Counter(len(d["panel"]) for d in documents)
    # Seven members, except senior committees (11) and planted small panels (two short).
    assert sizes.most_common(1)[0][0] == 7
    assert all(size % 2 == 1 for size in sizes)


def test_identifiers_are_valid():
    import numpy as np

    rng = np.random.default_rng(0)
    ids = resident_ids(rng, 2000)
    assert len(set(ids)) == 2000
    assert all(resident_id_problem(x, today=date(2026, 11, 25)) is None for x in ids)
    codes = credit_codes(rng, 300)
    assert all(credit_code_problem(c) is None for c in codes)


def test_every_filing_passes_intake(data):
    # The intake form carries clear resident IDs; intake validates and pseudonymises them.
    for raw in data.iter_documents(intake=True):
        filing, problems = check_filing(raw, key=CONFIG.key, today=date(2026, 11, 25))
        assert problems == [], problems[:3]
        assert filing is not None


def test_stored_form_is_what_intake_makes_of_the_intake_form(data):
    stored = data.documents()[0]
    raw = next(data.iter_documents(intake=True))
    filing, _ = check_filing(raw, key=CONFIG.key, today=date(2026, 11, 25))
    assert filing is not None
    assert (
        filing.applications[0].applicant.person_key
        == (stored["applications"][0]["applicant"]["person_key"])
    )
    assert filing.panel[0].person_key == stored["panel"][0]["person_key"]
    assert "resident_id" not in json.dumps(stored)


def test_every_plant_kind_is_labelled_and_enterprise_truth_agrees(data):
    signals = {lab.signal for lab in data.labels if lab.primary}
    assert set(PLANTS.values()) | {MULTIPLE_ENTERPRISES} >= signals
    assert set(PLANTS.values()) <= signals
    manipulated = {e.credit_code for e in data.enterprises if e.manipulated}
    planted = {r.credit_code for lab in data.labels if lab.primary for r in lab.refs}
    assert manipulated == planted
    assert 0 < len(manipulated) < len(data.enterprises)


def _standard(doc) -> Standard:
    return Standard.model_validate(doc["session"]["standard"])


def test_eligibility_is_clean_except_where_planted(data, documents):
    ineligible = _apps_labelled(data, "rule.approved_ineligible")
    assert ineligible
    found = set()
    for doc in documents:
        standard = _standard(doc)
        for app in doc["applications"]:
            verdict = evaluate(ApplicantFacts.model_validate(app["facts"]), standard)
            ok = verdict.eligible and (app["exceptional"] or not verdict.via_exceptional)
            if app["application_ref"] in ineligible:
                assert not ok and app["approved"]
                found.add(app["application_ref"])
            else:
                assert ok, (app["application_ref"], verdict.summary_en)
    assert found == ineligible


def test_decisions_follow_scores_and_votes_except_where_planted(data, documents):
    planted = _apps_labelled(data, "rule.decision_inconsistent") | _apps_labelled(
        data, "rule.final_score_mismatch"
    )
    mismatched = _apps_labelled(data, "rule.final_score_mismatch")
    assert planted and mismatched
    seen = set()
    for doc in documents:
        standard = _standard(doc)
        size = len(doc["panel"])
        for app in doc["applications"]:
            totals = [member_total(standard.criteria, s["values"]) for s in app["scores"]]
            final = sum(totals) / len(totals)
            votes = Counter(v["vote"] for v in app["votes"])
            decision = decide(
                rules=standard.panel,
                pass_score=standard.pass_score,
                eligible_members=size - len(app["recusals"]),
                approvals=votes["approve"],
                rejections=votes["reject"],
                abstentions=votes["abstain"],
                final_score=final,
            )
            ref = app["application_ref"]
            if ref in mismatched:
                assert abs(app["final_score"] - final) > 0.4
            else:
                assert app["final_score"] == pytest.approx(final, abs=1e-9)
            if ref in planted:
                assert decision.approved != app["approved"]
                seen.add(ref)
            else:
                assert decision.approved == app["approved"], ref
    assert seen == planted


def test_panels_and_standards_are_clean_except_where_planted(data, documents):
    baselines = {(b.track, b.level): b for b in data.baselines}
    panel_signals = {
        "panel.too_small": _sessions_labelled(data, "rule.panel_too_small"),
        "panel.member_below_level": _sessions_labelled(data, "rule.panel_member_below_level"),
        "panel.external_share": _sessions_labelled(data, "rule.panel_external_share"),
        "panel.no_chair": _sessions_labelled(data, "rule.panel_chair"),
        "panel.several_chairs": _sessions_labelled(data, "rule.panel_chair"),
    }
    lax = _sessions_labelled(data, "rule.standard_laxer_than_baseline")
    assert lax and all(panel_signals.values())
    for doc in documents:
        ref = doc["session"]["session_ref"]
        standard = _standard(doc)
        members = [
            PanelMemberFacts(
                member_id=m["member_id"],
                track=m["track"],
                level=m["level"],
                external=m["external"],
                chair=m["role"] == "chair",
            )
            for m in doc["panel"]
        ]
        codes = {
            p.code for p in panel_problems(standard.panel, standard.track, standard.level, members)
        }
        for code in codes:
            assert ref in panel_signals[code], (ref, code)
        found = laxities(standard, baselines[(standard.track, standard.level)])
        assert bool(found) == (ref in lax), (ref, found)
    for code, refs in panel_signals.items():
        for ref in refs:
            doc = next(d for d in documents if d["session"]["session_ref"] == ref)
            standard = _standard(doc)
            members = [
                PanelMemberFacts(
                    member_id=m["member_id"],
                    track=m["track"],
                    level=m["level"],
                    external=m["external"],
                    chair=m["role"] == "chair",
                )
                for m in doc["panel"]
            ]
            codes = {
                p.code
                for p in panel_problems(standard.panel, standard.track, standard.level, members)
            }
            assert codes & {code, "panel.no_chair", "panel.several_chairs"}


def test_conflicts_are_recused_except_where_planted(data, documents):
    planted = _apps_labelled(data, "rule.conflict_not_recused")
    assert planted
    found = set()
    for doc in documents:
        members = {m["member_id"]: m for m in doc["panel"]}
        for app in doc["applications"]:
            recused = {r["member_id"] for r in app["recusals"]}
            conflicted = set()
            for mid, m in members.items():
                if (
                    (m["department"] is not None and m["department"] == app["department"])
                    or app["supervisor_member_id"] == mid
                    or m["person_key"] == app["applicant"]["person_key"]
                ):
                    conflicted.add(mid)
            unrecused = conflicted - recused
            if app["application_ref"] in planted:
                assert unrecused
                found.add(app["application_ref"])
            else:
                assert not unrecused, app["application_ref"]
            scored = {s["member_id"] for s in app["scores"]} | {
                v["member_id"] for v in app["votes"]
            }
            assert not scored & recused
    assert found == planted


def test_people_and_registries_are_clean_except_where_planted(data, documents):
    twice = _apps_labelled(data, "rule.duplicate_approval")
    uninsured = _apps_labelled(data, "rule.not_insured")
    unverified = _apps_labelled(data, "rule.education_unverified")
    assert twice and uninsured and unverified
    by_person = defaultdict(list)
    for doc in documents:
        for app in doc["applications"]:
            by_person[app["applicant"]["person_key"]].append(app["application_ref"])
    repeated = {ref for refs in by_person.values() if len(refs) > 1 for ref in refs}
    assert repeated == twice
    employment = defaultdict(list)
    for r in data.employment:
        employment[r["person_key"]].append(r)
    education = {r["person_key"]: r["education"] for r in data.education}
    for doc in documents:
        body = doc["review_body"]
        held_on = date.fromisoformat(doc["session"]["held_on"])
        for app in doc["applications"]:
            key, ref = app["applicant"]["person_key"], app["application_ref"]
            current = [
                r
                for r in employment[key]
                if r["employer_credit_code"] == body["credit_code"]
                and r["end"] is None
                and date.fromisoformat(r["start"]) <= held_on
            ]
            if body["kind"] == "enterprise":
                assert bool(current) == (ref not in uninsured), ref
            if ref in unverified:
                assert education.get(key) != app["facts"]["education"]
            else:
                assert education.get(key) == app["facts"]["education"], ref


def test_exceptional_share_within_limits_except_where_planted(data, documents):
    planted = _sessions_labelled(data, "rule.exceptional_overuse")
    assert planted
    for doc in documents:
        standard = _standard(doc)
        n = len(doc["applications"])
        k = sum(a["exceptional"] for a in doc["applications"])
        if doc["session"]["session_ref"] in planted:
            assert k / n > standard.exceptional.max_share
        elif k:
            assert standard.exceptional is not None
            assert k / n <= (standard.exceptional.max_share or 1.0)


def test_statistical_plants_are_in_the_numbers(data, documents):
    apps = {a["application_ref"]: (d, a) for d in documents for a in d["applications"]}
    by_session = {d["session"]["session_ref"]: d for d in documents}
    # Identical score vectors: the two labelled members agree on every application.
    for label in data.labels:
        if label.signal == "stat.near_identical_scores" and label.primary:
            a, b = (r.member_id for r in label.refs)
            doc = by_session[label.refs[0].session_ref]
            pairs = [
                ({s["member_id"]: s["values"] for s in app["scores"]})
                for app in doc["applications"]
            ]
            both = [p for p in pairs if a in p and b in p]
            assert len(both) >= 5 and all(p[a] == p[b] for p in both)
        if label.signal == "stat.scoring_speed" and label.primary:
            doc = by_session[label.refs[0].session_ref]
            from datetime import datetime

            durations = [
                (
                    datetime.fromisoformat(s["submitted_at"])
                    - datetime.fromisoformat(s["started_at"])
                ).total_seconds()
                for app in doc["applications"]
                for s in app["scores"]
                if s["member_id"] == label.refs[0].member_id
            ]
            assert durations and max(durations) < 60
    assert apps


def test_clean_pass_rates_are_realistic(data, documents):
    manipulated = {e.credit_code for e in data.enterprises if e.manipulated}
    clean = [
        a["approved"]
        for d in documents
        if d["review_body"]["credit_code"] not in manipulated
        for a in d["applications"]
    ]
    rate = sum(clean) / len(clean)
    assert 0.55 < rate < 0.85
