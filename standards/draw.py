"""Drawing a review panel at random from an expert pool (随机抽取评委), verifiably.

The draw is a pure function of a seed and the candidate list: each eligible candidate is
ranked by HMAC-SHA256(seed, expert id) and the panel is taken from the front of that order,
externals first until the external share is met. Publishing the seed's hash before the draw
(the commitment) and the seed, candidate digest and result after it lets anyone re-run the
draw and get the same panel, and shows when the candidate list was changed afterwards.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from standards.document import PanelRules
from standards.levels import Track, comparable_title_rank, level_name
from standards.problems import Problem

ALGORITHM = "hmac-sha256-rank/v1"


class DrawCandidate(BaseModel):
    """An expert of the pool as the draw sees them."""

    model_config = ConfigDict(frozen=True)

    expert_id: str
    track: Track
    level: str
    external: bool
    specialty: str = ""
    organisation_code: str | None = None
    person_key: str | None = None
    status: str = "active"
    term_end: date | None = None
    birth_date: date | None = None
    # Periods (first day, last day) in which the expert can sit; none declared: any day.
    available: tuple[tuple[date, date], ...] = ()


class DrawRequest(BaseModel):
    """What the panel must be: the standard's panel rules and the exclusions the data shows."""

    model_config = ConfigDict(frozen=True)

    track: Track
    level: str
    rules: PanelRules
    size: int = Field(ge=1, le=99)
    reserves: int = Field(default=2, ge=0, le=20)
    specialty: str | None = None
    # The applicants' enterprise: its own staff never sit as external members.
    enterprise_code: str | None = None
    # person_key -> why (the applicants' supervisors and relatives, barred experts).
    excluded_persons: Mapping[str, str] = Field(default_factory=dict)
    # Experts who sat with this enterprise in each of its last N sessions.
    recent_expert_ids: frozenset[str] = frozenset()
    on: date
    # The day the panel sits (the session's review day), when it is set; else ``on``.
    sitting_on: date | None = None
    max_age: int | None = Field(default=None, ge=18, le=100)


class Exclusion(BaseModel):
    model_config = ConfigDict(frozen=True)

    expert_id: str
    code: str
    message_zh: str
    message_en: str


class DrawResult(BaseModel):
    """The panel drawn, the reserves in the order they are called, and who was left out why."""

    algorithm: str = ALGORITHM
    candidate_digest: str
    members: list[str]
    reserves: list[str]
    excluded: list[Exclusion]
    eligible: int
    problems: list[Problem] = Field(default_factory=list)


def commitment(seed: str) -> str:
    """The published hash of a seed fixed before the draw."""
    return hashlib.sha256(seed.encode()).hexdigest()


def rank_key(seed: str, expert_id: str) -> str:
    return hmac.new(seed.encode(), expert_id.encode(), hashlib.sha256).hexdigest()


# Candidate fields added after draws were first recorded: they enter the digest only when
# set, so that a draw recorded before them still verifies.
_LATER_FIELDS = ("available",)


def candidate_digest(candidates: Iterable[DrawCandidate]) -> str:
    """A digest of the candidate list independent of its order, recorded with the draw."""
    rows = sorted(
        json.dumps(
            c.model_dump(mode="json", exclude={f for f in _LATER_FIELDS if not getattr(c, f)}),
            sort_keys=True,
        )
        for c in candidates
    )
    return hashlib.sha256("\n".join(rows).encode()).hexdigest()


