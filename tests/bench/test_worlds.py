"""Benchmark worlds: valid filings, deterministic, truly different from each other, labels
that point at records that exist, and the harness's figures on a small city."""

from __future__ import annotations

import statistics
from collections import Counter

import pytest

from audit.contract import Filing
from bench.worlds import WORLDS, World, build_world
from bench.worlds.engine import RULE_PLANTS, STAT_PLANTS
from bench.worlds_quality import evaluate_world, top_k_precision, worst

BODIES = 30


@pytest.fixture(scope="module")
def worlds() -> dict[str, World]:
    return {name: build_world(spec.scaled(BODIES)) for name, spec in WORLDS.items()}


def test_every_filing_is_valid_under_the_contract(worlds: dict[str, World]) -> None:
    for world in worlds.values():
        for document in world.documents:
            Filing.model_validate(document)


def test_a_world_is_deterministic_in_its_spec() -> None:
    spec = WORLDS["small_bodies"].scaled(12)
    a, b = build_world(spec), build_world(spec)
    assert a.documents == b.documents and a.employment == b.employment
    assert [x.as_dict() for x in a.labels] == [x.as_dict() for x in b.labels]
    other = build_world(spec.scaled(12, seed=spec.seed + 1))
    assert other.documents != a.documents


def test_worlds_differ_in_what_a_detector_could_overfit_to(worlds: dict[str, World]) -> None:
    def criteria(world: World) -> set[int]:
        return {len(d["session"]["standard"]["criteria"]) for d in world.documents}

    def at_minimum(world: World) -> float:
        docs = world.documents
        return sum(
            len(d["panel"]) <= d["session"]["standard"]["panel"]["min_size"] for d in docs
        ) / len(docs)

    assert max(criteria(worlds["steady"])) <= 5 < max(criteria(worlds["heavy_tails"]))
    assert at_minimum(worlds["heavy_tails"]) > 0.9 > at_minimum(worlds["steady"])
    sizes = {
        name: statistics.median(
            Counter(
                d["review_body"]["credit_code"] for d in w.documents for _ in d["applications"]
            ).values()
        )
        for name, w in worlds.items()
    }
    assert sizes["small_bodies"] < sizes["steady"]
    clusters = {d["review_body"]["industry_cluster"] for d in worlds["heavy_tails"].documents}
    assert "生物医药" in clusters or "新能源" in clusters
    # Sitting timing: a member's sheets share one start.
    doc = max(worlds["small_bodies"].documents, key=lambda d: len(d["applications"]))
    member = doc["panel"][0]["member_id"]
    starts = {
        s["started_at"]
        for a in doc["applications"]
        for s in a["scores"]
        if s["member_id"] == member
    }
    assert len(starts) == 1
    pass_scores = {d["session"]["standard"]["pass_score"] for d in worlds["small_bodies"].documents}
    assert pass_scores <= {70.0, 80.0} and min(pass_scores) > 60


def test_labels_point_at_records_that_exist(worlds: dict[str, World]) -> None:
    for world in worlds.values():
        sessions = {d["session"]["session_ref"]: d for d in world.documents}
        truth = world.manipulated()
        for label in world.labels:
            for ref in label.refs:
                assert truth[ref.credit_code]
                if ref.session_ref:
                    doc = sessions[ref.session_ref]
                    assert doc["review_body"]["credit_code"] == ref.credit_code
                    if ref.application_ref:
                        assert ref.application_ref in {
                            a["application_ref"] for a in doc["applications"]
                        }
                    if ref.member_id:
                        assert ref.member_id in {m["member_id"] for m in doc["panel"]}
        planted = {p for e in world.enterprises for p in e.plants}
        assert planted & set(RULE_PLANTS) and planted & set(STAT_PLANTS)
        assert world.odd and not any(truth[c] for c in world.odd)


def test_top_k_precision_breaks_ties_against_the_audit() -> None:
    truth = {"a": True, "b": False, "c": False, "d": True}
    assert top_k_precision({"a": 3, "d": 2, "b": 1, "c": 0}, truth) == 1.0
    assert top_k_precision({"a": 1, "b": 1, "c": 1, "d": 1}, truth) == 0.0


def test_the_harness_reports_every_figure_and_the_worst(worlds: dict[str, World]) -> None:
    report = evaluate_world(worlds["small_bodies"], seed=0)
    for key in (
        "auc_all",
        "auc_statistical",
        "forest_auc_all",
        "honest_cd_share",
        "top_k_precision",
    ):
        assert report[key] is not None
    assert report["rules"]["signals"]
    w = worst([report, {**report, "auc_all": 0.5, "honest_cd_share": 0.5}])
    assert w["auc_all"] == 0.5 and w["honest_cd_share"] == 0.5
