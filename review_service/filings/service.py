"""Intake of filings and registry extracts; credentials of outside review bodies.

Rules: a filing is validated whole (``audit.intake.check_filing``) before anything is stored
and refused with every problem at its JSON path; resident IDs are replaced by their keyed hash
before storage; the same ``filing_id`` is one filing (the same content again is answered with
the stored record, different content is a conflict); a body files only under its own credit
code; a correction names a filing of the same body it ``supersedes``."""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import defer
from sqlmodel import Session, col, func, select

from audit.contract import Filing
from audit.intake import check_filing, collection_paused
from audit.registry import (
    EducationRecord,
    EmploymentRecord,
    RegistryProblem,
    parse_education_csv,
    parse_employment_csv,
)
from review_service.auth.principal import Principal
from review_service.config import Settings
from review_service.db import utcnow
from review_service.enterprises.models import Enterprise
from review_service.errors import Conflict, FieldProblem, Invalid, NotFound
from review_service.events.service import canonical_json, record, snapshot
from review_service.filings.models import (
    EducationRegistryRow,
    EmploymentRegistryRow,
    EncodedJSON,
    FilingRecord,
    RegistryImport,
    ReviewBodyCredential,
)
from review_service.spreadsheets.imports import Column, RowProblem, template
from review_service.tenancy import TenantScope
from review_service.transitions import check_transition
from standards.levels import EDUCATION_NAMES

FILING = ("备案", "filing")
CREDENTIAL = ("备案密钥", "filing credential")
CREDENTIAL_BODY_KINDS = frozenset({"enterprise", "industry_committee", "third_party"})
_CREDENTIAL_MOVES = {"active": frozenset({"revoked"}), "revoked": frozenset()}


def _text_at(raw: Any, *path: str) -> str | None:
    for part in path:
        if not isinstance(raw, dict):
            return None
        raw = raw.get(part)
    return raw if isinstance(raw, str) else None


def _source_problems(
    session: Session, raw: Any, source_enterprise_id: int | None
) -> list[FieldProblem]:
    """Checks against what is stored: the body files under its own code; a correction names
    one of the same body's filings."""
    problems: list[FieldProblem] = []
    code = _text_at(raw, "review_body", "credit_code")
    if source_enterprise_id is not None:
        source = session.get(Enterprise, source_enterprise_id)
        if source is None or code != source.credit_code:
            problems.append(
                FieldProblem(
                    "review_body.credit_code",
                    "评审主体的统一社会信用代码与报送单位不一致，只能报送本单位的备案",
                    "the review body's credit code is not the filer's own; a body files only "
                    "its own results",
                )
            )
    supersedes = _text_at(raw, "supersedes")
    if supersedes:
        earlier = session.exec(
            select(FilingRecord.credit_code).where(FilingRecord.filing_id == supersedes)
        ).first()
        if earlier is None:
            problems.append(
                FieldProblem(
                    "supersedes",
                    f"被更正的备案“{supersedes}”不存在",
                    f"the filing '{supersedes}' this one corrects was never received",
                )
            )
        elif code is not None and earlier != code:
            problems.append(
                FieldProblem(
                    "supersedes",
                    f"被更正的备案“{supersedes}”不属于同一评审主体",
                    f"the filing '{supersedes}' belongs to another review body",
                )
            )
    return problems


def _refuse(problems: list[FieldProblem]) -> Invalid:
    return Invalid(
        f"备案数据包校验未通过（{len(problems)}处问题），未保存任何内容",
        f"the filing did not pass validation ({len(problems)} problems); nothing was stored",
        details=problems,
        code="invalid_filing",
    )


