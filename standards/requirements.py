"""Hard requirements (申报条件) as data. Each kind is one small pydantic class that knows how to
check an applicant's facts, describe its rule in both languages, validate itself, and say in
which ways it is laxer than the baseline's requirement of the same kind.

Adding a kind: write one class deriving from ``Requirement`` with a ``kind`` literal, ``describe``
and ``check`` (and ``relaxations``/``problems`` when it has fields to compare or validate), then
add it to ``HardRequirement``.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from standards.facts import ApplicantFacts
from standards.levels import (
    Education,
    Track,
    education_name,
    education_rank,
    is_level,
    level_name,
    level_rank,
)

if TYPE_CHECKING:
    from standards.document import Standard

_EPS = 1e-9


class RequirementResult(BaseModel):
    """The outcome of one requirement for one applicant: the rule, what it asks, what was given,
    whether it passed, and why, in both languages."""

    model_config = ConfigDict(frozen=True)

    code: str
    kind: str
    rule: str
    rule_en: str
    required: str
    required_en: str
    given: str
    given_en: str
    passed: bool
    message: str
    message_en: str


@dataclass(frozen=True)
class Relaxation:
    """One field in which a requirement is laxer than its baseline counterpart."""

    field: str
    baseline_value: str
    standard_value: str
    message: str
    message_en: str


@dataclass(frozen=True)
class RequirementProblem:
    """An inconsistency inside one requirement (path relative to the requirement)."""

    field: str
    code: str
    message: str
    message_en: str


def _years(value: float) -> str:
    return f"{value:g}"


def _title_or_level(track: Track, level: str, series_any_of: Collection[str] | None, lang: str):
    series = next(iter(series_any_of)) if series_any_of and len(series_any_of) == 1 else None
    return level_name(track, level, "zh" if lang == "zh" else "en", series=series)


def _listing(items: Collection[str] | None, zh_any: str, en_any: str) -> tuple[str, str]:
    if items is None:
        return zh_any, en_any
    return "、".join(items), ", ".join(items)


def _broader(standard: Collection[str] | None, baseline: Collection[str] | None) -> str | None:
    """What a standard's accepted list admits beyond the baseline's (None = nothing more)."""
    if baseline is None:
        return None
    if standard is None:
        return "*"
    extra = sorted(set(standard) - set(baseline))
    return ", ".join(extra) if extra else None


def _completed_years(facts: ApplicantFacts, last_years: int) -> list[int]:
    """The last ``last_years`` completed calendar years before ``as_of``, oldest first."""
    return list(range(facts.as_of.year - last_years, facts.as_of.year))


class Requirement(BaseModel):
    """Shared fields of every hard requirement; ``code`` is unique within a standard."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str = Field(min_length=1)
    kind: str
    note: str = ""
    note_en: str = ""

    @abstractmethod
    def describe(self) -> tuple[str, str]:
        """The rule in one short line, (zh, en)."""

    @abstractmethod
    def check(self, facts: ApplicantFacts, standard: Standard | None = None) -> RequirementResult:
        """Judge ``facts`` against this requirement."""

    def match_key(self) -> tuple[Any, ...]:
        """Requirements with equal keys are compared against each other in the baseline check."""
        return (self.kind,)

    def relaxations(self, baseline: Any) -> list[Relaxation]:
        """Every way this requirement is laxer than ``baseline`` (same kind and key)."""
        return []

    def problems(self, track: Track, level: str) -> list[RequirementProblem]:
        """Inconsistencies given the track and level of the standard it belongs to."""
        return []

    def _result(
        self,
        *,
        passed: bool,
        required: tuple[str, str],
        given: tuple[str, str],
        message: tuple[str, str],
    ) -> RequirementResult:
        rule, rule_en = self.describe()
        return RequirementResult(
            code=self.code,
            kind=self.kind,
            rule=rule,
            rule_en=rule_en,
            required=required[0],
            required_en=required[1],
            given=given[0],
            given_en=given[1],
            passed=passed,
            message=message[0],
            message_en=message[1],
        )


