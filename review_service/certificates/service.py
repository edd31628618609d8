"""Certificate rules: issued once per approved application when its session is finalized,
verified publicly by number and holder's name, revoked by the regulator with a reason (from a
confirmed case of the same enterprise, or by hand)."""

from __future__ import annotations

from datetime import date
from typing import Any, TypeVar

from sqlmodel import Session, col, func, select
from sqlmodel.sql.expression import SelectOfScalar

from review_service.auth.principal import Role
from review_service.certificates.models import Certificate
from review_service.certificates.schemas import (
    CertificatePublic,
    CertificateStatus,
    RevocationIn,
    VerificationPublic,
)
from review_service.enterprises.models import Enterprise
from review_service.errors import Conflict, FieldProblem, Invalid, NotFound
from review_service.events.service import record, snapshot
from review_service.reviews import voting
from review_service.reviews.models import Application, ReviewSession
from review_service.supervision.models import Case
from review_service.tenancy import TenantScope
from standards.catalogue import load_catalogue
from standards.levels import Track, level_name

CERTIFICATE = ("证书", "certificate")
TITLES = {Track.title: "职称证书", Track.skill: "职业技能等级证书"}
PREFIX = {Track.title: "ZC", Track.skill: "JN"}


def certificate_number(rs: ReviewSession, application: Application) -> str:
    """Readable and unique: track, period, enterprise and application (one per application)."""
    return f"{PREFIX[Track(rs.track)]}{rs.period[:4]}-{rs.enterprise_id:04d}-{application.id:07d}"


def issue_for_session(
    session: Session, *, scope: TenantScope, rs: ReviewSession, today: date
) -> list[Certificate]:
    """A certificate for every approved application of a session being finalized."""
    enterprise = session.get(Enterprise, rs.enterprise_id)
    assert enterprise is not None
    decisions = voting.decisions(session, rs.id or 0)
    issued = set(
        session.exec(
            select(Certificate.application_id).where(Certificate.session_id == rs.id)
        ).all()
    )
    out = []
    for application in session.exec(
        select(Application).where(Application.session_id == rs.id).order_by(col(Application.id))
    ).all():
        decision = decisions.get(application.id or 0)
        if decision is None or not decision.approved or application.id in issued:
            continue
        certificate = Certificate(
            number=certificate_number(rs, application),
            enterprise_id=rs.enterprise_id,
            session_id=rs.id or 0,
            application_id=application.id or 0,
            applicant_user_id=application.applicant_user_id,
            holder_name=application.name,
            id_mask=application.id_mask,
            track=rs.track,
            series=rs.series,
            level=rs.level,
            enterprise_name=enterprise.name,
            issued_on=today,
        )
        session.add(certificate)
        session.flush()
        record(
            session,
            actor=scope.principal,
            action="certificate.issue",
            subject=certificate,
            detail={"number": certificate.number},
        )
        out.append(certificate)
    return out


S = TypeVar("S", bound=SelectOfScalar[Any])


def _visible(scope: TenantScope, stmt: S) -> S:
    stmt = stmt.where(scope.where(Certificate.enterprise_id))
    principal = scope.principal
    if principal.role is Role.applicant:
        stmt = stmt.where(Certificate.applicant_user_id == principal.user_id)
    return stmt


def list_certificates(
    session: Session,
    *,
    scope: TenantScope,
    session_id: int | None,
    status: CertificateStatus | None,
    offset: int,
    limit: int,
) -> tuple[list[Certificate], int]:
    stmt = _visible(scope, select(Certificate))
    count = _visible(scope, select(func.count()).select_from(Certificate))
    if session_id is not None:
        stmt = stmt.where(Certificate.session_id == session_id)
        count = count.where(Certificate.session_id == session_id)
    if status is not None:
        stmt = stmt.where(Certificate.status == status.value)
        count = count.where(Certificate.status == status.value)
    rows = session.exec(stmt.order_by(col(Certificate.id)).offset(offset).limit(limit)).all()
    return list(rows), session.exec(count).one()


def get(session: Session, *, scope: TenantScope, certificate_id: int) -> Certificate:
    row = scope.get(session, Certificate, certificate_id, CERTIFICATE)
    if scope.principal.role is Role.applicant and row.applicant_user_id != scope.principal.user_id:
        raise NotFound(*CERTIFICATE, certificate_id)
    return row


def revoke(
    session: Session, *, scope: TenantScope, certificate_id: int, data: RevocationIn, today: date
) -> Certificate:
    """撤销评审结果: the certificate stays on record as revoked, with the date and reason."""
    row = get(session, scope=scope, certificate_id=certificate_id)
    if row.status == CertificateStatus.revoked:
        raise Conflict(
            f"证书{row.number}已于{row.revoked_on}撤销",
            f"certificate {row.number} was already revoked on {row.revoked_on}",
            code="certificate_revoked",
        )
    if data.case_id is not None:
        case = session.get(Case, data.case_id)
        if case is None or case.enterprise_id != row.enterprise_id:
            raise NotFound("核查案件", "case", data.case_id)
        if case.status != "confirmed":
            raise Invalid(
                "只能依据已确认的核查案件撤销评审结果",
                "a revocation can follow only from a confirmed case",
                details=[
                    FieldProblem("case_id", f"案件状态为{case.status}", f"case is {case.status}")
                ],
                code="case_not_confirmed",
            )
    before = snapshot(row)
    row.status = CertificateStatus.revoked.value
    row.revoked_on = today
    row.revoked_reason = data.reason.strip()
    row.revoked_by = scope.principal.user_id
    row.revoked_case_id = data.case_id
    session.add(row)
    record(session, actor=scope.principal, action="certificate.revoke", subject=row, before=before)
    return row


def _normal_name(name: str) -> str:
    return "".join(name.split())


def verify(session: Session, *, number: str, holder_name: str) -> VerificationPublic:
    """Public check: the number and the holder's name must both match; a mismatch answers
    exactly like an unknown number, so the name of a number's holder never leaks."""
    row = session.exec(
        select(Certificate).where(Certificate.number == number.strip().upper())
    ).first()
    if row is None or _normal_name(row.holder_name) != _normal_name(holder_name):
        return VerificationPublic(found=False, number=number)
    track = Track(row.track)
    return VerificationPublic(
        found=True,
        number=row.number,
        status=CertificateStatus(row.status),
        holder_name=row.holder_name,
        id_mask=row.id_mask,
        title=TITLES[track],
        level_name=level_name(track, row.level, series=row.series),
        series_name=load_catalogue().name(track, row.series),
        enterprise_name=row.enterprise_name,
        issued_on=row.issued_on,
        revoked_on=row.revoked_on,
    )


def to_public(row: Certificate) -> CertificatePublic:
    track = Track(row.track)
    return CertificatePublic(
        id=row.id or 0,
        number=row.number,
        session_id=row.session_id,
        application_id=row.application_id,
        holder_name=row.holder_name,
        id_mask=row.id_mask,
        track=track,
        series=row.series,
        series_name=load_catalogue().name(track, row.series),
        level=row.level,
        level_name=level_name(track, row.level, series=row.series),
        title=TITLES[track],
        enterprise_name=row.enterprise_name,
        issued_on=row.issued_on,
        status=CertificateStatus(row.status),
        revoked_on=row.revoked_on,
        revoked_reason=row.revoked_reason,
        revoked_case_id=row.revoked_case_id,
    )
