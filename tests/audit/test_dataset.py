"""The columnar dataset and its features: built from documents or filings alike, independent of
input order, and with features that match the scalar definitions in ``standards``."""

from __future__ import annotations

import copy
import random
from typing import Any

import factories
import numpy as np
import pytest

from audit.dataset import AuditDataset, _epoch_seconds
from audit.features import build_features
from standards.document import Standard
from standards.scoring import member_total


def _arrays_equal(a: AuditDataset, b: AuditDataset) -> None:
    for name in a.__dataclass_fields__:
        x, y = getattr(a, name), getattr(b, name)
        if isinstance(x, np.ndarray):
            assert x.dtype == y.dtype, name
            assert np.array_equal(x, y, equal_nan=x.dtype.kind == "f"), name
        elif name == "standards":
            assert [s.model_dump() for s in x] == [s.model_dump() for s in y]
        else:
            assert x == y, name


def _three_filings() -> list[dict[str, Any]]:
    return [
        factories.stored(factories.filing_doc(6, enterprise=e, session_ref=f"S{e}"))
        for e in (3, 1, 2)
    ]


def test_from_filings_and_from_documents_build_the_same_dataset() -> None:
    docs = _three_filings()
    filings = [factories.Filing.model_validate(d) for d in docs]
    _arrays_equal(AuditDataset.from_documents(docs), AuditDataset.from_filings(filings))


def test_input_order_does_not_matter() -> None:
    docs = _three_filings()
    shuffled = copy.deepcopy(docs)
    random.Random(4).shuffle(shuffled)
    a = AuditDataset.from_documents(docs)
    b = AuditDataset.from_documents(iter(shuffled))  # a generator is consumed once
    _arrays_equal(a, b)
    assert list(a.enterprise_code) == sorted(a.enterprise_code)


def test_rows_are_linked_by_index() -> None:
    ds = AuditDataset.from_documents(_three_filings())
    assert ds.n_sessions == 3 and ds.n_applications == 18
    assert len(ds.score_app) == 18 * 7 and ds.score_values.shape == (18 * 7, 5)
    # Each sheet's member sits on the panel of its application's session.
    assert np.array_equal(ds.member_session[ds.score_member], ds.app_session[ds.score_app])
    assert np.array_equal(ds.member_session[ds.vote_member], ds.app_session[ds.vote_app])
    # Sheets of one application are contiguous and in application order.
    assert np.all(np.diff(ds.score_app) >= 0)
    first = ds.app_ref[ds.app_session == 0][0]
    assert first == "a0"


def test_a_repeated_filing_id_counts_once_and_a_superseded_filing_is_dropped() -> None:
    original = factories.stored(factories.filing_doc(4, enterprise=1))
    correction = copy.deepcopy(original)
    correction["filing_id"] = "F-1-S1-corrected"
    correction["supersedes"] = original["filing_id"]
    correction["applications"] = correction["applications"][:2]
    ds = AuditDataset.from_documents([original, original, correction])
    assert list(ds.session_filing_id) == ["F-1-S1-corrected"]
    assert ds.n_applications == 2
    assert len(ds.score_app) == 2 * 7


def test_scores_follow_each_standards_own_criteria_and_padding_scores_nothing() -> None:
    narrow = factories.standard_doc(
        criteria=[
            {"code": "K1", "name": "业绩", "name_en": "results", "weight": 0.6, "maximum": 60},
            {"code": "K2", "name": "能力", "name_en": "ability", "weight": 0.4, "maximum": 40},
        ]
    )
    raw = factories.filing_doc(2, enterprise=2, standard=narrow)
    for app in raw["applications"]:
        for sheet in app["scores"]:
            sheet["values"] = {"K1": 45.0, "K2": 30.0}
        app["final_score"] = 75.0
    ds = factories.dataset(factories.filing_doc(2, enterprise=1), raw)
    assert ds.score_values.shape[1] == 5
    rows = ds.score_app >= 2
    assert np.allclose(ds.score_values[rows], [45.0, 30.0, 0.0, 0.0, 0.0])
    features = build_features(ds)
    assert np.allclose(features.sheets.total[rows], 75.0)