class MinEducation(Requirement):
    """最低学历: education at least ``minimum``."""

    kind: Literal["min_education"] = "min_education"
    minimum: Education

    def describe(self) -> tuple[str, str]:
        return (
            f"学历不低于{education_name(self.minimum)}",
            f"education at least {education_name(self.minimum, 'en')}",
        )

    def check(self, facts: ApplicantFacts, standard: Standard | None = None) -> RequirementResult:
        passed = education_rank(facts.education) >= education_rank(self.minimum)
        req = (education_name(self.minimum), education_name(self.minimum, "en"))
        given = (education_name(facts.education), education_name(facts.education, "en"))
        if passed:
            msg = (
                f"学历{given[0]}，不低于要求的{req[0]}",
                f"education {given[1]} meets the minimum {req[1]}",
            )
        else:
            msg = (
                f"学历{given[0]}，低于要求的{req[0]}",
                f"education {given[1]} is below the minimum {req[1]}",
            )
        return self._result(passed=passed, required=req, given=given, message=msg)

    def relaxations(self, baseline: Any) -> list[Relaxation]:
        if education_rank(self.minimum) >= education_rank(baseline.minimum):
            return []
        return [
            Relaxation(
                "minimum",
                baseline.minimum.value,
                self.minimum.value,
                f"最低学历{education_name(self.minimum)}低于基准的{education_name(baseline.minimum)}",
                f"minimum education {education_name(self.minimum, 'en')} is below the "
                f"baseline's {education_name(baseline.minimum, 'en')}",
            )
        ]


class _YearsByEducation(Requirement):
    """Years that may depend on education: ``years`` for anyone, ``by_education`` for those
    holding at least that education; the applicant gets the most favourable entry."""

    years: float | None = Field(default=None, ge=0)
    by_education: dict[Education, Annotated[float, Field(ge=0)]] = Field(default_factory=dict)

    def required_years(self, education: Education) -> float | None:
        """Fewest years an applicant with ``education`` needs; None when no route is open."""
        rank = education_rank(education)
        candidates = [v for e, v in self.by_education.items() if rank >= education_rank(e)]
        if self.years is not None:
            candidates.append(self.years)
        return min(candidates) if candidates else None

    def schedule(self) -> tuple[str, str]:
        """The years table as text, e.g. "本科及以上4年；硕士及以上2年"."""
        zh: list[str] = []
        en: list[str] = []
        if self.years is not None:
            zh.append(f"{_years(self.years)}年")
            en.append(f"{_years(self.years)} years")
        for edu in sorted(self.by_education, key=education_rank):
            v = _years(self.by_education[edu])
            zh.append(f"{education_name(edu)}及以上{v}年")
            en.append(f"{education_name(edu, 'en')} or higher: {v} years")
        return "；".join(zh), "; ".join(en)

    def _years_relaxations(self, baseline: _YearsByEducation) -> list[Relaxation]:
        laxer_zh: list[str] = []
        laxer_en: list[str] = []
        for edu in Education:
            mine, theirs = self.required_years(edu), baseline.required_years(edu)
            if mine is None or (theirs is not None and mine >= theirs - _EPS):
                continue
            floor_zh = "不得申报" if theirs is None else f"{_years(theirs)}年"
            floor_en = "may not apply" if theirs is None else f"{_years(theirs)} years"
            laxer_zh.append(f"{education_name(edu)}学历要求{_years(mine)}年（基准：{floor_zh}）")
            laxer_en.append(
                f"{education_name(edu, 'en')}: {_years(mine)} years (baseline: {floor_en})"
            )
        if not laxer_zh:
            return []
        mine_s, theirs_s = self.schedule(), baseline.schedule()
        return [
            Relaxation(
                "years",
                theirs_s[1],
                mine_s[1],
                "年限要求低于基准：" + "；".join(laxer_zh),
                "fewer years than the baseline: " + "; ".join(laxer_en),
            )
        ]

    def _route_problems(self) -> list[RequirementProblem]:
        if self.years is None and not self.by_education:
            return [
                RequirementProblem(
                    "years",
                    "requirement.no_route",
                    "未设置年限：需要 years 或 by_education 至少一项",
                    "no years set: give years or by_education (or both)",
                )
            ]
        return []


