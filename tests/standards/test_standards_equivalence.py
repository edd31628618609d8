from datetime import date

import pytest
from pydantic import ValidationError
from standards_factories import AS_OF, applicant

from standards.defaults import load_equivalence
from standards.equivalence import (
    EquivalenceInvalid,
    EquivalenceRule,
    EquivalenceTable,
    applicable_rules,
    open_levels,
    parse_equivalence_table,
)
from standards.facts import Appraisal, Qualification
from standards.levels import Track

ENTERPRISE = "91320600MA1NTCB01J"


def welder(level: str, since: date) -> Qualification:
    return Qualification(track=Track.skill, series="welder", level=level, obtained_on=since)


def frontline_worker(holding: Qualification, **overrides):
    values = dict(
        qualifications=[holding],
        frontline_post=True,
        appraisals=[Appraisal(year=y, passed=True) for y in (2022, 2023, 2024)],
        continuing_education_hours={2022: 90, 2023: 90, 2024: 90},
    )
    values.update(overrides)
    return applicant(**values)


def table_with_enterprise_override() -> EquivalenceTable:
    table = load_equivalence()
    override = EquivalenceRule(
        code="enterprise_grade2_intermediate",
        direction="skill_to_title",
        from_track=Track.skill,
        from_level="grade2",
        to_track=Track.title,
        to_level="intermediate",
        min_years_at_level=5,
        scope="enterprise",
        enterprise_credit_code=ENTERPRISE,
    )
    return table.model_copy(update={"rules": [*table.rules, override]})


def test_technician_for_four_years_may_apply_for_engineer_nationally():
    holding = welder("grade2", date(2021, 5, 1))  # ~4.1 years
    options = open_levels(load_equivalence(), frontline_worker(holding), holding)
    by_level = {o.target_level: o for o in options}
    assert set(by_level) == {"assistant", "intermediate"}
    engineer = by_level["intermediate"]
    assert engineer.met and engineer.missing == []
    assert engineer.rule.scope == "national" and engineer.rule.min_years_at_level == 3
    assert engineer.target_series_any_of == ["engineering"]
    assert engineer.years_held == pytest.approx(4.09, abs=0.01)
    assert "工程师" in engineer.message


def test_missing_conditions_are_listed_with_bilingual_messages():
    holding = welder("grade2", date(2023, 1, 1))
    facts = frontline_worker(holding, frontline_post=False, appraisals=[])
    [engineer] = [
        o
        for o in open_levels(load_equivalence(), facts, holding)
        if o.target_level == "intermediate"
    ]
    assert not engineer.met
    assert [m.code for m in engineer.missing] == ["years_at_level", "frontline_post", "appraisals"]
    years = engineer.missing[0]
    assert "还差" in years.message and "more needed" in years.message_en


def test_cluster_rule_overrides_the_national_one():
    holding = welder("grade2", date(2021, 5, 1))
    options = open_levels(
        load_equivalence(), frontline_worker(holding), holding, cluster="shipbuilding_offshore"
    )
    [engineer] = [o for o in options if o.target_level == "intermediate"]
    assert engineer.rule.scope == "cluster" and engineer.rule.min_years_at_level == 4
    assert engineer.met  # 4.1 years held
    assert "产业集群" in engineer.message


def test_cluster_rule_limited_to_its_trades_hides_the_national_rule():
    holding = Qualification(
        track=Track.skill, series="electrician", level="grade2", obtained_on=date(2019, 1, 1)
    )
    options = open_levels(
        load_equivalence(), frontline_worker(holding), holding, cluster="shipbuilding_offshore"
    )
    assert "intermediate" not in {o.target_level for o in options}