def receive_filing(
    session: Session,
    *,
    document: dict[str, Any],
    source_enterprise_id: int | None,
    actor: Principal | None,
    settings: Settings,
    credential_id: int | None = None,
    today: date | None = None,
) -> tuple[FilingRecord, bool]:
    """Validate, pseudonymise and store one filing; ``(record, True)`` when new, the stored
    ``(record, False)`` when the same filing was already received.

    ``source_enterprise_id`` is the filer (the session's enterprise, or the credential's
    body); the filing's review body must be it. Refused with ``Invalid`` (code
    ``invalid_filing``) listing every problem, or ``Conflict`` when the ``filing_id`` is
    taken by different content."""
    # A large filing is millions of small objects and no cycles: the cyclic collector's
    # passes over them would cost more than the work itself (see audit.intake).
    with collection_paused():
        filing, intake_problems = check_filing(
            document, key=settings.id_hash_key_bytes, today=today
        )
        problems = [
            FieldProblem(p.path or "body", p.message, f"{p.message_en} [{p.code}]")
            for p in intake_problems
        ]
        problems += _source_problems(session, document, source_enterprise_id)
        if problems or filing is None:
            raise _refuse(problems)
        # The contract fixes the field order, so its JSON is a stable content digest.
        text = filing.model_dump_json()
        digest = hashlib.sha256(text.encode()).hexdigest()
        existing = _existing(session, filing.filing_id, digest)
        if existing is not None:
            return existing, False
        return _store(
            session,
            filing=filing,
            stored=EncodedJSON(text),
            digest=digest,
            actor=actor,
            credential_id=credential_id,
        )


def _store(
    session: Session,
    *,
    filing: Filing,
    stored: EncodedJSON,
    digest: str,
    actor: Principal | None,
    credential_id: int | None,
) -> tuple[FilingRecord, bool]:
    body, review = filing.review_body, filing.session
    enterprise_id = session.exec(
        select(Enterprise.id).where(Enterprise.credit_code == body.credit_code)
    ).first()
    row = FilingRecord(
        filing_id=filing.filing_id,
        schema_version=filing.schema_version,
        credit_code=body.credit_code,
        enterprise_id=enterprise_id,
        review_body_kind=body.kind,
        industry_cluster=body.industry_cluster,
        track=str(review.track),
        series=review.series,
        level=review.level,
        period=review.period,
        session_ref=review.session_ref,
        held_on=review.held_on,
        application_count=len(filing.applications),
        approved_count=sum(1 for a in filing.applications if a.approved),
        supersedes=filing.supersedes,
        content_digest=digest,
        source="api" if credential_id is not None else "service",
        credential_id=credential_id,
        document=stored,  # type: ignore[arg-type]
    )
    # The write counter seal() checks: an insert the savepoint rolled back wrote nothing.
    writes = session.info.get("writes", 0)
    try:
        # A savepoint: when a concurrent request stored the same filing_id first, answer
        # with its record (or the conflict) instead of failing the whole request.
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        session.info["writes"] = writes
        existing = _existing(session, filing.filing_id, digest)
        if existing is None:
            raise
        return existing, False
    # The attribute holds the encoded text; read back, it is the decoded document.
    session.expire(row, ["document"])
    # The document itself stays out of the log (it is large, and immutable here anyway);
    # its digest is in the event.
    record(
        session,
        actor=actor,
        action="filing.receive",
        object_type="filing",
        object_id=row.id,
        enterprise_id=enterprise_id,
        detail=filing_summary(row),
    )
    return row, True


def _existing(session: Session, filing_id: str, digest: str) -> FilingRecord | None:
    found = session.exec(
        select(FilingRecord.id, FilingRecord.content_digest).where(
            FilingRecord.filing_id == filing_id
        )
    ).first()
    if found is None:
        return None
    if found[1] != digest:
        raise Conflict(
            f"备案编号“{filing_id}”已用于内容不同的另一份备案；更正请使用新的备案编号并填写 supersedes",
            f"filing_id '{filing_id}' was already used for different content; file a correction "
            "under a new filing_id with 'supersedes'",
            details=[FieldProblem("filing_id", "已被占用", "already used for other content")],
            code="filing_id_taken",
        )
    # The document stays unloaded: a repeat is answered from the index columns.
    return session.exec(
        select(FilingRecord)
        # SQLModel types the class attribute as its value; it is the mapped attribute defer wants.
        .options(defer(FilingRecord.document))  # type: ignore[arg-type]
        .where(FilingRecord.id == found[0])
    ).one()


def filing_summary(row: FilingRecord) -> dict[str, Any]:
    """The index columns of a filing (not its document), as the log and list views show them."""
    return json.loads(canonical_json(row.model_dump(exclude={"document"})))


