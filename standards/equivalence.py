"""Title–skill equivalence (技术技能双向贯通) as data: rules from a skill level to a title level and
back, with their conditions; a national default table that an industry cluster or an enterprise
may override; and the question "holding this, what may I apply for, and what is missing?"."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from standards.document import problems_from_validation
from standards.facts import ApplicantFacts, Qualification
from standards.identifiers import credit_code_problem
from standards.levels import Track, is_level, level_name, level_rank
from standards.problems import InvalidValue, StandardInvalid
from standards.requirements import (
    Appraisals,
    ContinuingEducation,
    FrontlinePost,
    RequirementResult,
)

Direction = Literal["skill_to_title", "title_to_skill"]
Scope = Literal["national", "cluster", "enterprise"]

_SCOPE_PRECEDENCE: dict[str, int] = {"national": 0, "cluster": 1, "enterprise": 2}
_DIRECTION_TRACKS: dict[str, tuple[Track, Track]] = {
    "skill_to_title": (Track.skill, Track.title),
    "title_to_skill": (Track.title, Track.skill),
}
_SCOPE_ZH = {"national": "全国默认", "cluster": "产业集群", "enterprise": "企业"}
_SCOPE_EN = {
    "national": "national default",
    "cluster": "industry cluster",
    "enterprise": "enterprise",
}
_EPS = 1e-9


class EquivalenceInvalid(StandardInvalid):
    """An equivalence table was refused; ``problems`` lists every reason."""


class EquivalenceRule(BaseModel):
    """One correspondence, e.g. 技师 held 3 years in a frontline post, appraisals passed for 3
    years and continuing education done → may apply for 工程师.

    ``series_any_of`` limits the title side (series) and ``trades_any_of`` the skill side
    (trades); None means any. For title → skill with ``trades_any_of`` None, the target is a
    trade matching the holder's specialty."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str = Field(min_length=1)
    direction: Direction
    from_track: Track
    from_level: str
    up_to_level: str | None = Field(
        default=None,
        description="the highest held level the rule covers (初级 = technician up to assistant); "
        "None: from_level and every level above it",
    )
    to_track: Track
    to_level: str
    series_any_of: list[str] | None = None
    trades_any_of: list[str] | None = None
    min_years_at_level: float = Field(default=0, ge=0)
    frontline_post_required: bool = False
    appraisals_required_years: int = Field(default=0, ge=0)
    continuing_education_required: bool = False
    continuing_education_hours_per_year: float = Field(default=90, gt=0)
    continuing_education_years: int = Field(default=1, ge=1)
    scope: Scope = "national"
    cluster: str | None = None
    enterprise_credit_code: str | None = None
    note: str = ""
    note_en: str = ""

    @model_validator(mode="after")
    def _consistent(self) -> EquivalenceRule:
        expected = _DIRECTION_TRACKS[self.direction]
        if (self.from_track, self.to_track) != expected:
            raise InvalidValue(
                f"方向{self.direction}应从{expected[0].value}到{expected[1].value}，"
                f"实际为{self.from_track.value}到{self.to_track.value}",
                f"direction {self.direction} goes from {expected[0].value} to "
                f"{expected[1].value}, got {self.from_track.value} to {self.to_track.value}",
            )
        for field, track, level in (
            ("from_level", self.from_track, self.from_level),
            ("up_to_level", self.from_track, self.up_to_level),
            ("to_level", self.to_track, self.to_level),
        ):
            if level is not None and not is_level(track, level):
                raise InvalidValue(
                    f"{field}：“{level}”不是{track.value}类别的等级",
                    f"{field}: '{level}' is not a level of track {track.value}",
                )
        if self.up_to_level is not None and level_rank(self.from_track, self.up_to_level) < (
            level_rank(self.from_track, self.from_level)
        ):
            raise InvalidValue(
                "up_to_level：不得低于 from_level", "up_to_level: must not be below from_level"
            )
        if (self.scope == "cluster") != (self.cluster is not None):
            raise InvalidValue(
                "仅当适用范围为行业集群（cluster）时须填写 cluster",
                "cluster is required for scope 'cluster' and only for it",
            )
        if (self.scope == "enterprise") != (self.enterprise_credit_code is not None):
            raise InvalidValue(
                "仅当适用范围为企业（enterprise）时须填写 enterprise_credit_code",
                "enterprise_credit_code is required for scope 'enterprise' and only for it",
            )
        if self.enterprise_credit_code is not None:
            problem = credit_code_problem(self.enterprise_credit_code)
            if problem is not None:
                raise InvalidValue(
                    f"enterprise_credit_code：{problem.message}",
                    f"enterprise_credit_code: {problem.message_en}",
                )
        return self

    def key(self) -> tuple[str, str, Track]:
        """Rules with the same key override each other by scope."""
        return (self.direction, self.from_level, self.to_track)

    def applies_to_holding(self, holding: Qualification) -> bool:
        """Whether a holder of ``holding`` is covered by this rule's series/trade limits and
        holds ``from_level`` or higher (up to ``up_to_level`` when set) on ``from_track``."""
        if holding.track != self.from_track:
            return False
        rank = level_rank(holding.track, holding.level)
        if rank < level_rank(self.from_track, self.from_level):
            return False
        if self.up_to_level is not None and rank > level_rank(self.from_track, self.up_to_level):
            return False
        limit = self.trades_any_of if holding.track is Track.skill else self.series_any_of
        return limit is None or holding.series in limit


