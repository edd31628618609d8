"""Intake: the whole filing is checked, every problem named by its JSON path; resident IDs
become keyed hashes and masks."""

from __future__ import annotations

import copy
import json
import re
import time
from collections.abc import Callable
from typing import Any

import factories
import pytest

from audit.intake import IntakeProblem, check_filing, pseudonymise
from standards.identifiers import resident_id_digest

CJK = re.compile(r"[\u4e00-\u9fff]")


def refused(raw: dict[str, Any]) -> list[IntakeProblem]:
    filing, problems = check_filing(raw, today=factories.TODAY)
    assert filing is None
    assert problems
    return problems


def paths_and_codes(problems: list[IntakeProblem]) -> set[tuple[str, str]]:
    return {(p.path, p.code) for p in problems}


def test_a_clean_filing_is_accepted_unchanged_without_a_key() -> None:
    raw = factories.filing_doc(5)
    filing, problems = check_filing(copy.deepcopy(raw), today=factories.TODAY)
    assert problems == []
    assert filing is not None
    assert (
        filing.applications[0].applicant.resident_id
        == raw["applications"][0]["applicant"]["resident_id"]
    )


def test_with_a_key_resident_ids_become_keyed_hashes_and_masks() -> None:
    raw = factories.filing_doc(3)
    number = raw["applications"][1]["applicant"]["resident_id"]
    filing, problems = check_filing(raw, key=factories.KEY, today=factories.TODAY)
    assert problems == [] and filing is not None
    applicant = filing.applications[1].applicant
    assert applicant.resident_id is None
    assert applicant.person_key == resident_id_digest(number, factories.KEY)
    assert applicant.id_mask == number[:6] + "********" + number[-4:]
    assert all(m.resident_id is None and m.person_key for m in filing.panel)
    assert number not in filing.model_dump_json()


def test_pseudonymise_is_idempotent_and_key_dependent() -> None:
    filing, _ = check_filing(factories.filing_doc(2), today=factories.TODAY)
    assert filing is not None
    once = pseudonymise(filing, factories.KEY)
    assert pseudonymise(once, factories.KEY) == once
    other = pseudonymise(filing, b"another key")
    assert other.applications[0].applicant.person_key != once.applications[0].applicant.person_key


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    """A mutation setting ``path`` (dots and [i]) of a raw filing to ``value``."""

    def mutate(raw: dict[str, Any]) -> None:
        parts = [int(p) if p.isdigit() else p for p in re.findall(r"[^.\[\]]+", path)]
        target: Any = raw
        for part in parts[:-1]:
            target = target[part]
        target[parts[-1]] = value

    return mutate