def get_filing(session: Session, *, scope: TenantScope, filing_id: str) -> FilingRecord:
    row = session.exec(select(FilingRecord).where(FilingRecord.filing_id == filing_id)).first()
    if row is None or not scope.allows(row.enterprise_id):
        raise NotFound(*FILING, filing_id)
    return row


def list_filings(
    session: Session,
    *,
    scope: TenantScope,
    period: str | None,
    enterprise_id: int | None,
    credit_code: str | None,
    offset: int,
    limit: int,
) -> tuple[list[FilingRecord], int]:
    stmt = select(FilingRecord).where(scope.where(FilingRecord.enterprise_id))
    if period:
        stmt = stmt.where(FilingRecord.period == period)
    if enterprise_id is not None:
        stmt = stmt.where(FilingRecord.enterprise_id == enterprise_id)
    if credit_code:
        stmt = stmt.where(FilingRecord.credit_code == credit_code)
    count = session.exec(select(func.count()).select_from(stmt.subquery())).one()
    rows = session.exec(
        stmt.order_by(col(FilingRecord.received_at).desc(), col(FilingRecord.id).desc())
        .offset(offset)
        .limit(limit)
    ).all()
    return list(rows), count


def counts_by_period_and_kind(
    session: Session, *, scope: TenantScope
) -> list[tuple[str, str, int]]:
    """Filings received per period and kind of review body, newest period first."""
    rows = session.exec(
        select(FilingRecord.period, FilingRecord.review_body_kind, func.count())
        .where(scope.where(FilingRecord.enterprise_id))
        .group_by(col(FilingRecord.period), col(FilingRecord.review_body_kind))
        .order_by(col(FilingRecord.period).desc(), col(FilingRecord.review_body_kind))
    ).all()
    return [(period, kind, int(count)) for period, kind, count in rows]


def review_bodies(
    session: Session, *, scope: TenantScope, credit_codes: set[str]
) -> dict[str, tuple[str, str, str]]:
    """Name, cluster and kind of review bodies as their latest filing states them (for bodies
    that file without being registered here)."""
    if not credit_codes:
        return {}
    latest = (
        select(func.max(FilingRecord.id))
        .where(
            col(FilingRecord.credit_code).in_(sorted(credit_codes)),
            scope.where(FilingRecord.enterprise_id),
        )
        .group_by(col(FilingRecord.credit_code))
    )
    rows = session.exec(
        select(
            FilingRecord.credit_code,
            FilingRecord.industry_cluster,
            FilingRecord.review_body_kind,
            FilingRecord.document,
        ).where(col(FilingRecord.id).in_(latest))
    ).all()
    return {
        code: (str(document.get("review_body", {}).get("name") or code), cluster, kind)
        for code, cluster, kind, document in rows
    }


def iter_documents(
    session: Session, *, period: str, enterprise_ids: set[int] | None, batch: int = 200
) -> Iterator[Mapping[str, Any]]:
    """Stored filing documents of a period in id order, a batch at a time (for the audit);
    ``enterprise_ids`` None means every review body, registered or not."""
    after = 0
    while True:
        stmt = select(FilingRecord.id, FilingRecord.document).where(
            col(FilingRecord.id) > after, FilingRecord.period == period
        )
        if enterprise_ids is not None:
            stmt = stmt.where(col(FilingRecord.enterprise_id).in_(sorted(enterprise_ids)))
        rows = session.exec(stmt.order_by(col(FilingRecord.id)).limit(batch)).all()
        if not rows:
            return
        for _, document in rows:
            yield document
        last = rows[-1][0]
        assert last is not None  # stored rows have their id
        after = last


# --- credentials of outside review bodies ----------------------------------------------------


