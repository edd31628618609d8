"""One audit run (评后审查) over a set of filings: features, then every signal of the
registry (``audit.signals``: rules, statistics, the detector) stage by stage, then grades.

``run_audit(dataset, baselines=..., registries=..., weights=..., history=...)`` returns every
flag (in a stable order, with stable keys: the same filings give the same result) and the
grade of every review body for every period in the data. Stages and their timings are in
``AuditResult.stages``; ``progress(stage, fraction)`` is called as stages finish.

What each signal tests, and on which arrays, is in its own module; only results in a band
(rules: certain; statistics: alert at p < 0.05, alarm at p < 0.002) become flags.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from audit.dataset import AuditDataset
from audit.features import build_features
from audit.feedback import SignalWeights
from audit.flags import Flag, sort_flags
from audit.grading import EnterpriseGrade, exposures_from_features, grade_enterprises
from audit.intake import collection_paused
from audit.registry import Registries
from audit.signals import REGISTRY, STAGES, Context
from audit.signals.base import AuditSettings, PeriodVolume, RuleSettings, history_from_rows
from standards.document import Standard

__all__ = [
    "AuditResult",
    "AuditSettings",
    "PeriodVolume",
    "Progress",
    "RuleSettings",
    "history_from_rows",
    "run_audit",
]

Progress = Callable[[str, float], None]


@dataclass(frozen=True)
class AuditResult:
    """Flags (stable order), grades per review body and period, and seconds per stage."""

    flags: list[Flag]
    grades: list[EnterpriseGrade]
    stages: dict[str, float]
    counts: dict[str, int] = field(default_factory=dict)


def run_audit(
    dataset: AuditDataset,
    *,
    baselines: Sequence[Standard] = (),
    registries: Registries | None = None,
    weights: SignalWeights | None = None,
    history: Sequence[PeriodVolume | Mapping[str, Any]] | None = None,
    settings: AuditSettings | None = None,
    progress: Progress | None = None,
) -> AuditResult:
    """Audit ``dataset``: every signal of the registry, then grade every review body for every
    period. Deterministic: the same filings (in any order) give the same flags, keys, order
    and grades.

    ``baselines``: the regulator's floor standards; ``registries``: imported extracts (None
    skips the registry rules); ``weights``: learned signal weights for the grades (default
    weights when None); ``history``: earlier periods' volumes per review body, as
    ``PeriodVolume`` or plain rows (``credit_code``, ``period``, ``applications``,
    ``approved``); ``settings``: thresholds; ``progress(stage, fraction)``: called as stages
    finish."""
    # The run allocates many small objects and no cycles; pausing the cyclic collector keeps
    # it from rescanning the dataset's millions of objects over and over.
    with collection_paused():
        context = Context(
            settings=settings or AuditSettings(),
            baselines=baselines,
            registries=registries,
            history=[
                h if isinstance(h, PeriodVolume) else history_from_rows([h])[0]
                for h in history or ()
            ],
        )
        return _audit(dataset, context, weights, progress)


def _audit(
    ds: AuditDataset,
    context: Context,
    weights: SignalWeights | None,
    progress: Progress | None,
) -> AuditResult:
    stages: dict[str, float] = {}
    flags: list[Flag] = []
    clock = time.perf_counter()

    def done(stage: str, fraction: float) -> None:
        nonlocal clock
        now = time.perf_counter()
        stages[stage] = round(now - clock, 4)
        clock = now
        if progress is not None:
            progress(stage, fraction)

    features = build_features(ds)
    done("features", 0.1)
    for stage, fraction in STAGES.items():
        for signal in REGISTRY:
            if signal.stage == stage and signal.enabled(context):
                flags += signal.detect(ds, features, context)
        done(stage, fraction)
    flags = sort_flags(flags)
    units = [
        (str(ds.enterprise_code[e]), str(p))
        for e, p in zip(features.units.enterprise, features.units.period, strict=True)
    ]
    grades = grade_enterprises(
        flags, units, weights, exposures=exposures_from_features(ds, features)
    )
    done("grading", 1.0)
    counts = {
        "filings": ds.n_sessions,
        "applications": ds.n_applications,
        "score_sheets": len(ds.score_app),
        "flags": len(flags),
        "eligibility_evaluations": context.cache.evaluations,
    }
    return AuditResult(flags=flags, grades=grades, stages=stages, counts=counts)