class YearsAtPreviousLevel(_YearsByEducation):
    """任职年限: years holding ``previous_level`` (or higher) on ``previous_track``, possibly
    depending on education; optionally, ``or_years_in_occupation`` opens a route for those who
    never held the previous level (e.g. 四级: 五级 + 4 years, or 6 years in the occupation)."""

    kind: Literal["years_at_previous_level"] = "years_at_previous_level"
    previous_track: Track
    previous_level: str
    series_any_of: list[str] | None = None
    or_years_in_occupation: float | None = Field(default=None, ge=0)

    def _previous_name(self, lang: str) -> str:
        if not is_level(self.previous_track, self.previous_level):
            return self.previous_level
        return _title_or_level(self.previous_track, self.previous_level, self.series_any_of, lang)

    def describe(self) -> tuple[str, str]:
        zh, en = self.schedule()
        rule = (
            f"取得{self._previous_name('zh')}后满规定年限（{zh}）",
            f"years as {self._previous_name('en')} ({en})",
        )
        if self.or_years_in_occupation is not None:
            v = _years(self.or_years_in_occupation)
            rule = (
                rule[0] + f"，或从事本职业满{v}年",
                rule[1] + f", or {v} years in the occupation",
            )
        return rule

    def match_key(self) -> tuple[Any, ...]:
        return (self.kind, self.previous_track, self.previous_level)

    def check(self, facts: ApplicantFacts, standard: Standard | None = None) -> RequirementResult:
        needed = self.required_years(facts.education)
        held = facts.years_at_or_above(self.previous_track, self.previous_level, self.series_any_of)
        prev_zh, prev_en = self._previous_name("zh"), self._previous_name("en")
        edu_zh, edu_en = education_name(facts.education), education_name(facts.education, "en")
        alt = self.or_years_in_occupation
        by_alt = alt is not None and facts.years_in_occupation >= alt - _EPS
        by_level = needed is not None and held is not None and held >= needed - _EPS
        passed = by_level or by_alt
        if needed is None:
            req = (f"{edu_zh}学历不能按此途径申报", f"no route for {edu_en}")
        else:
            req = (
                f"取得{prev_zh}满{_years(needed)}年",
                f"{_years(needed)} years as {prev_en}",
            )
        if alt is not None:
            req = (
                req[0] + f"，或从事本职业满{_years(alt)}年",
                req[1] + f", or {_years(alt)} years in the occupation",
            )
        if held is None:
            given = (f"未取得{prev_zh}", f"does not hold {prev_en}")
        else:
            given = (f"已取得{prev_zh}{held:.1f}年", f"{held:.1f} years as {prev_en}")
        if alt is not None:
            given = (
                given[0] + f"，从事本职业{facts.years_in_occupation:g}年",
                given[1] + f", {facts.years_in_occupation:g} years in the occupation",
            )
        if by_level:
            msg = (
                f"{edu_zh}学历需取得{prev_zh}满{_years(needed or 0)}年，已满{held:.1f}年，符合",
                f"{edu_en} needs {_years(needed or 0)} years as {prev_en}; has {held:.1f}: met",
            )
        elif by_alt:
            msg = (
                f"从事本职业{facts.years_in_occupation:g}年，达到{_years(alt or 0)}年，符合",
                f"{facts.years_in_occupation:g} years in the occupation reaches "
                f"{_years(alt or 0)}: met",
            )
        else:
            msg = (
                f"不符合：要求{req[0]}；实际{given[0]}",
                f"not met: requires {req[1]}; {given[1]}",
            )
        return self._result(passed=passed, required=req, given=given, message=msg)

    def relaxations(self, baseline: Any) -> list[Relaxation]:
        out = self._years_relaxations(baseline)
        mine, theirs = self.or_years_in_occupation, baseline.or_years_in_occupation
        if mine is not None and (theirs is None or mine < theirs - _EPS):
            base_s = "none" if theirs is None else _years(theirs)
            out.append(
                Relaxation(
                    "or_years_in_occupation",
                    base_s,
                    _years(mine),
                    f"允许以从事本职业{_years(mine)}年代替，基准"
                    + ("不允许" if theirs is None else f"要求{_years(theirs)}年"),
                    f"allows {_years(mine)} years in the occupation instead; baseline: "
                    + ("not allowed" if theirs is None else f"{_years(theirs)} years"),
                )
            )
        extra = _broader(self.series_any_of, baseline.series_any_of)
        if extra:
            out.append(_series_relaxation("series_any_of", baseline.series_any_of, extra))
        return out

    def problems(self, track: Track, level: str) -> list[RequirementProblem]:
        out = self._route_problems()
        if not is_level(self.previous_track, self.previous_level):
            out.append(_unknown_level("previous_level", self.previous_track, self.previous_level))
        elif (
            self.previous_track == track
            and is_level(track, level)
            and level_rank(track, self.previous_level) >= level_rank(track, level)
        ):
            out.append(
                RequirementProblem(
                    "previous_level",
                    "requirement.previous_not_below",
                    f"前一等级“{self.previous_level}”不低于所评等级“{level}”",
                    f"previous level '{self.previous_level}' is not below the level "
                    f"reviewed '{level}'",
                )
            )
        return out