def test_enterprise_rule_overrides_cluster_and_national():
    holding = welder("grade2", date(2021, 5, 1))
    table = table_with_enterprise_override()
    rules = applicable_rules(
        table, cluster="shipbuilding_offshore", enterprise_credit_code=ENTERPRISE
    )
    keyed = [r for r in rules if r.key() == ("skill_to_title", "grade2", Track.title)]
    assert [r.code for r in keyed] == ["enterprise_grade2_intermediate"]
    options = open_levels(
        table,
        frontline_worker(holding),
        holding,
        cluster="shipbuilding_offshore",
        enterprise_credit_code=ENTERPRISE,
    )
    [engineer] = [o for o in options if o.target_level == "intermediate"]
    assert not engineer.met and engineer.rule.scope == "enterprise"
    # Another enterprise of the cluster still gets the cluster rule.
    other = applicable_rules(table, cluster="shipbuilding_offshore", enterprise_credit_code="X")
    assert "cluster_marine_grade2_intermediate" in {r.code for r in other}


def engineer(level: str, since: date) -> Qualification:
    return Qualification(track=Track.title, series="engineering", level=level, obtained_on=since)


# Title held → skill level opened, by the national table: only a 初级 title (员级, 助理级) opens
# 高级工; the table has no confirmed row from 中级 or higher (domain.md), so nothing opens.
@pytest.mark.parametrize(
    ("level", "name", "opens"),
    [
        ("technician", "技术员", ["grade3"]),
        ("assistant", "助理工程师", ["grade3"]),
        ("intermediate", "工程师", []),
        ("deputy_senior", "高级工程师", []),
        ("senior", "正高级工程师", []),
    ],
)
def test_every_title_level_as_holding(level: str, name: str, opens: list[str]) -> None:
    holding = engineer(level, date(2020, 7, 1))  # 4.9 years before AS_OF
    options = open_levels(load_equivalence(), applicant(qualifications=[holding]), holding)
    assert [o.target_level for o in options] == opens
    for option in options:
        assert option.target_track is Track.skill and option.met
        # The years are counted and named for what is held, not the rule's lowest level.
        assert option.checks[0].message == f"已取得{name}4.9年，达到1年"
        assert "4.9 years as" in option.checks[0].message_en


# Skill held → title opened: each title level is reached from exactly the skill level of the
# national table (高级工 → 助理工程师, 技师 → 工程师, 高级技师 → 高级工程师), never 员级 or 正高级.
@pytest.mark.parametrize(
    ("title_level", "from_skill"),
    [
        ("technician", None),
        ("assistant", "grade3"),
        ("intermediate", "grade2"),
        ("deputy_senior", "grade1"),
        ("senior", None),
    ],
)
def test_every_title_level_as_target(title_level: str, from_skill: str | None) -> None:
    reached_from = []
    for skill in ("grade5", "grade4", "grade3", "grade2", "grade1"):
        holding = welder(skill, date(2015, 1, 1))
        options = open_levels(load_equivalence(), frontline_worker(holding), holding)
        # A skill level opens only the title its own row names (the highest one reachable).
        if any(o.target_level == title_level and o.rule.from_level == skill for o in options):
            reached_from.append(skill)
    assert reached_from == ([from_skill] if from_skill else [])


def test_higher_title_holders_are_not_offered_the_junior_row_by_a_table_that_says_so():
    rule = next(r for r in load_equivalence().rules if r.direction == "title_to_skill")
    assert rule.up_to_level == "assistant"
    wider = rule.model_copy(update={"up_to_level": None})
    table = load_equivalence().model_copy(update={"rules": [wider]})
    holding = engineer("senior", date(2020, 7, 1))
    [option] = open_levels(table, applicant(qualifications=[holding]), holding)
    assert option.checks[0].rule == "取得技术员（或更高）满1年"
    assert option.checks[0].message.startswith("已取得正高级工程师")


def test_up_to_level_must_not_be_below_from_level():
    with pytest.raises(ValidationError, match="up_to_level"):
        EquivalenceRule(
            code="x",
            direction="title_to_skill",
            from_track=Track.title,
            from_level="assistant",
            up_to_level="technician",
            to_track=Track.skill,
            to_level="grade3",
        )


