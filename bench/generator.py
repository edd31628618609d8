"""Synthetic filings with labelled manipulations, for measuring the audit.

``generate(GeneratorConfig(...))`` builds review bodies in Nantong's industry clusters, their
review sessions (title and skill tracks, standards derived from the regulator's baselines),
panels, applicants, per-member per-criterion scores with timestamps, votes, recusals and
decisions, plus the social-insurance and education registry extracts and each body's volumes in
earlier periods. A share of the bodies is manipulated: each gets one or two of the plants below,
and every plant is written down as a ``PlantLabel`` (signal and where). Everything is drawn from
one seeded numpy generator, so the same config gives the same data.

The numeric core (scores, durations, votes, decisions) is vectorised over all applications at
once; only the final emission of the contract's JSON documents walks the applications. Filings
come out in the stored shape (applicants and members pseudonymised: ``person_key`` and
``id_mask``), or in the intake shape with clear resident ID numbers (``intake=True``).

Plants (label signal codes, see ``SIGNALS``): approved despite an unmet hard requirement;
decision inconsistent with its scores or votes; a standard laxer than the baseline; a panel too
small, with a member below the level reviewed, or without external members; an evident conflict
(supervisor, own application) without recusal; the same person approved twice
or in two enterprises; an applicant not insured by the enterprise; an education claim the
registry does not confirm; exceptional-track overuse; bunching just above the pass score;
rubber-stamp panels; two members with identical score vectors; lenient, harsh and central
members; implausibly fast scoring; a pass rate far above peers; a surge against the body's own
history; reciprocal high scoring between two enterprises' experts.
"""

from __future__ import annotations

import contextlib
import gc
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from statistics import NormalDist
from typing import Any

import numpy as np

from bench import catalogue
from bench.facts import FactsRecipe, is_eligible
from bench.identities import credit_codes, pseudonymise, resident_ids
from bench.labels import EnterpriseTruth, PlantLabel, Ref
from standards.baseline import laxities
from standards.document import Standard, parse_standard
from standards.levels import Education, Track, comparable_title_rank, level_rank, levels

# What can be planted, and the audit signal (``audit.flags.SIGNALS``) each plant should raise.
PLANTS: dict[str, str] = {
    "approved_ineligible": "rule.approved_ineligible",
    "decision_inconsistent": "rule.decision_inconsistent",
    "final_score_mismatch": "rule.final_score_mismatch",
    "standard_laxity": "rule.standard_laxer_than_baseline",
    "panel_too_small": "rule.panel_too_small",
    "panel_member_below_level": "rule.panel_member_below_level",
    "panel_external_share": "rule.panel_external_share",
    "panel_chair": "rule.panel_chair",
    "missing_recusal": "rule.conflict_not_recused",
    "duplicate_person": "rule.duplicate_approval",
    "not_insured": "rule.not_insured",
    "education_mismatch": "rule.education_unverified",
    "exceptional_overuse": "rule.exceptional_overuse",
    "threshold_bunching": "stat.threshold_bunching",
    "rubber_stamp": "stat.rubber_stamp",
    "identical_scores": "stat.near_identical_scores",
    "member_lenient": "stat.member_calibration",
    "member_harsh": "stat.member_calibration",
    "member_central": "stat.member_calibration",
    "scoring_speed": "stat.scoring_speed",
    "pass_rate": "stat.pass_rate_outlier",
    "surge": "stat.surge",
    "reciprocal_scoring": "stat.reciprocal_scoring",
}
PLANT_KINDS: tuple[str, ...] = tuple(PLANTS)
MULTIPLE_ENTERPRISES = "rule.multiple_enterprises"

# Plants that only exist as a pattern over a body's applications, and the body size they need.
_PATTERN_PLANTS = frozenset({"threshold_bunching", "pass_rate"})
_MIN_APPS_FOR_PATTERN = 40
# Bunching lifts the applications this many points below the pass score, when there are at
# least _BUNCHING_MIN_LIFTED of them.
_BUNCHING_BELOW = 10.0
_BUNCHING_MIN_LIFTED = 6

_TZ = timezone(timedelta(hours=8))
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# Recusal codes in the (application, slot) matrix.
_NO_RECUSAL, _SAME_DEPT, _SUPERVISOR = 0, 1, 2
_RECUSAL_KINDS = {_SAME_DEPT: "same_department", _SUPERVISOR: "supervisor"}
_RECUSAL_REASONS = {_SAME_DEPT: "与申报人同一部门", _SUPERVISOR: "申报人的直接上级"}
# Votes in the (application, slot) matrix.
_NONE, _APPROVE, _REJECT, _ABSTAIN = -1, 1, 0, 2
_VOTE_NAMES = {_APPROVE: "approve", _REJECT: "reject", _ABSTAIN: "abstain"}
_BODY_KINDS = ("enterprise", "industry_committee", "third_party")
_BODY_KIND_P = (0.86, 0.08, 0.06)
# Spread of an applicant's quality on the 0..100 total scale, of a member's bias, of an
# applicant's criterion profile and of one member's judgement of one criterion.
_SD_QUALITY, _SD_MEMBER, _SD_PROFILE, _SD_NOISE = 8.0, 2.0, 4.0, 5.0
# A natural lean (against the rest of the panel) this large is material (see _natural_bias).
_NATURAL_LEAN = 4.0


@dataclass(frozen=True)
class GeneratorConfig:
    """Size and mix of a synthetic data set. The defaults are the demo scale (141 bodies)."""

    bodies: int = 141
    apps_per_body: float = 60.0
    members: int = 7
    criteria: int = 5
    share_manipulated: float = 0.2
    seed: int = 0
    period: str = "2026"
    history_periods: int = 3
    key: bytes = b"bench-person-key"
    sessions_per_body: int | None = None  # None: by size (1 to 4)


@dataclass
class Member:
    """One panel seat in one session."""

    member_id: str
    person: int  # index into the person table
    track: Track
    level: str
    external: bool
    organisation: str | None
    department: str | None
    role: str = "member"
    bias: float = 0.0
    central: bool = False
    fast: bool = False


@dataclass
class Session:
    """One review session (one filing) of one body."""

    index: int
    body: int
    ref: str
    filing_id: str
    track: Track
    series: str
    level: str
    held_on: date
    baseline: Standard
    standard: Standard
    start: int  # first application index
    n: int
    members: list[Member]
    pass_rate: float
    rubber_stamp: bool = False
    recipe: FactsRecipe | None = None
    standard_doc: dict[str, Any] = field(default_factory=dict)

    @property
    def stop(self) -> int:
        return self.start + self.n


@dataclass
class SyntheticData:
    """A generated data set: filings (as documents), registries, history and the truth."""

    config: GeneratorConfig
    baselines: list[Standard]
    baselines_source: str
    enterprises: list[EnterpriseTruth]
    labels: list[PlantLabel]
    employment: list[dict[str, Any]]
    education: list[dict[str, Any]]
    history: list[dict[str, Any]]
    _core: _Core

    @property
    def applications(self) -> int:
        return self._core.n_apps

    def iter_documents(self, *, intake: bool = False) -> Iterator[dict[str, Any]]:
        """The filings, one per session, as JSON-ready dicts in the contract's shape."""
        return self._core.emit(intake=intake)

    def documents(self, *, intake: bool = False) -> list[dict[str, Any]]:
        with gc_paused():
            return list(self.iter_documents(intake=intake))

    def filings(self) -> list[Any]:
        """The filings as validated ``audit.contract.Filing`` objects (slow at large scale)."""
        from audit.contract import Filing

        return [Filing.model_validate(d) for d in self.iter_documents()]

    def registries(self) -> Any:
        """The registry extracts as ``audit.registry.Registries``."""
        from audit.registry import EducationRecord, EmploymentRecord, Registries

        return Registries(
            employment=[EmploymentRecord(**r) for r in self.employment],
            education=[EducationRecord(**r) for r in self.education],
        )

    def manipulated(self) -> dict[str, bool]:
        return {e.credit_code: e.manipulated for e in self.enterprises}


