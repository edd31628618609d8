"""Test filings as plain JSON-like dicts (what a review body sends), and helpers to turn them
into accepted ``Filing`` objects. Everything is deterministic: the same arguments give the same
filing."""

from __future__ import annotations

import copy
from datetime import date, datetime, timedelta
from typing import Any

from audit.contract import Filing
from audit.intake import check_filing
from standards.identifiers import (
    CREDIT_CODE_ALPHABET,
    credit_code_check_char,
    resident_id_check_char,
    resident_id_digest,
)

KEY = b"test-key-for-person-hashes"
TODAY = date(2026, 6, 30)
HELD_ON = date(2026, 5, 20)

# Criteria of the test standard: (code, weight, maximum); maxima differ on purpose.
CRITERIA = (
    ("C1", 0.3, 30.0),
    ("C2", 0.2, 20.0),
    ("C3", 0.2, 10.0),
    ("C4", 0.2, 20.0),
    ("C5", 0.1, 10.0),
)


def credit_code(seq: int) -> str:
    """A valid unified social credit code (GB 32100), distinct for each ``seq``."""
    body = f"91320600{seq:09d}"
    assert all(ch in CREDIT_CODE_ALPHABET for ch in body)
    return body + credit_code_check_char(body)


def resident_id(seq: int, born: str = "19880412") -> str:
    """A valid resident ID number (GB 11643) born on ``born``, distinct for each ``seq``."""
    first17 = f"320602{born}{seq % 1000:03d}"
    return first17 + resident_id_check_char(first17)


def person_key(seq: int, born: str = "19880412") -> str:
    """The keyed hash intake computes for ``resident_id(seq, born)`` under ``KEY``."""
    return resident_id_digest(resident_id(seq, born), KEY)


def standard_doc(**overrides: Any) -> dict[str, Any]:
    """An engineering-series intermediate title standard (工程师): bachelor or junior college,
    4 years as assistant engineer, five criteria, pass score 60, an exceptional track."""
    doc: dict[str, Any] = {
        "track": "title",
        "series": "engineering",
        "level": "intermediate",
        "name": "工程师评价标准",
        "name_en": "Engineer standard",
        "requirements": [
            {"code": "edu", "kind": "min_education", "minimum": "junior_college"},
            {
                "code": "years",
                "kind": "years_at_previous_level",
                "previous_track": "title",
                "previous_level": "assistant",
                "years": 4,
            },
        ],
        "criteria": [
            {"code": c, "name": f"指标{c}", "name_en": f"criterion {c}", "weight": w, "maximum": m}
            for c, w, m in CRITERIA
        ],
        "pass_score": 60,
        "panel": {
            "min_size": 5,
            "odd_size": True,
            "member_level_offset": 0,
            "min_external_share": 0.2,
            "chair_required": True,
            "quorum_share": 2 / 3,
            "vote_threshold": 2 / 3,
        },
        "notice_working_days": 5,
        "exceptional": {
            "conditions": [{"code": "award", "kind": "award", "accepted": ["市级技术能手"]}],
            "waives": ["years"],
            "max_share": 0.1,
        },
    }
    doc.update(overrides)
    return doc


def panel_doc(size: int = 7, external: int = 2, level: str = "deputy_senior") -> list[dict]:
    """A panel of ``size`` members (m1 is chair), the last ``external`` from another body."""
    members = []
    for i in range(1, size + 1):
        is_external = i > size - external
        members.append(
            {
                "member_id": f"m{i}",
                "track": "title",
                "level": level,
                "external": is_external,
                "organisation_credit_code": credit_code(900 + i) if is_external else None,
                "department": None if is_external else f"dept{i % 3}",
                "role": "chair" if i == 1 else "member",
                "resident_id": resident_id(500 + i, "19700101"),
            }
        )
    return members


def facts_doc(
    *, education: str = "bachelor", years_as_assistant: float = 6.0, awards: list[str] | None = None
) -> dict[str, Any]:
    """Applicant facts as of the session date: an assistant engineer for ``years_as_assistant``."""
    obtained = HELD_ON - timedelta(days=round(years_as_assistant * 365.25))
    return {
        "as_of": HELD_ON.isoformat(),
        "education": education,
        "qualifications": [
            {
                "track": "title",
                "series": "engineering",
                "level": "assistant",
                "obtained_on": obtained.isoformat(),
            }
        ],
        "years_in_occupation": years_as_assistant + 2,
        "awards": awards or [],
    }


