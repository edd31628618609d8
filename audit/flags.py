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


def __getattr__(name: str) -> Any:
    # ``SIGNALS`` (code -> ``SignalInfo``) is the signal registry's, built from the modules of
    # ``audit.signals``, which import this module: it is looked up on first use.
    if name == "SIGNALS":
        from audit.signals import SIGNALS

        return SIGNALS
    raise AttributeError(f"module 'audit.flags' has no attribute {name!r}")


def _info(signal: str) -> SignalInfo | None:
    from audit.signals import SIGNALS

    return SIGNALS.get(signal)


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
    info = _info(signal)
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
