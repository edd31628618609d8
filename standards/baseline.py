"""The baseline check: every way an enterprise standard is laxer than the regulator's floor for
the same track, series/trade and level. Stricter is always allowed; criteria are the
enterprise's own and are not compared."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from standards.document import ANY_SERIES, ExceptionalTrack, PanelRules, Standard
from standards.problems import Laxity, join_path
from standards.requirements import HardRequirement, Relaxation

__all__ = ["Laxity", "laxities"]

_EPS = 1e-9


def laxities(standard: Standard, baseline: Standard) -> list[Laxity]:
    """Every laxity of ``standard`` against ``baseline``; empty when it is at least as strict.
    A baseline for another track, series/trade or level is itself reported."""
    out = _scope_laxities(standard, baseline)
    out += _requirement_laxities("requirements", standard.requirements, baseline.requirements)
    if standard.pass_score < baseline.pass_score - _EPS:
        out.append(
            Laxity(
                "pass_score",
                "pass_score.lower",
                f"{baseline.pass_score:g}",
                f"{standard.pass_score:g}",
                f"合格分数线{standard.pass_score:g}低于基准的{baseline.pass_score:g}",
                f"pass score {standard.pass_score:g} is below the baseline's "
                f"{baseline.pass_score:g}",
            )
        )
    out += _panel_laxities(standard.panel, baseline.panel)
    if standard.notice_working_days < baseline.notice_working_days:
        out.append(
            Laxity(
                "notice_working_days",
                "notice.shorter",
                str(baseline.notice_working_days),
                str(standard.notice_working_days),
                f"公示期{standard.notice_working_days}个工作日，短于基准的"
                f"{baseline.notice_working_days}个工作日",
                f"public notice of {standard.notice_working_days} working days, shorter than the "
                f"baseline's {baseline.notice_working_days}",
            )
        )
    out += _exceptional_laxities(standard.exceptional, baseline.exceptional)
    return out


def _scope_laxities(standard: Standard, baseline: Standard) -> list[Laxity]:
    out = []
    pairs = [
        ("track", standard.track.value, baseline.track.value),
        ("series", standard.series, baseline.series),
        ("level", standard.level, baseline.level),
    ]
    for field, mine, theirs in pairs:
        if field == "series" and theirs == ANY_SERIES:
            continue
        if mine != theirs:
            out.append(
                Laxity(
                    field,
                    "scope.mismatch",
                    theirs,
                    mine,
                    f"基准标准不适用：{field}为“{theirs}”，本标准为“{mine}”",
                    f"baseline does not apply: its {field} is '{theirs}', the standard's is "
                    f"'{mine}'",
                )
            )
    if baseline.specialty is not None and standard.specialty != baseline.specialty:
        out.append(
            Laxity(
                "specialty",
                "scope.mismatch",
                baseline.specialty,
                str(standard.specialty),
                f"基准标准仅适用于专业“{baseline.specialty}”",
                f"baseline applies only to specialty '{baseline.specialty}'",
            )
        )
    return out


def _requirement_laxities(
    prefix: str,
    mine: Sequence[HardRequirement],
    theirs: Sequence[HardRequirement],
) -> list[Laxity]:
    out: list[Laxity] = []
    for base in theirs:
        candidates = [
            (i, req)
            for i, req in enumerate(mine)
            if req.kind == base.kind and req.match_key() == base.match_key()
        ]
        if not candidates:
            rule, rule_en = base.describe()
            out.append(
                Laxity(
                    prefix,
                    "requirement.missing",
                    rule_en,
                    "none",
                    f"缺少基准要求的申报条件：{rule}",
                    f"missing the baseline's requirement: {rule_en}",
                )
            )
            continue
        # Several requirements of the same kind: one at least as strict as the baseline's is
        # enough; otherwise report the closest one.
        scored = [(req.relaxations(base), i) for i, req in candidates]
        relaxations, i = min(scored, key=lambda pair: (len(pair[0]), pair[1]))
        out.extend(_as_laxity(f"{prefix}[{i}]", base.kind, r) for r in relaxations)
    return out


def _as_laxity(path: str, kind: str, r: Relaxation) -> Laxity:
    return Laxity(
        join_path(path, r.field),
        f"requirement.{kind}.laxer",
        r.baseline_value,
        r.standard_value,
        r.message,
        r.message_en,
    )


def _panel_laxities(mine: PanelRules, theirs: PanelRules) -> list[Laxity]:
    def pct(v: float) -> str:
        return f"{v:.2%}"

    checks: list[tuple[str, bool, Callable[[float | int | bool], str], str, str]] = [
        (
            "min_size",
            mine.min_size < theirs.min_size,
            str,
            "评审委员会最少人数低于基准",
            "smaller minimum panel size than the baseline",
        ),
        (
            "odd_size",
            theirs.odd_size and not mine.odd_size,
            str,
            "未要求评审委员会人数为单数，基准要求单数",
            "panel size need not be odd, the baseline requires it",
        ),
        (
            "member_level_offset",
            mine.member_level_offset < theirs.member_level_offset,
            str,
            "评委自身等级要求低于基准",
            "members' own level may be lower than the baseline allows",
        ),
        (
            "min_external_share",
            mine.min_external_share < theirs.min_external_share - _EPS,
            pct,
            "外单位评委比例低于基准",
            "smaller share of external members than the baseline",
        ),
        (
            "chair_required",
            theirs.chair_required and not mine.chair_required,
            str,
            "未要求主任委员，基准要求",
            "no chair required, the baseline requires one",
        ),
        (
            "quorum_share",
            mine.quorum_share < theirs.quorum_share - _EPS,
            pct,
            "到会法定人数比例低于基准",
            "lower quorum than the baseline",
        ),
        (
            "vote_threshold",
            mine.vote_threshold < theirs.vote_threshold - _EPS,
            pct,
            "通过票数比例低于基准",
            "lower vote threshold than the baseline",
        ),
    ]
    out = []
    for field, laxer, show, zh, en in checks:
        if not laxer:
            continue
        base_v, mine_v = show(getattr(theirs, field)), show(getattr(mine, field))
        out.append(
            Laxity(
                f"panel.{field}",
                f"panel.{field}.laxer",
                base_v,
                mine_v,
                f"{zh}：本标准{mine_v}，基准{base_v}",
                f"{en}: {mine_v} (baseline {base_v})",
            )
        )
    return out


def _exceptional_laxities(
    mine: ExceptionalTrack | None, theirs: ExceptionalTrack | None
) -> list[Laxity]:
    if mine is None:
        return []
    if theirs is None:
        return [
            Laxity(
                "exceptional",
                "exceptional.not_allowed",
                "none",
                "exceptional track",
                "设有破格途径，基准不允许破格",
                "has an exceptional track; the baseline allows none",
            )
        ]
    out = _requirement_laxities("exceptional.conditions", mine.conditions, theirs.conditions)
    extra = sorted(set(mine.waives) - set(theirs.waives))
    if extra:
        out.append(
            Laxity(
                "exceptional.waives",
                "exceptional.waives_more",
                ", ".join(theirs.waives),
                ", ".join(mine.waives),
                f"破格可免除的条件多于基准：{'、'.join(extra)}",
                f"the exceptional track waives more than the baseline: {', '.join(extra)}",
            )
        )
    if theirs.max_share is not None and (
        mine.max_share is None or mine.max_share > theirs.max_share + _EPS
    ):
        shown = "none" if mine.max_share is None else f"{mine.max_share:.0%}"
        out.append(
            Laxity(
                "exceptional.max_share",
                "exceptional.max_share.laxer",
                f"{theirs.max_share:.0%}",
                shown,
                f"破格比例上限{shown}高于基准的{theirs.max_share:.0%}",
                f"exceptional share cap {shown} is above the baseline's {theirs.max_share:.0%}",
            )
        )
    if theirs.justification_required and not mine.justification_required:
        out.append(
            Laxity(
                "exceptional.justification_required",
                "exceptional.justification.laxer",
                "True",
                "False",
                "破格不要求说明理由，基准要求",
                "no justification required for the exceptional track; the baseline requires one",
            )
        )
    return out
