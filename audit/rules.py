"""Rules: findings that are certain, given the filings (and the registries when imported).

Each rule re-checks what the review body filed with the standards library or plain arithmetic,
and raises a flag with the numbers behind it:

- ``rule.approved_ineligible``: approved although the hard requirements are unmet and the
  exceptional track does not apply (``standards.eligibility.evaluate``; approved applications
  only, verdicts cached by standard and facts);
- ``rule.decision_inconsistent``: the decision is not what quorum, vote threshold and pass
  score give (``standards.decision.decide``, vectorised over all applications with the same
  arithmetic; ``decide`` itself explains each flagged one);
- ``rule.final_score_mismatch``: the reported final score is not the mean of the members'
  totals;
- ``rule.standard_laxer_than_baseline``: one flag per session listing every laxity
  (``standards.baseline.laxities``);
- ``rule.panel_*``: panel size, odd size, members below the level reviewed, external share,
  chair (``standards.panel.panel_problems``);
- ``rule.conflict_not_recused``: a member scored or voted on an application of their own
  department, of the applicant they supervise, or their own application;
- ``rule.duplicate_approval``: the same person approved twice for the same track and level;
- ``rule.multiple_enterprises``: the same person applying in several enterprises in one period;
- ``rule.not_insured``: no social-insurance record with the filing enterprise covering the
  session date, or fewer than the required consecutive months before it;
- ``rule.education_unverified``: a claimed higher education (junior college or above) that no
  registry record reaches;
- ``rule.exceptional_overuse``: the share of exceptional-track applications of a session above
  the standard's ``exceptional.max_share`` (or the default).
"""

from __future__ import annotations

import math
import multiprocessing as mp
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np

from audit.dataset import AuditDataset, BoolArray, FloatArray, IntArray
from audit.features import Features
from audit.flags import SIGNALS, Flag, Scope, Severity, make_flag
from audit.registry import Registries
from standards.baseline import laxities
from standards.decision import decide
from standards.document import ANY_SERIES, Standard
from standards.eligibility import Verdict, evaluate
from standards.facts import ApplicantFacts
from standards.levels import Education, Track, education_name, education_rank, level_name
from standards.panel import PanelMemberFacts, panel_problems

# decide() gives shares such as 2/3 this much slack; the vectorised version must agree.
_SLACK = 1e-9


@dataclass(frozen=True)
class RuleSettings:
    """The numbers rules use; regulator-editable defaults, not constants in code."""

    min_insured_months: int = 6
    exceptional_max_share: float = 0.10  # when the standard sets none
    final_score_tolerance: float = 0.01
    # Education registries cover higher education; lower claims cannot be checked there.
    registry_min_education: Education = Education.junior_college


class EligibilityCache:
    """Verdicts of ``standards.eligibility.evaluate`` by (standard, facts document): the same
    applicant filed again (a correction, another enterprise) is judged once."""

    def __init__(self) -> None:
        self.verdicts: dict[tuple[int, str], Verdict] = {}
        self.evaluations = 0

    def verdict(self, standard_index: int, standard: Standard, facts: Any) -> Verdict:
        """The verdict for ``facts`` (a facts document) under ``standard``."""
        # Stored documents come from one serialiser, so equal facts have equal reprs; a
        # differently ordered equal document only costs a second evaluation.
        key = (standard_index, repr(facts))
        found = self.verdicts.get(key)
        if found is None:
            self.evaluations += 1
            found = evaluate(ApplicantFacts.model_validate(facts), standard)
            self.verdicts[key] = found
        return found


def _ineligible(
    ds: AuditDataset, rows: Sequence[int], cache: EligibilityCache
) -> list[tuple[int, Verdict]]:
    """(application row, verdict) of the ``rows`` that are not eligible."""
    out = []
    for a in rows:
        facts = ds.app_facts[a]
        if facts is None:
            continue
        std_index = int(ds.session_standard[ds.app_session[a]])
        verdict = cache.verdict(std_index, ds.standards[std_index], facts)
        if not verdict.eligible:
            out.append((a, verdict))
    return out


# The dataset a forked worker reads: inherited from the parent's memory, never pickled.
_FORKED_DATASET: AuditDataset | None = None