def _secret_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def issue_credential(
    session: Session, *, actor: Principal, enterprise_id: int, label: str
) -> tuple[ReviewBodyCredential, str]:
    """A new filing key for a review body; returns the row and ``<id>.<secret>`` (shown once)."""
    enterprise = session.get(Enterprise, enterprise_id)
    if enterprise is None:
        raise NotFound("评审主体", "review body", enterprise_id)
    if enterprise.review_body_kind not in CREDENTIAL_BODY_KINDS:
        raise Invalid(
            "该主体类型不能领取备案密钥",
            "this kind of body cannot hold a filing key",
            code="invalid_body_kind",
        )
    secret = secrets.token_urlsafe(32)
    credential = ReviewBodyCredential(
        enterprise_id=enterprise_id,
        label=label,
        secret_digest=_secret_digest(secret),
        created_by=actor.user_id,
    )
    session.add(credential)
    session.flush()
    record(session, actor=actor, action="credential.issue", subject=credential)
    return credential, f"{credential.id}.{secret}"


def list_credentials(session: Session, *, enterprise_id: int | None) -> list[ReviewBodyCredential]:
    stmt = select(ReviewBodyCredential)
    if enterprise_id is not None:
        stmt = stmt.where(ReviewBodyCredential.enterprise_id == enterprise_id)
    return list(session.exec(stmt.order_by(col(ReviewBodyCredential.id))).all())


def revoke_credential(
    session: Session, *, actor: Principal, credential_id: int, reason: str
) -> ReviewBodyCredential:
    credential = session.get(ReviewBodyCredential, credential_id)
    if credential is None:
        raise NotFound(*CREDENTIAL, credential_id)
    check_transition(
        what=CREDENTIAL, current=credential.status, target="revoked", allowed=_CREDENTIAL_MOVES
    )
    before = snapshot(credential)
    credential.status = "revoked"
    credential.revoked_at = utcnow()
    credential.revoked_reason = reason
    session.add(credential)
    session.flush()
    record(session, actor=actor, action="credential.revoke", subject=credential, before=before)
    return credential


def authenticate_credential(session: Session, *, key: str | None) -> ReviewBodyCredential | None:
    """The active credential for an ``X-Filing-Key: <id>.<secret>`` header, else None."""
    if not key or "." not in key:
        return None
    ident, _, secret = key.partition(".")
    if not ident.isdigit() or not secret:
        return None
    credential = session.get(ReviewBodyCredential, int(ident))
    given = _secret_digest(secret)
    if credential is None or not secrets.compare_digest(credential.secret_digest, given):
        return None
    return credential if credential.status == "active" else None


# --- registry extracts -----------------------------------------------------------------------


def import_registry(
    session: Session,
    *,
    actor: Principal,
    kind: str,
    text: str,
    filename: str | None,
    as_of: date,
    settings: Settings,
) -> RegistryImport:
    """Parse an extract (``employment`` or ``education``) and store its rows with person keys
    only. Any bad line refuses the whole upload (422) with every problem by line number."""
    key = settings.id_hash_key_bytes
    employment: list[EmploymentRecord] = []
    education: list[EducationRecord] = []
    if kind == "employment":
        employment, problems = parse_employment_csv(text, key, as_of=as_of)
    elif kind == "education":
        education, problems = parse_education_csv(text, key)
    else:
        raise NotFound("登记数据类型", "registry kind", kind)
    if problems:
        raise Invalid(
            f"登记数据文件有{len(problems)}处问题，未导入任何记录",
            f"the extract has {len(problems)} problems; nothing was imported",
            details=[
                FieldProblem(
                    f"line {p.line}" + (f".{p.column}" if p.column else ""),
                    p.message,
                    f"{p.message_en} [{p.code}]",
                )
                for p in problems
            ],
            code="invalid_registry",
            # The same (row, column, rule) table as a spreadsheet import, for the import form.
            extra={
                "problems": [_row_problem(p) for p in problems[:500]],
                "problem_count": len(problems),
            },
        )
    if not employment and not education:
        raise Invalid("登记数据文件没有记录", "the extract has no rows", code="invalid_registry")
    batch = RegistryImport(
        kind=kind,
        filename=filename,
        as_of=as_of,
        row_count=len(employment) + len(education),
        content_digest=hashlib.sha256(text.encode()).hexdigest(),
        imported_by=actor.user_id,
    )
    session.add(batch)
    session.flush()
    assert batch.id is not None
    if kind == "employment":
        session.add_all(
            EmploymentRegistryRow(
                import_id=batch.id,
                person_key=r.person_key,
                employer_credit_code=r.employer_credit_code,
                start=r.start,
                end=r.end,
            )
            for r in employment
        )
    else:
        session.add_all(
            EducationRegistryRow(
                import_id=batch.id,
                person_key=r.person_key,
                education=r.education.value,
                institution=r.institution,
                year=r.year,
            )
            for r in education
        )
    session.flush()
    record(session, actor=actor, action="registry.import", subject=batch)
    return batch