class YearsInOccupation(_YearsByEducation):
    """从事本职业/专业技术工作年限, possibly depending on education
    (e.g. 助理工程师: 中专 + 5 years, 大专 + 3 years, 本科 + 1 year)."""

    kind: Literal["years_in_occupation"] = "years_in_occupation"

    def describe(self) -> tuple[str, str]:
        zh, en = self.schedule()
        return f"从事本职业（专业）满规定年限（{zh}）", f"years in the occupation ({en})"

    def check(self, facts: ApplicantFacts, standard: Standard | None = None) -> RequirementResult:
        needed = self.required_years(facts.education)
        edu_zh, edu_en = education_name(facts.education), education_name(facts.education, "en")
        given = (
            f"从事本职业{facts.years_in_occupation:g}年",
            f"{facts.years_in_occupation:g} years in the occupation",
        )
        if needed is None:
            req = (f"{edu_zh}学历不能按此途径申报", f"no route for {edu_en}")
            passed = False
        else:
            req = (f"从事本职业满{_years(needed)}年", f"{_years(needed)} years in the occupation")
            passed = facts.years_in_occupation >= needed - _EPS
        if passed:
            msg = (
                f"{edu_zh}学历要求{req[0]}，{given[0]}，符合",
                f"{edu_en} requires {req[1]}; {given[1]}: met",
            )
        else:
            msg = (
                f"不符合：要求{req[0]}；实际{given[0]}",
                f"not met: requires {req[1]}; {given[1]}",
            )
        return self._result(passed=passed, required=req, given=given, message=msg)

    def relaxations(self, baseline: Any) -> list[Relaxation]:
        return self._years_relaxations(baseline)

    def problems(self, track: Track, level: str) -> list[RequirementProblem]:
        return self._route_problems()