def _ineligible_in_worker(rows: list[int]) -> tuple[list[tuple[int, Verdict]], int]:
    assert _FORKED_DATASET is not None
    cache = EligibilityCache()
    return _ineligible(_FORKED_DATASET, rows, cache), cache.evaluations


def ineligible_approvals(
    ds: AuditDataset, cache: EligibilityCache, *, workers: int = 1, min_parallel: int = 20_000
) -> list[tuple[int, Verdict]]:
    """Approved applications that ``evaluate`` finds ineligible, in row order.

    ``evaluate`` costs about 0.1 ms per application, so with ``workers`` > 1 and at least
    ``min_parallel`` approvals, forked processes (POSIX only) judge parts of them beside this
    one; the result is the same either way."""
    rows = np.flatnonzero(ds.app_approved).tolist()
    if workers <= 1 or len(rows) < min_parallel or "fork" not in mp.get_all_start_methods():
        return _ineligible(ds, rows, cache)
    global _FORKED_DATASET
    chunks = [rows[i::workers] for i in range(workers)]
    _FORKED_DATASET = ds
    try:
        with ProcessPoolExecutor(workers - 1, mp_context=mp.get_context("fork")) as pool:
            futures = [pool.submit(_ineligible_in_worker, chunk) for chunk in chunks[1:]]
            found = _ineligible(ds, chunks[0], cache)
            for future in futures:
                more, evaluations = future.result()
                found += more
                cache.evaluations += evaluations
    finally:
        _FORKED_DATASET = None
    return sorted(found, key=lambda item: item[0])


class _Refs:
    """Flag references (enterprise, period, filing, session, application, member) by row."""

    def __init__(self, ds: AuditDataset) -> None:
        self.ds = ds

    def session(self, s: int) -> dict[str, Any]:
        ds = self.ds
        return {
            "enterprise_credit_code": str(ds.enterprise_code[ds.session_enterprise[s]]),
            "period": str(ds.session_period[s]),
            "filing_id": str(ds.session_filing_id[s]),
            "session_ref": str(ds.session_ref[s]),
        }

    def application(self, a: int) -> dict[str, Any]:
        return {**self.session(int(self.ds.app_session[a])), "application_ref": self.app_ref(a)}

    def member(self, m: int) -> dict[str, Any]:
        return {
            **self.session(int(self.ds.member_session[m])),
            "member_id": str(self.ds.member_id[m]),
        }

    def app_ref(self, a: int) -> str:
        return str(self.ds.app_ref[a])

    def record(self, a: int) -> str:
        """A reference to an application that holds across filings: filing/application."""
        ds = self.ds
        return f"{ds.session_filing_id[ds.app_session[a]]}/{ds.app_ref[a]}"


def _flag(signal: str, refs: dict[str, Any], **fields: Any) -> Flag:
    info = SIGNALS[signal]
    scope: Scope = fields.pop("scope", info.scope)
    severity: Severity = fields.pop("severity", info.severity)
    return make_flag(signal, scope=scope, severity=severity, band="certain", **refs, **fields)


# --- eligibility ---------------------------------------------------------------------------


def approved_ineligible(
    ds: AuditDataset, cache: EligibilityCache, *, workers: int = 1
) -> list[Flag]:
    """Approved applications whose facts do not meet the standard (nor its exceptional track)."""
    refs = _Refs(ds)
    out: list[Flag] = []
    for a, verdict in ineligible_approvals(ds, cache, workers=workers):
        failed = verdict.failed
        out.append(
            _flag(
                "rule.approved_ineligible",
                refs.application(a),
                observed=float(len(failed)),
                expected=0.0,
                n=len(verdict.results),
                statistic="unmet requirements",
                statistic_value=float(len(failed)),
                records=[refs.record(a), *(f"requirement:{r.code}" for r in failed)],
                reason=f"申报{refs.app_ref(a)}已通过，但{verdict.summary}",
                reason_en=f"application {refs.app_ref(a)} was approved, but {verdict.summary_en}",
                details={
                    "failed": [
                        {
                            "code": r.code,
                            "rule": r.rule,
                            "rule_en": r.rule_en,
                            "required": r.required,
                            "given": r.given,
                            "message": r.message,
                            "message_en": r.message_en,
                        }
                        for r in failed
                    ],
                    "exceptional_claimed": bool(ds.app_exceptional[a]),
                    "exceptional_unmet": [
                        r.code for r in verdict.exceptional_results if not r.passed
                    ],
                },
            )
        )
    return out