class EquivalenceTable(BaseModel):
    """A versioned set of rules (national defaults plus cluster and enterprise overrides)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: str
    rules: list[EquivalenceRule]
    source: str = ""

    @model_validator(mode="after")
    def _unique_codes(self) -> EquivalenceTable:
        codes = [r.code for r in self.rules]
        dupes = sorted({c for c in codes if codes.count(c) > 1})
        if dupes:
            raise InvalidValue(
                f"规则编码重复：{'、'.join(dupes)}",
                f"rule codes must be unique: {', '.join(dupes)}",
            )
        return self


def parse_equivalence_table(data: dict[str, Any]) -> EquivalenceTable:
    """Validate an equivalence table; raises ``EquivalenceInvalid`` listing every problem."""
    try:
        return EquivalenceTable.model_validate(data)
    except ValidationError as error:
        raise EquivalenceInvalid(problems_from_validation(error)) from None


class EquivalenceOption(BaseModel):
    """One level the holder may apply for through one rule, and what is still missing."""

    model_config = ConfigDict(frozen=True)

    rule: EquivalenceRule
    target_track: Track
    target_level: str
    target_series_any_of: list[str] | None
    met: bool = Field(description="every condition is known to be met")
    already_held: bool
    years_held: float
    checks: list[RequirementResult]
    missing: list[RequirementResult] = Field(description="conditions the given facts fail")
    unknown: list[RequirementResult] = Field(
        default_factory=list,
        description="conditions that need facts not given (frontline post, appraisals, "
        "continuing education): neither met nor missing",
    )
    message: str
    message_en: str


def applicable_rules(
    table: EquivalenceTable,
    *,
    cluster: str | None = None,
    enterprise_credit_code: str | None = None,
) -> list[EquivalenceRule]:
    """The rules in force for an enterprise (and its cluster): for each (direction, from_level,
    to_track), enterprise rules replace cluster rules, which replace national ones."""
    in_scope = [
        r
        for r in table.rules
        if r.scope == "national"
        or (r.scope == "cluster" and cluster is not None and r.cluster == cluster)
        or (
            r.scope == "enterprise"
            and enterprise_credit_code is not None
            and r.enterprise_credit_code == enterprise_credit_code
        )
    ]
    winning: dict[tuple[str, str, Track], int] = {}
    for r in in_scope:
        winning[r.key()] = max(winning.get(r.key(), 0), _SCOPE_PRECEDENCE[r.scope])
    return [r for r in in_scope if _SCOPE_PRECEDENCE[r.scope] == winning[r.key()]]


def _years_held(facts: ApplicantFacts, holding: Qualification, rule: EquivalenceRule) -> float:
    # Time at from_level or higher in the same series/trade: the holding itself, or an earlier
    # qualification on the way up.
    floor = level_rank(rule.from_track, rule.from_level)
    same_ladder = [
        q
        for q in [holding, *facts.held()]
        if q.track == holding.track
        and q.series == holding.series
        and level_rank(q.track, q.level) >= floor
    ]
    return max(facts.years_at(q) for q in same_ladder)


def _years_check(rule: EquivalenceRule, holding: Qualification, years: float) -> RequirementResult:
    # Name what the holder holds; a rule's from_level may be lower (员级 covers 助理级).
    name = level_name(holding.track, holding.level, series=holding.series)
    name_en = level_name(holding.track, holding.level, "en", series=holding.series)
    floor = level_name(rule.from_track, rule.from_level, series=holding.series)
    floor_en = level_name(rule.from_track, rule.from_level, "en", series=holding.series)
    need = f"{rule.min_years_at_level:g}"
    passed = years >= rule.min_years_at_level - _EPS
    short = f"{rule.min_years_at_level - years:.1f}"
    return RequirementResult(
        code="years_at_level",
        kind="years_at_level",
        rule=f"取得{floor}（或更高）满{need}年",
        rule_en=f"{need} years as {floor_en} or higher",
        required=f"{need}年",
        required_en=f"{need} years",
        given=f"{years:.1f}年",
        given_en=f"{years:.1f} years",
        passed=passed,
        message=(
            f"已取得{name}{years:.1f}年，达到{need}年"
            if passed
            else f"取得{name}{years:.1f}年，还差{short}年（需{need}年）"
        ),
        message_en=(
            f"{years:.1f} years as {name_en}, reaches {need}"
            if passed
            else f"{years:.1f} years as {name_en}; {short} more needed ({need})"
        ),
    )


def _checks(
    rule: EquivalenceRule, facts: ApplicantFacts, holding: Qualification, years: float
) -> list[RequirementResult]:
    checks = [_years_check(rule, holding, years)]
    if rule.frontline_post_required:
        checks.append(FrontlinePost(code="frontline_post").check(facts))
    if rule.appraisals_required_years:
        checks.append(
            Appraisals(code="appraisals", last_years=rule.appraisals_required_years).check(facts)
        )
    if rule.continuing_education_required:
        checks.append(
            ContinuingEducation(
                code="continuing_education",
                hours_per_year=rule.continuing_education_hours_per_year,
                last_years=rule.continuing_education_years,
            ).check(facts)
        )
    return checks


def _unknown(check: RequirementResult) -> RequirementResult:
    return check.model_copy(
        update={
            "given": "未填写",
            "given_en": "not given",
            "passed": False,
            "message": f"待确认：{check.rule}（未填写相关情况）",
            "message_en": f"to be confirmed: {check.rule_en} (not given)",
        }
    )


def open_levels(
    table: EquivalenceTable,
    facts: ApplicantFacts,
    holding: Qualification,
    *,
    cluster: str | None = None,
    enterprise_credit_code: str | None = None,
    facts_given: bool = True,
) -> list[EquivalenceOption]:
    """What ``holding`` opens on the other track under the rules in force for this enterprise
    and cluster: one option per applicable rule, whether its conditions are met, and what is
    missing. Works both ways (skill → title and title → skill).

    With ``facts_given`` False only the holding is known: the conditions on other facts
    (frontline post, appraisals, continuing education) are ``unknown``, not missing."""
    options: list[EquivalenceOption] = []
    rules = applicable_rules(table, cluster=cluster, enterprise_credit_code=enterprise_credit_code)
    for rule in rules:
        if not rule.applies_to_holding(holding):
            continue
        years = _years_held(facts, holding, rule)
        checks = _checks(rule, facts, holding, years)
        unknown: list[RequirementResult] = []
        if not facts_given:
            # The years check needs only the holding; every other check needs facts not given.
            checks = checks[:1] + [_unknown(c) for c in checks[1:]]
            unknown = checks[1:]
        missing = [c for c in checks if not c.passed and c not in unknown]
        target_series = rule.series_any_of if rule.to_track is Track.title else rule.trades_any_of
        target_rank = level_rank(rule.to_track, rule.to_level)
        already = any(
            q.track == rule.to_track
            and level_rank(q.track, q.level) >= target_rank
            and (target_series is None or q.series in target_series)
            for q in facts.held()
        )
        series_hint = target_series[0] if target_series and len(target_series) == 1 else None
        target_zh = level_name(rule.to_track, rule.to_level, series=series_hint)
        target_en = level_name(rule.to_track, rule.to_level, "en", series=series_hint)
        by_zh = f"按{_SCOPE_ZH[rule.scope]}规则"
        by_en = f"under the {_SCOPE_EN[rule.scope]} rule"
        if missing:
            message = f"{by_zh}可申报{target_zh}，尚缺：" + "；".join(m.message for m in missing)
            message_en = f"{target_en} {by_en}; missing: " + "; ".join(
                m.message_en for m in missing
            )
        elif unknown:
            message = f"{by_zh}可申报{target_zh}，年限已满足；另需确认：" + "；".join(
                u.rule for u in unknown
            )
            message_en = f"{target_en} {by_en}: years met; also to confirm: " + "; ".join(
                u.rule_en for u in unknown
            )
        else:
            message = f"{by_zh}可申报{target_zh}，条件均已满足"
            message_en = f"may apply for {target_en} {by_en}: all conditions met"
        options.append(
            EquivalenceOption(
                rule=rule,
                target_track=rule.to_track,
                target_level=rule.to_level,
                target_series_any_of=target_series,
                met=not missing and not unknown,
                already_held=already,
                years_held=years,
                checks=checks,
                missing=missing,
                unknown=unknown,
                message=message,
                message_en=message_en,
            )
        )
    options.sort(
        key=lambda o: (
            o.target_track.value,
            level_rank(o.target_track, o.target_level),
            o.rule.code,
        )
    )
    return options