def _age(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def exclusion(candidate: DrawCandidate, request: DrawRequest) -> Exclusion | None:
    """Why ``candidate`` may not sit on this panel, or None."""
    c = candidate

    def out(code: str, zh: str, en: str) -> Exclusion:
        return Exclusion(expert_id=c.expert_id, code=code, message_zh=zh, message_en=en)

    if c.status != "active":
        return out("draw.not_active", f"专家状态为{c.status}", f"expert is {c.status}")
    if c.term_end is not None and c.term_end < request.on:
        return out(
            "draw.term_ended",
            f"专家聘期已于{c.term_end.isoformat()}届满",
            f"term ended on {c.term_end.isoformat()}",
        )
    day = request.sitting_on or request.on
    if c.available and not any(first <= day <= last for first, last in c.available):
        windows = "、".join(f"{a.isoformat()}至{b.isoformat()}" for a, b in c.available)
        windows_en = ", ".join(f"{a.isoformat()} to {b.isoformat()}" for a, b in c.available)
        return out(
            "draw.unavailable",
            f"专家申明可参加评审的时段（{windows}）不含评审日{day.isoformat()}",
            f"not available on the review day {day.isoformat()} (declared: {windows_en})",
        )
    if request.max_age is not None and c.birth_date is not None:
        age = _age(c.birth_date, request.on)
        if age > request.max_age:
            return out(
                "draw.over_age",
                f"年龄{age}岁，超过{request.max_age}岁上限",
                f"aged {age}, above the limit of {request.max_age}",
            )
    floor = comparable_title_rank(request.track, request.level) + request.rules.member_level_offset
    if comparable_title_rank(c.track, c.level) < floor:
        return out(
            "draw.below_level",
            f"本人等级{level_name(c.track, c.level)}低于所评等级",
            f"own level {level_name(c.track, c.level, 'en')} is below the level reviewed",
        )
    if request.specialty and c.specialty != request.specialty:
        return out(
            "draw.specialty",
            f"专业“{c.specialty}”与所评专业“{request.specialty}”不符",
            f"specialty '{c.specialty}' does not match '{request.specialty}'",
        )
    if c.external and request.enterprise_code and c.organisation_code == request.enterprise_code:
        return out(
            "draw.own_enterprise",
            "外单位评委不得来自申报人所在企业",
            "an external member may not come from the applicants' enterprise",
        )
    if c.person_key is not None and c.person_key in request.excluded_persons:
        why = request.excluded_persons[c.person_key]
        return out("draw.related", f"与申报人存在回避关系：{why}", f"must withdraw: {why}")
    if c.expert_id in request.recent_expert_ids:
        return out(
            "draw.recent",
            "连续参加本企业近期各批次评审",
            "sat with this enterprise in each of its recent sessions",
        )
    return None


def draw_panel(seed: str, candidates: Sequence[DrawCandidate], request: DrawRequest) -> DrawResult:
    """Draw ``request.size`` members and ``request.reserves`` reserves from ``candidates``.

    Deterministic in (seed, candidates, request): the same inputs give the same panel."""
    excluded: list[Exclusion] = []
    eligible: list[DrawCandidate] = []
    for c in candidates:
        why = exclusion(c, request)
        if why is None:
            eligible.append(c)
        else:
            excluded.append(why)
    order = sorted(eligible, key=lambda c: rank_key(seed, c.expert_id))
    needed_external = math.ceil(request.rules.min_external_share * request.size - 1e-9)
    members: list[str] = [c.expert_id for c in order if c.external][:needed_external]
    chosen = set(members)
    for c in order:
        if len(members) >= request.size:
            break
        if c.expert_id not in chosen:
            members.append(c.expert_id)
            chosen.add(c.expert_id)
    reserves = [c.expert_id for c in order if c.expert_id not in chosen][: request.reserves]
    problems: list[Problem] = []
    externals = sum(1 for c in order if c.expert_id in chosen and c.external)
    if len(members) < request.size:
        problems.append(
            Problem(
                "size",
                "draw.too_few_candidates",
                f"符合条件的专家仅{len(eligible)}人，不足以抽取{request.size}人",
                f"only {len(eligible)} eligible experts, fewer than the {request.size} asked for",
            )
        )
    elif externals < needed_external:
        problems.append(
            Problem(
                "size",
                "draw.too_few_external",
                f"符合条件的外单位专家仅{externals}人，少于要求的{needed_external}人",
                f"only {externals} eligible external experts, fewer than {needed_external}",
            )
        )
    return DrawResult(
        candidate_digest=candidate_digest(candidates),
        members=members,
        reserves=reserves,
        excluded=sorted(excluded, key=lambda e: e.expert_id),
        eligible=len(eligible),
        problems=problems,
    )


def replacement(
    declined: str,
    members: Sequence[str],
    reserves: Sequence[str],
    candidates: Mapping[str, DrawCandidate],
    rules: PanelRules,
) -> str | None:
    """The reserve who takes a declining member's seat: the first in order that keeps the
    external share; the first reserve when none does; None when no reserve is left."""
    if not reserves:
        return None
    staying = [m for m in members if m != declined]
    size = len(staying) + 1
    needed = math.ceil(rules.min_external_share * size - 1e-9)
    have = sum(1 for m in staying if candidates[m].external)
    for r in reserves:
        if have + (1 if candidates[r].external else 0) >= needed:
            return r
    return reserves[0]
