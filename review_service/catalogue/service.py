"""The catalogue's groups: codes from the enums and data that define them, names from the
libraries where they keep them and from ``labels.py`` otherwise."""

from __future__ import annotations

from enum import StrEnum

from sqlmodel import Session

from audit.flags import SIGNALS
from review_service.accounts.schemas import ExpertStatus
from review_service.auth.principal import Role
from review_service.catalogue import labels as L
from review_service.catalogue.schemas import Label
from review_service.enterprises.schemas import (
    INDUSTRY_CLUSTERS,
    AuthorizationStatus,
    ReviewBodyKind,
)
from review_service.experts.schemas import PoolKind, RelationKind, RelationSource
from review_service.reviews.schemas import (
    ApplicationStatus,
    ConflictKind,
    ConflictSource,
    ConflictStatus,
    MemberRole,
    ObjectionStatus,
    SessionStatus,
    VoteChoice,
)
from review_service.standard_versions.schemas import StandardKind, VersionStatus
from review_service.standard_versions.service import current_equivalence
from review_service.supervision.schemas import CaseStatus, MeasureKind, RunScope, RunStatus
from standards.catalogue import load_catalogue
from standards.defaults import load_baselines, load_examples
from standards.equivalence import EquivalenceRule
from standards.levels import EDUCATION_NAMES, TRACK_NAMES, Education, Track, level_name, levels


class MissingLabel(LookupError):
    """A code of an enum has no name in ``labels.py``."""


def _named(codes: list[str], names: L.Names, group: str) -> list[Label]:
    missing = [c for c in codes if c not in names]
    if missing:
        raise MissingLabel(f"{group}: no label for {', '.join(missing)}")
    return [Label(code=c, zh=names[c][0], en=names[c][1]) for c in codes]


def _enum(enum: type[StrEnum], names: L.Names, group: str) -> list[Label]:
    return _named([m.value for m in enum], names, group)


def _all(names: L.Names) -> list[Label]:
    return [Label(code=c, zh=zh, en=en) for c, (zh, en) in names.items()]


def _rule_label(rule: EquivalenceRule) -> Label:
    """A rule by what it does (高级工 → 助理工程师), with its note when it has one."""
    series = rule.series_any_of[0] if rule.series_any_of else None
    names = [
        (
            level_name(rule.from_track, rule.from_level, lang, series=series),
            level_name(rule.to_track, rule.to_level, lang, series=series),
        )
        for lang in ("zh", "en")
    ]
    if rule.up_to_level and rule.up_to_level != rule.from_level:
        top = [
            level_name(rule.from_track, rule.up_to_level, lang, series=series)
            for lang in ("zh", "en")
        ]
        names = [(f"{names[0][0]}–{top[0]}", names[0][1]), (f"{names[1][0]}–{top[1]}", names[1][1])]
    zh = f"{names[0][0]} → {names[0][1]}"
    en = f"{names[1][0]} → {names[1][1]}"
    if rule.scope != "national":
        zh += f"（{L.EQUIVALENCE_SCOPES[rule.scope][0]}）"
        en += f" ({L.EQUIVALENCE_SCOPES[rule.scope][1].lower()})"
    return Label(code=rule.code, zh=zh, en=en)


def _criteria() -> list[Label]:
    """Criteria of the shipped baselines and examples (an enterprise's own criteria are named in
    its standard document)."""
    seen: dict[str, Label] = {}
    for standard in [*load_baselines(), *load_examples()]:
        for c in standard.criteria:
            seen.setdefault(c.code, Label(code=c.code, zh=c.name, en=c.name_en))
    return list(seen.values())


