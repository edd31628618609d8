import pytest

from standards.decision import decide
from standards.document import PanelRules

RULES = PanelRules(min_size=9)  # quorum 2/3, vote threshold 2/3


def run(**overrides):
    values = dict(
        rules=RULES,
        pass_score=60,
        eligible_members=9,
        approvals=6,
        rejections=3,
        abstentions=0,
        final_score=75.0,
    )
    values.update(overrides)
    return decide(**values)


def test_exactly_two_thirds_of_those_present_approves():
    d = run(approvals=6, rejections=3)
    assert d.approvals_required == 6
    assert d.threshold_met and d.approved


def test_one_vote_short_of_two_thirds_rejects():
    d = run(approvals=5, rejections=4)
    assert not d.threshold_met and not d.approved
    assert next(p for p in d.parts if p.code == "vote_threshold").required == "6"


def test_quorum_exactly_met_and_just_missed():
    met = run(approvals=6, rejections=0, abstentions=0)
    assert met.quorum_required == 6 and met.quorum_met and met.approved
    missed = run(approvals=5, rejections=0, abstentions=0)
    assert missed.present == 5 and not missed.quorum_met and not missed.approved


def test_recusals_lower_the_quorum():
    d = run(eligible_members=7, approvals=5, rejections=0)
    assert d.quorum_required == 5 and d.quorum_met


def test_abstentions_count_as_present_but_not_as_approval():
    d = run(approvals=6, rejections=0, abstentions=3)
    assert d.present == 9 and d.approvals_required == 6 and d.approved
    d = run(approvals=5, rejections=0, abstentions=4)
    assert not d.threshold_met


def test_pass_score_boundary_and_missing_score():
    assert run(final_score=60.0).score_met
    assert not run(final_score=59.99).score_met
    d = run(final_score=None)
    assert not d.score_met and not d.approved
    assert next(p for p in d.parts if p.code == "pass_score").given == "none"


def test_nobody_present_is_never_approved():
    d = run(eligible_members=0, approvals=0, rejections=0, abstentions=0)
    assert not d.approved and not d.quorum_met


def test_stricter_threshold():
    rules = PanelRules(min_size=9, vote_threshold=0.75)
    assert run(rules=rules, approvals=6, rejections=2).approvals_required == 6
    assert not run(rules=rules, approvals=6, rejections=3).threshold_met  # needs 7 of 9


def test_parts_are_bilingual():
    for part in run().parts:
        assert part.message and part.message_en


@pytest.mark.parametrize(
    "overrides",
    [{"approvals": -1}, {"eligible_members": 5, "approvals": 6, "rejections": 0}],
)
def test_impossible_counts_are_refused(overrides):
    with pytest.raises(ValueError):
        run(**overrides)