def test_unanswered_facts_are_unknown_not_missing():
    holding = welder("grade2", date(2021, 5, 1))
    facts = applicant(qualifications=[holding])  # no frontline post, appraisals or CE given
    options = open_levels(load_equivalence(), facts, holding, facts_given=False)
    engineer_option = next(o for o in options if o.target_level == "intermediate")
    assert engineer_option.missing == []
    assert [u.code for u in engineer_option.unknown] == [
        "frontline_post",
        "appraisals",
        "continuing_education",
    ]
    assert not engineer_option.met  # not known to be met either
    assert "另需确认" in engineer_option.message and "尚缺" not in engineer_option.message
    # Years are known from the holding alone: too few is still missing.
    recent = welder("grade2", date(2024, 1, 1))
    [_, short] = open_levels(
        load_equivalence(), applicant(qualifications=[recent]), recent, facts_given=False
    )
    assert short.target_level == "intermediate"
    assert [m.code for m in short.missing] == ["years_at_level"] and len(short.unknown) == 3
    # The same facts given explicitly fail.
    given = open_levels(load_equivalence(), facts, holding)
    assert "frontline_post" in {m.code for m in given[1].missing}


def test_messages_carry_no_rule_codes():
    holding = welder("grade2", date(2021, 5, 1))
    for option in open_levels(load_equivalence(), frontline_worker(holding), holding):
        assert option.rule.code not in option.message
        assert option.rule.code not in option.message_en


def test_title_to_skill_needs_a_year():
    holding = Qualification(
        track=Track.title, series="engineering", level="assistant", obtained_on=date(2025, 1, 1)
    )
    [option] = open_levels(load_equivalence(), applicant(qualifications=[holding]), holding)
    assert not option.met and option.missing[0].code == "years_at_level"


def test_years_count_from_the_lowest_qualifying_level_held():
    # Became 技师 in 2018 and 高级技师 in 2024: 技师-or-higher for 7 years.
    grade2 = welder("grade2", date(2018, 1, 1))
    grade1 = welder("grade1", date(2024, 1, 1))
    facts = frontline_worker(grade1, qualifications=[grade2, grade1])
    options = {o.target_level: o for o in open_levels(load_equivalence(), facts, grade1)}
    assert options["intermediate"].met and options["intermediate"].years_held > 7
    assert not options["deputy_senior"].met  # only 1.4 years as 高级技师


def test_already_held_is_flagged():
    holding = welder("grade3", date(2020, 1, 1))
    title = Qualification(
        track=Track.title, series="engineering", level="assistant", obtained_on=date(2023, 1, 1)
    )
    facts = frontline_worker(holding, qualifications=[holding, title])
    [option] = open_levels(load_equivalence(), facts, holding)
    assert option.target_level == "assistant" and option.already_held


def test_rule_validation():
    with pytest.raises(ValidationError, match="direction"):
        EquivalenceRule(
            code="x",
            direction="skill_to_title",
            from_track=Track.title,
            from_level="assistant",
            to_track=Track.skill,
            to_level="grade3",
        )
    with pytest.raises(ValidationError, match="to_level"):
        EquivalenceRule(
            code="x",
            direction="skill_to_title",
            from_track=Track.skill,
            from_level="grade2",
            to_track=Track.title,
            to_level="grade1",
        )
    with pytest.raises(ValidationError, match="check character"):
        EquivalenceRule(
            code="x",
            direction="skill_to_title",
            from_track=Track.skill,
            from_level="grade2",
            to_track=Track.title,
            to_level="intermediate",
            scope="enterprise",
            enterprise_credit_code=ENTERPRISE[:-1] + "0",
        )


def test_parse_table_lists_problems_with_paths():
    data = load_equivalence().model_dump(mode="json")
    data["rules"][0]["min_years_at_level"] = -1
    data["rules"][1]["scope"] = "planet"
    with pytest.raises(EquivalenceInvalid) as info:
        parse_equivalence_table(data)
    paths = {p.path for p in info.value.problems}
    assert {"rules[0].min_years_at_level", "rules[1].scope"} <= paths


def test_as_of_is_the_reference_date():
    assert applicant().as_of == AS_OF