class Prerequisite(Requirement):
    """前置资格: holds ``level`` or higher on ``track``, optionally in some series/trades and
    specialties (None means any)."""

    kind: Literal["prerequisite"] = "prerequisite"
    track: Track
    level: str
    series_any_of: list[str] | None = None
    specialty_any_of: list[str] | None = None

    def _level_name(self, lang: str) -> str:
        if not is_level(self.track, self.level):
            return self.level
        return _title_or_level(self.track, self.level, self.series_any_of, lang)

    def describe(self) -> tuple[str, str]:
        zh, en = f"具有{self._level_name('zh')}及以上", f"holds {self._level_name('en')} or higher"
        if self.series_any_of is not None:
            s_zh, s_en = _listing(self.series_any_of, "", "")
            zh, en = zh + f"（系列/职业：{s_zh}）", en + f" (series/trade: {s_en})"
        if self.specialty_any_of is not None:
            s_zh, s_en = _listing(self.specialty_any_of, "", "")
            zh, en = zh + f"（专业：{s_zh}）", en + f" (specialty: {s_en})"
        return zh, en

    def match_key(self) -> tuple[Any, ...]:
        return (self.kind, self.track)

    def check(self, facts: ApplicantFacts, standard: Standard | None = None) -> RequirementResult:
        holdings = facts.holdings_at_or_above(
            self.track, self.level, self.series_any_of, self.specialty_any_of
        )
        req = self.describe()
        passed = bool(holdings)
        if passed:
            best = max(holdings, key=lambda q: (level_rank(q.track, q.level), q.series))
            given = (
                f"已具有{level_name(best.track, best.level, series=best.series)}（{best.series}）",
                f"holds {level_name(best.track, best.level, 'en', best.series)} ({best.series})",
            )
            msg = (f"{given[0]}，符合", f"{given[1]}: met")
        else:
            on_track = [q for q in facts.held() if q.track == self.track]
            if on_track:
                parts = [f"{level_name(q.track, q.level)}（{q.series}）" for q in on_track]
                parts_en = [f"{level_name(q.track, q.level, 'en')} ({q.series})" for q in on_track]
                given = ("已有" + "、".join(parts), "holds " + ", ".join(parts_en))
            else:
                given = ("无相应资格", "holds none on this track")
            msg = (f"不符合：要求{req[0]}；{given[0]}", f"not met: requires {req[1]}; {given[1]}")
        return self._result(passed=passed, required=req, given=given, message=msg)

    def relaxations(self, baseline: Any) -> list[Relaxation]:
        out: list[Relaxation] = []
        if (
            is_level(self.track, self.level)
            and is_level(baseline.track, baseline.level)
            and level_rank(self.track, self.level) < level_rank(baseline.track, baseline.level)
        ):
            out.append(
                Relaxation(
                    "level",
                    baseline.level,
                    self.level,
                    f"前置资格{level_name(self.track, self.level)}低于基准的"
                    f"{level_name(baseline.track, baseline.level)}",
                    f"prerequisite {level_name(self.track, self.level, 'en')} is below the "
                    f"baseline's {level_name(baseline.track, baseline.level, 'en')}",
                )
            )
        extra = _broader(self.series_any_of, baseline.series_any_of)
        if extra:
            out.append(_series_relaxation("series_any_of", baseline.series_any_of, extra))
        extra = _broader(self.specialty_any_of, baseline.specialty_any_of)
        if extra:
            out.append(_series_relaxation("specialty_any_of", baseline.specialty_any_of, extra))
        return out

    def problems(self, track: Track, level: str) -> list[RequirementProblem]:
        if not is_level(self.track, self.level):
            return [_unknown_level("level", self.track, self.level)]
        return []