# --- decision -------------------------------------------------------------------------------


@dataclass(frozen=True)
class DecisionArrays:
    """``standards.decision.decide`` over all applications at once (same arithmetic)."""

    quorum_required: IntArray
    present: IntArray
    quorum_met: BoolArray
    approvals_required: IntArray
    threshold_met: BoolArray
    score_met: BoolArray
    approved: BoolArray


def decisions(ds: AuditDataset, features: Features) -> DecisionArrays:
    """What each application's decision should be, from its votes and recomputed final score."""
    apps = features.applications
    std = ds.session_standard[ds.app_session]
    quorum_share = np.array([s.panel.quorum_share for s in ds.standards])[std]
    threshold = np.array([s.panel.vote_threshold for s in ds.standards])[std]
    present = apps.approvals + apps.rejections + apps.abstentions
    quorum_required = np.ceil(quorum_share * apps.eligible_members - _SLACK).astype(np.int64)
    quorum_met = (present >= quorum_required) & (present > 0)
    approvals_required = np.ceil(threshold * present - _SLACK).astype(np.int64)
    threshold_met = (present > 0) & (apps.approvals >= approvals_required)
    with np.errstate(invalid="ignore"):
        score_met = np.isfinite(apps.final_score) & (apps.final_score >= apps.pass_score - _SLACK)
    return DecisionArrays(
        quorum_required=quorum_required,
        present=present,
        quorum_met=quorum_met,
        approvals_required=approvals_required,
        threshold_met=threshold_met,
        score_met=score_met,
        approved=quorum_met & threshold_met & score_met,
    )


def decision_inconsistent(
    ds: AuditDataset, features: Features, computed: DecisionArrays
) -> list[Flag]:
    """Applications decided otherwise than their own votes and scores give."""
    refs = _Refs(ds)
    apps = features.applications
    out: list[Flag] = []
    for a in np.flatnonzero(computed.approved != ds.app_approved).tolist():
        standard = ds.standards[int(ds.session_standard[ds.app_session[a]])]
        final = float(apps.final_score[a])
        decision = decide(
            rules=standard.panel,
            pass_score=standard.pass_score,
            eligible_members=max(int(apps.eligible_members[a]), int(computed.present[a])),
            approvals=int(apps.approvals[a]),
            rejections=int(apps.rejections[a]),
            abstentions=int(apps.abstentions[a]),
            final_score=None if math.isnan(final) else final,
        )
        failed = [p for p in decision.parts if not p.passed]
        approved = bool(ds.app_approved[a])
        if approved and failed:
            part = failed[0]
            observed = _number_or_none(part.given)
            expected = _number_or_none(part.required)
            what = "；".join(p.message for p in failed)
            what_en = "; ".join(p.message_en for p in failed)
            reason = f"申报{refs.app_ref(a)}被评为通过，但{what}"
            reason_en = f"application {refs.app_ref(a)} was approved, but {what_en}"
            severity: Severity = "high"
        else:
            observed, expected = final, standard.pass_score
            what = "；".join(p.message for p in decision.parts)
            what_en = "; ".join(p.message_en for p in decision.parts)
            reason = f"申报{refs.app_ref(a)}被评为不通过，但其得分与表决均满足通过条件（{what}）"
            reason_en = (
                f"application {refs.app_ref(a)} was rejected although its scores and votes meet "
                f"every condition ({what_en})"
            )
            severity = "medium"
        out.append(
            _flag(
                "rule.decision_inconsistent",
                refs.application(a),
                severity=severity,
                observed=observed,
                expected=expected,
                n=int(computed.present[a]),
                statistic="decision parts failed",
                statistic_value=float(len(failed)),
                records=[refs.record(a)],
                reason=reason,
                reason_en=reason_en,
                details={
                    "filed_approved": approved,
                    "computed_approved": decision.approved,
                    "parts": [p.model_dump() for p in decision.parts],
                },
            )
        )
    return out


