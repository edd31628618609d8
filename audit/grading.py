"""Enterprise risk and review-quality grade (评审质量等级) per period: evidence measured against
what an honest review body of the same size would show.

The roll-up, for one review body and one period (a *unit*):

1. Flags are grouped by signal (and, for the detector, by the scope it looked at). Each group
   is a *test* of the unit: how surprising are its flags for an honest unit of this size?

   - **Count**: ``k`` flags against an exposure ``n`` (the unit's applications, panel seats,
     sessions, or 1 for enterprise-scope signals) and a base rate ``λ`` per exposure, estimated
     across all units of the run robustly (units that are themselves outliers, tail p < 0.001,
     are left out of the estimate, iterated; over-dispersion ``φ`` from the inliers' Pearson
     statistic). ``p_count = P(X ≥ k)`` for ``X`` negative binomial with mean ``λ n`` and
     variance ``φ λ n`` (Poisson when ``φ = 1``). A big honest body with many flags is not
     surprising; a small one with the same count is.
   - **Strongest flag** (statistics and the detector, whose flags carry their own p-value):
     the smallest, Šidák-corrected for the ``n`` tests of that exposure:
     ``p_min = 1 - (1 - p)^n`` (1 when no flag carries one).
   - The group's p is ``min(1, 2 min(p_count, p_min))`` (Bonferroni over the two) for
     statistics and the detector, ``p_count`` for rules (fixed by the signal's kind, so that
     no flag can lower it), and its *evidence* is ``-log10 p`` in bans (1 ban: p = 0.1),
     capped at ``SIGNAL_CAP`` (12).

2. Certain findings: a ``certain`` flag of ``high`` severity (a rule such as an approval of an
   ineligible applicant) is a proven breach, not a surprise: its group's evidence is at least
   ``CERTAIN_EVIDENCE``, the lower bound of grade C.

3. Each group's evidence is multiplied by its signal's weight (``audit.feedback``: defaults by
   kind, rules 1, statistics 0.5, detector 0.25, or learned from confirmed and dismissed
   cases), and the unit's risk score is the sum: Fisher's combination on the log10 scale,
   without the degrees-of-freedom correction so that a single strong signal is not diluted by
   the many silent ones. It is open-ended (no ties at a cap).

4. The grade follows from the risk score by ``GRADE_BOUNDS``: A below 2, B below 4, C below 6,
   D from 6 (bans of weighted evidence). The bounds were chosen on the honest bodies of the
   benchmark worlds (``bench.worlds``) so that about 5% or fewer of honest bodies fall in C or
   D (see docs/benchmarks.md); a regulator may set others.

Monotone: for fixed base rates and weights (non-negative), one more flag never lowers a
group's evidence (the tail probability falls with ``k``, the minimum p can only fall), so it
never lowers the risk score nor improves the grade. Reasons name each signal with its count
against the count expected for an honest unit of this size, its p and its evidence, in Chinese
and English.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import numpy as np
from scipy import stats

from audit.feedback import SignalWeights
from audit.flags import SIGNALS, Flag

if TYPE_CHECKING:
    from audit.dataset import AuditDataset
    from audit.features import Features

# Per-flag strength for case lists and label fitting (``audit.feedback``): severity × band.
SEVERITY_POINTS: dict[str, float] = {"high": 10.0, "medium": 4.0, "low": 1.0}
BAND_FACTOR: dict[str, float] = {"certain": 1.0, "alarm": 1.0, "alert": 0.5}

SIGNAL_CAP = 12.0  # bans: p = 1e-12
# Upper bounds (exclusive) of the risk score (weighted bans) for grades A, B and C; D above.
GRADE_BOUNDS: tuple[tuple[str, float], ...] = (("A", 2.0), ("B", 4.0), ("C", 6.0))
GRADES = ("A", "B", "C", "D")
CERTAIN_EVIDENCE = GRADE_BOUNDS[1][1]
# Units whose own count is this surprising are left out when estimating a base rate.
OUTLIER_P = 1e-3
# Base rates per unit of exposure when a unit is graded alone (no run to estimate them from).
DEFAULT_RATES: dict[str, float] = {"rule": 0.002, "statistic": 0.05, "detector": 0.01}
# The level at which statistical flags are raised, and the pseudo-flags that shrink a
# signal's estimated p-value inflation towards 1.
ALPHA = 0.05
INFLATION_PRIOR = 20

_GRADE_ZH = {"A": "A级（好）", "B": "B级（较好）", "C": "C级（一般，需整改）", "D": "D级（差）"}
_GRADE_EN = {"A": "A (good)", "B": "B (fair)", "C": "C (needs rectification)", "D": "D (poor)"}
_SCOPE_ZH = {
    "application": "件申报",
    "member": "个评委席位",
    "session": "个评审批次",
    "enterprise": "个单位期间",
}
_SCOPE_EN = {
    "application": "applications",
    "member": "panel seats",
    "session": "sessions",
    "enterprise": "unit",
}
SCOPES = ("application", "member", "session", "enterprise")


@dataclass(frozen=True)
class Exposure:
    """How much of a unit could have been flagged: its applications, panel seats, sessions."""

    application: int = 1
    member: int = 1
    session: int = 1
    enterprise: int = 1

    def of(self, scope: str) -> int:
        return max(1, int(getattr(self, scope, 1)))


@dataclass(frozen=True)
class BaseRate:
    """An honest unit's flags of one group per unit of exposure, and their over-dispersion."""

    rate: float
    dispersion: float = 1.0
    estimated: bool = False
    # How much the flags' own p-values overstate (1: calibrated), see ``inflation_of``.
    inflation: float = 1.0


