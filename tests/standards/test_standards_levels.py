import pytest

from standards.levels import (
    Education,
    TechnicalSchoolClass,
    Track,
    UnknownLevel,
    comparable_title_rank,
    education_for_school_class,
    education_rank,
    is_level,
    level_below,
    level_name,
    level_rank,
    levels,
)


def test_title_ladder_ranks_one_to_five():
    assert [level_rank(Track.title, lv) for lv in levels(Track.title)] == [1, 2, 3, 4, 5]
    assert levels(Track.title)[0] == "technician"
    assert levels(Track.title)[-1] == "senior"


def test_skill_ladder_is_the_new_eight_levels():
    assert levels(Track.skill) == [
        "apprentice",
        "grade5",
        "grade4",
        "grade3",
        "grade2",
        "grade1",
        "special_technician",
        "chief_technician",
    ]
    assert level_rank(Track.skill, "chief_technician") == 8


def test_unknown_level_raises_with_both_languages():
    with pytest.raises(UnknownLevel) as info:
        level_rank(Track.skill, "grade9")
    assert "grade9" in info.value.message
    assert "grade9" in info.value.message_en
    assert "grade5" in info.value.message_en


def test_is_level_is_false_for_wrong_track_and_unknown_track():
    assert is_level(Track.title, "intermediate")
    assert not is_level(Track.skill, "intermediate")
    assert not is_level("nonsense", "intermediate")


def test_level_names_generic_and_in_the_engineering_series():
    assert level_name(Track.title, "intermediate") == "中级"
    assert level_name(Track.title, "intermediate", series="engineering") == "工程师"
    assert level_name(Track.title, "deputy_senior", "en", series="engineering") == "senior engineer"
    assert level_name(Track.skill, "grade2") == "技师（二级）"


def test_level_below():
    assert level_below(Track.title, "intermediate") == "assistant"
    assert level_below(Track.skill, "apprentice") is None


def test_education_is_ordered():
    ranks = [education_rank(e) for e in Education]
    assert ranks == sorted(ranks) == list(range(1, 8))
    assert education_rank(Education.bachelor) > education_rank(Education.junior_college)


@pytest.mark.parametrize(
    ("school_class", "education"),
    [
        (TechnicalSchoolClass.intermediate_worker, Education.secondary_vocational),
        (TechnicalSchoolClass.senior_worker, Education.junior_college),
        (TechnicalSchoolClass.preparatory_technician, Education.bachelor),
    ],
)
def test_technical_school_classes_count_as_education(school_class, education):
    assert education_for_school_class(school_class) is education


@pytest.mark.parametrize(
    ("track", "level", "rank"),
    [
        (Track.title, "assistant", 2),
        (Track.skill, "grade4", 1),
        (Track.skill, "grade3", 2),
        (Track.skill, "grade2", 3),
        (Track.skill, "grade1", 4),
        (Track.skill, "special_technician", 5),
        (Track.skill, "chief_technician", 5),
    ],
)
def test_comparable_title_rank(track, level, rank):
    assert comparable_title_rank(track, level) == rank
