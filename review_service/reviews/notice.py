"""Public notice (公示) of the approved list for the standard's number of working days, and
objections (异议) raised during it and resolved by HR with a reason.

"Today" always comes from the caller (the router's injectable clock), so tests move time."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, timedelta

from sqlmodel import Session, col, select

from review_service.db import utcnow
from review_service.errors import FieldProblem, Invalid, InvalidState, NotFound
from review_service.events.service import record
from review_service.reviews import voting
from review_service.reviews.models import (
    Application,
    Decision,
    Objection,
    PublicNotice,
    ReviewSession,
)
from review_service.reviews.schemas import (
    NoticeEntry,
    ObjectionCreate,
    ObjectionResolution,
    ObjectionStatus,
    PublicNoticePublic,
    SessionStatus,
)
from review_service.reviews.state import (
    APPLICATION,
    OBJECTION,
    load_session,
    require_state,
    session_standard,
)
from review_service.tenancy import TenantScope
from review_service.transitions import lock, lock_by_key, move
from standards import workdays

S = SessionStatus
NOTICE = ("公示", "public notice")


def is_working_day(day: date, holidays: Collection[date]) -> bool:
    # Statutory holidays and make-up working days (调休) from the published schedule, plus
    # the regulator's entries when ``holidays`` is a WorkCalendar (standards.workdays).
    return workdays.is_working_day(day, holidays)


def notice_period(
    published_on: date, working_days: int, holidays: Collection[date]
) -> tuple[date, date]:
    """First and last day of a notice of ``working_days`` working days published on
    ``published_on``: it starts that day if it is a working day, else the next one."""
    start = published_on
    while not is_working_day(start, holidays):
        start += timedelta(days=1)
    end, counted = start, 1
    while counted < working_days:
        end += timedelta(days=1)
        if is_working_day(end, holidays):
            counted += 1
    return start, end


def parse_holidays(values: Collection[str]) -> set[date]:
    return {date.fromisoformat(v) for v in values}


def publish(
    session: Session,
    *,
    scope: TenantScope,
    rs: ReviewSession,
    today: date,
    holidays: Collection[date],
) -> PublicNotice:
    standard = session_standard(session, rs)
    starts_on, ends_on = notice_period(today, standard.notice_working_days, holidays)
    applications = {
        a.id: a
        for a in session.exec(select(Application).where(Application.session_id == rs.id)).all()
    }
    entries = [
        {
            "application_id": d.application_id,
            "name": applications[d.application_id].name,
            "department": applications[d.application_id].department,
            "level": applications[d.application_id].level,
            "final_score": d.final_score,
        }
        for d in voting.decisions(session, rs.id or 0).values()
        if d.approved
    ]
    notice = PublicNotice(
        session_id=rs.id or 0,
        enterprise_id=rs.enterprise_id,
        published_on=today,
        starts_on=starts_on,
        ends_on=ends_on,
        working_days=standard.notice_working_days,
        entries=entries,
    )
    session.add(notice)
    session.flush()
    record(session, actor=scope.principal, action="notice.publish", subject=notice)
    return notice


def _notice(session: Session, rs: ReviewSession) -> PublicNotice:
    notice = session.exec(select(PublicNotice).where(PublicNotice.session_id == rs.id)).first()
    if notice is None:
        raise NotFound(*NOTICE, rs.id)
    return notice


def is_over(notice: PublicNotice, today: date) -> bool:
    return notice.working_days == 0 or today > notice.ends_on


def view(
    session: Session, *, scope: TenantScope, session_id: int, today: date
) -> PublicNoticePublic:
    rs = load_session(session, scope=scope, session_id=session_id)
    notice = _notice(session, rs)
    # An expert never sees the entries of applications they are recused from.
    hidden = scope.recused
    current = voting.decisions(session, rs.id or 0)
    return PublicNoticePublic(
        session_id=rs.id or 0,
        published_on=notice.published_on,
        starts_on=notice.starts_on,
        ends_on=notice.ends_on,
        working_days=notice.working_days,
        over=is_over(notice, today),
        entries=[
            NoticeEntry(
                **entry,
                approved=(d := current.get(entry["application_id"])) is not None and d.approved,
            )
            for entry in notice.entries
            if entry["application_id"] not in hidden
        ],
    )


def raise_objection(
    session: Session, *, scope: TenantScope, session_id: int, data: ObjectionCreate, today: date
) -> Objection:
    rs = load_session(session, scope=scope, session_id=session_id)
    require_state(rs, (S.public_notice,), ("提出异议", "raising an objection"))
    notice = _notice(session, rs)
    listed = {e["application_id"] for e in notice.entries} - scope.recused
    if data.application_id not in listed:
        raise NotFound(*APPLICATION, data.application_id)
    if today > notice.ends_on:
        raise InvalidState(
            f"公示期已于{notice.ends_on.isoformat()}结束，不能再提出异议",
            f"the notice period ended on {notice.ends_on.isoformat()}; objections are closed",
            code="notice_over",
            extra={"ends_on": notice.ends_on.isoformat()},
        )
    row = Objection(
        session_id=rs.id or 0,
        enterprise_id=rs.enterprise_id,
        application_id=data.application_id,
        raised_by=scope.principal.user_id,
        reason=data.reason,
    )
    session.add(row)
    session.flush()
    record(session, actor=scope.principal, action="objection.raise", subject=row)
    return row


OBJECTION_MOVES = {
    ObjectionStatus.open.value: frozenset(
        {ObjectionStatus.upheld.value, ObjectionStatus.dismissed.value}
    )
}


def _resolution(row: Objection, *, scope: TenantScope, reason: str) -> None:
    row.resolution_reason = reason
    row.resolved_by = scope.principal.user_id
    row.resolved_at = utcnow()


def resolve(
    session: Session, *, scope: TenantScope, objection_id: int, data: ObjectionResolution
) -> Objection:
    row = scope.get(session, Objection, objection_id, OBJECTION)
    rs = load_session(session, scope=scope, session_id=row.session_id)
    # Shared: the notice cannot be finalized while an objection is being resolved.
    rs = lock(session, rs, shared=True)
    require_state(rs, (S.public_notice,), ("处理异议", "resolving an objection"))
    if data.status is ObjectionStatus.open:
        raise Invalid(
            "处理结果应为成立（upheld）或不成立（dismissed）",
            "the resolution is upheld or dismissed",
            details=[FieldProblem("status", "应为 upheld 或 dismissed", "upheld or dismissed")],
        )
    # Under the objection's row lock: of concurrent resolutions exactly one moves it, and
    # only the winner touches the decision, so the objection and the decision agree.
    row = move(
        session,
        row,
        what=OBJECTION,
        target=data.status.value,
        allowed=OBJECTION_MOVES,
        actor=scope.principal,
        action=f"objection.{data.status.value}",
        refused_code="already_resolved",
        change=lambda r: _resolution(r, scope=scope, reason=data.reason),
    )
    if data.status is ObjectionStatus.upheld:
        # Locked too: two objections upheld at once overturn the decision once.
        decision = lock_by_key(session, Decision, row.application_id, column="application_id")
        if decision is not None and decision.approved:
            voting.overturn(
                session, scope=scope, application_id=row.application_id, objection_id=row.id or 0
            )
    return row


def list_objections(session: Session, *, scope: TenantScope, session_id: int) -> list[Objection]:
    rs = load_session(session, scope=scope, session_id=session_id)
    stmt = select(Objection).where(Objection.session_id == rs.id, scope.objections_where())
    return list(session.exec(stmt.order_by(col(Objection.id))).all())


def finalize_problems(session: Session, *, rs: ReviewSession, today: date) -> list[FieldProblem]:
    notice = _notice(session, rs)
    out = []
    if not is_over(notice, today):
        out.append(
            FieldProblem(
                "notice.ends_on",
                f"公示期至{notice.ends_on.isoformat()}结束，今天{today.isoformat()}尚未期满",
                f"the notice period runs until {notice.ends_on.isoformat()}; today is "
                f"{today.isoformat()}",
            )
        )
    open_ones = session.exec(
        select(Objection.id).where(
            Objection.session_id == rs.id, Objection.status == ObjectionStatus.open.value
        )
    ).all()
    for objection_id in open_ones:
        out.append(
            FieldProblem(
                f"objections[{objection_id}]",
                f"异议{objection_id}尚未处理",
                f"objection {objection_id} is not resolved",
            )
        )
    return out