@dataclass(frozen=True)
class SignalEvidence:
    """One signal group's test of a unit."""

    group: str
    signal: str
    scope: str
    count: int
    exposure: int
    expected: float
    p_count: float
    p_min: float | None
    p_value: float
    evidence: float  # bans, before weighting, after the certain floor
    weight: float
    certain: bool

    @property
    def weighted(self) -> float:
        return self.evidence * self.weight

    def as_dict(self) -> dict[str, object]:
        return {
            "signal": self.signal,
            "scope": self.scope,
            "count": self.count,
            "exposure": self.exposure,
            "expected": round(self.expected, 4),
            "p_count": self.p_count,
            "p_min": self.p_min,
            "p_value": self.p_value,
            "evidence": round(self.evidence, 4),
            "weight": round(self.weight, 4),
            "weighted": round(self.weighted, 4),
            "certain": self.certain,
        }


@dataclass(frozen=True)
class EnterpriseGrade:
    """Risk score (weighted bans of evidence) and quality grade of one review body for one
    period, with its reasons. ``points`` is each signal's weighted evidence; ``evidence`` the
    numbers behind it per signal group."""

    credit_code: str
    period: str
    risk_score: float
    grade: str
    reasons: list[str]
    reasons_en: list[str]
    flag_counts: dict[str, int] = field(default_factory=dict)
    points: dict[str, float] = field(default_factory=dict)
    evidence: dict[str, dict[str, object]] = field(default_factory=dict)


def flag_points(flag: Flag, weights: SignalWeights) -> float:
    """One flag's weighted strength (severity × band × weight), for ranking a case list."""
    weight = max(0.0, weights.weight(flag.signal))
    return SEVERITY_POINTS[flag.severity] * BAND_FACTOR[flag.band] * weight


def grade_for(risk_score: float) -> str:
    """The grade of a risk score (weighted bans)."""
    return next((g for g, bound in GRADE_BOUNDS if risk_score < bound), "D")


def group_of(flag: Flag) -> str:
    """The test a flag belongs to: its signal; the detector's by the scope it looked at."""
    if flag.kind == "detector":
        return f"{flag.signal}:{flag.scope}"
    return flag.signal


def _kind(signal: str) -> str:
    info = SIGNALS.get(signal)
    if info is not None:
        return info.kind
    prefix = signal.split(".", 1)[0]
    return {"stat": "statistic", "detector": "detector"}.get(prefix, "rule")


def default_rate(signal: str) -> BaseRate:
    return BaseRate(DEFAULT_RATES.get(_kind(signal), 0.05))


def tail_p(k: int, mean: float, dispersion: float = 1.0) -> float:
    """``P(X >= k)`` for counts with ``mean`` and variance ``dispersion × mean``: negative
    binomial when over-dispersed, Poisson otherwise."""
    if k <= 0:
        return 1.0
    mean = max(mean, 1e-12)
    if dispersion <= 1.0 + 1e-9:
        return float(stats.poisson.sf(k - 1, mean))
    size = mean / (dispersion - 1.0)
    return float(stats.nbinom.sf(k - 1, size, 1.0 / dispersion))


