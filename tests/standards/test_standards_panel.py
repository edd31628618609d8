from standards.document import PanelRules
from standards.levels import Track
from standards.panel import PanelMemberFacts, panel_problems

RULES = PanelRules(min_size=7, min_external_share=0.2)


def member(i: int, level: str = "deputy_senior", *, external=False, chair=False, track=Track.title):
    return PanelMemberFacts(
        member_id=f"E{i}", track=track, level=level, external=external, chair=chair
    )


def good_panel() -> list[PanelMemberFacts]:
    members = [member(i, external=i < 2) for i in range(7)]
    members[0] = member(0, external=True, chair=True)
    return members


def codes(problems):
    return [p.code for p in problems]


def test_compliant_panel_has_no_problems():
    assert panel_problems(RULES, Track.title, "intermediate", good_panel()) == []


def test_every_failure_is_listed():
    members = [member(0, "assistant"), member(1), member(2, chair=True), member(3, chair=True)]
    problems = panel_problems(RULES, Track.title, "intermediate", members)
    assert sorted(codes(problems)) == sorted(
        [
            "panel.too_small",
            "panel.even_size",
            "panel.member_below_level",
            "panel.external_share",
            "panel.several_chairs",
        ]
    )


def test_member_below_level_is_named_with_path():
    members = good_panel()
    members[3] = member(3, "assistant")
    [problem] = panel_problems(RULES, Track.title, "intermediate", members)
    assert problem.path == "members[3].level"
    assert "E3" in problem.message and "E3" in problem.message_en


def test_external_share_message_has_the_numbers():
    members = [member(i, chair=i == 0) for i in range(7)]
    [problem] = panel_problems(RULES, Track.title, "intermediate", members)
    assert problem.code == "panel.external_share"
    assert "0 of 7" in problem.message_en and "20%" in problem.message_en


def test_missing_chair():
    members = [member(i, external=i < 2) for i in range(7)]
    assert codes(panel_problems(RULES, Track.title, "intermediate", members)) == ["panel.no_chair"]


def test_skill_holders_compare_across_tracks():
    # 高级技师 compares with 副高级: may sit on a 工程师 panel, a 技师 may not.
    members = good_panel()
    members[4] = member(4, "grade1", track=Track.skill)
    assert panel_problems(RULES, Track.title, "intermediate", members) == []
    members[5] = member(5, "grade3", track=Track.skill)
    assert codes(panel_problems(RULES, Track.title, "intermediate", members)) == [
        "panel.member_below_level"
    ]


def test_member_level_offset_raises_the_bar():
    rules = PanelRules(min_size=7, min_external_share=0.2, member_level_offset=1)
    members = good_panel()
    members[6] = member(6, "intermediate")
    assert codes(panel_problems(rules, Track.title, "intermediate", members)) == [
        "panel.member_below_level"
    ]
