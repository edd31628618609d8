"""Signals about how panels were formed (contract 1.1): members picked by hand with no reason,
members sitting after their pool term ended, and the same external expert picked again and
again by one enterprise. Each with a planted and a clean case; 1.0 filings raise none."""

from __future__ import annotations

import json
from typing import Any

import factories

from audit.flags import Flag
from audit.pipeline import run_audit


def audit(*raws: dict[str, Any]) -> list[Flag]:
    return run_audit(factories.dataset(*raws), baselines=[]).flags


def of(flags: list[Flag], signal: str) -> list[Flag]:
    return [f for f in flags if f.signal == signal]


def chosen(raw: dict[str, Any], **by_member: dict[str, Any]) -> dict[str, Any]:
    """``raw`` as a 1.1 filing whose members were drawn, except the changes given."""
    raw["schema_version"] = "1.1"
    for member in raw["panel"]:
        member["selection"] = "drawn"
        member.update(by_member.get(member["member_id"], {}))
    return raw


def test_hand_picked_members_without_a_reason_are_flagged_with_whom() -> None:
    raw = chosen(
        factories.filing_doc(6),
        m2={"selection": "hand_picked"},
        m3={"selection": "hand_picked", "selection_reason": "唯一的船舶电气专家"},
        m4={"selection": "hand_picked", "selection_reason": "   "},
    )
    [flag] = of(audit(raw), "rule.panel_not_drawn")
    assert flag.band == "certain" and flag.scope == "session"
    assert flag.details["members"] == ["m2", "m4"]
    assert "7名评委中2名" in flag.reason and "2 of the panel's 7" in flag.reason_en


def test_drawn_or_explained_panels_and_1_0_filings_raise_nothing() -> None:
    explained = chosen(
        factories.filing_doc(6, session_ref="S2"),
        m2={"selection": "hand_picked", "selection_reason": "回避后补充"},
        m3={"selection": "reserve"},
    )
    old = factories.filing_doc(6, enterprise=2)  # 1.0: says nothing about selection
    flags = audit(explained, old)
    assert of(flags, "rule.panel_not_drawn") == []
    assert of(flags, "rule.member_beyond_term") == []
    assert of(flags, "stat.repeated_pairing") == []


def test_a_member_sitting_after_their_term_is_flagged_and_one_in_term_is_not() -> None:
    raw = chosen(
        factories.filing_doc(6),
        m6={"term_end": "2026-03-31"},
        m5={"term_end": "2026-05-20"},  # the session's own day: still in term
    )
    [flag] = of(audit(raw), "rule.member_beyond_term")
    assert flag.member_id is not None and flag.observed == 50
    assert "2026-03-31" in flag.reason and "50 days later" in flag.reason_en


def _renamed(raw: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    """``raw`` with members renamed everywhere (panel, scores, votes)."""
    text = json.dumps(raw)
    for old, new in names.items():
        text = text.replace(f'"{old}"', f'"{new}"')
    return json.loads(text)


def _city(picks_same_expert: bool) -> list[dict[str, Any]]:
    """Ten enterprises with four sessions each; each picks two externals by hand (with a
    reason), spread over a pool of twenty. When planted, enterprise 1 picks x-favourite for
    all four of its sessions."""
    docs = []
    pool = [f"x{i}" for i in range(20)]
    turn = 0
    for e in range(1, 11):
        for s in range(4):
            raw = factories.filing_doc(5, enterprise=e, session_ref=f"S{s}")
            names = {"m6": pool[turn % len(pool)], "m7": pool[(turn + 1) % len(pool)]}
            turn += 2
            if picks_same_expert and e == 1:
                names["m7"] = "x-favourite"
            picked = {"selection": "hand_picked", "selection_reason": "专业对口"}
            raw = chosen(_renamed(raw, names), **{names["m6"]: picked, names["m7"]: picked})
            docs.append(raw)
    return docs


def test_one_expert_picked_by_one_enterprise_again_and_again_is_flagged() -> None:
    [flag] = of(audit(*_city(True)), "stat.repeated_pairing")
    assert flag.enterprise_credit_code == factories.credit_code(1)
    assert flag.member_id == "x-favourite" and flag.band == "alarm"
    assert flag.observed == 4 and flag.n == 4 and flag.p_value is not None
    assert "x-favourite" in flag.reason and "binomial" in flag.reason_en


def test_experts_spread_over_enterprises_are_not_flagged() -> None:
    assert of(audit(*_city(False)), "stat.repeated_pairing") == []