def tail_p_array(k: np.ndarray, mean: np.ndarray, dispersion: float = 1.0) -> np.ndarray:
    """``tail_p`` over arrays of counts and means."""
    k = np.asarray(k, dtype=float)
    mean = np.maximum(np.asarray(mean, dtype=float), 1e-12)
    if dispersion <= 1.0 + 1e-9:
        p = stats.poisson.sf(k - 1, mean)
    else:
        p = stats.nbinom.sf(k - 1, mean / (dispersion - 1.0), 1.0 / dispersion)
    return np.where(k <= 0, 1.0, p)


def deflate(p: float, inflation: float) -> float:
    """A flag's p-value corrected for its signal's inflation ``s``: below ``ALPHA`` the
    surprise beyond the flagging threshold is divided by ``s``,
    ``ALPHA × (p / ALPHA)^(1/s)``."""
    if inflation <= 1.0 or p >= ALPHA:
        return p
    return ALPHA * (max(p, 1e-300) / ALPHA) ** (1.0 / inflation)


def inflation_of(p_values: Sequence[float], prior_flags: int = INFLATION_PRIOR) -> float:
    """How much a signal's flag p-values overstate, from the run's own flags: a flag raised
    at ``p < ALPHA`` by a calibrated test has ``p / ALPHA`` uniform, so the median of
    ``-log10(p / ALPHA)`` is log10 2; the ratio of the observed median to that is the
    inflation (at least 1), shrunk towards 1 with ``prior_flags`` pseudo-flags so that a
    signal with few flags (mostly the planted ones) is taken at its word. The median keeps
    a minority of real findings from setting the scale (as in genomic control, Devlin and
    Roeder 1999). The shrinkage is on the log scale, ``raw ** (n / (n + prior_flags))``, as
    befits a scale factor: where real findings are the majority of a signal's few flags the
    median is theirs, and shrinking the ratio itself (``1 + (raw - 1) n / (n + prior)``)
    would still divide their surprise by several (five flags, three at p = 1e-12: 7.9,
    against 2.0 on the log scale)."""
    p = np.asarray([x for x in p_values if x is not None and x < ALPHA], dtype=float)
    if p.size == 0:
        return 1.0
    surprise = -np.log10(np.maximum(p, 1e-300) / ALPHA)
    raw = max(1.0, float(np.median(surprise)) / math.log10(2.0))
    return float(raw ** (p.size / (p.size + prior_flags)))


def _bans(p: float) -> float:
    return max(0.0, min(SIGNAL_CAP, -math.log10(max(p, 1e-300))))


def _test(
    group: str,
    flags: Sequence[Flag],
    exposure: Exposure,
    base: BaseRate,
    weights: SignalWeights,
    p_count: float | None = None,
) -> SignalEvidence:
    signal, scope = flags[0].signal, flags[0].scope
    n = exposure.of(scope)
    k = len(flags)
    expected = base.rate * n
    if p_count is None:
        p_count = tail_p(k, expected, base.dispersion)
    # Which tests a group gets is fixed by its signal's kind, not by the flags at hand: were
    # the strongest-flag test (and the factor 2) added once some flag carries a p-value, the
    # first such flag could lower the group's evidence. Rules are judged by their count;
    # statistics and the detector by count and strongest flag (p = 1 when none has one).
    p_min = None
    p_value = p_count
    if _kind(signal) != "rule":
        own = [f.p_value for f in flags if f.p_value is not None]
        if own:
            p = deflate(min(1.0, max(0.0, min(own))), base.inflation)
            p_min = float(-math.expm1(n * math.log1p(-p))) if p < 1 else 1.0
        p_value = min(1.0, 2.0 * min(p_count, 1.0 if p_min is None else p_min))
    certain = flags[0].kind == "rule" and any(
        f.band == "certain" and f.severity == "high" for f in flags
    )
    evidence = _bans(p_value)
    if certain:
        evidence = max(evidence, CERTAIN_EVIDENCE)
    return SignalEvidence(
        group=group,
        signal=signal,
        scope=scope,
        count=k,
        exposure=n,
        expected=expected,
        p_count=p_count,
        p_min=p_min,
        p_value=p_value,
        evidence=evidence,
        weight=max(0.0, weights.weight(signal)),
        certain=certain,
    )


def _fmt_p(p: float) -> str:
    return f"{p:.2g}" if p >= 1e-4 else f"{p:.1e}"