def test_member_totals_match_the_scalar_definition() -> None:
    docs = _three_filings()
    ds = AuditDataset.from_documents(docs)
    features = build_features(ds)
    standard = Standard.model_validate(docs[0]["session"]["standard"])
    expected = [
        member_total(standard.criteria, sheet["values"])
        for doc in sorted(docs, key=lambda d: d["review_body"]["credit_code"])
        for app in doc["applications"]
        for sheet in app["scores"]
    ]
    assert np.allclose(features.sheets.total, expected)


def test_application_features_follow_their_definitions() -> None:
    raw = factories.filing_doc(4)
    app = raw["applications"][1]
    app["votes"][0]["vote"] = "abstain"
    app["recusals"] = [{"member_id": "m7", "kind": "relative"}]
    app["scores"] = [s for s in app["scores"] if s["member_id"] != "m7"]
    app["votes"] = [v for v in app["votes"] if v["member_id"] != "m7"]
    ds = factories.dataset(raw)
    f = build_features(ds)
    totals = f.sheets.total[ds.score_app == 1]
    apps = f.applications
    assert apps.final_score[1] == pytest.approx(totals.mean())
    assert apps.spread[1] == pytest.approx(totals.std())
    assert apps.n_scores[1] == 6 and apps.recused[1] == 1 and apps.eligible_members[1] == 6
    assert apps.abstentions[1] == 1 and not apps.unanimous[1]
    assert apps.margin[1] == pytest.approx(totals.mean() - 60)
    # Leniency: a member's total minus the mean of the others on the same application.
    sheet = int(np.flatnonzero(ds.score_app == 1)[0])
    others = np.delete(totals, 0).mean()
    assert f.sheets.leniency[sheet] == pytest.approx(totals[0] - others)
    # Untouched applications report the final score the sheets give.
    untouched = [0, 2, 3]
    assert np.allclose(apps.final_score[untouched], ds.app_final_score[untouched], atol=1e-3)
    assert abs(apps.final_score[1] - ds.app_final_score[1]) > 0.01


def test_member_session_and_enterprise_period_features() -> None:
    raw = factories.filing_doc(6)
    for app in raw["applications"]:
        for k, sheet in enumerate(app["scores"]):
            sheet["started_at"] = "2026-05-20T09:00:00+08:00"
            sheet["submitted_at"] = f"2026-05-20T09:{10 + k:02d}:00+08:00"
    ds = factories.dataset(raw, factories.filing_doc(4, enterprise=1, session_ref="S2"))
    f = build_features(ds)
    # Member m1 (first row) always took ten minutes.
    assert f.members.median_duration[0] == pytest.approx(600.0)
    assert f.members.n_scored[0] == 6
    assert f.sessions.panel_size.tolist() == [7, 7]
    assert f.sessions.external_share[0] == pytest.approx(2 / 7)
    # Both sessions of enterprise 1 in 2026 form one unit.
    assert len(f.units.enterprise) == 1
    assert f.units.n_applications[0] == 10
    assert f.units.pass_rate[0] == pytest.approx(ds.app_approved.mean())


def test_timestamps_with_offsets_fractions_and_none() -> None:
    seconds = _epoch_seconds(
        ["2026-05-20T09:00:00+08:00", None, "2026-05-20T01:00:00Z", "2026-05-20T01:00:00.5"]
    )
    assert seconds[0] == seconds[2]
    assert np.isnan(seconds[1])
    assert seconds[3] - seconds[2] == pytest.approx(0.5)
    many = _epoch_seconds([f"2026-05-20T01:00:00.{i:03d}+00:00" for i in range(100)])
    assert many[99] - many[0] == pytest.approx(0.099)


def test_every_application_keeps_its_facts() -> None:
    # Rejections need their facts too: a rejection is consistent when a requirement fails.
    ds = factories.dataset(factories.filing_doc(6))
    assert not ds.app_approved.all()
    assert all(facts is not None for facts in ds.app_facts)
