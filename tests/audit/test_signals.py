"""The signal registry: every signal module is found, carries its metadata, and runs."""

from __future__ import annotations

import string

import factories

from audit.features import build_features
from audit.signals import REGISTRY, SIGNALS, STAGES, Context


def test_every_signal_has_a_unique_code_a_stage_and_both_reason_templates() -> None:
    codes = [info.code for signal in REGISTRY for info in signal.infos()]
    assert len(codes) == len(set(codes)) == len(SIGNALS)
    assert {"rule.decision_inconsistent", "stat.scoring_speed", "detector.isolation"} <= set(codes)
    for signal in REGISTRY:
        assert signal.stage in STAGES
        assert signal.bands and signal.info.name and signal.info.name_en
        zh = {f for _, f, _, _ in string.Formatter().parse(signal.reason) if f}
        en = {f for _, f, _, _ in string.Formatter().parse(signal.reason_en) if f}
        # The same numbers are named in both languages.
        assert zh == en, signal.code
        assert signal.code.split(".")[0] in {"rule", "stat", "detector"}


def test_registry_runs_in_stage_order() -> None:
    order = list(STAGES)
    positions = [order.index(s.stage) for s in REGISTRY]
    assert positions == sorted(positions)


def test_each_signal_detects_only_its_own_codes() -> None:
    raw = factories.filing_doc(6)
    raw["applications"][5]["final_score"] = 10.0
    raw["applications"][4]["approved"] = not raw["applications"][4]["approved"]
    ds = factories.dataset(raw)
    features = build_features(ds)
    context = Context()
    seen = set()
    for signal in REGISTRY:
        own = {info.code for info in signal.infos()}
        for flag in signal.detect(ds, features, context):
            assert flag.signal in own
            seen.add(flag.signal)
    assert {"rule.final_score_mismatch", "rule.decision_inconsistent"} <= seen