class Certificates(Requirement):
    """ "1+N": a degree of at least ``min_education`` plus ``count`` certificates from
    ``accepted`` (None accepts any certificate)."""

    kind: Literal["certificates"] = "certificates"
    min_education: Education
    count: int = Field(ge=0)
    accepted: list[str] | None = None

    def describe(self) -> tuple[str, str]:
        acc_zh, acc_en = _listing(self.accepted, "任意", "any")
        return (
            f"“1+{self.count}”：{education_name(self.min_education)}及以上学历，"
            f"加{self.count}项证书（可选：{acc_zh}）",
            f'"1+{self.count}": {education_name(self.min_education, "en")} or higher plus '
            f"{self.count} certificates (from: {acc_en})",
        )

    def check(self, facts: ApplicantFacts, standard: Standard | None = None) -> RequirementResult:
        accepted = set(self.accepted) if self.accepted is not None else None
        matching = sorted({c for c in facts.certificates if accepted is None or c in accepted})
        edu_ok = education_rank(facts.education) >= education_rank(self.min_education)
        count_ok = len(matching) >= self.count
        req = (
            f"{education_name(self.min_education)}及以上+{self.count}项证书",
            f"{education_name(self.min_education, 'en')} or higher + {self.count} certificates",
        )
        held_zh = "、".join(matching) if matching else "无"
        held_en = ", ".join(matching) if matching else "none"
        given = (
            f"{education_name(facts.education)}+{len(matching)}项（{held_zh}）",
            f"{education_name(facts.education, 'en')} + {len(matching)} ({held_en})",
        )
        passed = edu_ok and count_ok
        if passed:
            msg = (f"{given[0]}，符合“1+{self.count}”", f'{given[1]}: meets "1+{self.count}"')
        else:
            why_zh, why_en = [], []
            if not edu_ok:
                why_zh.append(f"学历低于{education_name(self.min_education)}")
                why_en.append(f"education below {education_name(self.min_education, 'en')}")
            if not count_ok:
                why_zh.append(f"认可证书{len(matching)}项，少于{self.count}项")
                why_en.append(f"{len(matching)} accepted certificates, fewer than {self.count}")
            msg = (
                f"不符合“1+{self.count}”：" + "；".join(why_zh),
                f'"1+{self.count}" not met: ' + "; ".join(why_en),
            )
        return self._result(passed=passed, required=req, given=given, message=msg)

    def relaxations(self, baseline: Any) -> list[Relaxation]:
        out: list[Relaxation] = []
        if education_rank(self.min_education) < education_rank(baseline.min_education):
            out.append(
                Relaxation(
                    "min_education",
                    baseline.min_education.value,
                    self.min_education.value,
                    f"“1+N”学历{education_name(self.min_education)}低于基准的"
                    f"{education_name(baseline.min_education)}",
                    f'"1+N" education {education_name(self.min_education, "en")} is below the '
                    f"baseline's {education_name(baseline.min_education, 'en')}",
                )
            )
        if self.count < baseline.count:
            out.append(
                Relaxation(
                    "count",
                    str(baseline.count),
                    str(self.count),
                    f"证书数{self.count}项少于基准的{baseline.count}项",
                    f"{self.count} certificates, fewer than the baseline's {baseline.count}",
                )
            )
        extra = _broader(self.accepted, baseline.accepted)
        if extra:
            out.append(_series_relaxation("accepted", baseline.accepted, extra))
        return out


class Appraisals(Requirement):
    """年度考核: the annual appraisals of the last ``last_years`` completed years all passed
    (a missing record counts as not passed)."""

    kind: Literal["appraisals"] = "appraisals"
    last_years: int = Field(ge=1)

    def describe(self) -> tuple[str, str]:
        return (
            f"近{self.last_years}年年度考核均为合格及以上",
            f"annual appraisals of the last {self.last_years} years all passed",
        )

    def check(self, facts: ApplicantFacts, standard: Standard | None = None) -> RequirementResult:
        years = _completed_years(facts, self.last_years)
        results = {y: facts.appraisal_passed(y) for y in years}
        zh = {True: "合格", False: "不合格", None: "无记录"}
        en = {True: "passed", False: "failed", None: "no record"}
        given = (
            "、".join(f"{y}{zh[r]}" for y, r in results.items()),
            ", ".join(f"{y} {en[r]}" for y, r in results.items()),
        )
        req = (
            f"{years[0]}–{years[-1]}年考核均合格",
            f"appraisals {years[0]}–{years[-1]} all passed",
        )
        bad = [y for y, r in results.items() if r is not True]
        passed = not bad
        if passed:
            msg = (f"{req[0]}：{given[0]}，符合", f"{req[1]}: {given[1]}: met")
        else:
            bad_s = "、".join(str(y) for y in bad)
            msg = (
                f"不符合：要求{req[0]}；{bad_s}年未合格或无记录（{given[0]}）",
                f"not met: requires {req[1]}; not passed or missing: "
                f"{', '.join(str(y) for y in bad)} ({given[1]})",
            )
        return self._result(passed=passed, required=req, given=given, message=msg)

    def relaxations(self, baseline: Any) -> list[Relaxation]:
        if self.last_years >= baseline.last_years:
            return []
        return [
            Relaxation(
                "last_years",
                str(baseline.last_years),
                str(self.last_years),
                f"只看近{self.last_years}年考核，少于基准的{baseline.last_years}年",
                f"appraisals over {self.last_years} years, fewer than the baseline's "
                f"{baseline.last_years}",
            )
        ]


