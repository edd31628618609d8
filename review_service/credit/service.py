"""Credit records and blacklists (失信记录 / 黑名单): findings against people, and the checks
the workflow makes against them at once (applying, drawing, seating)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, func, or_
from sqlmodel import Session, col, select

from review_service.accounts.models import ExpertProfile, User
from review_service.auth.principal import Principal
from review_service.config import Settings
from review_service.credit.models import CreditRecord
from review_service.credit.schemas import (
    CasePeople,
    CasePerson,
    CreditMeasure,
    CreditRecordCreate,
    CreditRecordPublic,
    CreditSubject,
)
from review_service.db import utcnow
from review_service.errors import Conflict, FieldProblem, Invalid, NotFound
from review_service.events.service import record, snapshot
from review_service.reviews.filing import member_pseudonym
from review_service.reviews.models import Application, PanelMember
from review_service.supervision.models import Case as SupervisionCase
from review_service.supervision.models import Flag
from standards import identifiers

RECORD = ("失信记录", "credit record")


def _active(today: date) -> ColumnElement[bool]:
    return (
        col(CreditRecord.lifted_at).is_(None)
        & (col(CreditRecord.starts_on) <= today)
        & or_(col(CreditRecord.ends_on).is_(None), col(CreditRecord.ends_on) >= today)
    )


def is_active(row: CreditRecord, today: date) -> bool:
    return (
        row.lifted_at is None
        and row.starts_on <= today
        and (row.ends_on is None or row.ends_on >= today)
    )


def active_bar(session: Session, *, person_key: str, today: date) -> CreditRecord | None:
    """The bar on applying that holds for this person today, the longest first."""
    return session.exec(
        select(CreditRecord)
        .where(
            CreditRecord.person_key == person_key,
            CreditRecord.measure == CreditMeasure.bar_applications.value,
            _active(today),
        )
        .order_by(col(CreditRecord.ends_on).desc().nulls_first())
    ).first()


def refuse_if_barred(session: Session, *, person_key: str, today: date) -> None:
    """Refuse an application of a barred person, saying until when; the reason itself is
    the regulator's and the person's, so an enterprise sees only that and the end date."""
    bar = active_bar(session, person_key=person_key, today=today)
    if bar is None:
        return
    until_zh = bar.ends_on.isoformat() if bar.ends_on else "另行通知"
    until_en = bar.ends_on.isoformat() if bar.ends_on else "further notice"
    raise Conflict(
        f"该申报人因失信记录不得申报，期限至{until_zh}",
        f"this person is barred from applying until {until_en} (credit record)",
        details=[FieldProblem("resident_id", f"不得申报至{until_zh}", f"barred until {until_en}")],
        code="applicant_barred",
        extra={"barred_until": bar.ends_on.isoformat() if bar.ends_on else None},
    )


def record_finding(
    session: Session,
    *,
    actor: Principal,
    data: CreditRecordCreate,
    settings: Settings,
    today: date,
) -> CreditRecord:
    person_key, id_mask, name, experts = _person(session, data=data, settings=settings)
    problems: list[FieldProblem] = []
    if data.measure is CreditMeasure.remove_from_pool and data.subject is not CreditSubject.expert:
        problems.append(
            FieldProblem("measure", "只有专家可移出专家库", "only an expert leaves the pool")
        )
    starts = data.starts_on or today
    if data.ends_on is not None and data.ends_on < starts:
        problems.append(
            FieldProblem("ends_on", "结束日期早于开始日期", "the end is before the start")
        )
    if data.case_id is not None:
        case = session.get(SupervisionCase, data.case_id)
        if case is None:
            problems.append(FieldProblem("case_id", "核查案件不存在", "no such case"))
        elif case.status != "confirmed":
            # A finding rests on a case only once the regulator has confirmed it.
            problems.append(
                FieldProblem("case_id", "核查案件尚未查实", "the case is not confirmed")
            )
    if problems:
        raise Invalid("失信记录校验未通过", "the credit record was refused", details=problems)
    row = CreditRecord(
        person_key=person_key,
        id_mask=id_mask,
        name=name,
        subject=data.subject.value,
        measure=data.measure.value,
        reason=data.reason,
        case_id=data.case_id,
        starts_on=starts,
        ends_on=data.ends_on,
        recorded_by=actor.user_id,
    )
    session.add(row)
    session.flush()
    record(session, actor=actor, action="credit.record", subject=row)
    if data.measure is CreditMeasure.remove_from_pool:
        for profile in experts:
            before = snapshot(profile)
            profile.status = "removed"
            profile.status_reason = f"失信记录{row.id}：{data.reason}"[:500]
            session.add(profile)
            record(
                session,
                actor=actor,
                action="expert.remove",
                subject=profile,
                object_id=profile.user_id,
                before=before,
            )
    return row


def _person(
    session: Session, *, data: CreditRecordCreate, settings: Settings
) -> tuple[str, str, str, list[ExpertProfile]]:
    """The person's keyed hash, mask and name, and the expert profiles that are theirs."""
    given = [x for x in (data.resident_id, data.user_id, data.application_id) if x is not None]
    if len(given) != 1:
        raise Invalid(
            "须且只能给出身份证号、账户或申报之一",
            "give exactly one of resident_id, user_id and application_id",
            details=[FieldProblem("resident_id", "三选一", "exactly one of the three")],
        )
    if data.application_id is not None:
        app = session.get(Application, data.application_id)
        if app is None:
            raise NotFound("申报", "application", data.application_id)
        return (
            app.person_key,
            app.id_mask,
            data.name or app.name,
            _profiles(session, app.person_key),
        )
    if data.resident_id is not None:
        bad = identifiers.resident_id_problem(data.resident_id)
        if bad is not None:
            raise Invalid(
                "身份证号无效",
                "invalid resident ID number",
                details=[FieldProblem("resident_id", bad.message, bad.message_en)],
            )
        if not data.name:
            raise Invalid(
                "须填写姓名",
                "the name is required",
                details=[FieldProblem("name", "必填", "required")],
            )
        key = identifiers.resident_id_digest(data.resident_id, settings.id_hash_key_bytes)
        return (
            key,
            identifiers.mask_resident_id(data.resident_id),
            data.name,
            _profiles(session, key),
        )
    user = session.get(User, data.user_id)
    profile = session.get(ExpertProfile, data.user_id) if user is not None else None
    if user is None or (data.subject is CreditSubject.expert and profile is None):
        raise NotFound(
            "专家" if data.subject is CreditSubject.expert else "用户", "person", data.user_id
        )
    if not user.person_key or not user.id_mask:
        raise Invalid(
            "该账户未登记身份证号，请按身份证号记录",
            "this account has no resident ID on file; record by resident ID",
            details=[FieldProblem("user_id", "未登记身份证号", "no resident ID on file")],
        )
    return (
        user.person_key,
        user.id_mask,
        data.name or user.display_name,
        _profiles(session, user.person_key),
    )


