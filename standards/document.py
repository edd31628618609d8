"""The standard document (评价标准): one track + series/trade + level, its hard requirements,
scored criteria, pass score, panel rules, public notice and exceptional track.

Scoring scale: criterion weights sum to 1; each criterion is scored 0..maximum; a member's total
is 100 × Σ weight × score / maximum, so totals and the pass score live on 0..100.

``parse_standard`` is the way in from outside: it refuses a document with every problem listed,
each with its path, a stable code and a message in both languages.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, model_validator
from pydantic import ValidationInfo as _ValidationInfo

from standards.catalogue import Catalogue, load_catalogue
from standards.levels import TRACK_NAMES, Track, is_level, levels
from standards.materials import MaterialKind
from standards.problems import (
    Problem,
    StandardInvalid,
    bilingual,
    format_path,
    join_path,
)
from standards.requirements import REQUIREMENT_KINDS, HardRequirement

WEIGHT_TOLERANCE = 1e-6
MAX_SCORE = 100.0
# A series/trade code of "*" in a baseline covers every series/trade of its track.
ANY_SERIES = "*"


class Criterion(BaseModel):
    """A scored item (评价指标): weight in the total, maximum score, and a guide for experts."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str = Field(min_length=1)
    name: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    weight: float = Field(gt=0)
    maximum: float = Field(gt=0)
    guide: str = ""
    guide_en: str = ""


class PanelRules(BaseModel):
    """How the review panel (评审委员会) must be formed and decide."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    min_size: int = Field(ge=1)
    odd_size: bool = True
    # A member's comparable title rank must be >= the reviewed level's rank + this offset.
    member_level_offset: int = 0
    min_external_share: float = Field(default=0.0, ge=0, le=1)
    chair_required: bool = True
    quorum_share: float = Field(default=2 / 3, gt=0, le=1)
    vote_threshold: float = Field(default=2 / 3, gt=0, le=1)


class ExceptionalTrack(BaseModel):
    """破格: who may be reviewed although some requirements are unmet, and which ones."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    conditions: list[HardRequirement] = Field(min_length=1)
    waives: list[str] = Field(min_length=1)
    max_share: float | None = Field(default=None, gt=0, le=1)
    justification_required: bool = True
    description: str = ""
    description_en: str = ""