class ContinuingEducation(Requirement):
    """继续教育: at least ``hours_per_year`` in each of the last ``last_years`` completed years
    (专业技术人员继续教育规定, 人社部令第25号, sets 90 hours a year)."""

    kind: Literal["continuing_education"] = "continuing_education"
    hours_per_year: float = Field(gt=0)
    last_years: int = Field(ge=1)

    def describe(self) -> tuple[str, str]:
        h = _years(self.hours_per_year)
        return (
            f"近{self.last_years}年每年继续教育不少于{h}学时",
            f"at least {h} hours of continuing education in each of the last "
            f"{self.last_years} years",
        )

    def check(self, facts: ApplicantFacts, standard: Standard | None = None) -> RequirementResult:
        years = _completed_years(facts, self.last_years)
        hours = {y: facts.continuing_education_hours.get(y, 0.0) for y in years}
        h = _years(self.hours_per_year)
        req = (
            f"{years[0]}–{years[-1]}年每年≥{h}学时",
            f">= {h} hours each year {years[0]}–{years[-1]}",
        )
        given = (
            "、".join(f"{y}年{v:g}学时" for y, v in hours.items()),
            ", ".join(f"{y}: {v:g} h" for y, v in hours.items()),
        )
        short = [y for y, v in hours.items() if v < self.hours_per_year - _EPS]
        passed = not short
        if passed:
            msg = (f"继续教育{given[0]}，符合", f"continuing education {given[1]}: met")
        else:
            msg = (
                f"不符合：要求{req[0]}；{'、'.join(str(y) for y in short)}年不足（{given[0]}）",
                f"not met: requires {req[1]}; short in {', '.join(str(y) for y in short)} "
                f"({given[1]})",
            )
        return self._result(passed=passed, required=req, given=given, message=msg)

    def relaxations(self, baseline: Any) -> list[Relaxation]:
        out: list[Relaxation] = []
        if self.hours_per_year < baseline.hours_per_year - _EPS:
            out.append(
                Relaxation(
                    "hours_per_year",
                    _years(baseline.hours_per_year),
                    _years(self.hours_per_year),
                    f"每年继续教育{_years(self.hours_per_year)}学时，少于基准的"
                    f"{_years(baseline.hours_per_year)}学时",
                    f"{_years(self.hours_per_year)} hours a year, fewer than the baseline's "
                    f"{_years(baseline.hours_per_year)}",
                )
            )
        if self.last_years < baseline.last_years:
            out.append(
                Relaxation(
                    "last_years",
                    str(baseline.last_years),
                    str(self.last_years),
                    f"只看近{self.last_years}年继续教育，少于基准的{baseline.last_years}年",
                    f"continuing education over {self.last_years} years, fewer than the "
                    f"baseline's {baseline.last_years}",
                )
            )
        return out


