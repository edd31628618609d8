"""Test filings as plain JSON-like dicts (what a review body sends), and helpers to turn them
into accepted ``Filing`` objects. Everything is deterministic: the same arguments give the same
filing."""

from __future__ import annotations

import copy
import json
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np

from audit.contract import Filing
from audit.dataset import AuditDataset
from audit.intake import check_filing
from standards.decision import decide
from standards.document import PanelRules
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


def resident_id(seq: int) -> str:
    """A valid resident ID number (GB 11643), distinct for each ``seq`` below 10,000,000."""
    born = date(1960, 1, 1) + timedelta(days=seq // 1000)
    first17 = f"320602{born:%Y%m%d}{seq % 1000:03d}"
    return first17 + resident_id_check_char(first17)


def person_key(seq: int) -> str:
    """The keyed hash intake computes for ``resident_id(seq)`` under ``KEY``."""
    return resident_id_digest(resident_id(seq), KEY)


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
                "department": None if is_external else f"board-{i % 3}",
                "role": "chair" if i == 1 else "member",
                "resident_id": resident_id(9_000_000 + i),
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
    members: list[str],
    target: float,
    *,
    spread: float = 4.0,
    seconds: tuple[int, int] = (300, 1500),
    rng: np.random.Generator | None = None,
    start: datetime = datetime(2026, 5, 20, 9, 0, 0),
) -> list[dict[str, Any]]:
    """Score sheets whose member totals scatter around ``target`` (0..100) with SD ``spread``;
    each criterion gets the member's share of its maximum plus a little noise. Durations are
    drawn from ``seconds``."""
    rng = rng if rng is not None else np.random.default_rng(0)
    sheets = []
    for k, member_id in enumerate(members):
        level = target / 100 + rng.normal(0, spread / 100)
        shares = np.clip(level + rng.normal(0, 0.03, len(CRITERIA)), 0.0, 1.0)
        begun = start + timedelta(minutes=3 * k)
        duration = int(rng.integers(seconds[0], seconds[1] + 1))
        sheets.append(
            {
                "member_id": member_id,
                "values": {
                    c: round(float(sh) * m, 2)
                    for (c, _w, m), sh in zip(CRITERIA, shares, strict=True)
                },
                "started_at": begun.isoformat(),
                "submitted_at": (begun + timedelta(seconds=duration)).isoformat(),
            }
        )
    return sheets


def member_total(values: dict[str, float]) -> float:
    """A member's total on 0..100 under the test standard's criteria."""
    return 100 * sum(w * values[c] / m for c, w, m in CRITERIA)


def application_doc(
    seq: int,
    *,
    target: float = 75.0,
    members: list[str] | None = None,
    votes: dict[str, str] | None = None,
    facts: dict[str, Any] | None = None,
    applicant_seq: int | None = None,
    spread: float = 4.0,
    seconds: tuple[int, int] = (300, 1500),
    **overrides: Any,
) -> dict[str, Any]:
    """Application ``a{seq}`` scored around ``target`` by ``members`` (default m1..m7). Each
    member votes to approve when their own total reaches 60 (unless ``votes`` is given); the
    final score is the mean of the totals and the decision is what ``standards`` decides, so a
    default application is consistent with its own numbers."""
    members = members if members is not None else [f"m{i}" for i in range(1, 8)]
    rng = np.random.default_rng(seq * 7919 + (applicant_seq or 0))
    scores = scores_for(members, target, spread=spread, seconds=seconds, rng=rng)
    totals = [member_total(sh["values"]) for sh in scores]
    final = sum(totals) / len(totals) if totals else None
    if votes is None:
        votes = {
            sh["member_id"]: "approve" if t >= 60 else "reject"
            for sh, t in zip(scores, totals, strict=True)
        }
    decision = decide(
        rules=PanelRules(min_size=5),
        pass_score=60,
        eligible_members=len(members),
        approvals=sum(v == "approve" for v in votes.values()),
        rejections=sum(v == "reject" for v in votes.values()),
        abstentions=sum(v == "abstain" for v in votes.values()),
        final_score=final,
    )
    who = applicant_seq if applicant_seq is not None else seq
    doc: dict[str, Any] = {
        "application_ref": f"a{seq}",
        "applicant": {"resident_id": resident_id(who), "name": f"申报人{who}"},
        "facts": facts if facts is not None else facts_doc(),
        "department": f"workshop-{seq % 4}",
        "exceptional": False,
        "scores": scores,
        "votes": [{"member_id": m, "vote": v} for m, v in votes.items()],
        "recusals": [],
        "approved": decision.approved,
        "final_score": None if final is None else round(final, 4),
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

    Applications default to ``n_applications`` clean ones with target scores spread evenly
    over 40..95, applicants ``enterprise * 10_000 + i``."""
    if applications is None:
        targets = targets or [
            40 + (55 * i / max(1, n_applications - 1)) for i in range(n_applications)
        ]
        applications = [
            application_doc(i, target=t, applicant_seq=enterprise * 10_000 + i)
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


def dataset(*raws: dict[str, Any]) -> AuditDataset:
    """An ``AuditDataset`` of the given raw filings, each through intake and storage."""
    return AuditDataset.from_documents([stored(raw) for raw in raws])


def copies(document: dict[str, Any], count: int, *, clusters: int = 4) -> list[dict[str, Any]]:
    """``count`` stored documents cloned from one (fast, no intake): enterprise ``i + 1`` gets
    its own credit code, filing id and applicants, in one of ``clusters`` industry clusters."""
    text = json.dumps(document)
    out = []
    for i in range(count):
        doc = json.loads(text)
        doc["filing_id"] = f"F-copy-{i}"
        doc["review_body"]["credit_code"] = credit_code(5000 + i)
        doc["review_body"]["industry_cluster"] = f"cluster{i % clusters}"
        for app in doc["applications"]:
            app["applicant"]["person_key"] = f"{i}-{app['applicant']['person_key']}"
        out.append(doc)
    return out