def _name(signal: str) -> tuple[str, str]:
    info = SIGNALS.get(signal)
    return (info.name, info.name_en) if info else (signal, signal)


def _reason(e: SignalEvidence) -> tuple[str, str]:
    name, name_en = _name(e.signal)
    zh = (
        f"{name}：{e.count}项，按{e.exposure}{_SCOPE_ZH[e.scope]}的同规模诚信单位预期"
        f"{e.expected:.2f}项（p={_fmt_p(e.p_count)}）"
    )
    en = (
        f"{name_en}: {e.count} flags against {e.expected:.2f} expected of an honest unit with "
        f"{e.exposure} {_SCOPE_EN[e.scope]} (p={_fmt_p(e.p_count)})"
    )
    if e.p_min is not None:
        zh += f"，最显著一项经{e.exposure}次检验校正 p={_fmt_p(e.p_min)}"
        en += f"; strongest flag p={_fmt_p(e.p_min)} corrected for {e.exposure} tests"
    if e.certain:
        zh += "；含确定的高风险违规"
        en += "; includes a certain high-severity breach"
    zh += f"，证据{e.evidence:.1f}×权重{e.weight:.2g}={e.weighted:.1f}"
    en += f"; evidence {e.evidence:.1f} × weight {e.weight:.2g} = {e.weighted:.1f}"
    return zh, en


def grade_unit(
    credit_code: str,
    period: str,
    flags: Sequence[Flag],
    weights: SignalWeights | None = None,
    *,
    exposure: Exposure | None = None,
    base_rates: Mapping[str, BaseRate] | None = None,
    count_p: Mapping[str, float] | None = None,
) -> EnterpriseGrade:
    """Roll the flags of one review body and period up to its risk score and grade.

    ``exposure``: the unit's size (default 1 of each); ``base_rates`` per signal group (see
    ``group_of``; ``estimate_base_rates``), defaults by kind for groups not given;
    ``count_p``: the groups' count p-values when already computed (``grade_enterprises``
    computes them for all units at once)."""
    weights = weights or SignalWeights()
    exposure = exposure or Exposure()
    rates = base_rates or {}
    groups: dict[str, list[Flag]] = defaultdict(list)
    for flag in flags:
        groups[group_of(flag)].append(flag)
    known = count_p or {}
    tests = [
        _test(g, fs, exposure, rates.get(g) or default_rate(fs[0].signal), weights, known.get(g))
        for g, fs in groups.items()
    ]
    points: dict[str, float] = defaultdict(float)
    for t in tests:
        points[t.signal] += t.weighted
    risk = round(sum(points.values()), 4)
    grade = grade_for(risk)
    counts = Counter(f.signal for f in flags)
    reasons = [
        f"风险证据{risk:.1f}（各疑点相对同规模诚信单位的显著性 −log10 p 加权合计），评为{_GRADE_ZH[grade]}"
    ]
    reasons_en = [
        f"risk {risk:.1f} (weighted −log10 p of each signal against an honest unit of this "
        f"size): grade {_GRADE_EN[grade]}"
    ]
    for t in sorted(tests, key=lambda t: (-t.weighted, t.group)):
        zh, en = _reason(t)
        reasons.append(zh)
        reasons_en.append(en)
    if not flags:
        reasons.append("本期未发现疑点")
        reasons_en.append("no flags in this period")
    return EnterpriseGrade(
        credit_code=credit_code,
        period=period,
        risk_score=risk,
        grade=grade,
        reasons=reasons,
        reasons_en=reasons_en,
        flag_counts=dict(sorted(counts.items())),
        points={s: round(p, 4) for s, p in sorted(points.items())},
        evidence={t.group: t.as_dict() for t in sorted(tests, key=lambda t: t.group)},
    )