def generate(config: GeneratorConfig | None = None) -> SyntheticData:
    """Generate a data set; deterministic in ``config`` (including its seed)."""
    config = config or GeneratorConfig()
    with gc_paused():
        return _Core(config).build()


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many small dicts: they hold no
    cycles, and the collector's repeated passes over them cost three times the building."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class _Core:
    """Builds everything; the arrays are indexed by application (N), slot (M), criterion (C)."""

    def __init__(self, config: GeneratorConfig) -> None:
        self.cfg = config
        self.rng = np.random.default_rng(config.seed)
        self.labels: list[PlantLabel] = []
        self.plants: dict[int, list[str]] = {}
        self.facts_override: dict[int, dict[str, Any]] = {}
        self.education_override: dict[int, str | None] = {}
        self.employer_override: dict[int, str] = {}
        self.supervisor: dict[int, int] = {}  # application -> slot of its supervisor
        self.department_override: dict[int, str] = {}
        self.approved_override: dict[int, bool] = {}
        self.final_override: dict[int, float] = {}
        self.vote_override: dict[int, np.ndarray] = {}
        self.person_override: dict[int, int] = {}
        self.history_factor: dict[int, float] = {}
        self.vote_copy: list[tuple[np.ndarray, int, int]] = []
        # Applications an outcome plant has used: one plant per application.
        self.taken: set[int] = set()

    # --- structure ---------------------------------------------------------------------------

    def build(self) -> SyntheticData:
        cfg, rng = self.cfg, self.rng
        self.baselines = catalogue.baselines()
        self.baselines_source = "standards.defaults.load_baselines()"
        self._bodies()
        self._sessions()
        self._assign_plants()
        self._panels()
        self._applications()
        self._structural_plants()
        self._recusals()
        self._scores()
        self._outcome_plants()
        self._registries()
        planted = {r.credit_code for lab in self.labels if lab.primary for r in lab.refs}
        enterprises = [
            EnterpriseTruth(
                credit_code=self.body_code[b],
                name=self.body_name[b],
                kind=self.body_kind[b],
                cluster=catalogue.CLUSTERS[self.body_cluster[b]].name,
                manipulated=self.body_code[b] in planted,
                plants=tuple(self.plants.get(b, ())),
            )
            for b in range(cfg.bodies)
        ]
        del rng
        return SyntheticData(
            config=cfg,
            baselines=self.baselines,
            baselines_source=self.baselines_source,
            enterprises=enterprises,
            labels=self.labels,
            employment=self.employment,
            education=self.education,
            history=self.history,
            _core=self,
        )

    def _bodies(self) -> None:
        cfg, rng = self.cfg, self.rng
        nb = cfg.bodies
        weights = np.array([c.weight for c in catalogue.CLUSTERS])
        self.body_cluster = rng.choice(len(weights), size=nb, p=weights / weights.sum())
        self.body_kind = [str(k) for k in rng.choice(_BODY_KINDS, size=nb, p=_BODY_KIND_P)]
        codes = credit_codes(rng, nb + 40)
        self.body_code = codes[:nb]
        # Universities and institutes lend external experts too.
        self.institute_codes = credit_codes(rng, 12, category="12")
        self.other_employers = codes[nb:]
        self.body_name = []
        for b in range(nb):
            cluster = catalogue.CLUSTERS[self.body_cluster[b]]
            word = cluster.name_words[b % len(cluster.name_words)]
            if self.body_kind[b] == "enterprise":
                self.body_name.append(f"南通{_place(b)}{word}有限公司")
            elif self.body_kind[b] == "industry_committee":
                self.body_name.append(f"南通市{cluster.name}行业职称评审委员会{b}")
            else:
                self.body_name.append(f"南通{_place(b)}职业技能评价中心{b}")
        total = round(nb * cfg.apps_per_body)
        floor = min(10, max(1, int(cfg.apps_per_body)))
        raw = rng.lognormal(0.0, 0.45, nb)
        sizes = np.maximum(floor, np.floor(raw / raw.sum() * total)).astype(np.int64)
        diff = total - int(sizes.sum())
        order = np.argsort(-sizes, kind="stable")
        i = 0
        while diff != 0:
            b = order[i % nb]
            if diff > 0:
                sizes[b] += 1
                diff -= 1
            elif sizes[b] > floor:
                sizes[b] -= 1
                diff += 1
            i += 1
        self.body_size = sizes

    def _sessions(self) -> None:
        cfg, rng = self.cfg, self.rng
        by_scope: dict[tuple[Track, str], list[Standard]] = {}
        for s in self.baselines:
            by_scope.setdefault((s.track, s.level), []).append(s)
        scopes = sorted(by_scope, key=lambda k: (k[0].value, level_rank(k[0], k[1])))
        scope_p = np.array(
            [
                catalogue.SESSION_LEVELS[t][lv] * (0.45 if t is Track.title else 0.55)
                for t, lv in scopes
            ]
        )
        scope_p /= scope_p.sum()
        self.sessions: list[Session] = []
        self._standard_cache: dict[tuple[Any, ...], Standard] = {}
        start = 0
        year = int(cfg.period[:4])
        for b in range(cfg.bodies):
            n_b = int(self.body_size[b])
            k = cfg.sessions_per_body or (
                1 if n_b < 30 else 2 if n_b < 90 else 3 if n_b < 200 else 4
            )
            k = max(1, min(k, n_b // 5 if n_b >= 5 else 1))
            picks = rng.choice(len(scopes), size=min(k, len(scopes)), replace=False, p=scope_p)
            k = len(picks)
            shares = rng.dirichlet(np.full(k, 4.0))
            sizes = np.maximum(1, np.floor(shares * n_b)).astype(int)
            sizes[np.argmax(sizes)] += n_b - sizes.sum()
            cluster = catalogue.CLUSTERS[self.body_cluster[b]]
            for j, pick in enumerate(picks):
                track, level = scopes[pick]
                candidates = by_scope[(track, level)]
                baseline = candidates[int(rng.integers(len(candidates)))]
                series = self._series(baseline, track, cluster, rng)
                held_on = date(year, 3, 1) + timedelta(days=int(rng.integers(0, 240)))
                base_rate = catalogue.BASE_PASS_RATE.get(level, 0.7)
                rate = float(
                    np.clip(base_rate + cluster.pass_rate_offset + rng.normal(0, 0.04), 0.3, 0.95)
                )
                ref = f"S{b:04d}{j + 1:02d}-{cfg.period}"
                standard = self._enterprise_standard(
                    b, baseline, series, cluster, int(rng.choice([0, 0, 0, 2, 5]))
                )
                self.sessions.append(
                    Session(
                        index=len(self.sessions),
                        body=b,
                        ref=ref,
                        filing_id=f"F{cfg.seed}-{ref}",
                        track=track,
                        series=series,
                        level=level,
                        held_on=held_on,
                        baseline=baseline,
                        standard=standard,
                        start=start,
                        n=int(sizes[j]),
                        members=[],
                        pass_rate=rate,
                    )
                )
                start += int(sizes[j])
        self.n_apps = start
        self.body_sessions: dict[int, list[Session]] = {}
        for rs in self.sessions:
            self.body_sessions.setdefault(rs.body, []).append(rs)

    @staticmethod
    def _series(
        baseline: Standard, track: Track, cluster: catalogue.Cluster, rng: np.random.Generator
    ) -> str:
        if baseline.series != "*":
            return baseline.series
        if track is Track.title:
            return "engineering"
        return cluster.skill_trades[int(rng.integers(len(cluster.skill_trades)))]

    def _enterprise_standard(
        self,
        body: int,
        baseline: Standard,
        series: str,
        cluster: catalogue.Cluster,
        stricter: int,
        lax: str | None = None,
    ) -> Standard:
        """The body's own standard: the baseline's rules, its own criteria, a pass score at or
        above the baseline's; ``lax`` makes it laxer in one way."""
        key = (body, id(baseline), series, stricter, lax)
        if key in self._standard_cache:
            return self._standard_cache[key]
        doc = baseline.model_dump(mode="json")
        doc.update(
            series=series,
            enterprise_credit_code=self.body_code[body],
            industry_cluster=cluster.name,
            version=f"{self.cfg.period}.1",
            name=f"{self.body_name[body]}{baseline.name}",
            criteria=catalogue.criteria(self.cfg.criteria),
            pass_score=min(95.0, baseline.pass_score + stricter),
            source="synthetic",
        )
        if lax == "pass_score":
            doc["pass_score"] = max(1.0, baseline.pass_score - 12)
        elif lax == "years":
            for req in doc["requirements"]:
                if req["kind"] in ("years_at_previous_level", "years_in_occupation"):
                    if req.get("years") is not None:
                        req["years"] = max(0.0, req["years"] - 2)
                    req["by_education"] = {
                        e: max(0.0, v - 2) for e, v in (req.get("by_education") or {}).items()
                    }
                    break
        standard = parse_standard(doc)
        found = laxities(standard, baseline)
        if bool(found) != (lax is not None):
            raise AssertionError(f"standard laxity {lax!r} not as planted: {found}")
        self._standard_cache[key] = standard
        return standard

    # --- plant assignment --------------------------------------------------------------------

    def _assign_plants(self) -> None:
        cfg, rng = self.cfg, self.rng
        nb = cfg.bodies
        n_manip = round(cfg.share_manipulated * nb)
        chosen = sorted(rng.choice(nb, size=n_manip, replace=False).tolist()) if n_manip else []
        kinds = list(PLANT_KINDS)
        # Enough plants that every kind appears even in a small data set.
        slots = max(len(kinds), round(n_manip * 1.5))
        bag = [kinds[i % len(kinds)] for i in range(slots)]
        rng.shuffle(bag)
        self.plants = {b: [] for b in chosen}
        # A pattern over many applications needs many applications to show: those plants go
        # to the larger manipulated bodies.
        large = [b for b in chosen if self.body_size[b] >= _MIN_APPS_FOR_PATTERN]
        for i, kind in enumerate(bag):
            if not chosen:
                break
            pool = large if kind in _PATTERN_PLANTS and large else chosen
            b = pool[i % len(pool)]
            if kind not in self.plants[b]:
                self.plants[b].append(kind)
        # Reciprocal scoring needs pairs of enterprises.
        recip = [
            b
            for b in chosen
            if "reciprocal_scoring" in self.plants[b] and self.body_kind[b] == "enterprise"
        ]
        for b in chosen:
            if "reciprocal_scoring" in self.plants[b] and b not in recip:
                self.plants[b].remove("reciprocal_scoring")
        if len(recip) % 2 == 1:
            self.plants[recip[-1]].remove("reciprocal_scoring")
            recip = recip[:-1]
        if len(recip) < 2:
            others = [b for b in chosen if self.body_kind[b] == "enterprise" and b not in recip]
            recip += others[: 2 - len(recip)]
            for b in recip:
                if "reciprocal_scoring" not in self.plants[b]:
                    self.plants[b].append("reciprocal_scoring")
            if len(recip) < 2:
                for b in recip:
                    self.plants[b].remove("reciprocal_scoring")
                recip = []
        self.reciprocal_partner = {}
        for a, b in zip(recip[0::2], recip[1::2], strict=True):
            self.reciprocal_partner[a], self.reciprocal_partner[b] = b, a
        # Registry checks concern an enterprise's own staff.
        for b in chosen:
            if self.body_kind[b] != "enterprise" and "not_insured" in self.plants[b]:
                self.plants[b].remove("not_insured")
            if not self.plants[b]:
                self.plants[b].append("approved_ineligible")

    def _planted(self, kind: str) -> list[int]:
        return [b for b, ks in self.plants.items() if kind in ks]

    def _largest_session(self, b: int, *, where: Any = None) -> Session | None:
        options = [s for s in self.body_sessions[b] if where is None or where(s)]
        return max(options, key=lambda s: (s.n, -s.index)) if options else None

    # --- panels ------------------------------------------------------------------------------

    def _panels(self) -> None:
        cfg, rng = self.cfg, self.rng
        small_panel = {
            s.index
            for b in self._planted("panel_too_small")
            if (s := self._largest_session(b, where=_small_panel_possible)) is not None
        }
        no_external = {
            s.index
            for b in self._planted("panel_external_share")
            if (
                s := self._largest_session(
                    b, where=lambda s: s.standard.panel.min_external_share > 0
                )
            )
            is not None
        }
        self.person_count = self.n_apps  # applicants first, then panel members
        member_people: list[int] = []
        for s in self.sessions:
            rules = s.standard.panel
            # Senior committees are larger than the usual seven (the baselines ask 11).
            size = max(cfg.members, rules.min_size)
            size += 1 - size % 2 if rules.odd_size else 0
            if s.index in small_panel:
                size = rules.min_size - 2
            n_ext = (
                0
                if s.index in no_external
                else max(
                    math.ceil(rules.min_external_share * size - 1e-9), 1 + int(rng.random() < 0.4)
                )
            )
            n_ext = min(n_ext, size - 1)
            valid = [
                lv
                for lv in levels(s.track)
                if comparable_title_rank(s.track, lv)
                >= comparable_title_rank(s.track, s.level) + rules.member_level_offset
                and level_rank(s.track, lv) >= level_rank(s.track, s.level)
            ]
            w = np.array([0.25] + [1.0] * (len(valid) - 1)) if len(valid) > 1 else np.ones(1)
            depts = rng.permutation(len(catalogue.MEMBER_DEPARTMENTS))
            cluster_bodies = [
                o
                for o in np.flatnonzero(self.body_cluster == self.body_cluster[s.body])
                if o != s.body
            ]
            for slot in range(size):
                external = slot >= size - n_ext
                person = self.person_count
                self.person_count += 1
                member_people.append(person)
                if external:
                    if cluster_bodies and rng.random() < 0.5:
                        org = self.body_code[int(rng.choice(cluster_bodies))]
                    else:
                        org = self.institute_codes[int(rng.integers(len(self.institute_codes)))]
                    dept = None
                else:
                    org = None
                    dept = catalogue.MEMBER_DEPARTMENTS[int(depts[slot % len(depts)])]
                level = valid[int(rng.choice(len(valid), p=w / w.sum()))]
                s.members.append(
                    Member(
                        member_id=f"E{cfg.seed:x}{person:07d}",
                        person=person,
                        track=s.track,
                        level=level,
                        external=external,
                        organisation=org,
                        department=dept,
                        role="chair" if slot == 0 else "member",
                    )
                )
        self.members_max = max(len(s.members) for s in self.sessions)
        self.member_people = np.array(member_people, dtype=np.int64)

    # --- applications ------------------------------------------------------------------------

    def _applications(self) -> None:
        rng, n = self.rng, self.n_apps
        self.app_session = np.repeat(np.arange(len(self.sessions)), [s.n for s in self.sessions])
        self.app_body = np.array([s.body for s in self.sessions])[self.app_session]
        self.u = rng.random((n, 3))
        self.app_dept = rng.integers(0, len(catalogue.APPLICANT_DEPARTMENTS), n)
        self.app_exceptional = np.zeros(n, dtype=bool)
        self.app_person = np.arange(n, dtype=np.int64)
        self.app_name = rng.integers(0, 1 << 30, n)
        for s in self.sessions:
            s.recipe = FactsRecipe(s.standard, series=s.series, held_on=s.held_on)
            exc = s.standard.exceptional
            if exc is not None and s.n >= 20 and rng.random() < 0.3:
                share = exc.max_share if exc.max_share is not None else 0.1
                if 1 / s.n <= share:
                    self.app_exceptional[s.start + int(rng.integers(s.n))] = True
        edu = np.empty(n, dtype=object)
        for s in self.sessions:
            recipe = s.recipe
            assert recipe is not None
            cdf = np.array(recipe.education_cdf)
            idx = np.minimum(np.searchsorted(cdf, self.u[s.start : s.stop, 0]), len(cdf) - 1)
            edu[s.start : s.stop] = np.array(recipe.educations, dtype=object)[idx]
        self.app_education = edu

    def _structural_plants(self) -> None:
        """Plants that change who sits on the panel or what standard applies."""
        rng = self.rng
        for b in self._planted("standard_laxity"):
            s = self._largest_session(b)
            assert s is not None
            how = "years" if rng.random() < 0.5 else "pass_score"
            if how == "years" and not any(
                r.kind.startswith("years") for r in s.baseline.requirements
            ):
                how = "pass_score"
            cluster = catalogue.CLUSTERS[self.body_cluster[b]]
            s.standard = self._enterprise_standard(b, s.baseline, s.series, cluster, 0, lax=how)
            s.recipe = FactsRecipe(s.standard, series=s.series, held_on=s.held_on)
            self._label("standard_laxity", "session", [self._ref(s)], variant=how)
        for b in self._planted("panel_too_small"):
            s = self._largest_session(b, where=_small_panel_possible)
            if s is None:
                continue
            self._label(
                "panel_too_small",
                "session",
                [self._ref(s)],
                details={"size": len(s.members), "min_size": s.standard.panel.min_size},
            )
        for b in self._planted("panel_chair"):
            s = self._largest_session(b)
            assert s is not None
            if rng.random() < 0.5:
                s.members[0].role = "member"
                variant = "no_chair"
            else:
                s.members[1].role = "chair"
                variant = "several_chairs"
            self._label("panel_chair", "session", [self._ref(s)], variant=variant)
        for b in self._planted("panel_external_share"):
            s = self._largest_session(b, where=lambda s: s.standard.panel.min_external_share > 0)
            if s is None:
                continue
            self._label("panel_external_share", "session", [self._ref(s)])
        for b in self._planted("panel_member_below_level"):
            s = self._largest_session(
                b,
                where=lambda s: (
                    comparable_title_rank(s.track, s.level) + s.standard.panel.member_level_offset
                    >= 2
                ),
            )
            if s is None:
                continue
            floor = comparable_title_rank(s.track, s.level) + s.standard.panel.member_level_offset
            below = [lv for lv in levels(s.track) if comparable_title_rank(s.track, lv) < floor]
            m = s.members[1]
            m.level = below[-1]
            self._label(
                "panel_member_below_level",
                "member",
                [self._ref(s, member=m)],
                details={"level": m.level, "reviewed": s.level},
            )
        for b, partner in self.reciprocal_partner.items():
            # Every session of b seats one expert from the partner, who favours b's applicants.
            for s in self.body_sessions[b]:
                ext = [m for m in s.members if m.external] or [s.members[-1]]
                m = ext[0]
                m.external, m.organisation, m.department = True, self.body_code[partner], None
                m.bias = 9.0
                self._label(
                    "member_lenient",
                    "member",
                    [self._ref(s, member=m)],
                    primary=False,
                    variant="reciprocal",
                )
            if b < partner:
                self._label(
                    "reciprocal_scoring",
                    "enterprise",
                    [self._ref_body(b), self._ref_body(partner)],
                    details={"pair": [self.body_code[b], self.body_code[partner]]},
                )
        for kind, bias in (
            ("member_lenient", 12.0),
            ("member_harsh", -12.0),
            ("member_central", 0.0),
            ("scoring_speed", 0.0),
        ):
            for b in self._planted(kind):
                s = self._largest_session(b, where=lambda s: s.n >= 8 and _plain_internal(s))
                if s is None:
                    continue
                m = s.members[_plain_internal(s)[-1]]
                if kind == "member_central":
                    m.central = True
                elif kind == "scoring_speed":
                    m.fast = True
                else:
                    m.bias = bias
                self._label(kind, "member", [self._ref(s, member=m)])
        for b in self._planted("rubber_stamp"):
            s = self._largest_session(
                b,
                where=lambda s: (
                    s.n >= 8 and not any(m.bias or m.central or m.fast for m in s.members)
                ),
            )
            if s is None:
                continue
            s.rubber_stamp = True
            self._label("rubber_stamp", "session", [self._ref(s)])
            self._label(
                "pass_rate",
                "enterprise",
                [self._ref_body(b)],
                primary=False,
                variant="rubber_stamp",
            )
            self._label(
                "surge", "enterprise", [self._ref_body(b)], primary=False, variant="rubber_stamp"
            )
        for b in self._planted("exceptional_overuse"):
            s = self._largest_session(
                b, where=lambda s: s.standard.exceptional is not None and s.n >= 10
            )
            if s is None:
                continue
            exc = s.standard.exceptional
            assert exc is not None
            share = (exc.max_share or 0.1) + 0.25
            k = min(s.n, math.ceil(share * s.n))
            picks = s.start + rng.choice(s.n, size=k, replace=False)
            self.app_exceptional[s.start : s.stop] = False
            self.app_exceptional[picks] = True
            self._label(
                "exceptional_overuse",
                "session",
                [self._ref(s)],
                details={"exceptional": k, "n": s.n, "max_share": exc.max_share},
            )
        for b in self._planted("surge"):
            self.history_factor[b] = 1 / 3
            self._label("surge", "enterprise", [self._ref_body(b)])

    def _recusals(self) -> None:
        """Members of the applicant's department, or its supervisor, withdraw (clean data)."""
        rng = self.rng
        n, mm = self.n_apps, self.members_max
        self.recusal = np.zeros((n, mm), dtype=np.int8)
        self.slot_exists = np.zeros((len(self.sessions), mm), dtype=bool)
        dept_of = {d: i for i, d in enumerate(catalogue.APPLICANT_DEPARTMENTS)}
        for s in self.sessions:
            self.slot_exists[s.index, : len(s.members)] = True
            app_dept = self.app_dept[s.start : s.stop]
            for slot, m in enumerate(s.members):
                if m.department is None or m.department not in dept_of:
                    continue
                same = app_dept == dept_of[m.department]
                self.recusal[s.start : s.stop, slot][same] = _SAME_DEPT
            internal = [i for i, m in enumerate(s.members) if not m.external]
            has_sup = rng.random(s.n) < (0.05 if internal else 0.0)
            for j in np.flatnonzero(has_sup):
                slot = internal[int(rng.integers(len(internal)))]
                self.supervisor[s.start + int(j)] = slot
                self.recusal[s.start + int(j), slot] = _SUPERVISOR
            # A panel that loses its quorum to recusals would not have met: keep at least
            # two thirds of the seats for every application.
            size = len(s.members)
            block = self.recusal[s.start : s.stop, :size]
            too_many = (block > 0).sum(axis=1) > size - math.ceil(size * 2 / 3)
            if too_many.any():
                # Such an applicant works in a department no member comes from and reports to
                # nobody on the panel: no conflict, no recusal.
                taken = {m.department for m in s.members}
                free = [i for i, d in enumerate(catalogue.APPLICANT_DEPARTMENTS) if d not in taken]
                for j in np.flatnonzero(too_many):
                    app = s.start + int(j)
                    self.supervisor.pop(app, None)
                    self.app_dept[app] = free[app % len(free)]
                    block[j] = 0
        self.present = self.slot_exists[self.app_session] & (self.recusal == 0)

    # --- scores ------------------------------------------------------------------------------

    def _scores(self) -> None:
        cfg, rng = self.cfg, self.rng
        n, mm, c = self.n_apps, self.members_max, cfg.criteria
        sess = self.sessions
        pass_score = np.array([s.standard.pass_score for s in sess])[self.app_session]
        # The final score's spread is mostly the applicant's; centre it so that about the
        # session's pass rate clears the pass score (votes and rounding shave a little off).
        z = np.array([NormalDist().inv_cdf(s.pass_rate) for s in sess])[self.app_session]
        mu = pass_score + z * 9.0 + 1.0
        quality = mu + rng.normal(0, _SD_QUALITY, n)
        for b in self._planted("pass_rate"):
            mask = self.app_body == b
            quality[mask] += 16.0
            self._label("pass_rate", "enterprise", [self._ref_body(b)])
            self._label(
                "surge", "enterprise", [self._ref_body(b)], primary=False, variant="pass_rate"
            )
            self._label(
                "threshold_bunching",
                "enterprise",
                [self._ref_body(b)],
                primary=False,
                variant="pass_rate",
            )
            # Scores crowd the criteria maxima, where the members' sheets coincide.
            self._label(
                "identical_scores",
                "enterprise",
                [self._ref_body(b)],
                primary=False,
                variant="pass_rate",
            )
        rubber = np.array([s.rubber_stamp for s in sess])[self.app_session]
        quality[rubber] = np.maximum(
            quality[rubber], pass_score[rubber] + rng.uniform(3, 18, rubber.sum())
        )
        bias = np.zeros((len(sess), mm))
        central = np.zeros((len(sess), mm), dtype=bool)
        fast = np.zeros((len(sess), mm), dtype=bool)
        for s in sess:
            for slot, m in enumerate(s.members):
                bias[s.index, slot] = m.bias if m.bias else rng.normal(0, _SD_MEMBER)
                central[s.index, slot] = m.central
                fast[s.index, slot] = m.fast
            self._natural_bias(s, bias[s.index, : len(s.members)])
        profile = rng.normal(0, _SD_PROFILE, (n, 1, c))
        noise = rng.normal(0, _SD_NOISE, (n, mm, c))
        base = quality[:, None, None] + profile
        raw = base + bias[self.app_session][:, :, None] + noise
        cen = central[self.app_session]
        if cen.any():
            mean_s = np.array([quality[s.start : s.stop].mean() for s in sess])[self.app_session]
            shrunk = mean_s[:, None, None] + 0.2 * (base - mean_s[:, None, None]) + 0.4 * noise
            raw = np.where(cen[:, :, None], shrunk, raw)
        if rubber.any():
            # Every member lands on the same total; criterion by criterion they still differ
            # a little (the noise is made orthogonal to the weights).
            # A member's total is sum(weight * raw) before rounding: noise orthogonal to the
            # weights leaves it unchanged.
            v = np.array([[cr.weight for cr in s.standard.criteria] for s in sess])[
                self.app_session
            ][rubber][:, None, :]
            e = noise[rubber] * 0.6
            e = e - (e * v).sum(-1, keepdims=True) / (v * v).sum(-1, keepdims=True) * v
            raw[rubber] = base[rubber] + e
        self.maxima = np.array([[cr.maximum for cr in s.standard.criteria] for s in sess])
        self.weights = np.array([[cr.weight for cr in s.standard.criteria] for s in sess])
        maxima = self.maxima[self.app_session][:, None, :]
        scores = np.clip(np.round(raw / 100 * maxima * 2) / 2, 0, maxima)
        self._copy_identical(scores)
        self.scores = scores
        self._totals()
        self._bunching(pass_score)
        # Durations: minutes per application, a member's own pace, a few long reads.
        pace = rng.lognormal(0, 0.25, (len(sess), mm))[self.app_session]
        dur = rng.lognormal(math.log(420), 0.45, (n, mm)) * pace
        dur = np.where(fast[self.app_session], rng.uniform(12, 40, (n, mm)), dur)
        self.duration = np.round(dur).astype(np.int64)
        gap = rng.exponential(90, (n, mm)).astype(np.int64) + 5
        step = np.where(self.present, self.duration + gap, 0)
        cum = np.cumsum(step, axis=0)
        offsets = np.zeros(len(sess) + 1, dtype=np.int64)
        offsets[1:] = [s.stop for s in sess]
        before = np.vstack([np.zeros((1, mm), dtype=np.int64), cum])[offsets[:-1]]
        submitted = cum - before[self.app_session]
        opening = np.array(
            [
                int(
                    (
                        datetime(s.held_on.year, s.held_on.month, s.held_on.day, 9, tzinfo=_TZ)
                        - timedelta(days=3)
                        - _EPOCH
                    ).total_seconds()
                )
                for s in sess
            ]
        )
        stagger = rng.integers(0, 3600, (len(sess), mm))
        self.submitted_at = (
            opening[self.app_session][:, None] + stagger[self.app_session] + submitted
        )
        self.started_at = self.submitted_at - self.duration
        # Votes follow each member's own total, with a little judgement near the line.
        lean = self.totals + rng.normal(0, 2.5, (n, mm))
        votes = np.where(lean >= pass_score[:, None], _APPROVE, _REJECT).astype(np.int8)
        votes[rng.random((n, mm)) < 0.01] = _ABSTAIN
        votes[rubber] = _APPROVE
        self.votes = np.where(self.present, votes, _NONE).astype(np.int8)
        self.pass_score = pass_score
        self._decide()

    def _natural_bias(self, s: Session, bias: np.ndarray) -> None:
        """Members are a little lenient or harsh by nature (SD 2 points); the few whose lean
        against the rest of the panel reaches ``_NATURAL_LEAN`` really are lenient or harsh,
        though nothing was planted: a calibration flag on them is neither a hit nor a false
        alarm."""
        k = len(bias)
        if k < 2:
            return
        lean = bias - (bias.sum() - bias) / (k - 1)
        for slot in np.flatnonzero(np.abs(lean) >= _NATURAL_LEAN):
            m = s.members[int(slot)]
            if m.bias == 0 and not m.central:
                self._label(
                    "member_lenient" if lean[slot] > 0 else "member_harsh",
                    "member",
                    [self._ref(s, member=m)],
                    primary=False,
                    variant="natural",
                    details={"lean": round(float(lean[slot]), 2)},
                )

    def _copy_identical(self, scores: np.ndarray) -> None:
        for b in self._planted("identical_scores"):
            s = self._largest_session(b, where=lambda s: s.n >= 8 and len(_plain_internal(s)) >= 2)
            if s is None:
                continue
            block = self.present[s.start : s.stop]
            a, c = _plain_internal(s)[:2]
            both = block[:, a] & block[:, c]
            rows = s.start + np.flatnonzero(both)
            scores[rows, c] = scores[rows, a]
            self.vote_copy.append((rows, a, c))
            ma, mc = s.members[a], s.members[c]
            self._label(
                "identical_scores",
                "member",
                [self._ref(s, member=ma), self._ref(s, member=mc)],
                details={"applications": int(both.sum())},
            )

    def _totals(self, rows: np.ndarray | None = None) -> None:
        """Members' totals and final scores (of ``rows`` only, when given), computed as
        ``standards.scoring.member_totals`` does, with each row's own weights and maxima."""
        if rows is None:
            rows = np.arange(self.n_apps)
            self.totals = np.full((self.n_apps, self.members_max), np.nan)
            self.final = np.full(self.n_apps, np.nan)
        sess = self.app_session[rows]
        ratio = self.scores[rows] / self.maxima[sess][:, None, :]
        totals = 100.0 * np.einsum("amc,ac->am", ratio, self.weights[sess])
        totals = np.where(self.present[rows], totals, np.nan)
        self.totals[rows] = totals
        with np.errstate(invalid="ignore"):
            self.final[rows] = np.nanmean(totals, axis=1)

    def _bunching(self, pass_score: np.ndarray) -> None:
        """Lift applications just below the pass score to just above it, by raising every
        member's scores (what an enterprise that wants them through would do)."""
        rng = self.rng
        for b in self._planted("threshold_bunching"):
            mask = (
                (self.app_body == b)
                & (self.final < pass_score)
                & (self.final >= pass_score - _BUNCHING_BELOW)
            )
            rows = np.flatnonzero(mask)
            if rows.size < _BUNCHING_MIN_LIFTED:
                # Too few applications near the line to make a pattern: nothing is planted.
                continue
            target = pass_score[rows] + rng.uniform(0.2, 2.2, rows.size)
            for _ in range(6):
                lift = target - self.final[rows]
                if (lift <= 0).all():
                    break
                sess = self.app_session[rows]
                maxima = self.maxima[sess][:, None, :]
                step = np.maximum(lift, 0)[:, None, None] / 100 * maxima
                self.scores[rows] = np.clip(np.round((self.scores[rows] + step) * 2) / 2, 0, maxima)
                self._totals(rows)
            self._label(
                "threshold_bunching",
                "enterprise",
                [self._ref_body(b)],
                details={"lifted": int(rows.size)},
            )
            self._label(
                "pass_rate", "enterprise", [self._ref_body(b)], primary=False, variant="bunching"
            )

    def _decide(self) -> None:
        for rows, a, c in self.vote_copy:
            self.votes[rows, c] = self.votes[rows, a]
        rules = [s.standard.panel for s in self.sessions]
        quorum = np.array([r.quorum_share for r in rules])[self.app_session]
        threshold = np.array([r.vote_threshold for r in rules])[self.app_session]
        size = self.slot_exists.sum(axis=1)[self.app_session]
        eligible = size - (self.recusal > 0).sum(axis=1)
        present = (self.votes >= 0).sum(axis=1)
        approvals = (self.votes == _APPROVE).sum(axis=1)
        quorum_met = (present >= np.ceil(quorum * eligible - 1e-9)) & (present > 0)
        threshold_met = (present > 0) & (approvals >= np.ceil(threshold * present - 1e-9))
        score_met = self.final >= self.pass_score - 1e-9
        self.approved = quorum_met & threshold_met & score_met

    # --- outcome plants ----------------------------------------------------------------------

    def _outcome_plants(self) -> None:
        rng = self.rng
        for b in self._planted("approved_ineligible"):
            rows = np.flatnonzero((self.app_body == b) & self.approved & ~self.app_exceptional)
            for app in rng.permutation(rows)[:2]:
                self.taken.add(int(app))
                s = self.sessions[self.app_session[app]]
                assert s.recipe is not None
                ways = s.recipe.breakable()
                if not ways:
                    continue
                how = ways[int(rng.integers(len(ways)))]
                facts = s.recipe.break_facts(self._facts(int(app)), how)
                if is_eligible(facts, s.standard):
                    raise AssertionError(f"break {how!r} left the applicant eligible")
                self.facts_override[int(app)] = facts
                self.app_education[app] = facts["education"]
                self._label(
                    "approved_ineligible", "application", [self._ref(s, app=int(app))], variant=how
                )
        for b in self._planted("decision_inconsistent"):
            variants = ("approved_below_pass", "approved_without_votes", "rejected_despite_all")
            for i, variant in enumerate(rng.permutation(variants)[:2]):
                app = self._inconsistent(b, str(variant))
                if app is None:
                    continue
                s = self.sessions[self.app_session[app]]
                self._label(
                    "decision_inconsistent",
                    "application",
                    [self._ref(s, app=app)],
                    variant=str(variant),
                )
                del i
        for b in self._planted("final_score_mismatch"):
            near = np.flatnonzero(
                (self.app_body == b)
                & ~self.approved
                & (self.final < self.pass_score)
                & (self.final >= self.pass_score - 10)
            )
            picks = [int(r) for r in near if int(r) not in self.taken]
            if not picks:
                continue
            app = picks[int(rng.integers(len(picks)))]
            self.taken.add(app)
            # The reported score is lifted over the line and the ballots agree with it; only
            # the members' own scores give it away.
            self.final_override[app] = float(self.pass_score[app] + rng.uniform(0.5, 3.0))
            votes = self.votes[app].copy()
            votes[votes >= 0] = _APPROVE
            self.vote_override[app] = votes
            self.approved_override[app] = True
            s = self.sessions[self.app_session[app]]
            ref = [self._ref(s, app=app)]
            self._label("final_score_mismatch", "application", ref)
            self._label(
                "decision_inconsistent",
                "application",
                ref,
                primary=False,
                variant="final_score_mismatch",
            )
        for b in self._planted("missing_recusal"):
            s = self._largest_session(b)
            assert s is not None
            internal = [i for i, m in enumerate(s.members) if not m.external]
            # Same department alone is no conflict in enterprise self-review (issue 8): the
            # evident conflicts are the supervisor and the member's own application.
            kinds = ["supervisor", "own_application"]
            rng.shuffle(kinds)
            for variant in kinds:
                picks = [
                    r
                    for r in range(s.start, s.stop)
                    if r not in self.taken
                    and r not in self.supervisor
                    and self.present[r, internal].all()
                ]
                if not picks:
                    continue
                app = int(picks[int(rng.integers(len(picks)))])
                self.taken.add(app)
                slot = internal[int(rng.integers(len(internal)))]
                m = s.members[slot]
                if variant == "supervisor":
                    self.supervisor[app] = slot
                else:
                    self.person_override[app] = m.person
                self._label(
                    "missing_recusal",
                    "application",
                    [self._ref(s, app=app, member=m)],
                    variant=variant,
                )
        taken = self.taken
        for b in self._planted("duplicate_person"):
            self._duplicate_person(b, taken)
        for b in self._planted("not_insured"):
            rows = np.flatnonzero((self.app_body == b) & self.approved)
            for app in rng.permutation(rows)[:2]:
                app = int(app)
                if app in self.person_override or app in taken:
                    continue
                taken.add(app)
                self.employer_override[app] = self.other_employers[
                    int(rng.integers(len(self.other_employers)))
                ]
                s = self.sessions[self.app_session[app]]
                self._label(
                    "not_insured", "application", [self._ref(s, app=app)], variant="other_employer"
                )
        for b in self._planted("education_mismatch"):
            higher = {
                Education.junior_college.value,
                Education.bachelor.value,
                Education.master.value,
                Education.doctorate.value,
            }
            picks = [
                int(r)
                for r in np.flatnonzero((self.app_body == b) & self.approved)
                if self.app_education[r] in higher
                and int(r) not in taken
                and int(r) not in self.person_override
            ]
            for i, app in enumerate(rng.permutation(picks)[:2]):
                app = int(app)
                taken.add(app)
                variant = "lower" if i == 0 else "missing"
                if variant == "lower":
                    order = list(Education)
                    claimed = order.index(Education(self.app_education[app]))
                    self.education_override[app] = order[claimed - 1].value
                else:
                    self.education_override[app] = None
                s = self.sessions[self.app_session[app]]
                self._label(
                    "education_mismatch", "application", [self._ref(s, app=app)], variant=variant
                )

    def _duplicate_person(self, b: int, taken: set[int]) -> None:
        """The same person approved twice for one level: within the body's session, or once
        here and once in another body (which also makes it several enterprises at once)."""
        rng = self.rng

        def free(rows: np.ndarray) -> list[int]:
            return [
                int(r) for r in rows if int(r) not in taken and int(r) not in self.person_override
            ]

        rows = free(np.flatnonzero((self.app_body == b) & self.approved))
        if len(rows) < 2:
            return
        first = rows[int(rng.integers(len(rows)))]
        s1 = self.sessions[self.app_session[first]]
        same_level = np.array([(s.track, s.level) == (s1.track, s1.level) for s in self.sessions])[
            self.app_session
        ]
        others = [o for o in self.plants if o != b]
        cand: list[int] = []
        if others and rng.random() < 0.5:
            partners = rng.permutation(others)
            for partner in partners:
                cand = free(np.flatnonzero((self.app_body == partner) & self.approved & same_level))
                if cand:
                    break
        variant = "two_enterprises" if cand else "approved_twice"
        if not cand:
            cand = [
                r
                for r in free(np.flatnonzero(self.approved & same_level & (self.app_body == b)))
                if r != first
            ]
        if not cand:
            return
        second = cand[int(rng.integers(len(cand)))]
        self.person_override[second] = int(self.app_person[first])
        # The same person brings the same education on both applications.
        self.app_education[second] = self.app_education[first]
        taken.update((first, second))
        s2 = self.sessions[self.app_session[second]]
        refs = [self._ref(s1, app=first), self._ref(s2, app=second)]
        self._label("duplicate_person", "application", refs, variant=variant)
        if variant == "two_enterprises":
            # The person is insured where they first applied, not at the second enterprise.
            self._label(
                "not_insured", "application", refs[1:], primary=False, variant="duplicate_person"
            )
            self._label(
                "duplicate_person",
                "application",
                refs,
                variant=variant,
                signal=MULTIPLE_ENTERPRISES,
            )

    def _inconsistent(self, b: int, variant: str) -> int | None:
        rng = self.rng
        body = self.app_body == b
        free = np.ones(self.n_apps, dtype=bool)
        free[list(self.taken)] = False
        if variant == "approved_below_pass":
            rows = np.flatnonzero(body & free & ~self.approved & (self.final < self.pass_score - 1))
            if rows.size == 0:
                return None
            app = int(rng.choice(rows))
            self.approved_override[app] = True
        elif variant == "approved_without_votes":
            rows = np.flatnonzero(body & free & self.approved & (self.final >= self.pass_score))
            if rows.size == 0:
                return None
            app = int(rng.choice(rows))
            votes = self.votes[app].copy()
            present = np.flatnonzero(votes >= 0)
            keep = max(0, math.floor(len(present) / 2) - 1)
            votes[present] = _REJECT
            votes[present[:keep]] = _APPROVE
            self.vote_override[app] = votes
            self.approved_override[app] = True
        else:
            rows = np.flatnonzero(body & free & self.approved)
            if rows.size == 0:
                return None
            app = int(rng.choice(rows))
            self.approved_override[app] = False
        self.taken.add(app)
        return app

    # --- registries and history --------------------------------------------------------------

    def _registries(self) -> None:
        rng, cfg = self.rng, self.cfg
        n = self.n_apps
        codes = list(self.body_code)
        ids = resident_ids(rng, self.person_count)
        self.resident_ids = ids
        self.person_keys, self.id_masks = pseudonymise(ids, cfg.key)
        years_back = 1.5 + 12 * self.u[:, 1]
        employment: list[dict[str, Any]] = []
        education: list[dict[str, Any]] = []
        seen_people: set[int] = set()
        switched = rng.random(n) < 0.2
        # A person's own application first: a duplicate elsewhere is not where they work.
        for app in sorted(range(n), key=lambda a: a in self.person_override):
            person = self.person_override.get(app, int(self.app_person[app]))
            if person in seen_people:
                continue
            seen_people.add(person)
            s = self.sessions[self.app_session[app]]
            key = self.person_keys[person]
            start = s.held_on - timedelta(days=int(years_back[app] * 365.25))
            if self.body_kind[s.body] == "enterprise":
                employer = self.employer_override.get(app, codes[s.body])
            else:
                # Committees and review centres assess staff of other organisations.
                employer = self.other_employers[app % len(self.other_employers)]
            if switched[app]:
                prev_end = start - timedelta(days=int(30 + 300 * self.u[app, 2]))
                employment.append(
                    {
                        "person_key": key,
                        "employer_credit_code": self.other_employers[
                            (app * 7) % len(self.other_employers)
                        ],
                        "start": (prev_end - timedelta(days=900)).isoformat(),
                        "end": prev_end.isoformat(),
                    }
                )
            employment.append(
                {
                    "person_key": key,
                    "employer_credit_code": employer,
                    "start": start.isoformat(),
                    "end": None,
                }
            )
            claimed = self.education_override.get(app, str(self.app_education[app]))
            if claimed is not None:
                inst = catalogue.INSTITUTIONS[app % len(catalogue.INSTITUTIONS)]
                graduated = s.held_on.year - 3 - int(14 * self.u[app, 1])
                education.append(
                    {
                        "person_key": key,
                        "education": claimed,
                        "institution": inst,
                        "year": graduated,
                    }
                )
        self.employment = employment
        self.education = education
        # Earlier periods: volumes and approvals around the current ones (a third for a surge).
        history: list[dict[str, Any]] = []
        year = int(cfg.period[:4])
        for b in range(cfg.bodies):
            rows = self.app_body == b
            n_b = int(rows.sum())
            rate = float(self.approved[rows].mean()) if n_b else 0.0
            if b in self._planted("pass_rate") or b in self._planted("rubber_stamp"):
                rate = float(np.clip(rate - 0.25, 0.3, 0.9))
            factor = self.history_factor.get(b, 1.0)
            for k in range(cfg.history_periods, 0, -1):
                volume = int(rng.poisson(max(1.0, n_b * factor * rng.uniform(0.85, 1.1))))
                passed = int(rng.binomial(volume, min(0.95, max(0.05, rate))))
                history.append(
                    {
                        "credit_code": codes[b],
                        "period": str(year - k),
                        "applications": volume,
                        "approved": passed,
                    }
                )
        self.history = history

    # --- labels ------------------------------------------------------------------------------

    def _ref_body(self, b: int) -> Ref:
        return Ref(self.body_code[b])

    def _ref(self, s: Session, *, app: int | None = None, member: Member | None = None) -> Ref:
        return Ref(
            self.body_code[s.body],
            s.ref,
            self._app_ref(s, app) if app is not None else None,
            member.member_id if member is not None else None,
        )

    @staticmethod
    def _app_ref(s: Session, app: int) -> str:
        return f"{s.ref}-{app - s.start + 1:04d}"

    def _label(
        self,
        kind: str,
        scope: str,
        refs: list[Ref],
        *,
        variant: str = "",
        primary: bool = True,
        details: dict[str, Any] | None = None,
        signal: str | None = None,
    ) -> None:
        self.labels.append(
            PlantLabel(
                signal=signal or PLANTS[kind],
                scope=scope,
                refs=refs,
                variant=variant,
                primary=primary,
                details=details or {},
            )
        )

    # --- emission ----------------------------------------------------------------------------

    def _facts(self, app: int) -> dict[str, Any]:
        if app in self.facts_override:
            return self.facts_override[app]
        s = self.sessions[self.app_session[app]]
        assert s.recipe is not None
        award = None
        if self.app_exceptional[app]:
            award = catalogue.AWARDS[app % len(catalogue.AWARDS)]
        return s.recipe.render(
            str(self.app_education[app]),
            float(self.u[app, 1]),
            float(self.u[app, 2]),
            exceptional=bool(self.app_exceptional[app]),
            award=award,
            frontline=bool(self.u[app, 2] < 0.6) or s.track is Track.skill,
        )

    def emit(self, *, intake: bool = False) -> Iterator[dict[str, Any]]:
        for s in self.sessions:
            with gc_paused():
                document = self._document(s, intake=intake)
            yield document

    def _document(self, s: Session, *, intake: bool) -> dict[str, Any]:
        cfg = self.cfg
        codes = [c.code for c in s.standard.criteria]
        if not s.standard_doc:
            s.standard_doc = s.standard.model_dump(mode="json")
        b = s.body
        panel = []
        for m in s.members:
            doc = {
                "member_id": m.member_id,
                "track": m.track.value,
                "level": m.level,
                "external": m.external,
                "organisation_credit_code": m.organisation,
                "department": m.department,
                "supervisor_member_id": None,
                "role": m.role,
            }
            if intake:
                doc["resident_id"] = self.resident_ids[m.person]
            else:
                doc["person_key"] = self.person_keys[m.person]
            panel.append(doc)
        ids = [m.member_id for m in s.members]
        sl = slice(s.start, s.stop)
        size = len(s.members)
        scores = self.scores[sl, :size].tolist()
        present = self.present[sl, :size].tolist()
        votes = self.votes[sl, :size].tolist()
        recusal = self.recusal[sl, :size].tolist()
        started = _iso(self.started_at[sl, :size])
        submitted = _iso(self.submitted_at[sl, :size])
        final = self.final[sl].tolist()
        approved = self.approved[sl].tolist()
        applications = []
        for j in range(s.n):
            app = s.start + j
            person = self.person_override.get(app, int(self.app_person[app]))
            row_votes = self.vote_override.get(app)
            vrow = row_votes[:size].tolist() if row_votes is not None else votes[j]
            sup = self.supervisor.get(app)
            p = present[j]
            applicant: dict[str, Any] = {"name": _name(int(self.app_name[app]))}
            if intake:
                applicant["resident_id"] = self.resident_ids[person]
            else:
                applicant["person_key"] = self.person_keys[person]
                applicant["id_mask"] = self.id_masks[person]
            exceptional = bool(self.app_exceptional[app])
            applications.append(
                {
                    "application_ref": f"{s.ref}-{j + 1:04d}",
                    "applicant": applicant,
                    "facts": self._facts(app),
                    "department": self.department_override.get(
                        app, catalogue.APPLICANT_DEPARTMENTS[int(self.app_dept[app])]
                    ),
                    "supervisor_member_id": ids[sup] if sup is not None else None,
                    "exceptional": exceptional,
                    "exceptional_justification": "获省级以上技能竞赛奖项，业绩突出，申请破格"
                    if exceptional
                    else None,
                    "scores": [
                        {
                            "member_id": ids[k],
                            "values": dict(zip(codes, scores[j][k], strict=True)),
                            "started_at": started[j][k],
                            "submitted_at": submitted[j][k],
                        }
                        for k in range(size)
                        if p[k]
                    ],
                    "votes": [
                        {"member_id": ids[k], "vote": _VOTE_NAMES[vrow[k]]}
                        for k in range(size)
                        if vrow[k] >= 0
                    ],
                    "recusals": [
                        {
                            "member_id": ids[k],
                            "kind": _RECUSAL_KINDS[recusal[j][k]],
                            "reason": _RECUSAL_REASONS[recusal[j][k]],
                        }
                        for k in range(size)
                        if recusal[j][k]
                    ],
                    "approved": self.approved_override.get(app, approved[j]),
                    "final_score": self.final_override.get(
                        app, None if math.isnan(final[j]) else final[j]
                    ),
                }
            )
        return {
            "schema_version": "1.0",
            "filing_id": s.filing_id,
            "supersedes": None,
            "filed_at": (
                datetime(s.held_on.year, s.held_on.month, s.held_on.day, 10, tzinfo=_TZ)
                + timedelta(days=14)
            ).isoformat(),
            "review_body": {
                "kind": self.body_kind[b],
                "credit_code": self.body_code[b],
                "name": self.body_name[b],
                "industry_cluster": catalogue.CLUSTERS[self.body_cluster[b]].name,
            },
            "session": {
                "session_ref": s.ref,
                "track": s.track.value,
                "series": s.series,
                "level": s.level,
                "period": cfg.period,
                "held_on": s.held_on.isoformat(),
                "standard_version": s.standard.version or f"{cfg.period}.1",
                "standard": s.standard_doc,
            },
            "panel": panel,
            "applications": applications,
        }


def _small_panel_possible(s: Session) -> bool:
    """A panel two short of the minimum still has a chair, a member and an external."""
    return s.standard.panel.min_size >= 5


def _plain_internal(s: Session) -> list[int]:
    """Slots of internal members nothing has been planted on."""
    return [
        i
        for i, m in enumerate(s.members)
        if not m.external and m.bias == 0 and not m.central and not m.fast
    ]


def _iso(epoch: np.ndarray) -> list[list[str]]:
    """Epoch seconds as ISO 8601 in Beijing time, vectorised."""
    local = (epoch + 8 * 3600).astype("datetime64[s]")
    text = np.char.add(np.datetime_as_string(local, unit="s"), "+08:00")
    return text.tolist()


def _name(u: int) -> str:
    s = catalogue.SURNAMES[u % len(catalogue.SURNAMES)]
    g = catalogue.GIVEN[(u >> 8) % len(catalogue.GIVEN)]
    return f"{s}*{g}"


def _place(b: int) -> str:
    return ("崇川", "通州", "海门", "如东", "启东", "如皋", "海安", "港闸")[b % 8]
