"""``rule.standard_laxer_than_baseline``: one flag per session whose standard is laxer than
the regulator's baseline, listing every laxity (``standards.baseline.laxities``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from audit.dataset import AuditDataset
from audit.features import Features
from audit.flags import Flag, SignalInfo
from audit.signals.base import RULE_BANDS, Context, Refs, Signal, rule_flag
from standards.baseline import laxities
from standards.document import ANY_SERIES, Standard

INFO = SignalInfo(
    "rule.standard_laxer_than_baseline",
    "评价标准低于基准",
    "standard laxer than the baseline",
    "rule",
    "session",
    "high",
)
REASON = "评价标准“{standard}”有{n}处低于基准“{baseline}”：{laxities}"
REASON_EN = "standard '{standard}' is laxer than the baseline '{baseline}' in {n} ways: {laxities}"


def find_baseline(
    baselines: Sequence[Standard], track: str, series: str, level: str, cluster: str | None
) -> Standard | None:
    """The baseline for a standard: same track and level, its series or ``*``; a baseline of
    the enterprise's industry cluster before a general one, an exact series before ``*``."""
    best: tuple[int, int] | None = None
    found: Standard | None = None
    for b in baselines:
        if b.track != track or b.level != level or b.series not in (series, ANY_SERIES):
            continue
        if b.industry_cluster is not None and b.industry_cluster != cluster:
            continue
        rank = (int(b.industry_cluster is not None), int(b.series == series))
        if best is None or rank > best:
            best, found = rank, b
    return found


def detect(ds: AuditDataset, features: Features, context: Context) -> list[Flag]:
    """One flag per session whose standard is laxer than its baseline, listing every laxity."""
    baselines = context.baselines
    refs = Refs(ds)
    cached: dict[tuple[int, int], list[Any]] = {}
    out: list[Flag] = []
    for s in range(ds.n_sessions):
        std_index = int(ds.session_standard[s])
        standard = ds.standards[std_index]
        cluster = str(ds.enterprise_cluster[ds.session_enterprise[s]])
        baseline = find_baseline(
            baselines, standard.track, standard.series, standard.level, cluster
        )
        if baseline is None:
            continue
        key = (std_index, id(baseline))
        if key not in cached:
            cached[key] = laxities(standard, baseline)
        found = cached[key]
        if not found:
            continue
        out.append(
            rule_flag(
                INFO,
                refs.session(s),
                observed=float(len(found)),
                expected=0.0,
                n=len(found),
                statistic="laxities",
                statistic_value=float(len(found)),
                records=[f"standard:{ds.session_standard_version[s]}", *(x.path for x in found)],
                reason=REASON.format(
                    standard=standard.name,
                    n=len(found),
                    baseline=baseline.name,
                    laxities="；".join(x.message for x in found),
                ),
                reason_en=REASON_EN.format(
                    standard=standard.name_en,
                    n=len(found),
                    baseline=baseline.name_en,
                    laxities="; ".join(x.message_en for x in found),
                ),
                details={
                    "baseline": baseline.name,
                    "laxities": [
                        {
                            "path": x.path,
                            "code": x.code,
                            "baseline_value": x.baseline_value,
                            "standard_value": x.standard_value,
                            "message": x.message,
                            "message_en": x.message_en,
                        }
                        for x in found
                    ],
                },
            )
        )
    return out


SIGNAL = Signal(
    INFO,
    "rules.session_and_identity",
    RULE_BANDS,
    REASON,
    REASON_EN,
    detect,
    enabled=lambda context: bool(context.baselines),
)
