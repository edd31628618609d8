"""One synthetic city from a ``WorldSpec``: review bodies, their filings, registry extracts,
earlier periods' volumes and the labelled truth.

Written independently of ``bench.generator`` (only the national-identifier helpers of
``bench.identities`` and the contract-shaped facts builder ``bench.facts``, which is checked
against the standards library, are shared): its own model of applicants, raters, panels,
timing, decisions and plants, so that a detector tuned on one cannot pass the other by sharing
its assumptions.

The honest model, per session: an applicant's quality ``q`` (0-100 scale) is the body's level
plus a Student-t draw (``quality_df``; heavy tails when small); each panel member has a lean
(``lean_scale`` × Student-t with ``lean_df``), each criterion an applicant-specific offset; a
member's criterion score is the clipped sum plus noise, in half points of the criterion's
maximum. Members vote to approve with a probability rising around the pass score; the decision
follows the standard (quorum, two-thirds, the pass score, hard requirements). Scoring times are
log-normal around the world's pace per member; timestamps are one pair per sheet, either
sheet by sheet or, in ``sitting`` timing, one start per member for the whole sitting.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta, timezone
from typing import Any

import numpy as np

from bench.facts import FactsRecipe
from bench.identities import credit_codes, pseudonymise, resident_ids
from bench.labels import EnterpriseTruth, PlantLabel, Ref
from standards.catalogue import load_catalogue
from standards.defaults import load_baselines
from standards.document import Standard
from standards.levels import Track, comparable_title_rank, levels
from standards.requirements import YearsAtPreviousLevel

_TZ = timezone(timedelta(hours=8))

RULE_PLANTS: dict[str, str] = {
    "approved_ineligible": "rule.approved_ineligible",
    "decision_inconsistent": "rule.decision_inconsistent",
    "final_score_mismatch": "rule.final_score_mismatch",
    "standard_laxity": "rule.standard_laxer_than_baseline",
    "panel_too_small": "rule.panel_too_small",
    "panel_member_below_level": "rule.panel_member_below_level",
    "panel_external_share": "rule.panel_external_share",
    "panel_chair": "rule.panel_chair",
    "conflict_supervisor": "rule.conflict_not_recused",
    "conflict_own": "rule.conflict_not_recused",
    "duplicate_approval": "rule.duplicate_approval",
    "not_insured": "rule.not_insured",
    "education_unverified": "rule.education_unverified",
    "exceptional_overuse": "rule.exceptional_overuse",
    "promotion_too_soon": "rule.promotion_too_soon",
    "concurrent_applications": "rule.concurrent_applications",
}
STAT_PLANTS: dict[str, str] = {
    "threshold_bunching": "stat.threshold_bunching",
    "pass_rate": "stat.pass_rate_outlier",
    "rubber_stamp": "stat.rubber_stamp",
    "identical_scores": "stat.near_identical_scores",
    "member_lenient": "stat.member_calibration",
    "member_harsh": "stat.member_calibration",
    "member_central": "stat.member_calibration",
    "scoring_speed": "stat.scoring_speed",
    "surge": "stat.surge",
    "reciprocal_scoring": "stat.reciprocal_scoring",
}
PLANTS = {**RULE_PLANTS, **STAT_PLANTS}
ODD_KINDS = ("tiny", "elite", "strict", "recusing")
SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜"
GIVEN = "一二三文武明亮红兰春秋冬雨露霜晴光远志平安康宁福海江山川林森"
DEPARTMENTS = ("一车间", "二车间", "研发部", "工艺部", "质检部", "设备部", "技术部", "生产部")


@dataclass(frozen=True)
class WorldSpec:
    """What differs between worlds: every number a detector could overfit to."""

    name: str
    description: str
    bodies: int = 120
    seed: int = 0
    period: str = "2026"
    apps_median: float = 24.0  # log-normal size of a body's applications in the period
    apps_sigma: float = 0.6
    small_share: float = 0.15  # bodies with 3-10 applications
    criteria: tuple[int, int] = (3, 5)  # inclusive range
    unequal_maxima: bool = True
    lean_scale: float = 2.5
    lean_df: float = 30.0
    quality_sd: float = 9.0
    quality_df: float = 30.0
    body_level_sd: float = 4.0
    noise_sd: float = 4.0
    panel_extra: tuple[int, ...] = (0, 2)  # seats above the legal minimum
    same_department_share: float = 0.0  # applications with a same-department member (honest)
    recusal_share: float = 0.02
    clusters: tuple[str, ...] = ("船舶海工", "高端纺织", "电子信息", "智能装备")
    timing: str = "sequential"  # or "sitting"
    pace_seconds: float = 480.0
    pass_scores: tuple[float, ...] = (60.0,)
    ineligible_rejected_share: float = 0.03
    odd_share: float = 0.12
    manipulated_share: float = 0.2
    rule_share: float = 0.5  # of manipulated bodies, those with a rule plant
    history_periods: int = 3
    key: bytes = b"worlds-person-key"
    levels: tuple[tuple[str, str], ...] = (
        ("title", "assistant"),
        ("title", "intermediate"),
        ("title", "deputy_senior"),
        ("skill", "grade4"),
        ("skill", "grade3"),
        ("skill", "grade2"),
        ("skill", "grade1"),
        ("skill", "special_technician"),
    )

    def scaled(self, bodies: int, seed: int | None = None) -> WorldSpec:
        return replace(self, bodies=bodies, seed=self.seed if seed is None else seed)


@dataclass
class World:
    """A generated city: filings (stored shape), registries, history and the truth."""

    spec: WorldSpec
    documents: list[dict[str, Any]]
    employment: list[dict[str, Any]]
    education: list[dict[str, Any]]
    history: list[dict[str, Any]]
    labels: list[PlantLabel]
    enterprises: list[EnterpriseTruth]
    odd: dict[str, str] = field(default_factory=dict)

    @property
    def applications(self) -> int:
        return sum(len(d["applications"]) for d in self.documents)

    def manipulated(self) -> dict[str, bool]:
        return {e.credit_code: e.manipulated for e in self.enterprises}

    def rule_manipulated(self) -> dict[str, bool]:
        return {e.credit_code: any(p in RULE_PLANTS for p in e.plants) for e in self.enterprises}


# --- internal records -----------------------------------------------------------------------


@dataclass
class _Member:
    member_id: str
    person: int
    track: str
    level: str
    external: bool
    organisation: str | None
    department: str | None
    role: str = "member"
    lean: float = 0.0
    pace: float = 480.0
    central: bool = False
    lean_towards: str | None = None  # reciprocal: lean only on this body's applicants


@dataclass
class _App:
    ref: str
    person: int
    name: str
    quality: float
    facts: dict[str, Any]
    eligible: bool = True
    department: str | None = None
    supervisor: str | None = None
    exceptional: bool = False
    recused: dict[str, str] = field(default_factory=dict)
    values: dict[str, list[float]] = field(default_factory=dict)  # member -> per criterion
    started: dict[str, datetime | None] = field(default_factory=dict)
    submitted: dict[str, datetime] = field(default_factory=dict)
    votes: dict[str, str] = field(default_factory=dict)
    final: float | None = None
    reported_final: float | None = None
    approved: bool = False
    education_registry: str | None = "same"
    employer: str | None = None  # None: the body


@dataclass
class _Session:
    ref: str
    filing_id: str
    body: int
    track: str
    series: str
    level: str
    held_on: date
    standard: Standard
    baseline: Standard
    recipe: FactsRecipe
    members: list[_Member]
    apps: list[_App]
    pass_score: float


@dataclass
class _Body:
    code: str
    name: str
    cluster: str
    level: float
    size: int
    pass_score: float
    odd: str | None = None
    plants: list[str] = field(default_factory=list)
    sessions: list[_Session] = field(default_factory=list)
    history_factor: float = 1.0


class _Builder:
    def __init__(self, spec: WorldSpec) -> None:
        self.spec = spec
        self.rng = np.random.default_rng([spec.seed, 8_2026, len(spec.name)])
        self.baselines = {(b.track.value, b.level): b for b in load_baselines()}
        self.trades = [t.code for t in load_catalogue().skill_trades]
        self.labels: list[PlantLabel] = []
        self.persons = 0
        self.year = int(spec.period[:4])

    def person(self) -> int:
        self.persons += 1
        return self.persons - 1

    # --- bodies and sessions ----------------------------------------------------------------

    def build(self) -> World:
        spec, rng = self.spec, self.rng
        codes = credit_codes(rng, spec.bodies)
        self.others = credit_codes(rng, 40)
        bodies: list[_Body] = []
        for b in range(spec.bodies):
            small = rng.random() < spec.small_share
            size = (
                int(rng.integers(3, 11))
                if small
                else int(
                    max(11, round(spec.apps_median * math.exp(spec.apps_sigma * rng.normal())))
                )
            )
            cluster = spec.clusters[int(rng.integers(0, len(spec.clusters)))]
            bodies.append(
                _Body(
                    code=codes[b],
                    name=f"南通{cluster}{b:03d}有限公司",
                    cluster=cluster,
                    level=0.0,
                    size=size,
                    pass_score=float(rng.choice(spec.pass_scores)),
                )
            )
            bodies[-1].level = bodies[-1].pass_score + 2 + spec.body_level_sd * float(rng.normal())
        self.bodies = bodies
        self._assign(bodies)
        for body in bodies:
            self._sessions(body)
        for body in bodies:
            for plant in body.plants:
                self._plant(body, plant)
        for body in bodies:
            for s in body.sessions:
                self._decide(s, body)
        self._post_decision_plants()
        return self._emit()

    def _assign(self, bodies: list[_Body]) -> None:
        spec, rng = self.spec, self.rng
        order = rng.permutation(len(bodies)).tolist()
        n_bad = round(spec.manipulated_share * len(bodies))
        bad, rest = order[:n_bad], order[n_bad:]
        n_odd = round(spec.odd_share * len(bodies))
        for i, b in enumerate(rest[:n_odd]):
            body = bodies[b]
            body.odd = ODD_KINDS[i % len(ODD_KINDS)]
            if body.odd == "tiny":
                body.size = int(rng.integers(3, 6))
            elif body.odd == "elite":
                body.level += 25
            elif body.odd == "strict":
                body.pass_score = max(body.pass_score, 72.0)
                body.level = body.pass_score - 8
        n_rule = round(spec.rule_share * len(bad))
        rules, statsp = list(RULE_PLANTS), list(STAT_PLANTS)
        pending_reciprocal: int | None = None
        for i, b in enumerate(bad):
            body = bodies[b]
            kind = rules[i % len(rules)] if i < n_rule else statsp[(i - n_rule) % len(statsp)]
            if kind in ("threshold_bunching", "pass_rate", "surge"):
                body.size = max(body.size, 30 if kind != "surge" else 15)
            elif kind in ("promotion_too_soon", "concurrent_applications"):
                body.size = max(body.size, 16)  # two sessions with applicants in each
            elif kind in STAT_PLANTS or kind in ("exceptional_overuse",):
                body.size = max(body.size, 14)
            if kind == "reciprocal_scoring":
                if pending_reciprocal is None:
                    pending_reciprocal = b
                    body.size = max(body.size, 16)
                    body.plants.append(kind)
                    continue
                body.size = max(body.size, 16)
                body.plants.append(kind)
                self._pair = (pending_reciprocal, b)
                pending_reciprocal = None
                continue
            body.plants.append(kind)
        if pending_reciprocal is not None:  # an unpaired one: plant a lenient member instead
            bodies[pending_reciprocal].plants = ["member_lenient"]
        self._pair = getattr(self, "_pair", None)

    def _standard(
        self, body: _Body, track: str, level: str, series: str
    ) -> tuple[Standard, Standard]:
        spec, rng = self.spec, self.rng
        baseline = self.baselines[track, level]
        k = int(rng.integers(spec.criteria[0], spec.criteria[1] + 1))
        raw = rng.dirichlet(np.full(k, 3.0))
        weights = np.round(raw, 3)
        weights[-1] = round(1.0 - float(weights[:-1].sum()), 3)
        if weights[-1] <= 0:
            weights = np.full(k, round(1.0 / k, 3))
            weights[-1] = round(1.0 - float(weights[:-1].sum()), 3)
        if spec.unequal_maxima:
            maxima = [float(rng.choice([5, 10, 15, 20, 25, 30, 40, 50, 100])) for _ in range(k)]
        else:
            maxima = [100.0] * k
        doc = baseline.model_dump(mode="json")
        doc.update(
            series=series,
            enterprise_credit_code=body.code,
            industry_cluster=None,
            version=f"{spec.period}.{int(rng.integers(1, 4))}",
            name=f"{body.name}{level}评价标准",
            name_en=f"{body.code} {level} standard",
            criteria=[
                {
                    "code": f"c{i + 1}",
                    "name": f"指标{i + 1}",
                    "name_en": f"criterion {i + 1}",
                    "weight": float(weights[i]),
                    "maximum": maxima[i],
                }
                for i in range(k)
            ],
            pass_score=max(baseline.pass_score, body.pass_score),
        )
        return Standard.model_validate(doc), baseline

    def _sessions(self, body: _Body) -> None:
        spec, rng = self.spec, self.rng
        n_sessions = 1 if body.size < 15 else int(rng.integers(1, 4))
        if {"promotion_too_soon", "concurrent_applications"} & set(body.plants):
            n_sessions = max(n_sessions, 2)
        cut = (
            np.sort(rng.choice(np.arange(1, body.size), n_sessions - 1, replace=False))
            if n_sessions > 1
            else []
        )
        sizes = np.diff(np.r_[0, cut, body.size]).astype(int).tolist()
        for j, n in enumerate(sizes):
            track, level = spec.levels[int(rng.integers(0, len(spec.levels)))]
            series = (
                "engineering"
                if track == "title"
                else self.trades[int(rng.integers(0, len(self.trades)))]
            )
            standard, baseline = self._standard(body, track, level, series)
            held_on = date(self.year, int(rng.integers(3, 11)), int(rng.integers(1, 28)))
            ref = f"S{body.code[-6:]}{j + 1}"
            session = _Session(
                ref=ref,
                filing_id=f"F{spec.seed}-{body.code}-{j + 1}",
                body=self.bodies.index(body),
                track=track,
                series=series,
                level=level,
                held_on=held_on,
                standard=standard,
                baseline=baseline,
                recipe=FactsRecipe(standard, series=series, held_on=held_on),
                members=[],
                apps=[],
                pass_score=standard.pass_score,
            )
            self._panel(session, body)
            self._applicants(session, body, n)
            body.sessions.append(session)

    def _panel(self, s: _Session, body: _Body) -> None:
        spec, rng = self.spec, self.rng
        rules = s.standard.panel
        extra = int(rng.choice(spec.panel_extra))
        size = rules.min_size + extra
        if rules.odd_size and size % 2 == 0:
            size += 1
        n_external = max(
            math.ceil(rules.min_external_share * size - 1e-9), 1 if rng.random() < 0.5 else 0
        )
        track = Track(s.track)
        reviewed = comparable_title_rank(s.track, s.level)
        ok = [lv for lv in levels(track) if comparable_title_rank(s.track, lv) >= reviewed]
        for k in range(size):
            external = k >= size - n_external
            s.members.append(
                _Member(
                    member_id=f"{s.ref}M{k + 1:02d}",
                    person=self.person(),
                    track=s.track,
                    level=ok[int(rng.integers(0, len(ok)))],
                    external=external,
                    organisation=self.others[int(rng.integers(0, len(self.others)))]
                    if external
                    else None,
                    department=None
                    if external
                    else DEPARTMENTS[int(rng.integers(0, len(DEPARTMENTS)))],
                    role="chair" if k == 0 else "member",
                    lean=float(spec.lean_scale * rng.standard_t(spec.lean_df)),
                    pace=float(spec.pace_seconds * math.exp(0.3 * rng.normal())),
                )
            )

    def _applicants(self, s: _Session, body: _Body, n: int) -> None:
        spec, rng = self.spec, self.rng
        exceptional_ok = s.standard.exceptional is not None and n >= 10
        internal = [m for m in s.members if not m.external]
        for j in range(n):
            q = body.level + spec.quality_sd * float(rng.standard_t(spec.quality_df))
            exceptional = exceptional_ok and j == 0 and rng.random() < 0.5
            education = s.recipe.education(float(rng.random()))
            facts = s.recipe.render(
                education,
                float(rng.random()),
                float(rng.random()),
                exceptional=exceptional,
                award=None,
                frontline=True,
            )
            app = _App(
                ref=f"{s.ref}-{j + 1:03d}",
                person=self.person(),
                name=f"{SURNAMES[int(rng.integers(0, len(SURNAMES)))]}{GIVEN[int(rng.integers(0, len(GIVEN)))]}",
                quality=q,
                facts=facts,
                exceptional=exceptional,
                department=DEPARTMENTS[int(rng.integers(0, len(DEPARTMENTS)))],
            )
            ways = s.recipe.breakable()
            if not exceptional and ways and rng.random() < spec.ineligible_rejected_share:
                app.facts = s.recipe.break_facts(facts, ways[int(rng.integers(0, len(ways)))])
                app.eligible = False
            # Same department as an internal member, who (honestly) does not recuse.
            if internal and rng.random() < spec.same_department_share:
                app.department = internal[int(rng.integers(0, len(internal)))].department
            recuse_share = 0.25 if body.odd == "recusing" else spec.recusal_share
            for m in s.members[1:]:
                if rng.random() < recuse_share / max(1, len(s.members) - 1) * 3:
                    app.recused[m.member_id] = "other" if rng.random() < 0.5 else "collaborator"
            s.apps.append(app)
        self._score(s, body, s.apps)

    # --- scoring ----------------------------------------------------------------------------

    def _score(self, s: _Session, body: _Body, apps: list[_App]) -> None:
        spec, rng = self.spec, self.rng
        crit = s.standard.criteria
        maxima = np.array([c.maximum for c in crit])
        clock = {
            m.member_id: datetime(s.held_on.year, s.held_on.month, s.held_on.day, 9, tzinfo=_TZ)
            + timedelta(seconds=float(rng.uniform(0, 900)))
            for m in s.members
        }
        sitting = dict(clock)
        for app in apps:
            offsets = rng.normal(0, 6, len(crit))
            for m in s.members:
                if m.member_id in app.recused:
                    continue
                lean = m.lean
                if m.lean_towards is not None and m.lean_towards != body.code:
                    lean = 0.0
                pct = app.quality + offsets + lean + rng.normal(0, spec.noise_sd, len(crit))
                if m.central:
                    pct = 0.25 * pct + 0.75 * 72
                values = np.clip(np.round(np.clip(pct, 0, 100) / 100 * maxima * 2) / 2, 0, maxima)
                app.values[m.member_id] = values.tolist()
                seconds = float(m.pace * math.exp(0.35 * rng.normal()))
                start = clock[m.member_id]
                end = start + timedelta(seconds=seconds)
                clock[m.member_id] = end + timedelta(seconds=float(rng.uniform(20, 120)))
                app.started[m.member_id] = (
                    sitting[m.member_id] if spec.timing == "sitting" else start
                )
                app.submitted[m.member_id] = end

    def _total(self, s: _Session, values: list[float]) -> float:
        return float(
            100
            * sum(
                c.weight * v / c.maximum for c, v in zip(s.standard.criteria, values, strict=True)
            )
        )

    def _decide(self, s: _Session, body: _Body) -> None:
        rng = self.rng
        rules = s.standard.panel
        for app in s.apps:
            totals = {mid: self._total(s, v) for mid, v in app.values.items()}
            app.final = round(float(np.mean(list(totals.values()))), 2) if totals else None
            if app.reported_final is None:
                app.reported_final = app.final
            if not app.votes:
                for mid, t in totals.items():
                    p = 1 / (1 + math.exp(-(t - s.pass_score) / 3.0))
                    app.votes[mid] = "approve" if rng.random() < p else "reject"
            present = len(app.votes)
            eligible_members = len(s.members) - len(app.recused)
            approvals = sum(v == "approve" for v in app.votes.values())
            quorum = present >= math.ceil(rules.quorum_share * eligible_members - 1e-9)
            threshold = approvals >= math.ceil(rules.vote_threshold * present - 1e-9)
            score = app.final is not None and app.final >= s.pass_score
            app.approved = bool(quorum and threshold and score and app.eligible)

    # --- plants -----------------------------------------------------------------------------

    def _label(
        self,
        kind: str,
        scope: str,
        refs: list[Ref],
        *,
        primary: bool = True,
        signal: str | None = None,
    ) -> None:
        self.labels.append(
            PlantLabel(
                signal=signal or PLANTS[kind], scope=scope, refs=refs, variant=kind, primary=primary
            )
        )

    def _largest(self, body: _Body) -> _Session:
        return max(body.sessions, key=lambda s: len(s.apps))

    def _plant(self, body: _Body, kind: str) -> None:
        s = self._largest(body)
        ref_s = Ref(body.code, s.ref)
        if kind == "standard_laxity":
            doc = s.standard.model_dump(mode="json")
            doc["pass_score"] = s.baseline.pass_score - 5
            s.standard = Standard.model_validate(doc)
            s.pass_score = s.standard.pass_score
            self._label(kind, "session", [ref_s])
        elif kind == "panel_too_small":
            candidates = [x for x in body.sessions if x.standard.panel.min_size >= 5]
            if not candidates:
                self._relevel(
                    s, body, "skill", "grade2", s.series if s.track == "skill" else self.trades[0]
                )
            else:
                s = candidates[0]
            keep = s.standard.panel.min_size - 2
            if keep % 2 == 0:
                keep -= 1
            removed = {m.member_id for m in s.members[keep:]}
            s.members = s.members[:keep]
            if not any(m.external for m in s.members) and s.standard.panel.min_external_share > 0:
                s.members[-1].external = True
                s.members[-1].organisation = self.others[0]
                s.members[-1].department = None
            for app in s.apps:
                for mid in removed:
                    app.values.pop(mid, None)
                    app.started.pop(mid, None)
                    app.submitted.pop(mid, None)
                    app.recused.pop(mid, None)
            self._label(kind, "session", [Ref(body.code, s.ref)])
        elif kind == "panel_member_below_level":
            reviewed = comparable_title_rank(s.track, s.level)
            below = [
                lv for lv in levels(Track(s.track)) if comparable_title_rank(s.track, lv) < reviewed
            ]
            if not below:
                self._fallback(body, kind)
                return
            m = s.members[-2]
            m.level = below[-1]
            self._label(kind, "member", [Ref(body.code, s.ref, None, m.member_id)])
        elif kind == "panel_external_share":
            candidates = [x for x in body.sessions if x.standard.panel.min_external_share > 0]
            if not candidates:
                self._fallback(body, kind)
                return
            s = candidates[0]
            for m in s.members:
                if m.external:
                    m.external, m.organisation = False, None
                    m.department = DEPARTMENTS[0]
            self._label(kind, "session", [Ref(body.code, s.ref)])
        elif kind == "panel_chair":
            for m in s.members:
                m.role = "member"
            self._label(kind, "session", [ref_s])
        elif kind == "conflict_supervisor":
            internal = [m for m in s.members if not m.external and m.role != "chair"] or s.members[
                1:
            ]
            m = internal[0]
            app = s.apps[1 % len(s.apps)]
            app.supervisor = m.member_id
            app.recused.pop(m.member_id, None)
            self._rescore(s, body, app)
            self._label(kind, "application", [Ref(body.code, s.ref, app.ref)])
        elif kind == "conflict_own":
            internal = [m for m in s.members if not m.external and m.role != "chair"] or s.members[
                1:
            ]
            m = internal[-1]
            app = s.apps[0]
            app.person = m.person
            app.recused.pop(m.member_id, None)
            self._rescore(s, body, app)
            self._label(kind, "application", [Ref(body.code, s.ref, app.ref)])
        elif kind == "exceptional_overuse":
            candidates = [
                x for x in body.sessions if x.standard.exceptional is not None and len(x.apps) >= 8
            ]
            if not candidates:
                self._force_exceptional_session(body)
                candidates = [self._largest(body)]
            s = candidates[0]
            k = max(3, round(0.4 * len(s.apps)))
            for app in s.apps[:k]:
                app.exceptional = True
                app.eligible = True
                app.facts = s.recipe.render(app.facts["education"], 0.5, 0.5, exceptional=True)
            self._label(kind, "session", [Ref(body.code, s.ref)])
        elif kind in ("promotion_too_soon", "concurrent_applications"):
            # Two sessions of one track and series: consecutive levels for a promotion, any
            # two levels for concurrent applications. The same person is made later.
            others = [x for x in body.sessions if x is not s]
            if not others:
                return  # falls back after the decisions
            ladder = [lv for lv in levels(Track(s.track)) if (s.track, lv) in self.baselines]
            if ladder.index(s.level) == 0:
                self._relevel(s, body, s.track, ladder[1], s.series)
            x = max(others, key=lambda o: len(o.apps))
            x.held_on = min(x.held_on, s.held_on)
            self._relevel(x, body, s.track, ladder[ladder.index(s.level) - 1], s.series)
        elif kind in ("threshold_bunching", "pass_rate"):
            for x in body.sessions:
                for app in x.apps:
                    self._lift(x, app, kind)
            self._label(kind, "enterprise", [Ref(body.code)])
            # Lifting failing scores over the line is both: more passes, and scores piled
            # above the line with a gap below it. The other signal's flag is a side effect.
            other = "threshold_bunching" if kind == "pass_rate" else "pass_rate"
            self._label(kind, "enterprise", [Ref(body.code)], primary=False, signal=PLANTS[other])
        elif kind == "rubber_stamp":
            for app in s.apps:
                consensus = next(iter(app.values.values()))
                for mid in app.values:
                    app.values[mid] = list(consensus)
                app.votes = {mid: "approve" for mid in app.values}
            self._label(kind, "session", [ref_s])
        elif kind == "identical_scores":
            a, b = s.members[1], s.members[2]
            for app in s.apps:
                if a.member_id in app.values and b.member_id in app.values:
                    app.values[b.member_id] = list(app.values[a.member_id])
            self._label(
                kind,
                "member",
                [
                    Ref(body.code, s.ref, None, a.member_id),
                    Ref(body.code, s.ref, None, b.member_id),
                ],
            )
        elif kind in ("member_lenient", "member_harsh", "member_central"):
            m = s.members[-1]
            if kind == "member_central":
                m.central = True
            else:
                m.lean = 14.0 if kind == "member_lenient" else -14.0
            for app in s.apps:
                app.values, app.started, app.submitted = {}, {}, {}
            self._score(s, body, s.apps)
            self._label(kind, "member", [Ref(body.code, s.ref, None, m.member_id)])
        elif kind == "scoring_speed":
            m = s.members[-1]
            m.pace = self.spec.pace_seconds / 6
            for app in s.apps:
                app.values, app.started, app.submitted = {}, {}, {}
            self._score(s, body, s.apps)
            self._label(kind, "member", [Ref(body.code, s.ref, None, m.member_id)])
        elif kind == "surge":
            body.history_factor = 0.35
            self._label(kind, "enterprise", [Ref(body.code)])
        elif kind == "reciprocal_scoring":
            if self._pair is None or self.bodies.index(body) != self._pair[0]:
                return
            a, b = (self.bodies[i] for i in self._pair)
            for mine, other in ((a, b), (b, a)):
                sess = self._largest(mine)
                experts = [m for m in sess.members if m.external] or [sess.members[-1]]
                for m in experts[:2]:
                    m.external = True
                    m.department = None
                    m.organisation = other.code
                    m.lean = 12.0
                    m.lean_towards = mine.code
                    self._label(
                        kind,
                        "member",
                        [Ref(mine.code, sess.ref, None, m.member_id)],
                        primary=False,
                        signal="stat.member_calibration",
                    )
                for app in sess.apps:
                    app.values, app.started, app.submitted = {}, {}, {}
                self._score(sess, mine, sess.apps)
                self._label(kind, "enterprise", [Ref(mine.code)])
        # rule plants acting on decisions are done after the decisions
        elif kind in (
            "approved_ineligible",
            "decision_inconsistent",
            "final_score_mismatch",
            "duplicate_approval",
            "not_insured",
            "education_unverified",
            "promotion_too_soon",
            "concurrent_applications",
        ):
            pass
        else:
            raise ValueError(kind)

    def _fallback(self, body: _Body, kind: str) -> None:
        """A plant this body cannot take becomes a chairless panel (always possible)."""
        body.plants[body.plants.index(kind)] = "panel_chair"
        self._plant(body, "panel_chair")

    def _relevel(self, s: _Session, body: _Body, track: str, level: str, series: str) -> None:
        """Make ``s`` a session for another level: its standard, facts, panel and scores."""
        s.standard, s.baseline = self._standard(body, track, level, series)
        s.track, s.level, s.series = track, level, s.standard.series
        s.pass_score = s.standard.pass_score
        s.recipe = FactsRecipe(s.standard, series=s.series, held_on=s.held_on)
        for app in s.apps:
            app.facts = s.recipe.render(s.recipe.education(float(self.rng.random())), 0.5, 0.5)
            app.eligible = True
        s.members = []
        self._panel(s, body)
        for app in s.apps:
            app.values, app.started, app.submitted, app.recused = {}, {}, {}, {}
        self._score(s, body, s.apps)

    def _force_exceptional_session(self, body: _Body) -> None:
        s = self._largest(body)
        s.standard, s.baseline = self._standard(body, "title", "intermediate", "engineering")
        s.track, s.level, s.series = "title", "intermediate", "engineering"
        s.recipe = FactsRecipe(s.standard, series=s.series, held_on=s.held_on)
        s.pass_score = s.standard.pass_score
        for app in s.apps:
            app.facts = s.recipe.render(s.recipe.education(float(self.rng.random())), 0.5, 0.5)
            app.eligible = True
        s.members = []
        self._panel(s, body)
        for app in s.apps:
            app.values, app.started, app.submitted, app.recused = {}, {}, {}, {}
        self._score(s, body, s.apps)

    def _rescore(self, s: _Session, body: _Body, app: _App) -> None:
        app.values, app.started, app.submitted = {}, {}, {}
        self._score(s, body, [app])

    def _lift(self, s: _Session, app: _App, kind: str) -> None:
        """Members raise an applicant below the pass score to just above it (bunching) or
        comfortably above (pass rate)."""
        rng = self.rng
        totals = {mid: self._total(s, v) for mid, v in app.values.items()}
        if not totals or not app.eligible:
            return
        final = float(np.mean(list(totals.values())))
        low = s.pass_score - (8 if kind == "threshold_bunching" else 25)
        if not (low <= final < s.pass_score):
            return
        if kind == "pass_rate" and rng.random() < 0.25:
            return
        target = s.pass_score + (
            rng.uniform(0.2, 1.8) if kind == "threshold_bunching" else rng.uniform(2, 10)
        )
        factor = target / max(final, 1e-6)
        maxima = [c.maximum for c in s.standard.criteria]
        for mid, values in app.values.items():
            app.values[mid] = [
                min(mx, round(v * factor * 2 + 1) / 2) for v, mx in zip(values, maxima, strict=True)
            ]
        app.votes = {mid: "approve" for mid in app.values}

    def _post_decision_plants(self) -> None:
        rng = self.rng
        for body in self.bodies:
            for kind in body.plants:
                s = self._largest(body)
                approved = [a for x in body.sessions for a in x.apps if a.approved]
                if kind == "approved_ineligible":
                    x = next(
                        (
                            x
                            for x in body.sessions
                            if x.recipe.breakable() and any(a.approved for a in x.apps)
                        ),
                        None,
                    )
                    app = (
                        next((a for a in x.apps if a.approved and not a.exceptional), None)
                        if x
                        else None
                    )
                    if x is None or app is None:
                        self._fallback(body, kind)
                        continue
                    ways = x.recipe.breakable()
                    app.facts = x.recipe.break_facts(
                        app.facts, ways[int(rng.integers(0, len(ways)))]
                    )
                    self._label(kind, "application", [Ref(body.code, x.ref, app.ref)])
                elif kind == "decision_inconsistent":
                    failing = [
                        (x, a)
                        for x in body.sessions
                        for a in x.apps
                        if not a.approved
                        and a.eligible
                        and a.final is not None
                        and a.final < x.pass_score
                    ]
                    if not failing:
                        self._fallback(body, kind)
                        continue
                    x, app = failing[0]
                    app.approved = True
                    self._label(kind, "application", [Ref(body.code, x.ref, app.ref)])
                elif kind == "final_score_mismatch":
                    x, app = next(
                        (x, a) for x in body.sessions for a in x.apps if a.final is not None
                    )
                    app.reported_final = (
                        round(min(100.0, app.final + 4.0), 2)
                        if app.final < 96
                        else round(app.final - 4.0, 2)
                    )
                    self._label(kind, "application", [Ref(body.code, x.ref, app.ref)])
                elif kind == "duplicate_approval":
                    sess_of = {a.ref: x for x in body.sessions for a in x.apps}
                    same_level: list[_App] = []
                    for a in approved:
                        if not same_level:
                            same_level = [a]
                        elif (sess_of[a.ref].track, sess_of[a.ref].level) == (
                            sess_of[same_level[0].ref].track,
                            sess_of[same_level[0].ref].level,
                        ):
                            same_level.append(a)
                            break
                    if len(same_level) < 2:
                        # Two approvals in the same session.
                        same_level = [a for a in s.apps if a.approved][:2]
                        if len(same_level) < 2:
                            self._fallback(body, kind)
                            continue
                    a, b = same_level
                    b.person, b.name = a.person, a.name
                    # The same person with two live applications is flagged too: a side effect.
                    self._label(
                        kind,
                        "application",
                        [
                            Ref(body.code, sess_of[a.ref].ref, a.ref),
                            Ref(body.code, sess_of[b.ref].ref, b.ref),
                        ],
                        primary=False,
                        signal="rule.concurrent_applications",
                    )
                    # The second filing's claims need not match the person's registry record.
                    self._label(
                        kind,
                        "application",
                        [Ref(body.code, sess_of[b.ref].ref, b.ref)],
                        primary=False,
                        signal="rule.education_unverified",
                    )
                    self._label(
                        kind,
                        "application",
                        [
                            Ref(body.code, sess_of[a.ref].ref, a.ref),
                            Ref(body.code, sess_of[b.ref].ref, b.ref),
                        ],
                    )
                elif kind == "promotion_too_soon":
                    pair = self._consecutive_approvals(body)
                    if pair is None:
                        self._fallback(body, kind)
                        continue
                    (x, a), (y, b) = pair
                    self._same_person(body, (x, a), (y, b), kind)
                elif kind == "concurrent_applications":
                    pair = self._concurrent_pair(body)
                    if pair is None:
                        self._fallback(body, kind)
                        continue
                    self._same_person(body, *pair, kind)
                elif kind == "not_insured":
                    x, app = next(
                        ((x, a) for x in body.sessions for a in x.apps if a.approved),
                        (s, s.apps[0]),
                    )
                    app.employer = self.others[int(rng.integers(0, len(self.others)))]
                    self._label(kind, "application", [Ref(body.code, x.ref, app.ref)])
                elif kind == "education_unverified":
                    found = [
                        (x, a)
                        for x in body.sessions
                        for a in x.apps
                        if a.facts["education"]
                        in ("bachelor", "master", "doctorate", "junior_college")
                    ]
                    if not found:
                        self._fallback(body, kind)
                        continue
                    x, app = found[0]
                    app.education_registry = (
                        "junior_college" if app.facts["education"] != "junior_college" else None
                    )
                    self._label(kind, "application", [Ref(body.code, x.ref, app.ref)])

    def _consecutive_approvals(
        self, body: _Body
    ) -> tuple[tuple[_Session, _App], tuple[_Session, _App]] | None:
        """An approval at one level and a later approval at the next level of the same track,
        in two sessions of the body (None when the body has no such pair)."""
        for x in body.sessions:
            for y in body.sessions:
                if x is y or x.track != y.track or x.held_on > y.held_on:
                    continue
                ladder = levels(Track(x.track))
                if ladder.index(y.level) != ladder.index(x.level) + 1:
                    continue
                if not any(
                    isinstance(r, YearsAtPreviousLevel) and r.previous_level == x.level
                    for r in y.standard.requirements
                ):
                    continue
                a = next((a for a in x.apps if a.approved), None)
                b = next((b for b in y.apps if b.approved and not b.exceptional), None)
                if a is not None and b is not None:
                    return (x, a), (y, b)
        return None

    def _concurrent_pair(
        self, body: _Body
    ) -> tuple[tuple[_Session, _App], tuple[_Session, _App]] | None:
        """Two applications of the same track in sessions for different levels or series, the
        second one rejected (so that the pair is no duplicate approval nor a promotion)."""
        for x in body.sessions:
            for y in body.sessions:
                if x is y or x.track != y.track or (x.level, x.series) == (y.level, y.series):
                    continue
                a = next((a for a in x.apps), None)
                b = next((b for b in y.apps if not b.approved), None)
                if a is not None and b is not None:
                    return (x, a), (y, b)
        return None

    def _same_person(
        self, body: _Body, first: tuple[_Session, _App], second: tuple[_Session, _App], kind: str
    ) -> None:
        """Make the second application the first one's applicant's, and label it."""
        (x, a), (y, b) = first, second
        b.person, b.name = a.person, a.name
        refs = [Ref(body.code, x.ref, a.ref), Ref(body.code, y.ref, b.ref)]
        # One filing's claims need not match the person's registry record.
        self._label(kind, "application", refs, primary=False, signal="rule.education_unverified")
        if kind == "promotion_too_soon":
            # Two levels in one period are two live applications too: a side effect.
            self._label(
                kind, "application", refs, primary=False, signal="rule.concurrent_applications"
            )
        self._label(kind, "application", refs)

    # --- emission ---------------------------------------------------------------------------

    def _emit(self) -> World:
        spec, rng = self.spec, self.rng
        ids = resident_ids(rng, self.persons)
        keys, masks = pseudonymise(ids, spec.key)
        documents: list[dict[str, Any]] = []
        employment: list[dict[str, Any]] = []
        education: list[dict[str, Any]] = []
        seen: set[int] = set()
        # A person's insurance is counted back from their first review in the world.
        first_review: dict[int, date] = {}
        for body in self.bodies:
            for s in body.sessions:
                for app in s.apps:
                    first_review[app.person] = min(
                        first_review.get(app.person, s.held_on), s.held_on
                    )
        for body in self.bodies:
            for s in body.sessions:
                documents.append(self._document(body, s, keys, masks))
                for app in s.apps:
                    if app.person in seen:
                        continue
                    seen.add(app.person)
                    key = keys[app.person]
                    months = 7 if rng.random() < 0.05 else int(rng.integers(14, 200))
                    start = first_review[app.person] - timedelta(days=int(months * 30.6))
                    employment.append(
                        {
                            "person_key": key,
                            "employer_credit_code": app.employer or body.code,
                            "start": start.isoformat(),
                            "end": None,
                        }
                    )
                    claimed = app.facts["education"]
                    registry = (
                        claimed if app.education_registry == "same" else app.education_registry
                    )
                    if registry is not None and claimed not in (
                        "junior_high",
                        "senior_high",
                        "secondary_vocational",
                    ):
                        education.append(
                            {
                                "person_key": key,
                                "education": registry,
                                "institution": "南通大学",
                                "year": s.held_on.year - int(rng.integers(3, 20)),
                            }
                        )
        history: list[dict[str, Any]] = []
        for body in self.bodies:
            n = sum(len(s.apps) for s in body.sessions)
            rate = float(np.mean([a.approved for s in body.sessions for a in s.apps])) if n else 0.5
            if "pass_rate" in body.plants or "threshold_bunching" in body.plants:
                rate = max(0.1, rate - 0.2)
            for k in range(spec.history_periods, 0, -1):
                volume = int(rng.poisson(max(1.0, n * body.history_factor * rng.uniform(0.8, 1.2))))
                history.append(
                    {
                        "credit_code": body.code,
                        "period": str(self.year - k),
                        "applications": volume,
                        "approved": int(rng.binomial(volume, min(0.95, max(0.05, rate)))),
                    }
                )
        enterprises = [
            EnterpriseTruth(
                credit_code=b.code,
                name=b.name,
                kind="enterprise",
                cluster=b.cluster,
                manipulated=bool(b.plants),
                plants=tuple(b.plants),
            )
            for b in self.bodies
        ]
        return World(
            spec=spec,
            documents=documents,
            employment=employment,
            education=education,
            history=history,
            labels=self.labels,
            enterprises=enterprises,
            odd={b.code: b.odd for b in self.bodies if b.odd},
        )

    def _document(
        self, body: _Body, s: _Session, keys: list[str], masks: list[str]
    ) -> dict[str, Any]:
        codes = [c.code for c in s.standard.criteria]
        panel = [
            {
                "member_id": m.member_id,
                "track": m.track,
                "level": m.level,
                "external": m.external,
                "organisation_credit_code": m.organisation,
                "department": m.department,
                "supervisor_member_id": None,
                "role": m.role,
                "person_key": keys[m.person],
            }
            for m in s.members
        ]
        member_ids = [m.member_id for m in s.members]
        applications = []
        for app in s.apps:
            applications.append(
                {
                    "application_ref": app.ref,
                    "applicant": {
                        "person_key": keys[app.person],
                        "id_mask": masks[app.person],
                        "name": app.name,
                    },
                    "facts": app.facts,
                    "department": app.department,
                    "supervisor_member_id": app.supervisor,
                    "exceptional": app.exceptional,
                    "exceptional_justification": "业绩突出，获奖，申请破格"
                    if app.exceptional
                    else None,
                    "scores": [
                        {
                            "member_id": mid,
                            "values": dict(zip(codes, app.values[mid], strict=True)),
                            "started_at": app.started[mid].isoformat()
                            if app.started.get(mid)
                            else None,
                            "submitted_at": app.submitted[mid].isoformat(),
                        }
                        for mid in member_ids
                        if mid in app.values
                    ],
                    "votes": [
                        {"member_id": mid, "vote": app.votes[mid]}
                        for mid in member_ids
                        if mid in app.votes
                    ],
                    "recusals": [
                        {
                            "member_id": mid,
                            "kind": kind,
                            "reason": "申报人的合作者"
                            if kind == "collaborator"
                            else "本人申请回避",
                        }
                        for mid, kind in app.recused.items()
                        if mid in member_ids
                    ],
                    "approved": app.approved,
                    "final_score": app.reported_final,
                }
            )
        return {
            "schema_version": "1.0",
            "filing_id": s.filing_id,
            "supersedes": None,
            "filed_at": datetime(
                s.held_on.year, s.held_on.month, s.held_on.day, 10, tzinfo=_TZ
            ).isoformat(),
            "review_body": {
                "kind": "enterprise",
                "credit_code": body.code,
                "name": body.name,
                "industry_cluster": body.cluster,
            },
            "session": {
                "session_ref": s.ref,
                "track": s.track,
                "series": s.series,
                "level": s.level,
                "period": self.spec.period,
                "held_on": s.held_on.isoformat(),
                "standard_version": s.standard.version or self.spec.period,
                "standard": s.standard.model_dump(mode="json"),
            },
            "panel": panel,
            "applications": applications,
        }


def build_world(spec: WorldSpec) -> World:
    """Generate the city ``spec`` describes; deterministic in the spec (including its seed)."""
    return _Builder(spec).build()