def _number_or_none(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def final_score_mismatch(
    ds: AuditDataset, features: Features, tolerance: float = 0.01
) -> list[Flag]:
    """Reported final scores that are not the mean of the members' totals."""
    refs = _Refs(ds)
    apps = features.applications
    reported = ds.app_final_score
    with np.errstate(invalid="ignore"):
        off = np.isfinite(reported) & ~(np.abs(reported - apps.final_score) <= tolerance)
    out: list[Flag] = []
    for a in np.flatnonzero(off).tolist():
        computed = float(apps.final_score[a])
        shown = "无评分" if math.isnan(computed) else f"{computed:.2f}"
        shown_en = "no scores" if math.isnan(computed) else f"{computed:.2f}"
        out.append(
            _flag(
                "rule.final_score_mismatch",
                refs.application(a),
                observed=float(reported[a]),
                expected=computed,
                n=int(apps.n_scores[a]),
                statistic="|reported - mean of member totals|",
                statistic_value=abs(float(reported[a]) - computed),
                records=[refs.record(a)],
                reason=(
                    f"申报{refs.app_ref(a)}报送最终得分{reported[a]:.2f}，"
                    f"而{int(apps.n_scores[a])}名评委总分的平均为{shown}"
                ),
                reason_en=(
                    f"application {refs.app_ref(a)}: reported final score {reported[a]:.2f}, "
                    f"the mean of {int(apps.n_scores[a])} member totals is {shown_en}"
                ),
            )
        )
    return out


# --- standard and panel ---------------------------------------------------------------------


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


def standard_laxity(ds: AuditDataset, baselines: Sequence[Standard]) -> list[Flag]:
    """One flag per session whose standard is laxer than its baseline, listing every laxity."""
    refs = _Refs(ds)
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
            _flag(
                "rule.standard_laxer_than_baseline",
                refs.session(s),
                observed=float(len(found)),
                expected=0.0,
                n=len(found),
                statistic="laxities",
                statistic_value=float(len(found)),
                records=[f"standard:{ds.session_standard_version[s]}", *(x.path for x in found)],
                reason=f"评价标准“{standard.name}”有{len(found)}处低于基准“{baseline.name}”："
                + "；".join(x.message for x in found),
                reason_en=f"standard '{standard.name_en}' is laxer than the baseline "
                f"'{baseline.name_en}' in {len(found)} ways: "
                + "; ".join(x.message_en for x in found),
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


_PANEL_SIGNALS = {
    "panel.too_small": "rule.panel_too_small",
    "panel.even_size": "rule.panel_even_size",
    "panel.member_below_level": "rule.panel_member_below_level",
    "panel.external_share": "rule.panel_external_share",
    "panel.no_chair": "rule.panel_chair",
    "panel.several_chairs": "rule.panel_chair",
}


def panel_rules(ds: AuditDataset, features: Features) -> list[Flag]:
    """Panels that break their standard's rules; a member below the level is a member flag."""
    refs = _Refs(ds)
    starts = np.concatenate(([0], np.cumsum(features.sessions.panel_size)))
    cached: dict[tuple[Any, ...], list[Any]] = {}
    out: list[Flag] = []
    for s in range(ds.n_sessions):
        rows = range(int(starts[s]), int(starts[s + 1]))
        standard = ds.standards[int(ds.session_standard[s])]
        members = tuple(
            (
                str(ds.member_id[m]),
                str(ds.member_track[m]),
                str(ds.member_level[m]),
                bool(ds.member_external[m]),
                bool(ds.member_chair[m]),
            )
            for m in rows
        )
        key = (int(ds.session_standard[s]), members)
        if key not in cached:
            cached[key] = panel_problems(
                standard.panel,
                standard.track,
                standard.level,
                [
                    PanelMemberFacts(member_id=i, track=Track(t), level=lv, external=x, chair=c)
                    for i, t, lv, x, c in members
                ],
            )
        size = len(members)
        for problem in cached[key]:
            signal = _PANEL_SIGNALS.get(problem.code, "rule." + problem.code.replace(".", "_"))
            if signal not in SIGNALS:
                continue
            position = _member_of(problem.path)
            member = None if position is None else int(starts[s]) + position
            observed, expected = _panel_numbers(problem.code, ds, features, s, member)
            out.append(
                _flag(
                    signal,
                    refs.session(s) if member is None else refs.member(member),
                    scope="session" if member is None else "member",
                    observed=observed,
                    expected=expected,
                    n=size,
                    statistic="panel members",
                    statistic_value=float(size),
                    records=[f"{ds.session_filing_id[s]}/panel"],
                    reason=problem.message,
                    reason_en=problem.message_en,
                    details={"code": problem.code, "path": problem.path},
                    key_extra=(problem.code,),
                )
            )
    return out


def _member_of(path: str) -> int | None:
    if path.startswith("members[") and "]" in path:
        return int(path[len("members[") : path.index("]")])
    return None


def _panel_numbers(
    code: str, ds: AuditDataset, features: Features, s: int, member: int | None
) -> tuple[float | None, float | None]:
    """(observed, required) for a panel problem; ``member`` is the member's row, if any."""
    rules = ds.standards[int(ds.session_standard[s])].panel
    size = float(features.sessions.panel_size[s])
    chairs = float(ds.member_chair[ds.member_session == s].sum())
    numbers: dict[str, tuple[float | None, float | None]] = {
        "panel.too_small": (size, float(rules.min_size)),
        "panel.even_size": (size, None),
        "panel.external_share": (
            float(features.sessions.external_share[s]),
            rules.min_external_share,
        ),
        "panel.no_chair": (chairs, 1.0),
        "panel.several_chairs": (chairs, 1.0),
    }
    if code == "panel.member_below_level" and member is not None:
        return (
            float(ds.member_title_rank[member]),
            float(ds.session_title_rank[s] + rules.member_level_offset),
        )
    return numbers.get(code, (size, None))


# --- conflicts ------------------------------------------------------------------------------


def conflicts_not_recused(ds: AuditDataset) -> list[Flag]:
    """Members who scored or voted on an application despite an evident conflict: same
    department (internal members), the applicant's supervisor, or their own application."""
    refs = _Refs(ds)
    n_members = len(ds.member_id)

    def conflicted(app: IntArray, member: IntArray) -> IntArray:
        dept = ds.member_department[member]
        person = ds.member_person[member]
        hit = (
            (~ds.member_external[member] & (dept >= 0) & (dept == ds.app_department[app]))
            | (ds.app_supervisor[app] == member)
            | ((person >= 0) & (person == ds.app_person[app]))
        )
        return app[hit] * n_members + member[hit]

    # Scored or voted: one flag per (application, member), whichever they did.
    pairs = np.unique(
        np.concatenate(
            (conflicted(ds.score_app, ds.score_member), conflicted(ds.vote_app, ds.vote_member))
        )
    )
    app, member = pairs // n_members, pairs % n_members
    same_department = (
        ~ds.member_external[member]
        & (ds.member_department[member] >= 0)
        & (ds.member_department[member] == ds.app_department[app])
    )
    supervisor = ds.app_supervisor[app] == member
    own = (ds.member_person[member] >= 0) & (ds.member_person[member] == ds.app_person[app])
    out: list[Flag] = []
    for i in range(len(pairs)):
        a, m = int(app[i]), int(member[i])
        kinds = [
            k
            for k, on in (
                ("own_application", own[i]),
                ("supervisor", supervisor[i]),
                ("same_department", same_department[i]),
            )
            if on
        ]
        zh = {
            "own_application": "本人申报",
            "supervisor": "申报人的直接上级",
            "same_department": "同部门",
        }
        en = {
            "own_application": "their own application",
            "supervisor": "the applicant's supervisor",
            "same_department": "the same department",
        }
        member_id = str(ds.member_id[m])
        department = ds.departments[ds.app_department[a]] if ds.app_department[a] >= 0 else None
        out.append(
            _flag(
                "rule.conflict_not_recused",
                {**refs.application(a), "member_id": member_id},
                severity="high" if kinds[0] != "same_department" else "medium",
                observed=0.0,
                expected=1.0,
                n=1,
                statistic="recusals",
                statistic_value=0.0,
                records=[refs.record(a), f"member:{member_id}"],
                reason=f"评委{member_id}与申报{refs.app_ref(a)}存在回避情形（"
                + "、".join(zh[k] for k in kinds)
                + "），但未回避，仍参与评分或表决",
                reason_en=f"member {member_id} has an evident conflict with application "
                f"{refs.app_ref(a)} ({', '.join(en[k] for k in kinds)}) but did not recuse "
                "and scored or voted",
                details={"conflicts": kinds, "department": department},
            )
        )
    return out


# --- identity -------------------------------------------------------------------------------


def _groups_of(keys: IntArray, rows: IntArray) -> Iterable[IntArray]:
    """Rows sharing a key, for keys shared by two rows or more (in key order)."""
    order = np.argsort(keys, kind="stable")
    keys, rows = keys[order], rows[order]
    _, start, count = np.unique(keys, return_index=True, return_counts=True)
    for first, size in zip(start[count > 1].tolist(), count[count > 1].tolist(), strict=True):
        yield rows[first : first + size]


def duplicate_approvals(ds: AuditDataset) -> list[Flag]:
    """The same person approved more than once for the same track and level."""
    refs = _Refs(ds)
    rows = np.flatnonzero(ds.app_approved & (ds.app_person >= 0))
    s = ds.app_session[rows]
    track = (ds.session_track[s] == "skill").astype(np.int64)
    keys = (ds.app_person[rows] * 2 + track) * 16 + ds.session_rank[s]
    out: list[Flag] = []
    for group in _groups_of(keys, rows):
        records = [refs.record(int(a)) for a in group]
        s0 = int(ds.app_session[group[0]])
        level = level_name(str(ds.session_track[s0]), str(ds.session_level[s0]))
        level_en = level_name(str(ds.session_track[s0]), str(ds.session_level[s0]), "en")
        for a in group.tolist():
            others = [r for r in records if r != refs.record(a)]
            out.append(
                _flag(
                    "rule.duplicate_approval",
                    refs.application(a),
                    observed=float(len(group)),
                    expected=1.0,
                    n=len(group),
                    statistic="approvals for this level",
                    statistic_value=float(len(group)),
                    records=records,
                    reason=f"申报人{_mask(ds, a)}已{len(group)}次通过{level}评审，"
                    f"另见{'、'.join(others)}",
                    reason_en=f"applicant {_mask(ds, a)} was approved {len(group)} times for "
                    f"{level_en}; see also {', '.join(others)}",
                    details={"person_key": str(ds.person_keys[ds.app_person[a]])},
                )
            )
    return out


def _mask(ds: AuditDataset, a: int) -> str:
    # A short prefix of the keyed hash names the person without revealing anything.
    return str(ds.person_keys[ds.app_person[a]])[:8]


def multiple_enterprises(ds: AuditDataset) -> list[Flag]:
    """The same person applying through two or more enterprises in the same period."""
    refs = _Refs(ds)
    rows = np.flatnonzero(ds.app_person >= 0)
    periods, period_code = np.unique(ds.session_period.astype(str), return_inverse=True)
    keys = ds.app_person[rows] * len(periods) + period_code[ds.app_session[rows]]
    out: list[Flag] = []
    for group in _groups_of(keys, rows):
        enterprises = ds.session_enterprise[ds.app_session[group]]
        distinct = np.unique(enterprises)
        if len(distinct) < 2:
            continue
        records = [refs.record(int(a)) for a in group]
        codes = [str(c) for c in ds.enterprise_code[distinct]]
        period = str(ds.session_period[ds.app_session[group[0]]])
        for a in group.tolist():
            out.append(
                _flag(
                    "rule.multiple_enterprises",
                    refs.application(a),
                    observed=float(len(distinct)),
                    expected=1.0,
                    n=len(group),
                    statistic="enterprises in the period",
                    statistic_value=float(len(distinct)),
                    records=records,
                    reason=f"申报人{_mask(ds, a)}在{period}期间通过{len(distinct)}家单位申报："
                    + "、".join(codes),
                    reason_en=f"applicant {_mask(ds, a)} applied through {len(distinct)} "
                    f"enterprises in {period}: " + ", ".join(codes),
                    details={"enterprises": codes},
                )
            )
    return out


# --- registries -----------------------------------------------------------------------------


def _person_codes(ds: AuditDataset, keys: Iterable[str]) -> IntArray:
    index = {k: i for i, k in enumerate(ds.person_keys.tolist())}
    return np.fromiter((index.get(k, -1) for k in keys), dtype=np.int64)


def _months_between(start: np.ndarray, end: np.ndarray) -> IntArray:
    """Whole calendar months from ``start`` to ``end`` (datetime64[D] arrays)."""
    months = end.astype("datetime64[M]") - start.astype("datetime64[M]")
    day_end = (end - end.astype("datetime64[M]")).astype(np.int64)
    day_start = (start - start.astype("datetime64[M]")).astype(np.int64)
    return (months.astype(np.int64) - (day_end < day_start)).astype(np.int64)


def not_insured(ds: AuditDataset, registries: Registries, min_months: int = 6) -> list[Flag]:
    """Applicants of an enterprise (review body of kind ``enterprise``) with no social-insurance
    spell at that enterprise covering the session date, or with fewer than ``min_months``
    consecutive months of it. Spells of one person at one employer are merged when they
    overlap or follow each other within a month."""
    records = registries.employment
    if not records:
        return []
    refs = _Refs(ds)
    # Committees and third-party bodies review other organisations' staff: only an
    # enterprise reviewing its own employees can be checked against its own insurance.
    own_staff = ds.enterprise_kind[ds.session_enterprise[ds.app_session]] == "enterprise"
    rows = np.flatnonzero((ds.app_person >= 0) & own_staff)
    employers = {c: i for i, c in enumerate(ds.enterprise_code.tolist())}
    person = _person_codes(ds, (r.person_key for r in records))
    employer = np.fromiter(
        (employers.get(r.employer_credit_code, -1) for r in records), dtype=np.int64
    )
    start = np.array([r.start for r in records], dtype="datetime64[D]")
    far = np.datetime64("9999-12-31")
    end = np.array([far if r.end is None else r.end for r in records], dtype="datetime64[D]")
    known = (person >= 0) & (employer >= 0)
    n_ent = len(ds.enterprise_code)
    pair = person[known] * n_ent + employer[known]
    start, end = start[known].astype(np.int64), end[known].astype(np.int64)
    # Merge spells per (person, employer): sort by (pair, start); a new spell begins where the
    # start is more than 31 days after the latest end so far within the pair.
    order = np.lexsort((start, pair))
    pair, start, end = pair[order], start[order], end[order]
    big = np.int64(10_000_000)  # days; more than any date span, so pairs never mix
    running_end = np.maximum.accumulate(end + pair * big) - pair * big
    new_spell = np.ones(len(pair), dtype=bool)
    new_spell[1:] = (pair[1:] != pair[:-1]) | (start[1:] > running_end[:-1] + 31)
    spell = np.cumsum(new_spell) - 1
    spell_pair = pair[new_spell]
    spell_start = start[new_spell]
    spell_end = np.full(len(spell_pair), np.iinfo(np.int64).min)
    np.maximum.at(spell_end, spell, end)

    held = ds.session_held_on[ds.app_session[rows]].astype(np.int64)
    app_pair = ds.app_person[rows] * n_ent + ds.session_enterprise[ds.app_session[rows]]
    # The last spell of the pair starting on or before the session date.
    spell_key = spell_pair * big + spell_start
    pos = np.searchsorted(spell_key, app_pair * big + held, side="right") - 1
    if len(spell_key):
        found = pos >= 0
        pos = np.maximum(pos, 0)
        covering = found & (spell_pair[pos] == app_pair) & (spell_end[pos] >= held)
    else:
        pos = np.zeros(len(rows), dtype=np.int64)
        covering = np.zeros(len(rows), dtype=bool)
    held_days = held.astype("datetime64[D]")
    since = spell_start[pos] if len(spell_key) else held
    months = np.where(covering, _months_between(since.astype("datetime64[D]"), held_days), 0)
    short = months < min_months
    out: list[Flag] = []
    for i in np.flatnonzero(short).tolist():
        a = int(rows[i])
        code = str(ds.enterprise_code[ds.session_enterprise[ds.app_session[a]]])
        date_text = str(held_days[i])
        if covering[i]:
            began = str(since[i].astype("datetime64[D]"))
            why = f"自{began}起在本单位连续参保{months[i]}个月，不足{min_months}个月"
            why_en = (
                f"insured by the enterprise since {began}: {months[i]} consecutive months, "
                f"fewer than {min_months}"
            )
        else:
            why = f"评审日{date_text}无在本单位（{code}）的参保记录"
            why_en = f"no social-insurance record with the enterprise ({code}) on {date_text}"
        approved = bool(ds.app_approved[a])
        out.append(
            _flag(
                "rule.not_insured",
                refs.application(a),
                severity="medium" if approved else "low",
                observed=float(months[i]),
                expected=float(min_months),
                n=1,
                statistic="consecutive insured months",
                statistic_value=float(months[i]),
                records=[refs.record(a), f"employment:{_mask(ds, a)}@{code}"],
                reason=f"申报{refs.app_ref(a)}：{why}",
                reason_en=f"application {refs.app_ref(a)}: {why_en}",
                details={"covering_record": bool(covering[i]), "session_date": date_text},
            )
        )
    return out


def education_unverified(
    ds: AuditDataset, registries: Registries, minimum: Education = Education.junior_college
) -> list[Flag]:
    """Claimed education of at least ``minimum`` that no registry record of the person reaches."""
    records = registries.education
    if not records:
        return []
    refs = _Refs(ds)
    person = _person_codes(ds, (r.person_key for r in records))
    rank = np.fromiter((education_rank(r.education) for r in records), dtype=np.int64)
    best = np.zeros(len(ds.person_keys), dtype=np.int64)
    known = person >= 0
    np.maximum.at(best, person[known], rank[known])
    has_person = ds.app_person >= 0
    claimed = ds.app_education
    registered = np.where(has_person, best[np.maximum(ds.app_person, 0)], 0)
    hit = has_person & (claimed >= education_rank(minimum)) & (claimed > registered)
    names = list(Education)
    out: list[Flag] = []
    for a in np.flatnonzero(hit).tolist():
        claim = names[int(claimed[a]) - 1]
        found = int(registered[a])
        have = (
            "无学历登记记录"
            if found == 0
            else f"登记的最高学历为{education_name(names[found - 1])}"
        )
        have_en = (
            "no registry record"
            if found == 0
            else f"the highest registered education is {education_name(names[found - 1], 'en')}"
        )
        approved = bool(ds.app_approved[a])
        out.append(
            _flag(
                "rule.education_unverified",
                refs.application(a),
                severity="high" if approved else "low",
                observed=float(claimed[a]),
                expected=float(found),
                n=1,
                statistic="education rank (1 初中 .. 7 博士)",
                statistic_value=float(claimed[a]),
                records=[refs.record(a), f"education:{_mask(ds, a)}"],
                reason=f"申报{refs.app_ref(a)}填报学历{education_name(claim)}，但{have}",
                reason_en=f"application {refs.app_ref(a)} claims "
                f"{education_name(claim, 'en')}, but {have_en}",
                details={"claimed": claim.value, "registered_rank": found},
            )
        )
    return out


# --- exceptional track ----------------------------------------------------------------------


def exceptional_overuse(
    ds: AuditDataset, features: Features, default_max_share: float = 0.10
) -> list[Flag]:
    """Sessions whose share of exceptional-track applications exceeds the standard's maximum
    (or ``default_max_share`` when the standard sets none)."""
    refs = _Refs(ds)
    sessions = features.sessions
    limits: FloatArray = np.array(
        [
            s.exceptional.max_share
            if s.exceptional is not None and s.exceptional.max_share is not None
            else default_max_share
            for s in ds.standards
        ]
    )[ds.session_standard]
    over = (sessions.exceptional > 0) & (sessions.exceptional_share > limits + _SLACK)
    out: list[Flag] = []
    for s in np.flatnonzero(over).tolist():
        apps = np.flatnonzero((ds.app_session == s) & ds.app_exceptional)
        k, n = int(sessions.exceptional[s]), int(sessions.n_applications[s])
        share, limit = float(sessions.exceptional_share[s]), float(limits[s])
        out.append(
            _flag(
                "rule.exceptional_overuse",
                refs.session(s),
                observed=share,
                expected=limit,
                n=n,
                statistic="exceptional applications",
                statistic_value=float(k),
                records=[refs.record(int(a)) for a in apps],
                reason=f"本批次{n}件申报中破格申报{k}件（{share:.0%}），超过上限{limit:.0%}",
                reason_en=f"{k} of {n} applications in the session on the exceptional track "
                f"({share:.0%}), above the maximum {limit:.0%}",
            )
        )
    return out
