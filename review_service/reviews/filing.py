"""Filing (备案): the finalized session as an ``audit.contract.Filing`` package, handed to the
same intake outside review bodies use. Members appear under pseudonymous ids (a keyed hash of
the user id), applicants under their keyed ID hash and mask. Filing freezes the session;
filing twice is one filing (the ``filing_id`` is derived from the session)."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from sqlmodel import Session, col, select

from audit.contract import SCHEMA_VERSION
from review_service.accounts.models import ExpertProfile, User
from review_service.config import Settings
from review_service.db import utcnow
from review_service.enterprises.models import Enterprise
from review_service.enterprises.schemas import cluster_name
from review_service.events.service import record, snapshot
from review_service.filings import service as filings
from review_service.filings.models import FilingRecord
from review_service.materials import service as materials
from review_service.reviews import panels, scoring, voting
from review_service.reviews.models import Application, Conflict, ReviewSession, Vote
from review_service.reviews.schemas import ApplicationStatus, ConflictStatus, SessionStatus
from review_service.reviews.state import MOVES, SESSION, load_session, require_state
from review_service.standard_versions.models import StandardVersion
from review_service.tenancy import TenantScope
from review_service.transitions import check_transition, lock

S = SessionStatus


def filing_id(enterprise: Enterprise, rs: ReviewSession) -> str:
    return f"RS-{enterprise.credit_code}-{rs.id}"


def member_pseudonym(settings: Settings, user_id: int) -> str:
    """Stable across filings (so the regulator can follow one expert across sessions), not
    reversible without the service's key."""
    mac = hmac.new(settings.id_hash_key_bytes, f"panel-member:{user_id}".encode(), hashlib.sha256)
    return "m-" + mac.hexdigest()[:24]