class Standard(BaseModel):
    """An enterprise's standard, or the regulator's baseline when ``enterprise_credit_code`` is
    None and ``series`` may be ``"*"``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    track: Track
    series: str = Field(min_length=1)
    specialty: str | None = None
    level: str
    name: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    description: str = ""
    description_en: str = ""
    industry_cluster: str | None = None
    enterprise_credit_code: str | None = None
    version: str | None = None
    requirements: list[HardRequirement] = Field(default_factory=list)
    criteria: list[Criterion] = Field(min_length=1)
    pass_score: float
    panel: PanelRules
    notice_working_days: int = Field(ge=0)
    exceptional: ExceptionalTrack | None = None
    # 申报材料 asked of applicants; none listed means the common set (standards.materials).
    materials: list[MaterialKind] = Field(default_factory=list)
    source: str = ""

    @model_validator(mode="after")
    def _consistent(self, info: _ValidationInfo) -> Standard:
        # parse_standard runs the same checks itself so it can report them with the structural
        # errors; direct construction (e.g. from a stored document) is checked here.
        if info.context and info.context.get("skip_consistency"):
            return self
        problems = consistency_problems(self)
        if problems:
            raise StandardInvalid(problems)
        return self

    def requirement(self, code: str) -> HardRequirement:
        """The requirement with ``code``; raises KeyError."""
        for req in self.requirements:
            if req.code == code:
                return req
        raise KeyError(code)


# --- consistency ---------------------------------------------------------------------------


def _scope_problems(
    track: Track, series: Any, level: Any, catalogue: Catalogue | None = None
) -> list[Problem]:
    out: list[Problem] = []
    known = (catalogue or load_catalogue()).codes(track)
    if isinstance(series, str) and series != ANY_SERIES and series not in known:
        kind_zh, kind_en = ("系列", "series") if track is Track.title else ("职业（工种）", "trade")
        out.append(
            Problem(
                "series",
                "series.unknown",
                f"未知的{kind_zh}“{series}”，可用：{', '.join(known)}",
                f"unknown {kind_en} '{series}'; known: {', '.join(known)}",
            )
        )
    if isinstance(level, str) and not is_level(track, level):
        out.append(
            Problem(
                "level",
                "level.unknown",
                f"{TRACK_NAMES[track][0]}没有等级“{level}”，可用：{', '.join(levels(track))}",
                f"'{level}' is not a {TRACK_NAMES[track][1]} level; known: "
                f"{', '.join(levels(track))}",
            )
        )
    return out


def _criteria_problems(criteria: Sequence[Criterion]) -> list[Problem]:
    out: list[Problem] = []
    total = math.fsum(c.weight for c in criteria)
    if criteria and abs(total - 1.0) > WEIGHT_TOLERANCE:
        out.append(_weights_problem(total))
    out.extend(_duplicates("criteria", [c.code for c in criteria], "criteria.duplicate_code"))
    return out


def _weights_problem(total: float) -> Problem:
    return Problem(
        "criteria",
        "criteria.weights_sum",
        f"各指标权重（weight）之和应为1（允许误差{WEIGHT_TOLERANCE:g}），实际为{total:.6g}",
        f"criterion weights must sum to 1 (tolerance {WEIGHT_TOLERANCE:g}), they sum to "
        f"{total:.6g}",
    )


def _pass_score_problems(pass_score: float) -> list[Problem]:
    if 0 < pass_score <= MAX_SCORE:
        return []
    return [
        Problem(
            "pass_score",
            "pass_score.range",
            f"合格分数线应在0（不含）到{MAX_SCORE:g}之间，实际为{pass_score:g}",
            f"pass score must be in (0, {MAX_SCORE:g}] (the maximum total), got {pass_score:g}",
        )
    ]


def _duplicates(prefix: str, codes: Sequence[str], code: str) -> list[Problem]:
    counts = Counter(codes)
    return [
        Problem(
            f"{prefix}[{i}].code",
            code,
            f"编码“{c}”重复（出现{counts[c]}次），编码须唯一",
            f"code '{c}' appears {counts[c]} times; codes must be unique",
        )
        for i, c in enumerate(codes)
        if counts[c] > 1 and codes.index(c) != i
    ]


def _requirements_problems(
    prefix: str, requirements: Sequence[HardRequirement], track: Track, level: str
) -> list[Problem]:
    out = _duplicates(prefix, [r.code for r in requirements], "requirements.duplicate_code")
    for i, req in enumerate(requirements):
        out.extend(
            Problem(join_path(f"{prefix}[{i}]", p.field), p.code, p.message, p.message_en)
            for p in req.problems(track, level)
        )
    return out


def _exceptional_problems(
    exceptional: ExceptionalTrack, requirement_codes: Sequence[str], track: Track, level: str
) -> list[Problem]:
    out = _requirements_problems("exceptional.conditions", exceptional.conditions, track, level)
    for i, code in enumerate(exceptional.waives):
        if code not in requirement_codes:
            out.append(
                Problem(
                    f"exceptional.waives[{i}]",
                    "exceptional.unknown_requirement",
                    f"破格可免除的条件“{code}”不是本标准的申报条件编码",
                    f"waived requirement '{code}' is not a requirement code of this standard",
                )
            )
    return out


def consistency_problems(standard: Standard, catalogue: Catalogue | None = None) -> list[Problem]:
    """Problems that structure alone does not catch: series/trades and levels that exist,
    weights summing to 1, pass score in range, unique codes, waivers naming real requirements."""
    out = _scope_problems(standard.track, standard.series, standard.level, catalogue)
    out += _criteria_problems(standard.criteria)
    out += _pass_score_problems(standard.pass_score)
    out += _requirements_problems(
        "requirements", standard.requirements, standard.track, standard.level
    )
    out += _duplicates(
        "materials", [m.code for m in standard.materials], "materials.duplicate_code"
    )
    if standard.exceptional is not None:
        codes = [r.code for r in standard.requirements]
        out += _exceptional_problems(standard.exceptional, codes, standard.track, standard.level)
    return out


# --- parsing -------------------------------------------------------------------------------

_ZH_BY_TYPE: dict[str, str] = {
    "missing": "缺少必填字段",
    "extra_forbidden": "不允许的字段",
    "greater_than": "数值须大于{gt}",
    "greater_than_equal": "数值须不小于{ge}",
    "less_than": "数值须小于{lt}",
    "less_than_equal": "数值须不大于{le}",
    "too_short": "至少需要{min_length}项/个字符",
    "string_too_short": "至少需要{min_length}个字符",
    "float_parsing": "应为数字",
    "float_type": "应为数字",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "int_from_float": "应为整数",
    "bool_parsing": "应为布尔值",
    "bool_type": "应为布尔值",
    "string_type": "应为字符串",
    "list_type": "应为列表",
    "dict_type": "应为对象",
    "model_type": "应为对象",
    "enum": "取值无效，可选：{expected}",
    "literal_error": "取值无效，可选：{expected}",
    "union_tag_invalid": "未知的条件类型“{tag}”，可选：{expected_tags}",
    "union_tag_not_found": "缺少条件类型字段 kind",
    "date_from_datetime_parsing": "应为日期（YYYY-MM-DD）",
    "date_parsing": "应为日期（YYYY-MM-DD）",
}


def _zh_message(error: Any) -> str:
    said = bilingual(error)
    if said is not None:
        return said[0]
    template = _ZH_BY_TYPE.get(error["type"])
    if template is None:
        return f"格式错误：{error['msg']}"
    try:
        return template.format(**(error.get("ctx") or {}))
    except (KeyError, IndexError):
        return template


def _clean_loc(loc: Sequence[str | int]) -> list[str | int]:
    # Discriminated unions put the tag into the location (requirements[0].min_education.x);
    # drop it so paths read like the document.
    out: list[str | int] = []
    for i, part in enumerate(loc):
        if i > 0 and isinstance(loc[i - 1], int) and part in REQUIREMENT_KINDS:
            continue
        out.append(part)
    return out


def problems_from_validation(error: ValidationError, prefix: str = "") -> list[Problem]:
    """Pydantic's structural errors as Problems, paths as in the document."""
    out = []
    for e in error.errors():
        path = join_path(prefix, format_path(_clean_loc(e["loc"])))
        said = bilingual(e)
        en = said[1] if said is not None else e["msg"]
        out.append(Problem(path or "$", f"schema.{e['type']}", _zh_message(e), en))
    return out


