"""Matching audit flags to planted labels: what counts as a hit, a false alarm, or neither."""

from __future__ import annotations

from bench.labels import PlantLabel, Ref, score_flags

CODE = "91320602MA1XXXXXXX"
OTHER = "91320612MA1YYYYYYY"


def _flag(signal, credit=CODE, session=None, app=None, member=None, records=()):
    return {
        "signal": signal,
        "enterprise_credit_code": credit,
        "session_ref": session,
        "application_ref": app,
        "member_id": member,
        "records": list(records),
    }


def test_application_label_found_by_its_application_flag_only():
    label = PlantLabel("rule.x", "application", [Ref(CODE, "S1", "S1-0001")])
    hit = _flag("rule.x", session="S1", app="S1-0001")
    wrong_app = _flag("rule.x", session="S1", app="S1-0002")
    wrong_body = _flag("rule.x", OTHER, session="S1", app="S1-0001")
    score = score_flags([hit, wrong_app, wrong_body], [label])["rule.x"]
    assert (score.labels, score.found, score.flags, score.true_flags) == (1, 1, 3, 1)
    assert score.recall == 1.0
    assert score.precision == 1 / 3


def test_session_flag_inside_an_enterprise_label_counts():
    label = PlantLabel("stat.y", "enterprise", [Ref(CODE)])
    score = score_flags([_flag("stat.y", session="S9")], [label])["stat.y"]
    assert score.found == 1 and score.precision == 1.0


def test_wider_flag_must_name_the_record():
    label = PlantLabel("rule.z", "application", [Ref(CODE, "S1", "S1-0003")])
    named = _flag("rule.z", session="S1", records=["S1-0003"])
    unnamed = _flag("rule.z", session="S1", records=["S1-0004"])
    score = score_flags([named, unnamed], [label])["rule.z"]
    assert score.true_flags == 1 and score.flags == 2


def test_side_effect_labels_count_neither_way():
    primary = PlantLabel("stat.m", "member", [Ref(CODE, "S1", None, "E1")])
    side = PlantLabel("stat.m", "member", [Ref(CODE, "S1", None, "E2")], primary=False)
    flags = [_flag("stat.m", session="S1", member="E2")]
    score = score_flags(flags, [primary, side])["stat.m"]
    assert score.labels == 1 and score.found == 0
    assert score.ignored_flags == 1 and score.precision is None


def test_flags_of_unplanted_signals_are_all_false_alarms():
    score = score_flags([_flag("detector.isolation", app="S1-0001")], [])["detector.isolation"]
    assert score.labels == 0 and score.recall is None and score.precision == 0.0