def _profiles(session: Session, person_key: str) -> list[ExpertProfile]:
    """The expert profiles of every account of this person."""
    return list(
        session.exec(
            select(ExpertProfile)
            .join(User, col(User.id) == col(ExpertProfile.user_id))
            .where(User.person_key == person_key)
        ).all()
    )


def lift(session: Session, *, actor: Principal, record_id: int, reason: str) -> CreditRecord:
    row = session.get(CreditRecord, record_id)
    if row is None:
        raise NotFound(*RECORD, record_id)
    if row.lifted_at is not None:
        raise Conflict(
            "该失信记录已撤销", "this credit record was already lifted", code="already_lifted"
        )
    before = snapshot(row)
    row.lifted_at = utcnow()
    row.lift_reason = reason
    session.add(row)
    record(session, actor=actor, action="credit.lift", subject=row, before=before)
    return row


def list_records(
    session: Session,
    *,
    subject: CreditSubject | None,
    active_on: date | None,
    q: str | None,
    offset: int,
    limit: int,
) -> tuple[list[CreditRecord], int]:
    stmt = select(CreditRecord)
    if subject is not None:
        stmt = stmt.where(CreditRecord.subject == subject.value)
    if active_on is not None:
        stmt = stmt.where(_active(active_on))
    if q:
        escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        stmt = stmt.where(col(CreditRecord.name).like(f"%{escaped}%", escape="\\"))
    count = session.exec(select(func.count()).select_from(stmt.subquery())).one()
    rows = session.exec(
        stmt.order_by(col(CreditRecord.id).desc()).offset(offset).limit(limit)
    ).all()
    return list(rows), count


