"""Default data shipped with the library: the regulator's baselines for the engineering series
and the skill ladder, the national equivalence table, the series/trade catalogue, and two worked
examples of customised enterprise standards. Every JSON file carries a ``source`` note."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from standards.document import ANY_SERIES, Standard, parse_standard
from standards.equivalence import EquivalenceTable, parse_equivalence_table
from standards.levels import Track

BASELINE_FILES = ("baselines_engineering.json", "baselines_skill.json")
EXAMPLE_FILES = ("example_marine_welding_engineer.json", "example_textile_weaver_technician.json")


def _read(name: str) -> Any:
    text = resources.files("standards.defaults").joinpath(name).read_text("utf-8")
    return json.loads(text)


def _standards(names: tuple[str, ...]) -> list[Standard]:
    out = []
    for name in names:
        data = _read(name)
        source = data.get("source", "")
        for document in data["standards"]:
            out.append(parse_standard({"source": source, **document}))
    return out


def load_baselines() -> list[Standard]:
    """The regulator's baseline standards: engineering series 助理级 to 正高级 and the skill
    ladder 五级 to 一级 plus 特级技师 and 首席技师 (skill baselines cover every trade: ``"*"``)."""
    return _standards(BASELINE_FILES)


def load_examples() -> list[Standard]:
    """The two worked examples of customised enterprise standards (船舶海工, 高端纺织)."""
    return _standards(EXAMPLE_FILES)


def load_equivalence() -> EquivalenceTable:
    """The national default equivalence table, with an example cluster override."""
    return parse_equivalence_table(_read("equivalence.json"))


def baseline_for(
    baselines: list[Standard], track: Track | str, series: str, level: str
) -> Standard | None:
    """The baseline for ``track`` + ``series`` + ``level``: an exact series match first, then a
    baseline covering every series/trade (``"*"``); None when the regulator has none."""
    matches = [b for b in baselines if b.track == track and b.level == level]
    for wanted in (series, ANY_SERIES):
        for b in matches:
            if b.series == wanted:
                return b
    return None