def build_package(session: Session, *, rs: ReviewSession, settings: Settings) -> dict[str, Any]:
    enterprise = session.get(Enterprise, rs.enterprise_id)
    version = session.get(StandardVersion, rs.standard_version_id)
    assert enterprise is not None and version is not None and rs.standard is not None
    seated = panels.members(session, rs.id or 0)
    users = {
        u.id: u
        for u in session.exec(
            select(User).where(col(User.id).in_([m.user_id for m in seated]))
        ).all()
    }
    pseudonym = {m.user_id: member_pseudonym(settings, m.user_id) for m in seated}
    by_member_row = {m.id: pseudonym[m.user_id] for m in seated}
    panel = []
    for m in seated:
        user = users[m.user_id]
        profile = session.get(ExpertProfile, m.user_id)
        panel.append(
            {
                "member_id": pseudonym[m.user_id],
                "track": m.track,
                "level": m.level,
                "external": m.external,
                "organisation_credit_code": profile.home_credit_code
                if profile and m.external
                else None,
                "department": user.department,
                "supervisor_member_id": pseudonym.get(user.supervisor_id or -1),
                "role": m.role,
                "selection": m.selection,
                "selection_reason": m.selection_reason,
                "term_end": profile.term_end.isoformat() if profile and profile.term_end else None,
                "person_key": user.person_key,
            }
        )
    decisions = voting.decisions(session, rs.id or 0)
    applicants = {
        u.id: u
        for u in session.exec(
            select(User)
            .join(Application, col(Application.applicant_user_id) == col(User.id))
            .where(Application.session_id == rs.id)
        ).all()
    }
    entries = []
    for app in session.exec(
        select(Application)
        .where(
            Application.session_id == rs.id,
            Application.status != ApplicationStatus.withdrawn.value,
        )
        .order_by(col(Application.id))
    ).all():
        decision = decisions.get(app.id or 0)
        recusals = session.exec(
            select(Conflict).where(
                Conflict.application_id == app.id, Conflict.status == ConflictStatus.confirmed.value
            )
        ).all()
        supervisor = applicants[app.applicant_user_id].supervisor_id
        # Panel members the applicant manages: 直接上下级 the other way round (contract 1.1).
        subordinates = sorted(
            pseudonym[m.user_id]
            for m in seated
            if users[m.user_id].supervisor_id == app.applicant_user_id
        )
        entries.append(
            {
                "application_ref": f"A{app.id}",
                "applicant": {
                    "person_key": app.person_key,
                    "id_mask": app.id_mask,
                    "name": app.name,
                },
                "facts": app.facts,
                "department": app.department,
                "supervisor_member_id": pseudonym.get(supervisor or -1),
                "subordinate_member_ids": subordinates,
                "exceptional": app.exceptional,
                "exceptional_justification": app.exceptional_justification,
                "scores": [
                    {
                        "member_id": by_member_row[s.panel_member_id],
                        "values": s.values,
                        "started_at": s.started_at.isoformat(),
                        "submitted_at": s.submitted_at.isoformat() if s.submitted_at else None,
                    }
                    for s in scoring.submitted_sheets(session, app.id or 0)
                ],
                "votes": [
                    {"member_id": by_member_row[v.panel_member_id], "vote": v.choice}
                    for v in session.exec(
                        select(Vote).where(Vote.application_id == app.id).order_by(col(Vote.id))
                    ).all()
                ],
                "recusals": [
                    {
                        "member_id": by_member_row[c.panel_member_id],
                        "kind": c.kind,
                        "reason": c.resolution_reason or c.reason,
                    }
                    for c in recusals
                ],
                "approved": bool(decision and decision.approved),
                "final_score": decision.final_score if decision else None,
                # The manifest of the materials (kind, content hash, size), never the files.
                "materials": materials.manifest(session, app.id or 0),
            }
        )
    return {
        "schema_version": SCHEMA_VERSION,
        "filing_id": filing_id(enterprise, rs),
        "filed_at": utcnow().isoformat(),
        "review_body": {
            "kind": enterprise.review_body_kind,
            "credit_code": enterprise.credit_code,
            "name": enterprise.name,
            "industry_cluster": enterprise.industry_cluster,
            "industry_cluster_name": cluster_name(enterprise.industry_cluster),
        },
        "session": {
            "session_ref": f"S{rs.id}",
            "track": rs.track,
            "series": rs.series,
            "level": rs.level,
            "period": rs.period,
            "held_on": (rs.held_on or rs.updated_at.date()).isoformat(),
            "standard_version": rs.standard_label or f"{version.id}:v{version.version}",
            "standard": rs.standard,
        },
        "panel": panel,
        "applications": entries,
    }


def file_session(
    session: Session,
    *,
    scope: TenantScope,
    session_id: int,
    settings: Settings,
    version: int | None,
) -> tuple[ReviewSession, FilingRecord, bool]:
    rs = load_session(session, scope=scope, session_id=session_id)
    # Taken first: a concurrent filing waits here and then finds the session filed.
    rs = lock(session, rs)
    enterprise = session.get(Enterprise, rs.enterprise_id)
    assert enterprise is not None
    if rs.status == S.filed:
        existing = session.exec(
            select(FilingRecord).where(FilingRecord.filing_id == rs.filing_id)
        ).first()
        assert existing is not None
        return rs, existing, False
    require_state(rs, (S.finalized,), ("备案", "filing"))
    check_transition(
        what=SESSION,
        current=rs.status,
        target=S.filed,
        allowed=MOVES,
        expected_version=version,
        version=rs.version,
    )
    before = snapshot(rs)
    # Take the session row first, so a concurrent filing loses here before anything is built.
    rs.status = S.filed.value
    rs.updated_at = utcnow()
    session.add(rs)
    session.flush()
    document = build_package(session, rs=rs, settings=settings)
    filing, created = filings.receive_filing(
        session,
        document=document,
        source_enterprise_id=rs.enterprise_id,
        actor=scope.principal,
        settings=settings,
    )
    rs.filing_id = filing.filing_id
    session.add(rs)
    record(session, actor=scope.principal, action="review_session.file", subject=rs, before=before)
    return rs, filing, created
