"""One audit run (评后审查) over a set of filings: features, rules, statistics, the detector,
then grades.

``run_audit(dataset, baselines=..., registries=..., weights=..., history=...)`` returns every
flag (in a stable order, with stable keys: the same filings give the same result) and the
grade of every review body for every period in the data. Stages and their timings are in
``AuditResult.stages``; ``progress(stage, fraction)`` is called as stages finish.

Statistical signals (``audit.statistics``) are tested on arrays built here:

- threshold bunching: final scores against pass scores, per review body and period;
- rubber stamp: spread of member totals and unanimity per application, per session (panel);
- near-identical score sheets: normalised criterion scores per member pair of a session;
- member calibration: member totals against the rest of the panel, per session;
- scoring speed: submitted minus started per score sheet, per member;
- pass rates: approvals of (review body, period, track, level) against peers of the same
  industry cluster, period, track and level, on an over-dispersed funnel plot;
- surges: applications and approvals of a review body's latest period against its history;
- reciprocal scoring: external experts' leniency by (expert organisation, applicant's review
  body), per period.

Only results in a band (alert at p < 0.05, alarm at p < 0.002) become flags.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from audit import statistics
from audit.dataset import AuditDataset, FloatArray, IntArray
from audit.detector import isolation_flags
from audit.features import JUST_ABOVE_WIDTH, Features, build_features
from audit.feedback import SignalWeights
from audit.flags import SIGNALS, Flag, Scope, Severity, make_flag, sort_flags
from audit.grading import EnterpriseGrade, exposures_from_features, grade_enterprises
from audit.intake import collection_paused
from audit.registry import Registries
from audit.rules import (
    EligibilityCache,
    RuleSettings,
    approved_ineligible,
    conflicts_not_recused,
    decision_inconsistent,
    decisions,
    duplicate_approvals,
    education_unverified,
    exceptional_overuse,
    final_score_mismatch,
    multiple_enterprises,
    not_insured,
    panel_rules,
    standard_laxity,
)
from standards.document import Standard

Progress = Callable[[str, float], None]


@dataclass(frozen=True)
class PeriodVolume:
    """A review body's applications and approvals in an earlier period (for surges), from
    audit runs or filings not in the current dataset."""

    credit_code: str
    period: str
    applications: int
    approved: int


def history_from_rows(rows: Iterable[Mapping[str, Any]]) -> list[PeriodVolume]:
    """``PeriodVolume``s from plain rows with ``credit_code``, ``period``, ``applications``
    and ``approved`` (e.g. earlier audit runs' enterprise-period counts)."""
    return [
        PeriodVolume(
            credit_code=str(r["credit_code"]),
            period=str(r["period"]),
            applications=int(r["applications"]),
            approved=int(r["approved"]),
        )
        for r in rows
    ]


@dataclass(frozen=True)
class AuditSettings:
    """Thresholds of one run; every number is a regulator-editable default."""

    rules: RuleSettings = field(default_factory=RuleSettings)
    bunching_width: float = JUST_ABOVE_WIDTH
    bunching_min_n: int = 8
    rubber_stamp_min_n: int = 5
    identical_tol: float = 0.02
    identical_min_apps: int = 5
    calibration_min_n: int = 5
    # Practical significance: a bias must also be material, not merely detectable.
    calibration_min_deviation: float = 5.0
    calibration_max_spread_ratio: float = 0.5
    speed_floor_seconds: float = 60.0
    reciprocal_min_n: int = 5
    surge_min_history: int = 2
    detector: bool = True
    detector_contamination: dict[str, float] = field(
        default_factory=lambda: {"application": 0.005, "member": 0.01, "enterprise": 0.02}
    )
    random_state: int = 0
    detector_max_forests: int = 6
    # Processes for the eligibility re-check (the slowest rule) on large runs.
    workers: int = field(default_factory=lambda: min(2, os.cpu_count() or 1))


@dataclass(frozen=True)
class AuditResult:
    """Flags (stable order), grades per review body and period, and seconds per stage."""

    flags: list[Flag]
    grades: list[EnterpriseGrade]
    stages: dict[str, float]
    counts: dict[str, int] = field(default_factory=dict)


_STAT_SEVERITY: dict[str, Severity] = {"alert": "low"}


def _severity(signal: str, band: str) -> Severity:
    # An alarm carries the signal's usual severity; an alert is one step lighter.
    return _STAT_SEVERITY.get(band, SIGNALS[signal].severity)


def _test_en(statistic_name: str) -> str:
    """The null model a screen used, from its statistic's name (beta-binomial or binomial)."""
    return "beta-binomial" if "beta-binomial" in statistic_name else "binomial"


def _test_zh(statistic_name: str) -> str:
    return "贝塔二项" if "beta-binomial" in statistic_name else "二项"


def _fmt_p(p: float) -> str:
    return f"{p:.2g}" if p >= 1e-4 else "<0.0001"


class _Run:
    """State shared by the stages of one run."""

    def __init__(
        self,
        ds: AuditDataset,
        features: Features,
        settings: AuditSettings,
    ) -> None:
        self.ds = ds
        self.f = features
        self.settings = settings

    # references ---------------------------------------------------------------------------

    def session_refs(self, s: int) -> dict[str, Any]:
        ds = self.ds
        return {
            "enterprise_credit_code": str(ds.enterprise_code[ds.session_enterprise[s]]),
            "period": str(ds.session_period[s]),
            "filing_id": str(ds.session_filing_id[s]),
            "session_ref": str(ds.session_ref[s]),
        }

    def member_refs(self, m: int) -> dict[str, Any]:
        return {
            **self.session_refs(int(self.ds.member_session[m])),
            "member_id": str(self.ds.member_id[m]),
        }

    def unit_refs(self, u: int) -> dict[str, Any]:
        units = self.f.units
        return {
            "enterprise_credit_code": str(self.ds.enterprise_code[units.enterprise[u]]),
            "period": str(units.period[u]),
        }

    def unit_filings(self, u: int) -> list[str]:
        sessions = np.flatnonzero(self.f.units.session_unit == u)
        return [str(x) for x in self.ds.session_filing_id[sessions]]

    def stat_flag(self, signal: str, refs: dict[str, Any], test: Any, **fields: Any) -> Flag:
        scope = fields.pop("scope", SIGNALS[signal].scope)
        return make_flag(
            signal,
            scope=scope,
            severity=_severity(signal, test.band),
            band=test.band,
            p_value=test.p_value,
            **refs,
            **fields,
        )

    # statistics ---------------------------------------------------------------------------

    def threshold_bunching(self) -> list[Flag]:
        ds, apps, units = self.ds, self.f.applications, self.f.units
        results = statistics.threshold_bunching(
            apps.final_score,
            apps.pass_score,
            units.session_unit[ds.app_session],
            width=self.settings.bunching_width,
            min_n=self.settings.bunching_min_n,
            flagged_only=True,
        )
        out = []
        for t in results:
            u = int(t.group)
            above, below = t.details.get("just_above", 0), t.details.get("just_below", 0)
            w = self.settings.bunching_width
            out.append(
                self.stat_flag(
                    "stat.threshold_bunching",
                    self.unit_refs(u),
                    t,
                    observed=t.observed,
                    expected=t.expected,
                    n=t.n,
                    statistic=t.statistic_name or "z",
                    statistic_value=t.statistic,
                    records=self.unit_filings(u),
                    reason=(
                        f"{units.period[u]}期间最终得分在合格线±{w:g}分内的{t.n}件申报中，"
                        f"{above}件（{t.observed:.0%}）位于合格线上方{w:g}分内，{below}件位于下方；"
                        f"按平滑分布预期上方占{t.expected:.0%}（单侧二项检验 p={_fmt_p(t.p_value)}）"
                    ),
                    reason_en=(
                        f"in {units.period[u]}, of {t.n} applications within ±{w:g} of the pass "
                        f"score, {above} ({t.observed:.0%}) are just above and {below} just "
                        f"below; a smooth density predicts {t.expected:.0%} above (one-sided "
                        f"binomial p={_fmt_p(t.p_value)})"
                    ),
                    details=t.details,
                )
            )
        return out

    def rubber_stamp(self) -> list[Flag]:
        apps = self.f.applications
        results = statistics.rubber_stamp(
            apps.spread,
            apps.unanimous,
            self.ds.app_session,
            min_n=self.settings.rubber_stamp_min_n,
            flagged_only=True,
        )
        out = []
        for t in results:
            s = int(t.group)
            stamped = t.details.get("stamped", 0)
            threshold = float(t.details.get("spread_threshold", float("nan")))
            out.append(
                self.stat_flag(
                    "stat.rubber_stamp",
                    self.session_refs(s),
                    t,
                    observed=t.observed,
                    expected=t.expected,
                    n=t.n,
                    statistic=t.statistic_name or "z",
                    statistic_value=t.statistic,
                    records=[str(self.ds.session_filing_id[s])],
                    reason=(
                        f"本批次{t.n}件申报中{stamped}件（{t.observed:.0%}）评委总分标准差不超过"
                        f"{threshold:.2f}且表决全票一致，全体中该比例为{t.expected:.0%}"
                        f"（单侧{_test_zh(t.statistic_name)}检验 p={_fmt_p(t.p_value)}）"
                    ),
                    reason_en=(
                        f"{stamped} of {t.n} applications ({t.observed:.0%}) had member totals "
                        f"with SD at most {threshold:.2f} and a unanimous vote, against "
                        f"{t.expected:.0%} in the population (one-sided "
                        f"{_test_en(t.statistic_name)} test p={_fmt_p(t.p_value)})"
                    ),
                    details=t.details,
                )
            )
        return out

    def near_identical(self) -> list[Flag]:
        ds = self.ds
        results = statistics.near_identical_pairs(
            ds.score_member,
            ds.score_app,
            self.f.sheets.normalised,
            ds.member_session[ds.score_member],
            tol=self.settings.identical_tol,
            min_apps=self.settings.identical_min_apps,
            flagged_only=True,
        )
        out = []
        for pair in results:
            a, b = int(pair.member_a), int(pair.member_b)
            id_a, id_b = str(ds.member_id[a]), str(ds.member_id[b])
            out.append(
                self.stat_flag(
                    "stat.near_identical_scores",
                    self.member_refs(a),
                    pair,
                    observed=pair.share_identical,
                    expected=pair.expected_share,
                    n=pair.n,
                    statistic="mean |difference| of normalised scores",
                    statistic_value=pair.mean_abs_diff,
                    records=[f"member:{id_a}", f"member:{id_b}"],
                    reason=(
                        f"评委{id_a}与{id_b}共同评分的{pair.n}件申报中，{pair.n_identical}件"
                        f"（{pair.share_identical:.0%}）各指标评分几乎相同（差值≤"
                        f"{self.settings.identical_tol:.0%}满分），随机预期{pair.expected_share:.0%}"
                        f"（Holm校正 p={_fmt_p(pair.p_value)}）"
                    ),
                    reason_en=(
                        f"members {id_a} and {id_b} scored {pair.n} applications together; on "
                        f"{pair.n_identical} ({pair.share_identical:.0%}) their criterion scores "
                        f"were near-identical (within {self.settings.identical_tol:.0%} of the "
                        f"maximum), against {pair.expected_share:.0%} expected (Holm-adjusted "
                        f"p={_fmt_p(pair.p_value)})"
                    ),
                    details={"member_b": id_b, "p_raw": pair.p_raw},
                    key_extra=(id_b,),
                )
            )
        return out

    def calibration(self) -> list[Flag]:
        ds, sheets = self.ds, self.f.sheets
        results = statistics.member_calibration(
            ds.score_member,
            ds.score_app,
            sheets.total,
            ds.member_session[ds.score_member],
            min_n=self.settings.calibration_min_n,
            flagged_only=True,
        )
        zh = {"lenient": "偏宽", "harsh": "偏严", "central": "趋中（区分度过低）"}
        en = {"lenient": "lenient", "harsh": "harsh", "central": "central (no discrimination)"}
        out = []
        for bias in results:
            if bias.kind is None or not self.material(bias):
                continue
            m = int(bias.member)
            member_id = str(ds.member_id[m])
            if bias.kind == "central":
                observed, expected = bias.spread_ratio, 1.0
                stat, value = "SD ratio (member / panel)", bias.spread_ratio
                what = f"其总分标准差为同组其他评委的{bias.spread_ratio:.2f}倍"
                what_en = f"the SD of their totals is {bias.spread_ratio:.2f} times the panel's"
            else:
                observed, expected = bias.mean_deviation, 0.0
                stat, value = "z (mean deviation from the other members)", bias.z
                higher = "高" if bias.mean_deviation > 0 else "低"
                what = f"总分平均比其他评委{higher}{abs(bias.mean_deviation):.1f}分"
                what_en = (
                    f"their totals average {abs(bias.mean_deviation):.1f} points "
                    f"{'above' if bias.mean_deviation > 0 else 'below'} the other members'"
                )
            out.append(
                self.stat_flag(
                    "stat.member_calibration",
                    self.member_refs(m),
                    bias,
                    observed=observed,
                    expected=expected,
                    n=bias.n,
                    statistic=stat,
                    statistic_value=value,
                    records=[
                        f"member:{member_id}",
                        str(ds.session_filing_id[ds.member_session[m]]),
                    ],
                    reason=f"评委{member_id}评分{zh[bias.kind]}：在{bias.n}件申报上{what}"
                    f"（p={_fmt_p(bias.p_value)}）",
                    reason_en=f"member {member_id} scores {en[bias.kind]}: over {bias.n} "
                    f"applications {what_en} (p={_fmt_p(bias.p_value)})",
                    details={"kind": bias.kind, "z": bias.z, "spread_ratio": bias.spread_ratio},
                    key_extra=(bias.kind,),
                )
            )
        return out

    def material(self, bias: statistics.MemberBias) -> bool:
        """Whether a significant bias is also large enough to matter."""
        if bias.kind == "central":
            return bias.spread_ratio <= self.settings.calibration_max_spread_ratio
        return abs(bias.mean_deviation) >= self.settings.calibration_min_deviation

    def scoring_speed(self) -> list[Flag]:
        ds = self.ds
        floor = self.settings.speed_floor_seconds
        results = statistics.scoring_speed(
            ds.score_member,
            self.f.sheets.duration,
            ds.member_session[ds.score_member],
            floor_seconds=floor,
            flagged_only=True,
        )
        out = []
        for speed in results:
            m = int(speed.member)
            member_id = str(ds.member_id[m])
            out.append(
                self.stat_flag(
                    "stat.scoring_speed",
                    self.member_refs(m),
                    speed,
                    observed=speed.share_fast,
                    expected=speed.expected_share,
                    n=speed.n,
                    statistic="z (binomial, scorings under the floor)",
                    statistic_value=speed.statistic,
                    records=[
                        f"member:{member_id}",
                        str(ds.session_filing_id[ds.member_session[m]]),
                    ],
                    reason=(
                        f"评委{member_id}的{speed.n}次评分中{speed.n_fast}次（{speed.share_fast:.0%}）"
                        f"用时不足{floor:g}秒，中位用时{speed.median_seconds:.0f}秒；其他评委该比例为"
                        f"{speed.expected_share:.0%}（p={_fmt_p(speed.p_value)}）"
                    ),
                    reason_en=(
                        f"member {member_id}: {speed.n_fast} of {speed.n} scorings "
                        f"({speed.share_fast:.0%}) took under {floor:g} s, median "
                        f"{speed.median_seconds:.0f} s; other members {speed.expected_share:.0%} "
                        f"(p={_fmt_p(speed.p_value)})"
                    ),
                    details={"median_seconds": speed.median_seconds, "n_fast": speed.n_fast},
                )
            )
        return out

    def pass_rates(self) -> list[Flag]:
        ds = self.ds
        s = ds.app_session
        cluster = ds.enterprise_cluster[ds.session_enterprise].astype(str)
        level = np.char.add(
            ds.session_track.astype(str), np.char.add(":", ds.session_level.astype(str))
        )
        unit_key = np.char.add(
            np.char.add(ds.enterprise_code[ds.session_enterprise].astype(str), "|"),
            np.char.add(np.char.add(ds.session_period.astype(str), "|"), level),
        )
        units, session_unit = np.unique(unit_key, return_inverse=True)
        app_unit = session_unit[s]
        n = np.bincount(app_unit, minlength=len(units))
        passed = np.bincount(app_unit[ds.app_approved], minlength=len(units))
        peer_key = np.char.add(
            np.char.add(cluster, "|"),
            np.char.add(np.char.add(ds.session_period.astype(str), "|"), level),
        )
        first = np.zeros(len(units), dtype=np.int64)
        first[session_unit[::-1]] = np.arange(len(session_unit))[::-1]
        peers = peer_key[first]
        results = statistics.funnel_pass_rates(passed, n, peers, flagged_only=True)
        out = []
        for r in results:
            u = int(r.unit)
            s0 = int(first[u])
            e = int(ds.session_enterprise[s0])
            sessions = np.flatnonzero(session_unit == u)
            level_text = f"{ds.session_track[s0]}:{ds.session_level[s0]}"
            out.append(
                self.stat_flag(
                    "stat.pass_rate_outlier",
                    {
                        "enterprise_credit_code": str(ds.enterprise_code[e]),
                        "period": str(ds.session_period[s0]),
                    },
                    r,
                    observed=r.rate,
                    expected=r.peer_rate,
                    n=r.n,
                    statistic="z (over-dispersed funnel)",
                    statistic_value=r.z,
                    records=[str(x) for x in ds.session_filing_id[sessions]],
                    reason=(
                        f"{ds.session_period[s0]}期间{level_text}评审通过{r.passed}/{r.n}人"
                        f"（{r.rate:.0%}），同行业同等级单位通过率{r.peer_rate:.0%}，收缩估计"
                        f"{r.shrunk_rate:.0%}，超出漏斗图{'99.8%' if r.band == 'alarm' else '95%'}"
                        f"控制限（p={_fmt_p(r.p_value)}）"
                    ),
                    reason_en=(
                        f"in {ds.session_period[s0]}, {level_text}: {r.passed} of {r.n} "
                        f"approved ({r.rate:.0%}) against {r.peer_rate:.0%} for peers of the "
                        f"same cluster and level (shrunk {r.shrunk_rate:.0%}), beyond the "
                        f"{'99.8%' if r.band == 'alarm' else '95%'} funnel limit "
                        f"(p={_fmt_p(r.p_value)})"
                    ),
                    details={
                        "track_level": level_text,
                        "peer_group": str(r.peer_group),
                        "phi": r.phi,
                        "limits_95": list(r.limits_95),
                        "limits_998": list(r.limits_998),
                        "shrunk_rate": r.shrunk_rate,
                    },
                    key_extra=(level_text,),
                )
            )
        return out

    def surges(self, history: Sequence[PeriodVolume]) -> list[Flag]:
        ds, units = self.ds, self.f.units
        codes = [str(c) for c in ds.enterprise_code]
        volumes: dict[tuple[str, str], tuple[float, float]] = {
            (h.credit_code, h.period): (float(h.applications), float(h.approved)) for h in history
        }
        for u in range(len(units.enterprise)):
            key = (codes[units.enterprise[u]], str(units.period[u]))
            volumes[key] = (float(units.n_applications[u]), float(units.n_approved[u]))
        periods = sorted({p for _, p in volumes})
        index = {p: i for i, p in enumerate(periods)}
        table = np.full((len(codes), len(periods), 2), np.nan)
        code_index = {c: i for i, c in enumerate(codes)}
        for (code, period), counts in volumes.items():
            if code in code_index:
                table[code_index[code], index[period]] = counts
        # Current: each review body's latest period in this dataset; history: the ones before.
        latest = np.full(len(codes), -1)
        np.maximum.at(latest, units.enterprise, [index[str(p)] for p in units.period])
        cur = table[np.arange(len(codes)), latest]
        past = table.copy()
        past[np.arange(len(periods))[None, :] >= latest[:, None]] = np.nan
        out = []
        for what, column in (("applications", 0), ("approved", 1)):
            results = statistics.surges(
                cur[:, column],
                past[:, :, column],
                min_history=self.settings.surge_min_history,
                flagged_only=True,
            )
            for t in results:
                e = int(t.group)
                period = periods[latest[e]]
                zh = "申报人数" if what == "applications" else "通过人数"
                out.append(
                    self.stat_flag(
                        "stat.surge",
                        {"enterprise_credit_code": codes[e], "period": period},
                        t,
                        observed=t.observed,
                        expected=t.expected,
                        n=t.n,
                        statistic=t.statistic_name or "z",
                        statistic_value=t.statistic,
                        records=[f"{codes[e]}/{period}"],
                        reason=f"{period}期间{zh}{t.observed:.0f}人，此前{t.n}期平均"
                        f"{t.expected:.1f}人（p={_fmt_p(t.p_value)}）",
                        reason_en=f"{what} in {period}: {t.observed:.0f}, against a mean of "
                        f"{t.expected:.1f} over {t.n} earlier periods (p={_fmt_p(t.p_value)})",
                        details={**t.details, "measure": what},
                        key_extra=(what,),
                    )
                )
        return out

    def reciprocal(self) -> list[Flag]:
        ds = self.ds
        # Organisations as integer codes over one vocabulary: review bodies first, then the
        # other home organisations of external experts (-1: none given).
        orgs = {str(c): i for i, c in enumerate(ds.enterprise_code)}
        member_org = np.array(
            [-1 if o is None else orgs.setdefault(o, len(orgs)) for o in ds.member_org],
            dtype=np.int64,
        )
        names = list(orgs)
        m = ds.score_member
        s = ds.app_session[ds.score_app]
        expert = member_org[m]
        applicant = ds.session_enterprise[s]
        external = ds.member_external[m] & (expert >= 0)
        period_names, period_code = np.unique(ds.session_period.astype(str), return_inverse=True)
        out = []
        for p, period in enumerate(period_names.tolist()):
            rows = external & (period_code[s] == p)
            if not rows.any():
                continue
            results = statistics.reciprocal_scoring(
                expert[rows],
                applicant[rows],
                self.f.sheets.leniency[rows],
                min_n=self.settings.reciprocal_min_n,
                flagged_only=True,
            )
            for pair in results:
                code_a, code_b = int(pair.org_a), int(pair.org_b)
                a, b = names[code_a], names[code_b]
                for own_code, own, other in ((code_a, a, b), (code_b, b, a)):
                    if own_code >= len(ds.enterprise_code):
                        continue  # not a review body in this dataset: nothing to grade
                    out.append(
                        self.stat_flag(
                            "stat.reciprocal_scoring",
                            {"enterprise_credit_code": own, "period": str(period)},
                            pair,
                            observed=min(pair.mean_ab, pair.mean_ba),
                            expected=0.0,
                            n=pair.n_ab + pair.n_ba,
                            statistic="z (both directions, the weaker)",
                            statistic_value=min(pair.z_ab, pair.z_ba),
                            records=[f"org:{a}", f"org:{b}"],
                            reason=(
                                f"{period}期间，{a}的外聘评委给{b}申报人的评分平均比其他评委高"
                                f"{pair.mean_ab:.1f}分（{pair.n_ab}次），{b}的外聘评委给{a}申报人"
                                f"平均高{pair.mean_ba:.1f}分（{pair.n_ba}次），互相打高分"
                                f"（Holm校正 p={_fmt_p(pair.p_value)}）"
                            ),
                            reason_en=(
                                f"in {period}, external experts from {a} scored applicants of {b} "
                                f"{pair.mean_ab:.1f} points above the other members on average "
                                f"({pair.n_ab} scorings), and experts from {b} scored {a}'s "
                                f"{pair.mean_ba:.1f} above ({pair.n_ba}): reciprocal leniency "
                                f"(Holm-adjusted p={_fmt_p(pair.p_value)})"
                            ),
                            details={
                                "org_a": a,
                                "org_b": b,
                                "mean_ab": pair.mean_ab,
                                "mean_ba": pair.mean_ba,
                                "p_raw": pair.p_raw,
                            },
                            key_extra=(other,),
                        )
                    )
        return out

    # detector -----------------------------------------------------------------------------

    def detector(self) -> list[Flag]:
        ds, f = self.ds, self.f
        apps, members, units = f.applications, f.members, f.units
        cluster = ds.enterprise_cluster[ds.session_enterprise].astype(str)
        level = np.char.add(ds.session_track.astype(str), ds.session_level.astype(str))
        session_peer = np.unique(np.char.add(cluster, level), return_inverse=True)[1]
        level_peer = np.unique(level, return_inverse=True)[1]
        contamination = self.settings.detector_contamination
        out: list[Flag] = []
        tables: list[tuple[Scope, list[str], list[FloatArray], IntArray]] = [
            (
                "application",
                ["margin", "spread", "unanimous", "mean_duration_log", "exceptional", "approved"],
                [
                    apps.margin,
                    apps.spread,
                    apps.unanimous.astype(float),
                    np.log1p(np.maximum(apps.mean_duration, 0)),
                    ds.app_exceptional.astype(float),
                    ds.app_approved.astype(float),
                ],
                session_peer[ds.app_session],
            ),
            (
                "member",
                ["mean_leniency", "sd_total", "median_duration_log", "approve_share"],
                [
                    members.mean_leniency,
                    members.sd_total,
                    np.log1p(np.maximum(members.median_duration, 0)),
                    members.approve_share,
                ],
                level_peer[ds.member_session],
            ),
            (
                "enterprise",
                [
                    "pass_rate",
                    "mean_margin",
                    "just_above_share",
                    "mean_spread",
                    "unanimous_share",
                    "exceptional_share",
                    "external_share",
                    "median_duration_log",
                ],
                [
                    units.pass_rate,
                    units.mean_margin,
                    units.just_above_share,
                    units.mean_spread,
                    units.unanimous_share,
                    units.exceptional_share,
                    units.external_share,
                    np.log1p(np.maximum(units.median_duration, 0)),
                ],
                np.unique(ds.enterprise_cluster[units.enterprise].astype(str), return_inverse=True)[
                    1
                ],
            ),
        ]
        for scope, names, columns, groups in tables:
            X = np.column_stack(columns) if columns[0].size else np.zeros((0, len(names)))
            if len(X) < 20:
                continue
            # The forest takes no missing values: a missing feature reads as the median.
            medians = np.nanmedian(np.where(np.isfinite(X), X, np.nan), axis=0)
            X = np.where(np.isfinite(X), X, np.nan_to_num(medians)[None, :])
            result = isolation_flags(
                X,
                names,
                groups,
                contamination=contamination.get(scope, 0.01),
                random_state=self.settings.random_state,
                max_forests=self.settings.detector_max_forests,
            )
            threshold = float(result.scores[result.outlier].min()) if result.outlier.any() else 1.0
            for row in np.flatnonzero(result.outlier).tolist():
                top = result.top_features[row]
                score = float(result.scores[row])
                out.append(self.detector_flag(scope, row, top, score, threshold, len(X)))
        return out

    def detector_flag(
        self,
        scope: Scope,
        row: int,
        top: list[tuple[str, float]],
        score: float,
        threshold: float,
        n: int,
    ) -> Flag:
        ds = self.ds
        if scope == "application":
            refs = {
                **self.session_refs(int(ds.app_session[row])),
                "application_ref": str(ds.app_ref[row]),
            }
            what, what_en = f"申报{ds.app_ref[row]}", f"application {ds.app_ref[row]}"
        elif scope == "member":
            refs = self.member_refs(row)
            what, what_en = f"评委{ds.member_id[row]}", f"member {ds.member_id[row]}"
        else:
            refs = self.unit_refs(row)
            what, what_en = f"本单位{refs['period']}期间的评审", f"the reviews of {refs['period']}"
        drivers = "、".join(f"{name}（稳健z={z:+.1f}）" for name, z in top)
        drivers_en = ", ".join(f"{name} (robust z={z:+.1f})" for name, z in top)
        return make_flag(
            "detector.isolation",
            scope=scope,
            severity="low",
            band="alert",
            **refs,
            observed=score,
            expected=threshold,
            n=n,
            statistic="isolation forest anomaly score",
            statistic_value=score,
            records=[refs.get("filing_id") or refs["enterprise_credit_code"]],
            reason=f"异常检测：{what}与同类明显不同，主要因为{drivers}",
            reason_en=f"detector: {what_en} is unlike its peers, mainly {drivers_en}",
            details={"top_features": [[name, z] for name, z in top], "scope": scope},
        )


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
    """Audit ``dataset``: rules, statistics and the detector, then grade every review body
    for every period. Deterministic: the same filings (in any order) give the same flags,
    keys, order and grades.

    ``baselines``: the regulator's floor standards; ``registries``: imported extracts (None
    skips the registry rules); ``weights``: learned signal weights for the grades (default
    weights when None); ``history``: earlier periods' volumes per review body, as
    ``PeriodVolume`` or plain rows (``credit_code``, ``period``, ``applications``,
    ``approved``); ``settings``: thresholds; ``progress(stage, fraction)``: called as stages
    finish."""
    # The run allocates many small objects and no cycles; pausing the cyclic collector keeps
    # it from rescanning the dataset's millions of objects over and over.
    with collection_paused():
        return _audit(dataset, baselines, registries, weights, history, settings, progress)


def _audit(
    dataset: AuditDataset,
    baselines: Sequence[Standard],
    registries: Registries | None,
    weights: SignalWeights | None,
    history: Sequence[PeriodVolume | Mapping[str, Any]] | None,
    settings: AuditSettings | None,
    progress: Progress | None,
) -> AuditResult:
    settings = settings or AuditSettings()
    rule_settings = settings.rules
    stages: dict[str, float] = {}
    flags: list[Flag] = []
    cache = EligibilityCache()
    clock = time.perf_counter()

    def done(stage: str, fraction: float) -> None:
        nonlocal clock
        now = time.perf_counter()
        stages[stage] = round(now - clock, 4)
        clock = now
        if progress is not None:
            progress(stage, fraction)

    ds = dataset
    features = build_features(ds)
    done("features", 0.1)
    run = _Run(ds, features, settings)
    computed = decisions(ds, features)
    flags += decision_inconsistent(ds, features, computed)
    flags += final_score_mismatch(ds, features, rule_settings.final_score_tolerance)
    done("rules.decision", 0.15)
    flags += approved_ineligible(ds, cache, workers=settings.workers)
    done("rules.eligibility", 0.4)
    flags += standard_laxity(ds, baselines)
    flags += panel_rules(ds, features)
    flags += conflicts_not_recused(ds)
    flags += exceptional_overuse(ds, features, rule_settings.exceptional_max_share)
    flags += duplicate_approvals(ds)
    flags += multiple_enterprises(ds)
    done("rules.session_and_identity", 0.5)
    # Each extract is checked only when imported: an absent registry is not "nobody insured".
    if registries is not None and registries.employment:
        flags += not_insured(ds, registries, rule_settings.min_insured_months)
    if registries is not None and registries.education:
        flags += education_unverified(ds, registries, rule_settings.registry_min_education)
    done("rules.registries", 0.55)
    flags += run.threshold_bunching()
    flags += run.rubber_stamp()
    flags += run.near_identical()
    flags += run.calibration()
    flags += run.scoring_speed()
    done("statistics.scoring", 0.7)
    flags += run.pass_rates()
    volumes = [
        h if isinstance(h, PeriodVolume) else history_from_rows([h])[0] for h in history or ()
    ]
    flags += run.surges(volumes)
    flags += run.reciprocal()
    done("statistics.outcomes", 0.8)
    if settings.detector:
        flags += run.detector()
    done("detector", 0.95)
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
        "eligibility_evaluations": cache.evaluations,
    }
    return AuditResult(flags=flags, grades=grades, stages=stages, counts=counts)
