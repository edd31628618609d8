"""Tracks, levels and education: the two ladders every standard is written against.

Title levels (职称) run 员级 → 正高级 (ranks 1..5); skill levels (职业技能等级) follow the
"new eight-level" ladder (人社部发〔2022〕14号), 学徒工 → 首席技师 (ranks 1..8).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

Lang = Literal["zh", "en"]


class Track(StrEnum):
    """职称 (professional title) or 职业技能等级 (vocational skill level)."""

    # The member shadows str.title; the name is the domain's, so keep it.
    title = "title"  # type: ignore[assignment]
    skill = "skill"


TRACK_NAMES: dict[Track, tuple[str, str]] = {
    Track.title: ("职称", "professional title"),
    Track.skill: ("职业技能等级", "skill level"),
}

# code -> (zh, en), in rank order (the first is rank 1).
TITLE_LEVELS: dict[str, tuple[str, str]] = {
    "technician": ("员级", "technician level"),
    "assistant": ("助理级", "assistant level"),
    "intermediate": ("中级", "intermediate level"),
    "deputy_senior": ("副高级", "deputy senior level"),
    "senior": ("正高级", "senior level"),
}

SKILL_LEVELS: dict[str, tuple[str, str]] = {
    "apprentice": ("学徒工", "apprentice"),
    "grade5": ("初级工（五级）", "junior worker (grade 5)"),
    "grade4": ("中级工（四级）", "intermediate worker (grade 4)"),
    "grade3": ("高级工（三级）", "senior worker (grade 3)"),
    "grade2": ("技师（二级）", "technician (grade 2)"),
    "grade1": ("高级技师（一级）", "senior technician (grade 1)"),
    "special_technician": ("特级技师", "special technician"),
    "chief_technician": ("首席技师", "chief technician"),
}

_LADDERS: dict[Track, dict[str, tuple[str, str]]] = {
    Track.title: TITLE_LEVELS,
    Track.skill: SKILL_LEVELS,
}

# Series-specific names of title levels (GB/T 8561-2001 engineering series 08x).
SERIES_TITLE_NAMES: dict[str, dict[str, tuple[str, str]]] = {
    "engineering": {
        "technician": ("技术员", "technician"),
        "assistant": ("助理工程师", "assistant engineer"),
        "intermediate": ("工程师", "engineer"),
        "deputy_senior": ("高级工程师", "senior engineer"),
        "senior": ("正高级工程师", "professor-level senior engineer"),
    },
}

# Cross-track comparison for panel members: a skill level's equivalent title rank.
# 高级工~助理级, 技师~中级, 高级技师~副高级, 特级技师/首席技师~正高级 (Jiangsu treats 特级技师
# like 正高级); the lower skill levels compare with the lowest title rank.
_SKILL_TO_TITLE_RANK: dict[str, int] = {
    "apprentice": 1,
    "grade5": 1,
    "grade4": 1,
    "grade3": 2,
    "grade2": 3,
    "grade1": 4,
    "special_technician": 5,
    "chief_technician": 5,
}


class UnknownLevel(ValueError):
    """A level code that does not exist on the named track."""

    def __init__(self, track: str, level: str) -> None:
        self.track = str(track)
        self.level = str(level)
        ladder = _LADDERS.get(Track(track)) if track in Track.__members__ else None
        known = ", ".join(ladder) if ladder else ""
        if ladder is None:
            self.message = f"未知的评价类别“{track}”（应为 title 或 skill）"
            self.message_en = f"unknown track '{track}' (expected title or skill)"
        else:
            self.message = f"{TRACK_NAMES[Track(track)][0]}没有等级“{level}”，可用等级：{known}"
            self.message_en = (
                f"'{level}' is not a {TRACK_NAMES[Track(track)][1]} level; known levels: {known}"
            )
        super().__init__(self.message_en)


class Education(StrEnum):
    """Highest education, low to high. Technical-school classes map onto it (see
    ``education_for_school_class``)."""

    junior_high = "junior_high"
    senior_high = "senior_high"
    secondary_vocational = "secondary_vocational"
    junior_college = "junior_college"
    bachelor = "bachelor"
    master = "master"
    doctorate = "doctorate"


EDUCATION_NAMES: dict[Education, tuple[str, str]] = {
    Education.junior_high: ("初中", "junior high school"),
    Education.senior_high: ("高中", "senior high school"),
    Education.secondary_vocational: ("中专/技校", "secondary vocational school"),
    Education.junior_college: ("大专", "junior college"),
    Education.bachelor: ("本科", "bachelor's degree"),
    Education.master: ("硕士", "master's degree"),
    Education.doctorate: ("博士", "doctorate"),
}

_EDUCATION_ORDER: tuple[Education, ...] = tuple(Education)


class TechnicalSchoolClass(StrEnum):
    """Classes of technical schools (技工院校) that count as an education level."""

    intermediate_worker = "intermediate_worker"  # 中级工班
    senior_worker = "senior_worker"  # 高级工班
    preparatory_technician = "preparatory_technician"  # 预备技师班


_SCHOOL_CLASS_EDUCATION: dict[TechnicalSchoolClass, Education] = {
    TechnicalSchoolClass.intermediate_worker: Education.secondary_vocational,
    TechnicalSchoolClass.senior_worker: Education.junior_college,
    TechnicalSchoolClass.preparatory_technician: Education.bachelor,
}


def _ladder(track: Track | str) -> dict[str, tuple[str, str]]:
    try:
        return _LADDERS[Track(track)]
    except ValueError:
        raise UnknownLevel(str(track), "") from None


def levels(track: Track | str) -> list[str]:
    """Level codes of ``track``, lowest first."""
    return list(_ladder(track))


def is_level(track: Track | str, level: str) -> bool:
    """True when ``level`` is a level code of ``track``."""
    try:
        return level in _ladder(track)
    except UnknownLevel:
        return False


def level_rank(track: Track | str, level: str) -> int:
    """Rank of ``level`` on its ladder, 1 for the lowest; raises ``UnknownLevel``."""
    ladder = _ladder(track)
    if level not in ladder:
        raise UnknownLevel(str(track), level)
    return list(ladder).index(level) + 1


def level_name(track: Track | str, level: str, lang: Lang = "zh", series: str | None = None) -> str:
    """Display name of a level; with ``series`` the series' own title name (工程师 rather than
    中级) when the series names its levels."""
    ladder = _ladder(track)
    if level not in ladder:
        raise UnknownLevel(str(track), level)
    names = ladder[level]
    if Track(track) is Track.title and series in SERIES_TITLE_NAMES:
        names = SERIES_TITLE_NAMES[series][level]
    return names[0] if lang == "zh" else names[1]


def level_below(track: Track | str, level: str) -> str | None:
    """The level just below ``level`` on its ladder, or None for the lowest."""
    rank = level_rank(track, level)
    return levels(track)[rank - 2] if rank > 1 else None


def education_rank(education: Education | str) -> int:
    """Rank of an education level, 1 for 初中 up to 7 for 博士."""
    return _EDUCATION_ORDER.index(Education(education)) + 1


def education_name(education: Education | str, lang: Lang = "zh") -> str:
    """Display name of an education level."""
    names = EDUCATION_NAMES[Education(education)]
    return names[0] if lang == "zh" else names[1]


def education_for_school_class(school_class: TechnicalSchoolClass | str) -> Education:
    """The education a technical-school class counts as: 中级工班 = 中专, 高级工班 = 大专,
    预备技师班 = 本科."""
    return _SCHOOL_CLASS_EDUCATION[TechnicalSchoolClass(school_class)]


def comparable_title_rank(track: Track | str, level: str) -> int:
    """A level's rank on the title ladder, so title and skill holders can be compared (used for
    panel members reviewing the other track)."""
    rank = level_rank(track, level)
    if Track(track) is Track.title:
        return rank
    return _SKILL_TO_TITLE_RANK[level]