class FrontlinePost(Requirement):
    """在生产一线岗位: currently works in a frontline technical post."""

    kind: Literal["frontline_post"] = "frontline_post"

    def describe(self) -> tuple[str, str]:
        return "在生产（服务）一线岗位工作", "works in a frontline post"

    def check(self, facts: ApplicantFacts, standard: Standard | None = None) -> RequirementResult:
        given = (
            ("一线岗位", "frontline post")
            if facts.frontline_post
            else ("非一线岗位", "not frontline")
        )
        msg = (
            ("在一线岗位，符合", "works in a frontline post: met")
            if facts.frontline_post
            else ("不符合：要求在一线岗位工作", "not met: requires a frontline post")
        )
        return self._result(
            passed=facts.frontline_post,
            required=("一线岗位", "frontline post"),
            given=given,
            message=msg,
        )


class Award(Requirement):
    """获奖/荣誉: holds at least ``min_count`` of the ``accepted`` awards (typically a
    condition of the exceptional track)."""

    kind: Literal["award"] = "award"
    accepted: list[str] = Field(min_length=1)
    min_count: int = Field(default=1, ge=1)

    def describe(self) -> tuple[str, str]:
        return (
            f"获得下列奖项/荣誉至少{self.min_count}项：{'、'.join(self.accepted)}",
            f"at least {self.min_count} of these awards: {', '.join(self.accepted)}",
        )

    def check(self, facts: ApplicantFacts, standard: Standard | None = None) -> RequirementResult:
        held = sorted(set(facts.awards) & set(self.accepted))
        passed = len(held) >= self.min_count
        req = (f"认可奖项{self.min_count}项", f"{self.min_count} accepted awards")
        given = (
            f"{len(held)}项（{'、'.join(held) or '无'}）",
            f"{len(held)} ({', '.join(held) or 'none'})",
        )
        msg = (
            (f"获认可奖项{given[0]}，符合", f"accepted awards {given[1]}: met")
            if passed
            else (
                f"不符合：要求{req[0]}；实有{given[0]}",
                f"not met: requires {req[1]}; {given[1]}",
            )
        )
        return self._result(passed=passed, required=req, given=given, message=msg)

    def relaxations(self, baseline: Any) -> list[Relaxation]:
        out: list[Relaxation] = []
        if self.min_count < baseline.min_count:
            out.append(
                Relaxation(
                    "min_count",
                    str(baseline.min_count),
                    str(self.min_count),
                    f"奖项数{self.min_count}少于基准的{baseline.min_count}",
                    f"{self.min_count} awards, fewer than the baseline's {baseline.min_count}",
                )
            )
        extra = _broader(self.accepted, baseline.accepted)
        if extra:
            out.append(_series_relaxation("accepted", baseline.accepted, extra))
        return out


def _series_relaxation(field: str, baseline: Collection[str] | None, extra: str) -> Relaxation:
    base = ", ".join(baseline) if baseline is not None else "*"
    shown = "任意" if extra == "*" else extra
    shown_en = "any" if extra == "*" else extra
    return Relaxation(
        field,
        base,
        extra,
        f"{field}范围宽于基准，多出：{shown}（基准：{base}）",
        f"{field} admits more than the baseline: {shown_en} (baseline: {base})",
    )


def _unknown_level(field: str, track: Track, level: str) -> RequirementProblem:
    return RequirementProblem(
        field,
        "requirement.unknown_level",
        f"等级“{level}”在{track.value}类别中不存在",
        f"'{level}' is not a level of track {track.value}",
    )


HardRequirement = Annotated[
    MinEducation
    | YearsAtPreviousLevel
    | YearsInOccupation
    | Prerequisite
    | Certificates
    | Appraisals
    | ContinuingEducation
    | FrontlinePost
    | Award,
    Field(discriminator="kind"),
]

REQUIREMENT_KINDS: tuple[str, ...] = (
    "min_education",
    "years_at_previous_level",
    "years_in_occupation",
    "prerequisite",
    "certificates",
    "appraisals",
    "continuing_education",
    "frontline_post",
    "award",
)