_REQUIREMENTS = TypeAdapter(list[HardRequirement])
_CRITERIA = TypeAdapter(list[Criterion])
_EXCEPTIONAL = TypeAdapter(ExceptionalTrack)


def parse_standard(data: dict[str, Any], *, catalogue: Catalogue | None = None) -> Standard:
    """Validate a standard document; raises ``StandardInvalid`` listing every problem:
    structural ones (with their field path) and consistency ones alike. Series/trades are
    checked against ``catalogue`` (the shipped one by default)."""
    if not isinstance(data, dict):
        raise StandardInvalid(
            [Problem("$", "schema.model_type", "标准文档应为对象", "a standard must be an object")]
        )
    try:
        standard = Standard.model_validate(data, context={"skip_consistency": True})
    except ValidationError as error:
        # Run the consistency checks on whatever parts did parse, so one pass lists everything.
        problems = problems_from_validation(error) + _partial_consistency(data, catalogue)
        raise StandardInvalid(_unique(problems)) from None
    problems = consistency_problems(standard, catalogue)
    if problems:
        raise StandardInvalid(problems)
    return standard


def _partial_consistency(data: dict[str, Any], catalogue: Catalogue | None) -> list[Problem]:
    out: list[Problem] = []
    raw_track = data.get("track")
    level = data.get("level")
    track = (
        Track(raw_track) if isinstance(raw_track, str) and raw_track in Track.__members__ else None
    )
    if track is not None:
        out += _scope_problems(track, data.get("series"), level, catalogue)
    try:
        out += _criteria_problems(_CRITERIA.validate_python(data.get("criteria")))
    except ValidationError:
        out += _raw_criteria_problems(data.get("criteria"))
    pass_score = data.get("pass_score")
    if isinstance(pass_score, int | float) and not isinstance(pass_score, bool):
        out += _pass_score_problems(float(pass_score))
    requirement_codes: list[str] = []
    if track is not None and isinstance(level, str):
        try:
            reqs = _REQUIREMENTS.validate_python(data.get("requirements", []))
            requirement_codes = [r.code for r in reqs]
            out += _requirements_problems("requirements", reqs, track, level)
        except ValidationError:
            requirement_codes = [
                str(r.get("code")) for r in data.get("requirements") or [] if isinstance(r, dict)
            ]
        if data.get("exceptional") is not None:
            try:
                exc = _EXCEPTIONAL.validate_python(data["exceptional"])
                out += _exceptional_problems(exc, requirement_codes, track, level)
            except ValidationError:
                pass
    return out


def _raw_criteria_problems(raw: Any) -> list[Problem]:
    """Weight sum and duplicate codes of criteria that failed structurally elsewhere, as long
    as every weight is a number (one bad maximum should not hide a bad weight sum)."""
    if not isinstance(raw, list) or not all(isinstance(c, dict) for c in raw):
        return []
    weights = [c.get("weight") for c in raw]
    out: list[Problem] = []
    if raw and all(isinstance(w, int | float) and not isinstance(w, bool) for w in weights):
        total = math.fsum(float(w) for w in weights)
        if abs(total - 1.0) > WEIGHT_TOLERANCE:
            out.append(_weights_problem(total))
    codes = [c.get("code") for c in raw]
    if all(isinstance(c, str) for c in codes):
        out += _duplicates("criteria", [str(c) for c in codes], "criteria.duplicate_code")
    return out


def _unique(problems: list[Problem]) -> list[Problem]:
    seen: set[Problem] = set()
    out = []
    for p in problems:
        if p not in seen:
            seen.add(p)
            out.append(p)
    return out
