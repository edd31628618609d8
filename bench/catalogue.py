"""What a Nantong review looks like: industry clusters, their series and trades, departments,
and the standards sessions are run under.

Sessions run under enterprise standards derived from the regulator's baselines
(``standards.defaults.load_baselines``); skill trades are codes of the standards catalogue.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from standards.defaults import load_baselines
from standards.document import Standard
from standards.levels import Track


@dataclass(frozen=True)
class Cluster:
    """An industry cluster (产业集群): its share of review bodies, its trades and its pass-rate
    offset (some clusters pass more candidates than others without anything being wrong)."""

    name: str
    weight: float
    skill_trades: tuple[str, ...]
    title_specialties: tuple[str, ...]
    pass_rate_offset: float
    name_words: tuple[str, ...]


# Skill trades are codes of the standards catalogue (standards/defaults/catalogue.json).
CLUSTERS: tuple[Cluster, ...] = (
    Cluster(
        "船舶海工",
        0.22,
        ("welder", "ship_fitter", "pipe_fitter", "coating_worker"),
        ("船舶与海洋工程", "焊接"),
        0.00,
        ("船舶重工", "海洋工程", "船务", "海工装备"),
    ),
    Cluster(
        "高端纺织",
        0.20,
        ("spinner", "weaver", "dyeing_worker", "textile_inspector"),
        ("纺织工程", "染整"),
        0.04,
        ("纺织", "家纺", "印染", "新材料"),
    ),
    Cluster(
        "电子信息",
        0.16,
        ("electrician", "bench_fitter"),
        ("电子信息", "集成电路"),
        -0.03,
        ("电子", "微电子", "信息技术", "半导体"),
    ),
    Cluster(
        "智能装备",
        0.16,
        ("machinist", "bench_fitter", "electrician", "welder"),
        ("机械工程", "自动化"),
        0.02,
        ("智能装备", "机械", "精密机械", "自动化"),
    ),
    Cluster(
        "建筑",
        0.16,
        ("electrician", "welder", "pipe_fitter"),
        ("建筑工程", "土木工程"),
        0.05,
        ("建设", "建工", "建筑安装", "市政工程"),
    ),
    Cluster(
        "化工",
        0.10,
        ("electrician", "pipe_fitter", "bench_fitter"),
        ("化学工程", "环境工程"),
        -0.04,
        ("化工", "精细化工", "新材料科技", "石化"),
    ),
)

MEMBER_DEPARTMENTS = (
    "技术中心",
    "总工办",
    "质量管理部",
    "工艺研究所",
    "人力资源部",
    "设计院",
    "安全环保部",
    "设备动力部",
    "研发中心",
)
APPLICANT_DEPARTMENTS = (
    "生产一部",
    "生产二部",
    "装配车间",
    "焊接车间",
    "机加工车间",
    "检测中心",
    "技术中心",
    "质量管理部",
    "工艺研究所",
    "设计院",
    "设备动力部",
)
INSTITUTIONS = (
    "南通大学",
    "南通职业大学",
    "江苏工程职业技术学院",
    "南通航运职业技术学院",
    "南通科技职业学院",
    "江苏科技大学",
    "扬州大学",
    "常州大学",
    "南通技师学院",
)
AWARDS = (
    "全国技术能手",
    "江苏省技术能手",
    "江苏工匠",
    "南通市技术能手",
    "省级技能大赛一等奖",
    "市科技进步奖",
)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙朱马胡郭林何高梁郑罗宋谢唐韩曹许邓冯顾陆施季"
GIVEN = "建国伟强军华明丽静敏磊洋勇艳杰涛超鹏辉芳婷斌峰霞宇浩凯晨欣雪"

# Which levels each track's sessions review, and how often; the lowest levels are rarely
# self-reviewed by enterprises, the top ones are rare.
SESSION_LEVELS: dict[Track, dict[str, float]] = {
    Track.title: {"assistant": 0.38, "intermediate": 0.44, "deputy_senior": 0.15, "senior": 0.03},
    Track.skill: {
        "grade4": 0.25,
        "grade3": 0.35,
        "grade2": 0.25,
        "grade1": 0.12,
        "special_technician": 0.03,
    },
}
# Clean pass rate by level (before the cluster offset): higher levels pass fewer candidates.
BASE_PASS_RATE: dict[str, float] = {
    "assistant": 0.82,
    "intermediate": 0.74,
    "deputy_senior": 0.62,
    "senior": 0.50,
    "grade4": 0.84,
    "grade3": 0.76,
    "grade2": 0.68,
    "grade1": 0.60,
    "special_technician": 0.50,
}

_CRITERIA_TEMPLATES = (
    ("C1", "专业能力", "professional competence"),
    ("C2", "工作业绩", "work achievements"),
    ("C3", "技术创新", "technical innovation"),
    ("C4", "现场答辩", "oral defence"),
    ("C5", "职业道德", "professional ethics"),
    ("C6", "传技带徒", "mentoring"),
    ("C7", "安全生产", "work safety"),
    ("C8", "继续学习", "continuing learning"),
)


def criteria(n: int) -> list[dict[str, Any]]:
    """``n`` scored criteria with weights summing to 1 (the first ones weigh most) and maxima
    that vary, as enterprise standards do."""
    raw = [1.0 / (1 + 0.35 * i) for i in range(n)]
    weights = [round(w / sum(raw), 4) for w in raw]
    weights[0] = round(1.0 - sum(weights[1:]), 4)
    maxima = (30, 25, 20, 15, 10, 10, 10, 10)
    out = []
    for i in range(n):
        code, name, name_en = _CRITERIA_TEMPLATES[i % len(_CRITERIA_TEMPLATES)]
        out.append(
            {
                "code": code if i < len(_CRITERIA_TEMPLATES) else f"C{i + 1}",
                "name": name,
                "name_en": name_en,
                "weight": weights[i],
                "maximum": float(maxima[i % len(maxima)]),
            }
        )
    return out


def baselines() -> list[Standard]:
    """The regulator's baselines (``standards.defaults``) for the levels sessions review."""
    return [b for b in load_baselines() if b.level in SESSION_LEVELS.get(b.track, {})]