def estimate_base_rates(
    counts: Mapping[str, Sequence[int]],
    exposures: Mapping[str, Sequence[int] | np.ndarray],
    *,
    rounds: int = 3,
) -> dict[str, BaseRate]:
    """Per group, the flags per unit of exposure an honest unit shows, from every unit's count
    (zeros included) and exposure: the pooled rate of the units whose own count is not itself
    an outlier (tail p ≥ ``OUTLIER_P`` under the current estimate, iterated), with Pearson
    over-dispersion of those inliers (at least 1). A rate is at least half a flag over the
    whole run, so a group never seen on honest units is rare, not impossible."""
    out: dict[str, BaseRate] = {}
    for group, k_list in counts.items():
        k = np.asarray(k_list, dtype=float)
        n = np.maximum(np.asarray(exposures[group], dtype=float), 1.0)
        floor = 0.5 / n.sum()
        inlier = np.ones(k.size, dtype=bool)
        rate, phi = max(floor, k.sum() / n.sum()), 1.0
        for _ in range(rounds):
            rate = max(floor, k[inlier].sum() / n[inlier].sum())
            mu = rate * n[inlier]
            dof = max(1, int(inlier.sum()) - 1)
            phi = max(1.0, float(((k[inlier] - mu) ** 2 / mu).sum() / dof))
            p = tail_p_array(k, rate * n, phi)
            keep = p >= OUTLIER_P
            if keep.sum() < max(3, k.size // 2) or (keep == inlier).all():
                break
            inlier = keep
        out[group] = BaseRate(float(rate), float(phi), True)
    return out


def exposures_from_features(ds: AuditDataset, features: Features) -> list[Exposure]:
    """Each unit's exposure (``features.units`` order): applications, panel seats, sessions."""
    units = features.units
    n = len(units.enterprise)
    seats = np.bincount(units.session_unit[ds.member_session], minlength=n)
    return [
        Exposure(
            application=int(units.n_applications[u]),
            member=int(seats[u]),
            session=int(units.n_sessions[u]),
        )
        for u in range(n)
    ]


def grade_enterprises(
    flags: Iterable[Flag],
    units: Iterable[tuple[str, str]],
    weights: SignalWeights | None = None,
    *,
    exposures: Sequence[Exposure] | Mapping[tuple[str, str], Exposure] | None = None,
) -> list[EnterpriseGrade]:
    """Grades for every (credit code, period) in ``units`` (a unit without flags is graded
    too: A), plus any unit that only appears in ``flags``; ordered by credit code, period.

    ``exposures``: each unit's size, in ``units`` order or by unit; with them the base rates
    are estimated across these units (``estimate_base_rates``), else defaults by kind."""
    unit_list = list(units)
    by_unit: dict[tuple[str, str], dict[str, list[Flag]]] = defaultdict(lambda: defaultdict(list))
    for flag in flags:
        if flag.period is not None:
            by_unit[flag.enterprise_credit_code, flag.period][group_of(flag)].append(flag)
    if exposures is None:
        size: dict[tuple[str, str], Exposure] = {}
    elif isinstance(exposures, Mapping):
        size = dict(exposures)
    else:
        size = dict(zip(unit_list, exposures, strict=True))
    keys = sorted(set(unit_list) | set(by_unit))
    rates: dict[str, BaseRate] = {}
    count_p: dict[tuple[str, str], dict[str, float]] = defaultdict(dict)
    if size:
        scope_of: dict[str, str] = {}
        p_values: dict[str, list[float]] = defaultdict(list)
        for groups in by_unit.values():
            for g, fs in groups.items():
                scope_of.setdefault(g, fs[0].scope)
                p_values[g] += [f.p_value for f in fs if f.p_value is not None]
        exposure_of = {
            scope: np.array([size.get(key, Exposure()).of(scope) for key in keys], dtype=float)
            for scope in set(scope_of.values())
        }
        counts = {
            g: [len(by_unit[key][g]) if key in by_unit else 0 for key in keys] for g in scope_of
        }
        exp = {g: exposure_of[scope_of[g]] for g in scope_of}
        rates = estimate_base_rates(counts, exp)
        for g, ps in p_values.items():
            rates[g] = replace(rates[g], inflation=inflation_of(ps))
        # Every unit's count p-value of every group at once (the same numbers ``grade_unit``
        # would compute one by one).
        for g, k_list in counts.items():
            k_arr = np.asarray(k_list, dtype=float)
            has = np.flatnonzero(k_arr > 0)
            r = rates[g]
            p = tail_p_array(k_arr[has], r.rate * exp[g][has], r.dispersion)
            for i, value in zip(has.tolist(), p.tolist(), strict=True):
                count_p[keys[i]][g] = float(value)
    return [
        grade_unit(
            code,
            period,
            [f for fs in by_unit[code, period].values() for f in fs]
            if (code, period) in by_unit
            else [],
            weights,
            exposure=size.get((code, period)),
            base_rates=rates,
            count_p=count_p.get((code, period)),
        )
        for code, period in keys
    ]