def catalogue(session: Session) -> dict[str, list[Label]]:
    series = load_catalogue()
    _, table = current_equivalence(session)
    return {
        "tracks": [Label(code=t.value, zh=z, en=e) for t, (z, e) in TRACK_NAMES.items()],
        "title_levels": [
            Label(code=lv, zh=level_name(Track.title, lv), en=level_name(Track.title, lv, "en"))
            for lv in levels(Track.title)
        ],
        "skill_levels": [
            Label(code=lv, zh=level_name(Track.skill, lv), en=level_name(Track.skill, lv, "en"))
            for lv in levels(Track.skill)
        ],
        "education": [
            Label(code=e.value, zh=EDUCATION_NAMES[e][0], en=EDUCATION_NAMES[e][1])
            for e in Education
        ],
        "title_series": [
            Label(code=e.code, zh=e.name, en=e.name_en) for e in series.entries(Track.title)
        ],
        "skill_trades": [
            Label(code=e.code, zh=e.name, en=e.name_en) for e in series.entries(Track.skill)
        ],
        "clusters": [Label(code=c, zh=z, en=e) for c, (z, e) in INDUSTRY_CLUSTERS.items()],
        "roles": _enum(Role, L.ROLES, "roles"),
        "body_kinds": _enum(ReviewBodyKind, L.BODY_KINDS, "body_kinds"),
        "authorization_statuses": _enum(
            AuthorizationStatus, L.AUTHORIZATION_STATUSES, "authorization_statuses"
        ),
        "version_statuses": _enum(VersionStatus, L.VERSION_STATUSES, "version_statuses"),
        "standard_kinds": _enum(StandardKind, L.STANDARD_KINDS, "standard_kinds"),
        "run_statuses": _enum(RunStatus, L.RUN_STATUSES, "run_statuses"),
        "run_scopes": _enum(RunScope, L.RUN_SCOPES, "run_scopes"),
        "run_stages": _all(L.RUN_STAGES),
        "signals": [Label(code=s.code, zh=s.name, en=s.name_en) for s in SIGNALS.values()],
        "severities": _all(L.SEVERITIES),
        "bands": _all(L.BANDS),
        "flag_kinds": _all(L.FLAG_KINDS),
        "flag_scopes": _all(L.FLAG_SCOPES),
        "detector_features": _all(L.DETECTOR_FEATURES),
        "case_statuses": _enum(CaseStatus, L.CASE_STATUSES, "case_statuses"),
        "measure_kinds": _enum(MeasureKind, L.MEASURE_KINDS, "measure_kinds"),
        "measure_statuses": _all(L.MEASURE_STATUSES),
        "grades": _all(L.GRADES),
        "session_statuses": _enum(SessionStatus, L.SESSION_STATUSES, "session_statuses"),
        "application_statuses": _enum(
            ApplicationStatus, L.APPLICATION_STATUSES, "application_statuses"
        ),
        "conflict_kinds": _enum(ConflictKind, L.CONFLICT_KINDS, "conflict_kinds"),
        "conflict_statuses": _enum(ConflictStatus, L.CONFLICT_STATUSES, "conflict_statuses"),
        "conflict_sources": _enum(ConflictSource, L.CONFLICT_SOURCES, "conflict_sources"),
        "relation_kinds": _enum(RelationKind, L.RELATION_KINDS, "relation_kinds"),
        "relation_sources": _enum(RelationSource, L.RELATION_SOURCES, "relation_sources"),
        "expert_statuses": _enum(ExpertStatus, L.EXPERT_STATUSES, "expert_statuses"),
        "pool_kinds": _enum(PoolKind, L.POOL_KINDS, "pool_kinds"),
        "objection_statuses": _enum(ObjectionStatus, L.OBJECTION_STATUSES, "objection_statuses"),
        "vote_choices": _enum(VoteChoice, L.VOTE_CHOICES, "vote_choices"),
        "member_roles": _enum(MemberRole, L.MEMBER_ROLES, "member_roles"),
        "filing_sources": _all(L.FILING_SOURCES),
        "requirement_kinds": _all(L.REQUIREMENT_KINDS),
        "equivalence_scopes": _all(L.EQUIVALENCE_SCOPES),
        "equivalence_rules": [_rule_label(r) for r in table.rules],
        "criteria": _criteria(),
        "event_subjects": _all(L.EVENT_SUBJECTS),
        "event_verbs": _all(L.EVENT_VERBS),
        "event_object_types": _all(L.EVENT_OBJECT_TYPES),
    }