def own_records(session: Session, *, principal: Principal) -> list[CreditRecord]:
    """A person sees their own record, matched on their keyed resident-ID hash."""
    user = session.get(User, principal.user_id)
    if user is None or not user.person_key:
        return []
    return list(
        session.exec(
            select(CreditRecord)
            .where(CreditRecord.person_key == user.person_key)
            .order_by(col(CreditRecord.id).desc())
        ).all()
    )


def to_public(row: CreditRecord, today: date) -> CreditRecordPublic:
    return CreditRecordPublic.model_validate({**row.model_dump(), "active": is_active(row, today)})


def case_people(session: Session, *, case_id: int, settings: Settings, today: date) -> CasePeople:
    """The applicants and panel members a case's flag points at, for recording a finding.
    Filings made on this platform reference sessions as ``RS-<code>-<id>``, applications as
    ``A<id>`` and members by a keyed pseudonym, which is matched back here; people in filings
    of outside bodies cannot be resolved and are recorded by resident ID instead."""
    case = session.get(SupervisionCase, case_id)
    if case is None:
        raise NotFound("核查案件", "case", case_id)
    flag = session.get(Flag, case.flag_id)
    assert flag is not None
    records = [str(r) for r in (flag.evidence or {}).get("records", [])]
    app_refs = [r.split("/", 1) for r in records if "/" in r and not r.startswith("member:")]
    if flag.filing_id and flag.application_ref:
        app_refs.insert(0, [flag.filing_id, flag.application_ref])
    pseudonyms = [r.removeprefix("member:") for r in records if r.startswith("member:")]
    if flag.member_id:
        pseudonyms.insert(0, flag.member_id)
    sessions = {s for f, _ in app_refs if (s := _session_of(f)) is not None}
    if flag.filing_id and (s := _session_of(flag.filing_id)) is not None:
        sessions.add(s)
    already = set(
        session.exec(
            select(CreditRecord.person_key).where(CreditRecord.case_id == case_id, _active(today))
        ).all()
    )
    people: list[CasePerson] = []
    seen: set[str] = set()
    for filing, ref in app_refs:
        app = session.get(Application, _number(ref, "A") or 0)
        if app is None or app.session_id != _session_of(filing) or ref in seen:
            continue
        seen.add(ref)
        people.append(
            CasePerson(
                subject=CreditSubject.applicant,
                name=app.name,
                id_mask=app.id_mask,
                application_id=app.id,
                ref=ref,
                session_id=app.session_id,
                recorded=app.person_key in already,
            )
        )
    if pseudonyms:
        seated = select(PanelMember.user_id)
        if sessions:
            seated = seated.where(col(PanelMember.session_id).in_(sorted(sessions)))
        by_pseudonym = {
            member_pseudonym(settings, uid): uid for uid in set(session.exec(seated).all())
        }
        for p in dict.fromkeys(pseudonyms):
            user = session.get(User, by_pseudonym.get(p, 0))
            if user is None:
                continue
            people.append(
                CasePerson(
                    subject=CreditSubject.expert,
                    name=user.display_name,
                    id_mask=user.id_mask,
                    user_id=user.id,
                    ref=p,
                    recorded=user.person_key in already,
                )
            )
    return CasePeople(case_id=case_id, case_status=case.status, period=flag.period, people=people)


def _session_of(filing_id: str) -> int | None:
    """The review session of a filing made on this platform (``RS-<code>-<id>``)."""
    if not filing_id.startswith("RS-"):
        return None
    return _number(filing_id.rsplit("-", 1)[-1], "")


def _number(ref: str, prefix: str) -> int | None:
    digits = ref.removeprefix(prefix)
    return int(digits) if ref.startswith(prefix) and digits.isdigit() else None
