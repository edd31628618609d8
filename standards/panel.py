"""Whether a review panel (评审委员会) meets its rules before scoring starts."""

from __future__ import annotations

import math
from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict

from standards.document import PanelRules
from standards.levels import Track, comparable_title_rank, level_name
from standards.problems import Problem


class PanelMemberFacts(BaseModel):
    """A panel member as the rules see them: own level (either track), affiliation, role."""

    model_config = ConfigDict(frozen=True)

    member_id: str
    track: Track
    level: str
    external: bool
    chair: bool = False


def panel_problems(
    rules: PanelRules, track: Track, level: str, members: Sequence[PanelMemberFacts]
) -> list[Problem]:
    """Every way ``members`` break ``rules`` for a review of ``level`` on ``track``: size, odd
    size, each member below the level reviewed, external share, chair. Empty when compliant."""
    out: list[Problem] = []
    size = len(members)
    if size < rules.min_size:
        out.append(
            Problem(
                "members",
                "panel.too_small",
                f"评审委员会{size}人，少于最低{rules.min_size}人",
                f"panel has {size} members, fewer than the minimum {rules.min_size}",
            )
        )
    if rules.odd_size and size % 2 == 0:
        out.append(
            Problem(
                "members",
                "panel.even_size",
                f"评审委员会人数须为单数，现为{size}人",
                f"panel size must be odd, it is {size}",
            )
        )
    floor = comparable_title_rank(track, level) + rules.member_level_offset
    for i, m in enumerate(members):
        rank = comparable_title_rank(m.track, m.level)
        if rank < floor:
            own = level_name(m.track, m.level)
            own_en = level_name(m.track, m.level, "en")
            out.append(
                Problem(
                    f"members[{i}].level",
                    "panel.member_below_level",
                    f"评委{m.member_id}的等级{own}（相当职称第{rank}级）低于要求的第{floor}级"
                    f"（所评：{level_name(track, level)}）",
                    f"member {m.member_id} holds {own_en} (title rank {rank}), below the "
                    f"required rank {floor} (reviewing {level_name(track, level, 'en')})",
                )
            )
    external = sum(1 for m in members if m.external)
    needed = math.ceil(rules.min_external_share * size - 1e-9)
    if external < needed:
        share = external / size if size else 0.0
        out.append(
            Problem(
                "members",
                "panel.external_share",
                f"外单位评委{external}/{size}人（{share:.0%}），低于要求的"
                f"{rules.min_external_share:.0%}（至少{needed}人）",
                f"{external} of {size} members external ({share:.0%}), below the required "
                f"{rules.min_external_share:.0%} (at least {needed})",
            )
        )
    chairs = [m.member_id for m in members if m.chair]
    if rules.chair_required and not chairs:
        out.append(Problem("members", "panel.no_chair", "未指定主任委员", "no chair designated"))
    if len(chairs) > 1:
        out.append(
            Problem(
                "members",
                "panel.several_chairs",
                f"主任委员只能有1人，现有{len(chairs)}人：{', '.join(chairs)}",
                f"only one chair allowed, found {len(chairs)}: {', '.join(chairs)}",
            )
        )
    return out