def scores_for(
    members: list[str], target: float, *, spread: float = 4.0, seconds: int = 600, seq: int = 0
) -> list[dict[str, Any]]:
    """Score sheets whose member totals sit around ``target`` (0..100), each member offset by a
    fixed pattern times ``spread``; every criterion gets the same share of its maximum."""
    sheets = []
    offsets = (0.0, 1.0, -1.0, 0.5, -0.5, 0.8, -0.8, 0.3, -0.3)
    start = datetime(2026, 5, 20, 9, 0, 0)
    for k, member_id in enumerate(members):
        share = min(1.0, max(0.0, (target + spread * offsets[k % len(offsets)]) / 100))
        begun = start + timedelta(minutes=seq * 15 + k)
        sheets.append(
            {
                "member_id": member_id,
                "values": {c: round(share * m, 4) for c, _w, m in CRITERIA},
                "started_at": begun.isoformat(),
                "submitted_at": (begun + timedelta(seconds=seconds)).isoformat(),
            }
        )
    return sheets


def application_doc(
    seq: int,
    *,
    target: float = 75.0,
    approved: bool | None = None,
    members: list[str] | None = None,
    votes: dict[str, str] | None = None,
    facts: dict[str, Any] | None = None,
    applicant_seq: int | None = None,
    **overrides: Any,
) -> dict[str, Any]:
    """Application ``a{seq}``, scored around ``target`` by ``members`` (default m1..m7), votes
    approving when the score passes 60 unless ``votes`` says otherwise."""
    members = members if members is not None else [f"m{i}" for i in range(1, 8)]
    scores = scores_for(members, target, seq=seq)
    final = round(target, 4)
    passes = target >= 60
    if votes is None:
        votes = {m: "approve" if passes else "reject" for m in members}
    doc: dict[str, Any] = {
        "application_ref": f"a{seq}",
        "applicant": {
            "resident_id": resident_id(applicant_seq if applicant_seq is not None else seq),
            "name": f"申报人{seq}",
        },
        "facts": facts if facts is not None else facts_doc(),
        "department": f"dept{seq % 3}",
        "exceptional": False,
        "scores": scores,
        "votes": [{"member_id": m, "vote": v} for m, v in votes.items()],
        "recusals": [],
        "approved": passes if approved is None else approved,
        "final_score": final,
    }
    doc.update(overrides)
    return doc


def filing_doc(
    n_applications: int = 10,
    *,
    enterprise: int = 1,
    filing_id: str | None = None,
    session_ref: str = "S1",
    period: str = "2026",
    cluster: str = "shipbuilding",
    panel: list[dict] | None = None,
    standard: dict[str, Any] | None = None,
    applications: list[dict] | None = None,
    targets: list[float] | None = None,
) -> dict[str, Any]:
    """A whole raw filing of enterprise ``enterprise`` (credit code ``credit_code(enterprise)``).

    Applications default to ``n_applications`` clean ones with scores spread over 50..95."""
    if applications is None:
        targets = targets or [
            50 + (45 * i / max(1, n_applications - 1)) for i in range(n_applications)
        ]
        applications = [
            application_doc(i, target=t, applicant_seq=enterprise * 1000 + i)
            for i, t in enumerate(targets)
        ]
    return {
        "schema_version": "1.0",
        "filing_id": filing_id or f"F-{enterprise}-{session_ref}",
        "filed_at": "2026-06-01T10:00:00+08:00",
        "review_body": {
            "kind": "enterprise",
            "credit_code": credit_code(enterprise),
            "name": f"企业{enterprise}",
            "industry_cluster": cluster,
        },
        "session": {
            "session_ref": session_ref,
            "track": "title",
            "series": "engineering",
            "level": "intermediate",
            "period": period,
            "held_on": HELD_ON.isoformat(),
            "standard_version": "v1",
            "standard": standard if standard is not None else standard_doc(),
        },
        "panel": panel if panel is not None else panel_doc(),
        "applications": applications,
    }


def accept(raw: dict[str, Any]) -> Filing:
    """Run intake on ``raw`` (pseudonymising with ``KEY``); fails the test if refused."""
    filing, problems = check_filing(copy.deepcopy(raw), key=KEY, today=TODAY)
    assert not problems, [(p.path, p.code, p.message_en) for p in problems]
    assert filing is not None
    return filing


def stored(raw: dict[str, Any]) -> dict[str, Any]:
    """The JSON document the service stores for an accepted ``raw`` filing."""
    return accept(raw).model_dump(mode="json")
