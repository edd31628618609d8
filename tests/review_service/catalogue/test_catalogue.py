"""The label catalogue names every code the API returns: every member of every enum, every
signal, every event action written anywhere in the service, every detector feature."""

from __future__ import annotations

import re
from enum import StrEnum

import pytest
from fastapi.testclient import TestClient

from audit.flags import SIGNALS
from review_service.accounts.schemas import ExpertStatus
from review_service.auth.principal import Role
from review_service.catalogue import labels
from review_service.config import PROJECT_ROOT
from review_service.enterprises.schemas import (
    INDUSTRY_CLUSTERS,
    AuthorizationStatus,
    ReviewBodyKind,
)
from review_service.experts.schemas import PoolKind, RelationKind, RelationSource
from review_service.reviews.schemas import (
    ApplicationStatus,
    ConflictKind,
    ConflictSource,
    ConflictStatus,
    MemberRole,
    ObjectionStatus,
    SessionStatus,
    VoteChoice,
)
from review_service.standard_versions.schemas import VersionStatus
from review_service.supervision.schemas import CaseStatus, MeasureKind, RunScope, RunStatus
from standards.catalogue import load_catalogue
from standards.defaults import load_equivalence
from standards.levels import Education, Track, levels


@pytest.fixture
def groups(client: TestClient) -> dict[str, list[dict[str, str]]]:
    response = client.get("/api/v1/catalogue")  # no login: the public page needs names too
    assert response.status_code == 200
    return response.json()["groups"]


def codes(groups: dict[str, list[dict[str, str]]], group: str) -> list[str]:
    return [label["code"] for label in groups[group]]


@pytest.mark.parametrize(
    ("group", "expected"),
    [
        ("title_levels", levels(Track.title)),
        ("skill_levels", levels(Track.skill)),
        ("education", [e.value for e in Education]),
        ("title_series", load_catalogue().codes(Track.title)),
        ("skill_trades", load_catalogue().codes(Track.skill)),
        ("clusters", list(INDUSTRY_CLUSTERS)),
        ("signals", list(SIGNALS)),
        ("equivalence_rules", [r.code for r in load_equivalence().rules]),
    ],
)
def test_data_groups_list_every_code_in_ladder_order(groups, group, expected) -> None:  # type: ignore[no-untyped-def]
    assert codes(groups, group) == expected


@pytest.mark.parametrize(
    ("group", "enum"),
    [
        ("roles", Role),
        ("body_kinds", ReviewBodyKind),
        ("authorization_statuses", AuthorizationStatus),
        ("version_statuses", VersionStatus),
        ("run_statuses", RunStatus),
        ("run_scopes", RunScope),
        ("case_statuses", CaseStatus),
        ("measure_kinds", MeasureKind),
        ("session_statuses", SessionStatus),
        ("application_statuses", ApplicationStatus),
        ("conflict_kinds", ConflictKind),
        ("conflict_statuses", ConflictStatus),
        ("conflict_sources", ConflictSource),
        ("objection_statuses", ObjectionStatus),
        ("vote_choices", VoteChoice),
        ("member_roles", MemberRole),
        ("relation_kinds", RelationKind),
        ("relation_sources", RelationSource),
        ("expert_statuses", ExpertStatus),
        ("pool_kinds", PoolKind),
    ],
)
def test_enum_groups_name_every_member(groups, group: str, enum: type[StrEnum]) -> None:  # type: ignore[no-untyped-def]
    assert codes(groups, group) == [m.value for m in enum]


def test_every_label_has_both_languages_and_no_code_as_its_name(groups) -> None:  # type: ignore[no-untyped-def]
    for group, entries in groups.items():
        for label in entries:
            assert label["zh"] and label["en"], (group, label)
            if group not in {"grades"}:
                assert label["zh"] != label["code"], (group, label)
            # A Chinese name is Chinese (or a dash), not the English one.
            assert re.search(r"[\u4e00-\u9fff—]", label["zh"]), (group, label)


SOURCE = [
    p.read_text("utf-8")
    for p in (PROJECT_ROOT / "review_service").rglob("*.py")
    if "catalogue" not in p.parts
]


def test_every_event_action_in_the_service_has_a_subject_and_a_verb() -> None:
    actions = {
        m
        for text in SOURCE
        for m in re.findall(r'action=f?"([a-z_{}.\'\s]+)"', text)
        if "{" not in m.split(".")[0]  # f"{kind.value}.…" is standard/baseline, below
    }
    assert len(actions) > 30
    verbs_of_enums = {s.value for s in SessionStatus} | {m.value for m in MeasureKind}
    for action in actions:
        subject, _, verb = action.partition(".")
        assert subject in labels.EVENT_SUBJECTS, action
        if "{" in verb:
            continue  # an enum's value: covered below
        assert verb in labels.EVENT_VERBS, action
    for verb in verbs_of_enums - {"draft", "filed"}:
        assert verb in labels.EVENT_VERBS, verb
    for kind in ("standard", "baseline"):
        assert kind in labels.EVENT_SUBJECTS


def test_every_detector_feature_has_a_name() -> None:
    # The detector's tables list their feature codes in audit/features.py (detector_inputs).
    source = (PROJECT_ROOT / "audit" / "features.py").read_text("utf-8")
    lists = re.findall(r'DetectorInput\(\s*"[a-z]+",\s*\[([^\]]*)\]', source)
    features = {f for block in lists for f in re.findall(r'"([a-z_]+)"', block)}
    assert {"mean_duration_log", "approve_share", "pass_rate"} <= features
    assert features <= set(labels.DETECTOR_FEATURES)


def test_table_names_used_as_event_object_types_have_names() -> None:
    tables = {m for text in SOURCE for m in re.findall(r'__tablename__ = "([a-z_]+)"', text)} - {
        "event",
        "login_throttle",
        "rate_window",  # traffic bookkeeping, never an event (auth/rate_limit.py)
        "refresh_token",
        "registry_education",
        "registry_employment",
    }
    assert tables <= set(labels.EVENT_OBJECT_TYPES)
