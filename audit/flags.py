"""Flags (疑点): what the audit found, each with the numbers a regulator can check by hand.

A flag names its signal (``rule.approved_ineligible``, ``stat.threshold_bunching``,
``detector.isolation``), the scope it is about (an application, a panel member, a session or an
enterprise), a severity, and the band: rules are ``certain``; statistics are ``alarm`` (about
99.8%, p < 0.002) or ``alert`` (about 95%, p < 0.05). It carries the observed value against the
peer value, n, the statistic and its value, the records it rests on, and a reason in Chinese and
English. ``key`` is a stable id (a hash of signal, scope and references), so the same filings
give the same keys and a regulator's case stays attached to its flag across re-runs.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

FlagKind = Literal["rule", "statistic", "detector"]
Scope = Literal["application", "member", "session", "enterprise"]
Severity = Literal["low", "medium", "high"]
FlagBand = Literal["certain", "alarm", "alert"]

SEVERITY_RANK: dict[str, int] = {"low": 1, "medium": 2, "high": 3}


class Flag(BaseModel):
    """One finding of an audit run (疑点)."""

    model_config = ConfigDict(frozen=True)

    key: str
    signal: str
    kind: FlagKind
    scope: Scope
    severity: Severity
    band: FlagBand
    enterprise_credit_code: str
    period: str | None = None
    filing_id: str | None = None
    session_ref: str | None = None
    application_ref: str | None = None
    member_id: str | None = None
    observed: float | None = None
    expected: float | None = Field(default=None, description="the peer or required value")
    n: int | None = None
    statistic: str | None = None
    statistic_value: float | None = None
    p_value: float | None = None
    records: list[str] = Field(default_factory=list)
    reason: str
    reason_en: str
    details: dict[str, Any] = Field(default_factory=dict)


@dataclass(frozen=True)
class SignalInfo:
    """A signal's display names, kind, scope and the severity it usually carries."""

    code: str
    name: str
    name_en: str
    kind: FlagKind
    scope: Scope
    severity: Severity


SIGNALS: dict[str, SignalInfo] = {
    s.code: s
    for s in (
        SignalInfo(
            "rule.approved_ineligible",
            "不符合申报条件却通过",
            "approved although ineligible",
            "rule",
            "application",
            "high",
        ),
        SignalInfo(
            "rule.decision_inconsistent",
            "评审结果与得分或表决不一致",
            "decision inconsistent with scores or votes",
            "rule",
            "application",
            "high",
        ),
        SignalInfo(
            "rule.final_score_mismatch",
            "报送的最终得分与评委评分不符",
            "reported final score differs from the members' scores",
            "rule",
            "application",
            "medium",
        ),
        SignalInfo(
            "rule.standard_laxer_than_baseline",
            "评价标准低于基准",
            "standard laxer than the baseline",
            "rule",
            "session",
            "high",
        ),
        SignalInfo(
            "rule.panel_too_small",
            "评审委员会人数不足",
            "panel too small",
            "rule",
            "session",
            "high",
        ),
        SignalInfo(
            "rule.panel_even_size",
            "评审委员会人数非单数",
            "panel size not odd",
            "rule",
            "session",
            "low",
        ),
        SignalInfo(
            "rule.panel_member_below_level",
            "评委等级低于所评等级",
            "member below the level reviewed",
            "rule",
            "member",
            "medium",
        ),
        SignalInfo(
            "rule.panel_external_share",
            "外单位评委不足",
            "too few external members",
            "rule",
            "session",
            "medium",
        ),
        SignalInfo(
            "rule.panel_chair",
            "主任委员设置不符合要求",
            "chair missing or several chairs",
            "rule",
            "session",
            "low",
        ),
        SignalInfo(
            "rule.conflict_not_recused",
            "应回避未回避",
            "evident conflict without recusal",
            "rule",
            "application",
            "high",
        ),
        SignalInfo(
            "rule.duplicate_approval",
            "同一人重复通过同一等级",
            "same person approved twice for a level",
            "rule",
            "application",
            "high",
        ),
        SignalInfo(
            "rule.multiple_enterprises",
            "同一人同期在多家单位申报",
            "same person applying in several enterprises in one period",
            "rule",
            "application",
            "medium",
        ),
        SignalInfo(
            "rule.not_insured",
            "申报人不在本单位参保",
            "applicant not insured by the filing enterprise",
            "rule",
            "application",
            "medium",
        ),
        SignalInfo(
            "rule.education_unverified",
            "学历与学籍学历登记不符",
            "education claim not found in the registry",
            "rule",
            "application",
            "high",
        ),
        SignalInfo(
            "rule.exceptional_overuse",
            "破格比例超限",
            "exceptional track overused",
            "rule",
            "session",
            "medium",
        ),
        SignalInfo(
            "stat.threshold_bunching",
            "得分扎堆于合格线上方",
            "scores bunched just above the pass score",
            "statistic",
            "enterprise",
            "medium",
        ),
        SignalInfo(
            "stat.rubber_stamp",
            "评分无差异、表决全票（走过场）",
            "rubber-stamp panel: no spread, unanimous",
            "statistic",
            "session",
            "medium",
        ),
        SignalInfo(
            "stat.near_identical_scores",
            "评委评分几乎相同",
            "members with near-identical score sheets",
            "statistic",
            "member",
            "medium",
        ),
        SignalInfo(
            "stat.member_calibration",
            "评委打分明显偏宽、偏严或趋中",
            "member lenient, harsh or central",
            "statistic",
            "member",
            "low",
        ),
        SignalInfo(
            "stat.scoring_speed",
            "评分用时过短",
            "implausibly fast scoring",
            "statistic",
            "member",
            "medium",
        ),
        SignalInfo(
            "stat.pass_rate_outlier",
            "通过率显著高于同类单位",
            "pass rate far above peers",
            "statistic",
            "enterprise",
            "medium",
        ),
        SignalInfo(
            "stat.surge",
            "申报或通过人数突增",
            "sudden surge in applications or approvals",
            "statistic",
            "enterprise",
            "low",
        ),
        SignalInfo(
            "stat.reciprocal_scoring",
            "单位间互评打高分",
            "reciprocal lenient scoring between enterprises",
            "statistic",
            "enterprise",
            "medium",
        ),
        SignalInfo(
            "detector.isolation",
            "异常检测：与同类明显不同",
            "unsupervised detector: unlike its peers",
            "detector",
            "application",
            "low",
        ),
    )
}