# The extracts' columns by their canonical name: the template's headers and the error table's.
REGISTRY_COLUMNS: dict[str, tuple[str, str]] = {
    "resident_id": ("身份证号", "Resident ID"),
    "person_key": ("人员密钥", "Person key"),
    "employer_credit_code": ("单位统一社会信用代码", "Employer credit code"),
    "start": ("参保开始日期", "Insured from"),
    "end": ("参保结束日期", "Insured until"),
    "months": ("连续缴费月数", "Months contributed"),
    "education": ("学历", "Education"),
    "institution": ("毕业院校", "Institution"),
    "year": ("毕业年份", "Year of graduation"),
}


def _row_problem(p: RegistryProblem) -> dict[str, Any]:
    zh, en = REGISTRY_COLUMNS.get(p.column or "", (p.column or "", p.column or ""))
    return RowProblem(p.line, zh, en, p.code, p.message, p.message_en).as_dict()


def registry_template(kind: str) -> bytes:
    """An extract's template: the Chinese headers the parser reads, one example row."""
    columns: tuple[Column, ...]
    if kind == "employment":
        columns = (
            Column(
                "resident_id",
                *REGISTRY_COLUMNS["resident_id"],
                str,
                example="11010519491231002X",
                width=22,
            ),
            Column(
                "employer_credit_code",
                *REGISTRY_COLUMNS["employer_credit_code"],
                str,
                example="91320600MA1XXXXXXX",
                width=24,
            ),
            Column(
                "start",
                *REGISTRY_COLUMNS["start"],
                str,
                required=False,
                example=date(2020, 1, 1),
                width=14,
            ),
            Column("end", *REGISTRY_COLUMNS["end"], str, required=False, example=None, width=14),
            Column(
                "months", *REGISTRY_COLUMNS["months"], str, required=False, example=None, width=14
            ),
        )
        title, note = (
            "社保参保记录",
            "社保参保记录导入模板：填参保开始日期，或填连续缴费月数（截至结束日期或数据日期）",
        )
    elif kind == "education":
        columns = (
            Column(
                "resident_id",
                *REGISTRY_COLUMNS["resident_id"],
                str,
                example="11010519491231002X",
                width=22,
            ),
            Column(
                "education",
                *REGISTRY_COLUMNS["education"],
                str,
                choices={names[0]: e.value for e, names in EDUCATION_NAMES.items()},
                example="本科",
                width=14,
            ),
            Column(
                "institution",
                *REGISTRY_COLUMNS["institution"],
                str,
                required=False,
                example="南通大学",
                width=20,
            ),
            Column("year", *REGISTRY_COLUMNS["year"], str, required=False, example=2012, width=12),
        )
        title, note = "学历学籍登记", "学历学籍登记导入模板：毕业院校和毕业年份可不填"
    else:
        raise NotFound("登记数据类型", "registry kind", kind)
    return template(columns, title, note)


def list_registry_imports(session: Session) -> list[RegistryImport]:
    return list(session.exec(select(RegistryImport).order_by(col(RegistryImport.id))).all())


def load_registries(session: Session) -> Any:
    """Every imported registry row as ``audit.registry.Registries``; None before any extract
    was imported (no registry is not the same as nobody being insured)."""
    from audit.registry import Registries
    from standards.levels import Education

    employment = [
        EmploymentRecord(r.person_key, r.employer_credit_code, r.start, r.end)
        for r in session.exec(select(EmploymentRegistryRow)).all()
    ]
    education = [
        EducationRecord(r.person_key, Education(r.education), r.institution, r.year)
        for r in session.exec(select(EducationRegistryRow)).all()
    ]
    if not employment and not education:
        return None
    return Registries(employment=employment, education=education)