def _append(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def mutate(raw: dict[str, Any]) -> None:
        target: Any = raw
        for part in [int(p) if p.isdigit() else p for p in re.findall(r"[^.\[\]]+", path)]:
            target = target[part]
        target.append(value)

    return mutate


def _delete(path: str, key: str) -> Callable[[dict[str, Any]], None]:
    def mutate(raw: dict[str, Any]) -> None:
        target: Any = raw
        for part in [int(p) if p.isdigit() else p for p in re.findall(r"[^.\[\]]+", path)]:
            target = target[part]
        del target[key]

    return mutate


REFUSALS: list[tuple[str, Callable[[dict[str, Any]], None], str, str]] = [
    (
        "credit code check character",
        _set("review_body.credit_code", factories.credit_code(1)[:17] + "0"),
        "review_body.credit_code",
        "credit_code.check_character",
    ),
    (
        "resident ID check digit",
        _set(
            "applications[3].applicant.resident_id",
            factories.resident_id(77)[:17] + ("0" if factories.resident_id(77)[17] != "0" else "1"),
        ),
        "applications[3].applicant.resident_id",
        "resident_id.check_digit",
    ),
    (
        "panel member resident ID",
        _set("panel[1].resident_id", "32060219880230001X"),
        "panel[1].resident_id",
        "resident_id.birth_date",
    ),
    (
        "external organisation credit code",
        _set("panel[6].organisation_credit_code", "not a code"),
        "panel[6].organisation_credit_code",
        "credit_code.length",
    ),
    (
        "score above the criterion maximum",
        _set("applications[2].scores[3].values.C2", 25),
        "applications[2].scores[3].values.C2",
        "scores.out_of_range",
    ),
    (
        "negative score",
        _set("applications[2].scores[0].values.C5", -1),
        "applications[2].scores[0].values.C5",
        "scores.out_of_range",
    ),
    (
        "unknown criterion",
        _set("applications[0].scores[1].values.C9", 3),
        "applications[0].scores[1].values.C9",
        "scores.unknown_criterion",
    ),
    (
        "missing criterion",
        _delete("applications[0].scores[1].values", "C4"),
        "applications[0].scores[1].values.C4",
        "scores.missing_criterion",
    ),
    (
        "scores by a member not on the panel",
        _set("applications[1].scores[0].member_id", "m99"),
        "applications[1].scores[0].member_id",
        "reference.unknown_member",
    ),
    (
        "vote by a member not on the panel",
        _set("applications[1].votes[2].member_id", "m42"),
        "applications[1].votes[2].member_id",
        "reference.unknown_member",
    ),
    (
        "recusal of a member not on the panel",
        _append("applications[1].recusals", {"member_id": "x1", "kind": "relative"}),
        "applications[1].recusals[0].member_id",
        "reference.unknown_member",
    ),
    (
        "supervisor not on the panel",
        _set("applications[4].supervisor_member_id", "boss"),
        "applications[4].supervisor_member_id",
        "reference.unknown_member",
    ),
    (
        "member's supervisor not on the panel",
        _set("panel[3].supervisor_member_id", "boss"),
        "panel[3].supervisor_member_id",
        "reference.unknown_member",
    ),
    (
        "two votes by one member",
        _append("applications[2].votes", {"member_id": "m3", "vote": "approve"}),
        "applications[2].votes[7].member_id",
        "votes.duplicate_member",
    ),
    (
        "two score sheets by one member",
        lambda raw: raw["applications"][2]["scores"].append(
            copy.deepcopy(raw["applications"][2]["scores"][0])
        ),
        "applications[2].scores[7].member_id",
        "scores.duplicate_member",
    ),
    (
        "recused member scored",
        _append("applications[5].recusals", {"member_id": "m2", "kind": "same_department"}),
        "applications[5].scores[1].member_id",
        "recusal.scored",
    ),
    (
        "recused member voted",
        _append("applications[5].recusals", {"member_id": "m4", "kind": "relative"}),
        "applications[5].votes[3].member_id",
        "recusal.voted",
    ),
    (
        "duplicate member id",
        _set("panel[2].member_id", "m1"),
        "panel[2].member_id",
        "panel.duplicate_member",
    ),
    (
        "duplicate application ref",
        _set("applications[4].application_ref", "a1"),
        "applications[4].application_ref",
        "applications.duplicate_ref",
    ),
    (
        "standard of another level",
        _set("session.level", "deputy_senior"),
        "session.standard.level",
        "session.standard_mismatch",
    ),
    ("empty panel", _set("panel", []), "panel", "panel.empty"),
    (
        "applicant without identity",
        _set("applications[0].applicant", {"name": "无名"}),
        "applications[0].applicant",
        "applicant.identity_missing",
    ),
    (
        "scoring started after it was submitted",
        _set("applications[0].scores[0].started_at", "2026-05-21T09:00:00"),
        "applications[0].scores[0].started_at",
        "scores.time_order",
    ),
    (
        "filing superseding itself",
        _set("supersedes", "F-1-S1"),
        "supersedes",
        "filing.supersedes_itself",
    ),
    (
        "unknown schema version",
        _set("schema_version", "0.9"),
        "schema_version",
        "structure.literal_error",
    ),
    (
        "missing required field",
        _delete("applications[6]", "approved"),
        "applications[6].approved",
        "structure.missing",
    ),
    (
        "field not in the contract",
        _set("applications[6].approvd", True),
        "applications[6].approvd",
        "structure.extra_forbidden",
    ),
    (
        "score that is not a number",
        _set("applications[6].scores[2].values.C1", "high"),
        "applications[6].scores[2].values.C1",
        "structure.float_parsing",
    ),
    (
        "final score above 100",
        _set("applications[6].final_score", 130),
        "applications[6].final_score",
        "structure.less_than_equal",
    ),
    (
        "level not on the member's track",
        _set("panel[0].level", "grade2"),
        "panel[0].level",
        "structure.value_error",
    ),
    (
        "standard weights not summing to 1",
        _set("session.standard.criteria[0].weight", 0.5),
        "session.standard.criteria",
        "criteria.weights_sum",
    ),
]


@pytest.mark.parametrize(
    ("mutate", "path", "code"), [r[1:] for r in REFUSALS], ids=[r[0] for r in REFUSALS]
)
def test_each_refusal_names_its_path_and_code(
    mutate: Callable[[dict[str, Any]], None], path: str, code: str
) -> None:
    raw = factories.filing_doc(8)
    mutate(raw)
    problems = refused(raw)
    assert (path, code) in paths_and_codes(problems), [(p.path, p.code) for p in problems]
    problem = next(p for p in problems if (p.path, p.code) == (path, code))
    assert CJK.search(problem.message), problem.message
    assert problem.message_en and not CJK.search(problem.code)


def test_every_problem_is_listed_not_just_the_first() -> None:
    raw = factories.filing_doc(8)
    raw["review_body"]["credit_code"] = "X"
    raw["applications"][1]["scores"][0]["values"]["C1"] = 99
    raw["applications"][3]["approved"] = "maybe"  # structural: application 3 does not parse
    raw["applications"][5]["votes"][0]["member_id"] = "nobody"
    raw["applications"][7]["applicant"]["resident_id"] = "123"
    found = paths_and_codes(refused(raw))
    assert found >= {
        ("review_body.credit_code", "credit_code.length"),
        ("applications[1].scores[0].values.C1", "scores.out_of_range"),
        ("applications[3].approved", "structure.bool_parsing"),
        ("applications[5].votes[0].member_id", "reference.unknown_member"),
        ("applications[7].applicant.resident_id", "resident_id.length"),
    }


def test_a_broken_standard_still_lets_scores_be_checked_against_its_criteria() -> None:
    raw = factories.filing_doc(3)
    raw["session"]["standard"]["criteria"][0]["weight"] = 0.5
    raw["applications"][2]["scores"][1]["values"]["C3"] = 11
    found = paths_and_codes(refused(raw))
    assert ("session.standard.criteria", "criteria.weights_sum") in found
    assert ("applications[2].scores[1].values.C3", "scores.out_of_range") in found


def test_a_decision_inconsistent_with_its_numbers_is_accepted_for_the_audit() -> None:
    raw = factories.filing_doc(3)
    app = raw["applications"][0]
    assert app["approved"] is False  # target 40: scores below the pass score
    app["approved"] = True
    app["final_score"] = 95.0
    filing, problems = check_filing(raw, today=factories.TODAY)
    assert problems == []
    assert filing is not None and filing.applications[0].approved


def test_a_non_object_is_refused_at_the_root() -> None:
    filing, problems = check_filing([1, 2], today=factories.TODAY)
    assert filing is None
    assert [(p.path, p.code) for p in problems] == [("", "structure.not_object")]


def test_a_filing_with_person_keys_instead_of_resident_ids_is_accepted() -> None:
    stored = factories.stored(factories.filing_doc(2))
    filing, problems = check_filing(stored, today=factories.TODAY)
    assert problems == []
    assert filing is not None
    assert (
        filing.applications[0].applicant.person_key
        == stored["applications"][0]["applicant"]["person_key"]
    )


def test_ten_thousand_applications_are_checked_well_under_five_seconds() -> None:
    raw = json.loads(json.dumps(factories.filing_doc(1)))
    template = json.dumps(raw["applications"][0])
    raw["applications"] = []
    for i in range(10_000):
        app = json.loads(template)
        app["application_ref"] = f"a{i}"
        app["applicant"]["resident_id"] = factories.resident_id(100_000 + i)
        raw["applications"].append(app)
    started = time.perf_counter()
    filing, problems = check_filing(raw, key=factories.KEY, today=factories.TODAY)
    elapsed = time.perf_counter() - started
    assert problems == [] and filing is not None
    assert len(filing.applications) == 10_000
    assert elapsed < 5.0, f"intake of 10,000 applications took {elapsed:.2f} s"


# --- contract 1.1 ----------------------------------------------------------------------------


def _v11(raw: dict[str, Any]) -> dict[str, Any]:
    raw["schema_version"] = "1.1"
    return raw


def test_1_1_relations_must_name_applications_and_members_of_the_filing() -> None:
    raw = _v11(factories.filing_doc(2))
    raw["panel"][1]["supervises"] = ["a0", "a9"]
    raw["panel"][2]["relatives"] = ["nobody"]
    raw["applications"][1]["relative_member_ids"] = ["m99"]
    assert paths_and_codes(refused(raw)) == {
        ("panel[1].supervises[1]", "reference.unknown_application"),
        ("panel[2].relatives[0]", "reference.unknown_application"),
        ("applications[1].relative_member_ids[0]", "reference.unknown_member"),
    }


def test_1_1_criterion_times_name_criteria_in_time_order() -> None:
    raw = _v11(factories.filing_doc(1))
    sheet = raw["applications"][0]["scores"][0]
    code = next(iter(sheet["values"]))
    sheet["criterion_times"] = {
        code: {"started_at": sheet["submitted_at"], "submitted_at": sheet["started_at"]},
        "nope": {"submitted_at": sheet["submitted_at"]},
    }
    path = "applications[0].scores[0].criterion_times"
    assert paths_and_codes(refused(raw)) == {
        (f"{path}.{code}.started_at", "scores.time_order"),
        (f"{path}.nope", "scores.unknown_criterion"),
    }


def test_a_filing_that_says_1_0_may_not_use_the_fields_1_1_added() -> None:
    raw = factories.filing_doc(2)
    raw["panel"][1]["supervises"] = ["a0"]
    raw["review_body"]["industry_cluster_name"] = "新能源"
    problems = refused(raw)
    assert paths_and_codes(problems) == {
        ("panel[1].supervises", "contract.field_needs_1_1"),
        ("review_body.industry_cluster_name", "contract.field_needs_1_1"),
    }
    assert all(CJK.search(p.message) for p in problems)
    filing, problems = check_filing(_v11(raw), today=factories.TODAY)
    assert problems == [] and filing is not None


def test_a_1_1_filing_with_an_open_cluster_is_accepted() -> None:
    raw = _v11(factories.filing_doc(2, cluster="biomedicine"))
    raw["review_body"]["industry_cluster_name"] = "生物医药"
    filing, problems = check_filing(raw, today=factories.TODAY)
    assert problems == [] and filing is not None
    assert filing.review_body.industry_cluster == "biomedicine"
