"""Applications (申报): submitted once, validated at once against the standard's hard
requirements ("一次提交、自动校验、全程网办"), correctable while the session is open.

Resident ID numbers are checked (GB 11643) and kept only as a keyed hash and a mask. One person
holds at most one live application per track, level and period (a unique key, so two
concurrent submissions cannot both pass)."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, col, select

from review_service.accounts.models import User
from review_service.auth.principal import Role
from review_service.config import Settings
from review_service.credit import service as credit
from review_service.db import utcnow
from review_service.errors import Conflict, FieldProblem, Invalid, NotFound
from review_service.events.service import record, snapshot
from review_service.reviews import conflicts, panels
from review_service.reviews.models import Application, ReviewSession
from review_service.reviews.schemas import (
    ApplicationCreate,
    ApplicationPublic,
    ApplicationStatus,
    ApplicationUpdate,
    EligibilityPublic,
    ProblemPublic,
    SessionStatus,
)
from review_service.reviews.state import (
    load_application,
    load_session,
    require_state,
    session_standard,
)
from review_service.tenancy import TenantScope
from standards import identifiers
from standards.document import Standard
from standards.eligibility import Verdict, evaluate
from standards.facts import ApplicantFacts
from standards.levels import level_name

S = SessionStatus
APPLICANT = ("申报人", "applicant")


def live_key(person_key: str, track: str, level: str, period: str) -> str:
    return f"{person_key}|{track}|{level}|{period}"


def _judge(
    standard: Standard, facts: ApplicantFacts, exceptional: bool, justification: str | None
) -> tuple[Verdict, list[ProblemPublic]]:
    """The verdict, plus what the exceptional track asks of the submission itself."""
    verdict = evaluate(facts, standard)
    problems: list[ProblemPublic] = []
    track = standard.exceptional
    if exceptional and track is None:
        problems.append(
            ProblemPublic(
                field="exceptional",
                code="exceptional.not_offered",
                problem="本标准未设破格条件，不能按破格途径申报",
                problem_en="this standard has no exceptional track",
            )
        )
    if verdict.via_exceptional and not exceptional:
        problems.append(
            ProblemPublic(
                field="exceptional",
                code="exceptional.not_declared",
                problem="仅可按破格途径申报，请勾选破格申报并填写破格理由",
                problem_en="eligible only via the exceptional track: declare it with a justification",
            )
        )
    if (
        exceptional
        and track is not None
        and track.justification_required
        and not (justification and justification.strip())
    ):
        problems.append(
            ProblemPublic(
                field="exceptional_justification",
                code="exceptional.justification_missing",
                problem="破格申报须填写破格理由",
                problem_en="an exceptional-track application needs its justification",
            )
        )
    return verdict, problems


def _store_verdict(
    application: Application, verdict: Verdict, problems: list[ProblemPublic]
) -> None:
    application.verdict = {
        **verdict.model_dump(mode="json"),
        "problems": [p.model_dump() for p in problems],
    }
    eligible = verdict.eligible and not problems
    application.status = (
        ApplicationStatus.eligible.value if eligible else ApplicationStatus.ineligible.value
    )


def _scope_problems(data: ApplicationCreate, rs: ReviewSession) -> list[FieldProblem]:
    out = []
    for field in ("track", "series", "level"):
        given, expected = str(getattr(data, field)), getattr(rs, field)
        if given != expected:
            out.append(
                FieldProblem(
                    field,
                    f"本批次评审{field}为“{expected}”，申报为“{given}”",
                    f"this session reviews {field} '{expected}', the application says '{given}'",
                )
            )
    return out


def _applicant(
    session: Session, *, scope: TenantScope, rs: ReviewSession, user_id: int | None
) -> User:
    principal = scope.principal
    if principal.role is Role.applicant:
        if user_id not in (None, principal.user_id):
            raise Invalid(
                "申报人只能本人申报",
                "applicants apply for themselves",
                details=[FieldProblem("applicant_user_id", "应为空或本人", "empty or yourself")],
            )
        user_id = principal.user_id
    if user_id is None:
        raise Invalid(
            "代为申报须指明申报人",
            "applying on someone's behalf needs the applicant",
            details=[FieldProblem("applicant_user_id", "必填", "required")],
        )
    user = session.get(User, user_id)
    if user is None or user.enterprise_id != rs.enterprise_id or not user.is_active:
        raise NotFound(*APPLICANT, user_id)
    return user


def _as_of_problems(facts: ApplicantFacts | None, today: date) -> list[FieldProblem]:
    # Years are counted up to ``as_of``: a date in the future would grant years not yet served.
    if facts is None or facts.as_of <= today:
        return []
    return [
        FieldProblem(
            "facts.as_of",
            f"事实截止日期{facts.as_of.isoformat()}晚于今天（{today.isoformat()}）",
            f"facts as of {facts.as_of.isoformat()} lie after today ({today.isoformat()})",
        )
    ]


def submit(
    session: Session,
    *,
    scope: TenantScope,
    session_id: int,
    data: ApplicationCreate,
    settings: Settings,
    today: date,
) -> Application:
    rs = load_session(session, scope=scope, session_id=session_id)
    require_state(rs, (S.open,), ("提交申报", "submitting an application"))
    user = _applicant(session, scope=scope, rs=rs, user_id=data.applicant_user_id)
    problems = _scope_problems(data, rs) + _as_of_problems(data.facts, today)
    bad_id = identifiers.resident_id_problem(data.resident_id)
    if bad_id is not None:
        problems.append(
            FieldProblem("resident_id", bad_id.message, f"{bad_id.message_en} [{bad_id.code}]")
        )
    if problems:
        raise Invalid(
            "申报信息校验未通过",
            "the application did not pass validation",
            details=problems,
            code="invalid_application",
        )
    person_key = identifiers.resident_id_digest(data.resident_id, settings.id_hash_key_bytes)
    credit.refuse_if_barred(session, person_key=person_key, today=today)
    key = live_key(person_key, rs.track, rs.level, rs.period)
    taken = session.exec(select(Application).where(Application.live_key == key)).first()
    if taken is not None:
        level = level_name(rs.track, rs.level)
        raise Conflict(
            f"该申报人在{rs.period}期间已有{level}的有效申报，不能重复申报",
            f"this person already has a live application for {rs.level} in {rs.period}",
            details=[
                FieldProblem(
                    "resident_id",
                    "同一人同一等级同一期间只能有一份有效申报",
                    "one live application per person, level and period",
                )
            ],
            code="duplicate_application",
        )
    standard = session_standard(session, rs)
    verdict, submission_problems = _judge(
        standard, data.facts, data.exceptional, data.exceptional_justification
    )
    application = Application(
        session_id=rs.id or 0,
        enterprise_id=rs.enterprise_id,
        applicant_user_id=user.id or 0,
        submitted_by=scope.principal.user_id,
        name=data.name,
        person_key=person_key,
        id_mask=identifiers.mask_resident_id(data.resident_id),
        track=rs.track,
        series=rs.series,
        level=rs.level,
        period=rs.period,
        department=user.department,
        facts=data.facts.model_dump(mode="json"),
        evidence=[e.model_dump() for e in data.evidence],
        exceptional=data.exceptional,
        exceptional_justification=data.exceptional_justification,
        verdict={},
        live_key=key,
    )
    _store_verdict(application, verdict, submission_problems)
    session.add(application)
    session.flush()
    record(
        session,
        actor=scope.principal,
        action="application.submit",
        subject=application,
        detail={"status": application.status},
    )
    conflicts.detect(
        session,
        scope=scope,
        session_id=rs.id or 0,
        applications=[application],
        members=panels.members(session, rs.id or 0),
    )
    return application


def correct(
    session: Session,
    *,
    scope: TenantScope,
    application_id: int,
    data: ApplicationUpdate,
    today: date,
) -> Application:
    application, rs, _ = load_application(session, scope=scope, application_id=application_id)
    require_state(rs, (S.open,), ("修改申报", "correcting an application"))
    problems = _as_of_problems(data.facts, today)
    if problems:
        raise Invalid(
            "申报信息校验未通过",
            "the application did not pass validation",
            details=problems,
            code="invalid_application",
        )
    if application.status == ApplicationStatus.withdrawn:
        raise Conflict(
            "申报已撤回，不能修改", "the application was withdrawn", code="application_withdrawn"
        )
    before = snapshot(application)
    changes = data.model_dump(exclude_unset=True)
    facts = (
        data.facts if data.facts is not None else ApplicantFacts.model_validate(application.facts)
    )
    if data.facts is not None:
        application.facts = data.facts.model_dump(mode="json")
    if data.evidence is not None:
        application.evidence = [e.model_dump() for e in data.evidence]
    if "exceptional" in changes and data.exceptional is not None:
        application.exceptional = data.exceptional
    if "exceptional_justification" in changes:
        application.exceptional_justification = data.exceptional_justification
    verdict, verdict_problems = _judge(
        session_standard(session, rs),
        facts,
        application.exceptional,
        application.exceptional_justification,
    )
    _store_verdict(application, verdict, verdict_problems)
    application.updated_at = utcnow()
    session.add(application)
    record(
        session,
        actor=scope.principal,
        action="application.correct",
        subject=application,
        before=before,
    )
    return application


def withdraw(session: Session, *, scope: TenantScope, application_id: int) -> Application:
    application, rs, _ = load_application(session, scope=scope, application_id=application_id)
    require_state(rs, (S.open, S.validating), ("撤回申报", "withdrawing an application"))
    if application.status == ApplicationStatus.withdrawn:
        raise Conflict(
            "申报已撤回", "the application was already withdrawn", code="application_withdrawn"
        )
    before = snapshot(application)
    application.status = ApplicationStatus.withdrawn.value
    application.live_key = None
    application.updated_at = utcnow()
    session.add(application)
    record(
        session,
        actor=scope.principal,
        action="application.withdraw",
        subject=application,
        before=before,
    )
    return application


def get(session: Session, *, scope: TenantScope, application_id: int) -> Application:
    return load_application(session, scope=scope, application_id=application_id)[0]


def list_for_session(
    session: Session, *, scope: TenantScope, session_id: int, status: ApplicationStatus | None
) -> list[Application]:
    rs = load_session(session, scope=scope, session_id=session_id)
    stmt = select(Application).where(Application.session_id == rs.id, scope.applications_where())
    if status is not None:
        stmt = stmt.where(Application.status == status.value)
    return list(session.exec(stmt.order_by(col(Application.id))).all())


def under_review(session: Session, session_id: int) -> list[Application]:
    return list(
        session.exec(
            select(Application)
            .where(
                Application.session_id == session_id,
                Application.status == ApplicationStatus.eligible.value,
            )
            .order_by(col(Application.id))
        ).all()
    )


def to_public(application: Application) -> ApplicationPublic:
    verdict = Verdict.model_validate(
        {k: v for k, v in application.verdict.items() if k != "problems"}
    )
    return ApplicationPublic(
        id=application.id or 0,
        session_id=application.session_id,
        applicant_user_id=application.applicant_user_id,
        name=application.name,
        id_mask=application.id_mask,
        track=application.track,  # type: ignore[arg-type]
        series=application.series,
        level=application.level,
        period=application.period,
        department=application.department,
        facts=application.facts,
        evidence=application.evidence,
        exceptional=application.exceptional,
        exceptional_justification=application.exceptional_justification,
        status=ApplicationStatus(application.status),
        eligibility=EligibilityPublic(
            eligible=application.status == ApplicationStatus.eligible,
            via_exceptional=verdict.via_exceptional,
            summary=verdict.summary,
            summary_en=verdict.summary_en,
            failed=verdict.failed,
            results=verdict.results,
            exceptional_results=verdict.exceptional_results,
            problems=[
                ProblemPublic.model_validate(p) for p in application.verdict.get("problems", [])
            ],
        ),
        submitted_at=application.submitted_at,
        updated_at=application.updated_at,
    )