def flag_key(signal: str, scope: str, *refs: object) -> str:
    """Stable id of a flag: a hash of its signal, scope and the references it is about."""
    text = "\x1f".join([signal, scope, *("" if r is None else str(r) for r in refs)])
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def _number(value: float | None) -> float | None:
    # JSON has no NaN or infinity; an undefined statistic is absent, not a poison value.
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def make_flag(
    signal: str,
    *,
    scope: Scope,
    severity: Severity,
    band: FlagBand,
    enterprise_credit_code: str,
    reason: str,
    reason_en: str,
    period: str | None = None,
    filing_id: str | None = None,
    session_ref: str | None = None,
    application_ref: str | None = None,
    member_id: str | None = None,
    observed: float | None = None,
    expected: float | None = None,
    n: int | None = None,
    statistic: str | None = None,
    statistic_value: float | None = None,
    p_value: float | None = None,
    records: list[str] | None = None,
    details: dict[str, Any] | None = None,
    key_extra: tuple[object, ...] = (),
) -> Flag:
    """Build a flag with its stable key; ``key_extra`` distinguishes flags that share the same
    scope references (e.g. the second member of a pair)."""
    info = SIGNALS.get(signal)
    return Flag(
        key=flag_key(
            signal,
            scope,
            enterprise_credit_code,
            period,
            filing_id,
            session_ref,
            application_ref,
            member_id,
            *key_extra,
        ),
        signal=signal,
        kind=info.kind if info else _kind_of(signal),
        scope=scope,
        severity=severity,
        band=band,
        enterprise_credit_code=enterprise_credit_code,
        period=period,
        filing_id=filing_id,
        session_ref=session_ref,
        application_ref=application_ref,
        member_id=member_id,
        observed=_number(observed),
        expected=_number(expected),
        n=None if n is None else int(n),
        statistic=statistic,
        statistic_value=_number(statistic_value),
        p_value=_number(p_value),
        records=records or [],
        reason=reason,
        reason_en=reason_en,
        details=details or {},
    )


def _kind_of(signal: str) -> FlagKind:
    prefix = signal.split(".", 1)[0]
    if prefix == "stat":
        return "statistic"
    if prefix == "detector":
        return "detector"
    return "rule"


def sort_flags(flags: list[Flag]) -> list[Flag]:
    """The stable order of flags in a result: by enterprise, period, session, application,
    member, signal, key."""
    return sorted(
        flags,
        key=lambda f: (
            f.enterprise_credit_code,
            f.period or "",
            f.filing_id or "",
            f.session_ref or "",
            f.application_ref or "",
            f.member_id or "",
            f.signal,
            f.key,
        ),
    )
