"""Material rules: what a standard asks for, what an upload must be, who reviews and replaces.

An upload is typed by its first bytes; its name only gives the download its (cleaned) name.
The same content is stored once per enterprise. HR accepts a material or returns it with a
reason (资格审核); a returned or not yet reviewed material is replaced by a new file while the
session takes applications. Every write is in the event log."""

from __future__ import annotations

import hashlib
import re
import unicodedata

from sqlmodel import Session, col, select

from review_service.config import Settings
from review_service.db import utcnow
from review_service.errors import Conflict, DomainError, FieldProblem, Invalid, NotFound
from review_service.events.service import record, snapshot
from review_service.materials.models import Material, MaterialFile
from review_service.materials.schemas import (
    ApplicationMaterialsPublic,
    ManifestEntry,
    MaterialKindPublic,
    MaterialPublic,
    MaterialReviewIn,
    MaterialStatus,
    ReviewDecision,
)
from review_service.reviews.models import Application, ReviewSession
from review_service.reviews.schemas import ApplicationStatus, SessionStatus
from review_service.reviews.state import load_application, require_state, session_standard
from review_service.tenancy import TenantScope
from standards.materials import (
    EXTENSIONS,
    MEDIA_TYPES,
    FileType,
    MaterialKind,
    material_kinds,
    sniff,
)

S = SessionStatus
MATERIAL = ("申报材料", "material")
MB = 1024 * 1024
# Statuses of the files an application currently has (replaced ones are history).
CURRENT = (
    MaterialStatus.submitted.value,
    MaterialStatus.accepted.value,
    MaterialStatus.returned.value,
)
TYPE_NAMES = {FileType.pdf: "PDF", FileType.jpeg: "JPEG", FileType.png: "PNG"}


class PayloadTooLarge(DomainError):
    status_code = 413
    code = "file_too_large"


class UnsupportedFile(DomainError):
    status_code = 415
    code = "unsupported_file_type"


def file_limit(settings: Settings) -> int:
    return settings.material_max_file_mb * MB


def application_limit(settings: Settings) -> int:
    return settings.material_max_application_mb * MB


def too_large(size: int, settings: Settings) -> PayloadTooLarge:
    limit = settings.material_max_file_mb
    return PayloadTooLarge(
        f"文件过大：单个文件不得超过{limit} MB",
        f"the file is too large: at most {limit} MB per file",
        details=[FieldProblem("file", f"文件大小超过{limit} MB", f"larger than {limit} MB")],
        extra={"limit": file_limit(settings), "size": size},
    )


_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*;]')


def safe_file_name(raw: str | None, file_type: FileType, fallback: str) -> str:
    """A name safe in a header and on any file system: no directories, no control or reserved
    characters, at most 80 characters, and the extension of the real type."""
    name = unicodedata.normalize("NFC", raw or "")
    name = re.split(r"[/\\]", name)[-1]
    name = _UNSAFE.sub("_", name).strip(" .")
    stem, dot, ext = name.rpartition(".")
    if dot and ext.lower() in {"pdf", "jpg", "jpeg", "png"}:
        name = stem.strip(" .")
    name = name[:80] or fallback
    return name + EXTENSIONS[file_type]


def _kind(kinds: tuple[MaterialKind, ...], code: str) -> MaterialKind:
    for kind in kinds:
        if kind.code == code:
            return kind
    raise Invalid(
        f"本标准没有材料类别“{code}”，可选：{'、'.join(k.code for k in kinds)}",
        f"this standard asks for no material '{code}'; known: {', '.join(k.code for k in kinds)}",
        details=[FieldProblem("kind", "未知的材料类别", "unknown material kind")],
        code="unknown_material_kind",
    )


def kinds_for(session: Session, rs: ReviewSession) -> tuple[MaterialKind, ...]:
    return material_kinds(session_standard(session, rs).materials)


def check_content(content: bytes, kind: MaterialKind, settings: Settings) -> FileType:
    """The file's real type, or a refusal naming why (empty, too large, not an accepted type)."""
    if not content:
        raise Invalid(
            "文件为空", "the file is empty", details=[FieldProblem("file", "空文件", "empty")]
        )
    if len(content) > file_limit(settings):
        raise too_large(len(content), settings)
    found = sniff(content[:16])
    accepted = "、".join(TYPE_NAMES[t] for t in kind.types)
    if found is None or found not in kind.types:
        what = "无法识别的文件类型" if found is None else f"{TYPE_NAMES[found]}文件"
        raise UnsupportedFile(
            f"“{kind.name}”只接受{accepted}文件，上传的是{what}（按文件内容判断，与文件名无关）",
            f"'{kind.name_en}' accepts {', '.join(t.value for t in kind.types)} only; the "
            f"content is {found.value if found else 'of an unrecognised type'} "
            "(judged by content, not by name)",
            details=[FieldProblem("file", f"应为{accepted}", "file type not accepted")],
        )
    return found


def current(session: Session, application_id: int) -> list[Material]:
    return list(
        session.exec(
            select(Material)
            .where(Material.application_id == application_id, col(Material.status).in_(CURRENT))
            .order_by(col(Material.id))
        ).all()
    )


def _stored_file(
    session: Session, *, enterprise_id: int, content: bytes, file_type: FileType
) -> MaterialFile:
    digest = hashlib.sha256(content).hexdigest()
    found = session.exec(
        select(MaterialFile).where(
            MaterialFile.enterprise_id == enterprise_id, MaterialFile.sha256 == digest
        )
    ).first()
    if found is not None:
        return found
    row = MaterialFile(
        enterprise_id=enterprise_id,
        sha256=digest,
        size=len(content),
        file_type=file_type.value,
        content=content,
    )
    session.add(row)
    session.flush()
    return row


def _may_change(scope: TenantScope, application: Application, rs: ReviewSession) -> None:
    require_state(rs, (S.open,), ("提交或更换申报材料", "uploading or replacing materials"))
    if application.status == ApplicationStatus.withdrawn:
        raise Conflict(
            "申报已撤回，不能提交材料",
            "the application was withdrawn",
            code="application_withdrawn",
            extra={"current_state": application.status},
        )


def _add(
    session: Session,
    *,
    scope: TenantScope,
    application: Application,
    kind: MaterialKind,
    content: bytes,
    file_name: str | None,
    settings: Settings,
    replacing: Material | None = None,
) -> Material:
    file_type = check_content(content, kind, settings)
    now_current = current(session, application.id or 0)
    digest = hashlib.sha256(content).hexdigest()
    for m in now_current:
        if m.kind == kind.code and m.sha256 == digest and m is not replacing:
            raise Conflict(
                f"“{kind.name}”中已有相同的文件（{m.file_name}），无需重复上传",
                f"the same file is already submitted as '{kind.name_en}' ({m.file_name})",
                details=[FieldProblem("file", "重复文件", "duplicate file")],
                code="duplicate_material",
            )
    used = sum(m.size for m in now_current if m is not replacing)
    if used + len(content) > application_limit(settings):
        limit = settings.material_max_application_mb
        raise PayloadTooLarge(
            f"每份申报的材料合计不得超过{limit} MB（已用{used / MB:.1f} MB）",
            f"an application's materials may total at most {limit} MB ({used / MB:.1f} MB used)",
            details=[FieldProblem("file", "超出申报材料总量", "application total exceeded")],
            code="application_materials_too_large",
        )
    stored = _stored_file(
        session, enterprise_id=application.enterprise_id, content=content, file_type=file_type
    )
    material = Material(
        application_id=application.id or 0,
        session_id=application.session_id,
        enterprise_id=application.enterprise_id,
        kind=kind.code,
        file_id=stored.id or 0,
        file_name=safe_file_name(file_name, file_type, kind.name),
        sha256=stored.sha256,
        size=stored.size,
        file_type=file_type.value,
        uploaded_by=scope.principal.user_id,
    )
    session.add(material)
    session.flush()
    return material


def upload(
    session: Session,
    *,
    scope: TenantScope,
    application_id: int,
    kind: str,
    file_name: str | None,
    content: bytes,
    settings: Settings,
) -> Material:
    application, rs, _ = load_application(session, scope=scope, application_id=application_id)
    _may_change(scope, application, rs)
    material = _add(
        session,
        scope=scope,
        application=application,
        kind=_kind(kinds_for(session, rs), kind),
        content=content,
        file_name=file_name,
        settings=settings,
    )
    record(
        session,
        actor=scope.principal,
        action="material.upload",
        subject=material,
        detail={"kind": material.kind, "sha256": material.sha256, "size": material.size},
    )
    return material


def load(session: Session, *, scope: TenantScope, material_id: int) -> Material:
    """The material, or 404 when the caller may not see its application (another tenant,
    another applicant's, or an application the expert is conflicted on)."""
    material = scope.get(session, Material, material_id, MATERIAL)
    try:
        load_application(session, scope=scope, application_id=material.application_id)
    except NotFound:
        raise NotFound(*MATERIAL, material_id) from None
    return material


def replace(
    session: Session,
    *,
    scope: TenantScope,
    material_id: int,
    file_name: str | None,
    content: bytes,
    settings: Settings,
) -> Material:
    old = load(session, scope=scope, material_id=material_id)
    application, rs, _ = load_application(session, scope=scope, application_id=old.application_id)
    _may_change(scope, application, rs)
    if old.status not in (MaterialStatus.submitted, MaterialStatus.returned):
        status = "已通过审核" if old.status == MaterialStatus.accepted else "已被更换"
        raise Conflict(
            f"该材料{status}，不能更换",
            f"this material is {old.status}; only submitted or returned ones are replaced",
            code="material_not_replaceable",
            extra={"current_status": old.status},
        )
    before = snapshot(old)
    new = _add(
        session,
        scope=scope,
        application=application,
        kind=_kind(kinds_for(session, rs), old.kind),
        content=content,
        file_name=file_name,
        settings=settings,
        replacing=old,
    )
    old.status = MaterialStatus.replaced.value
    old.replaced_by_id = new.id
    session.add(old)
    record(session, actor=scope.principal, action="material.replace", subject=old, before=before)
    record(
        session,
        actor=scope.principal,
        action="material.upload",
        subject=new,
        detail={"kind": new.kind, "sha256": new.sha256, "size": new.size, "replaces": old.id},
    )
    return new


def review(
    session: Session, *, scope: TenantScope, material_id: int, data: MaterialReviewIn
) -> Material:
    """资格审核 of one material by HR: accept, or return for correction with the reason."""
    material = load(session, scope=scope, material_id=material_id)
    rs = session.get(ReviewSession, material.session_id)
    assert rs is not None
    require_state(rs, (S.open, S.validating), ("审核申报材料", "reviewing materials"))
    if material.status == MaterialStatus.replaced:
        raise Conflict(
            "该材料已被更换，请审核新文件",
            "this material was replaced; review the new file",
            code="material_replaced",
            extra={"current_state": material.status},
        )
    before = snapshot(material)
    accepted = data.decision is ReviewDecision.accept
    material.status = (MaterialStatus.accepted if accepted else MaterialStatus.returned).value
    material.review_reason = None if accepted else (data.reason or "").strip()
    material.reviewed_by = scope.principal.user_id
    material.reviewed_at = utcnow()
    session.add(material)
    record(
        session,
        actor=scope.principal,
        action="material.accept" if accepted else "material.return",
        subject=material,
        before=before,
    )
    return material


def to_public(m: Material) -> MaterialPublic:
    return MaterialPublic(
        id=m.id or 0,
        application_id=m.application_id,
        kind=m.kind,
        file_name=m.file_name,
        sha256=m.sha256,
        size=m.size,
        file_type=FileType(m.file_type),
        media_type=MEDIA_TYPES[FileType(m.file_type)],
        status=MaterialStatus(m.status),
        review_reason=m.review_reason,
        reviewed_at=m.reviewed_at,
        uploaded_at=m.uploaded_at,
        replaced_by_id=m.replaced_by_id,
    )


def overview(
    session: Session, *, scope: TenantScope, application_id: int, settings: Settings
) -> ApplicationMaterialsPublic:
    application, rs, _ = load_application(session, scope=scope, application_id=application_id)
    files = current(session, application.id or 0)
    kinds = []
    for kind in kinds_for(session, rs):
        mine = [m for m in files if m.kind == kind.code]
        satisfied = bool(mine) and all(m.status != MaterialStatus.returned for m in mine)
        kinds.append(
            MaterialKindPublic(
                code=kind.code,
                name=kind.name,
                name_en=kind.name_en,
                required=kind.required,
                types=kind.types,
                materials=[to_public(m) for m in mine],
                satisfied=satisfied,
            )
        )
    return ApplicationMaterialsPublic(
        application_id=application.id or 0,
        kinds=kinds,
        complete=all(k.satisfied for k in kinds if k.required),
        total_size=sum(m.size for m in files),
        max_file_size=file_limit(settings),
        max_application_size=application_limit(settings),
    )


def manifest(session: Session, application_id: int) -> list[dict[str, object]]:
    """The filing's record of an application's materials: kind, content hash, size."""
    return [
        ManifestEntry(
            kind=m.kind,
            sha256=m.sha256,
            size=m.size,
            file_type=FileType(m.file_type),
            status=MaterialStatus(m.status),
        ).model_dump(mode="json")
        for m in current(session, application_id)
    ]


def gaps(
    session: Session, rs: ReviewSession, applications: list[Application]
) -> list[tuple[Application, list[MaterialKind], list[MaterialKind]]]:
    """Per application: the required kinds with no file, and those whose file was returned for
    correction and not replaced. Only kinds the session's standard itself lists as required
    count: a standard listing none gets the common set for uploads, not as a gate (sessions
    opened before materials existed must still be able to finish)."""
    required = [k for k in session_standard(session, rs).materials if k.required]
    if not required or not applications:
        return []
    ids = [a.id or 0 for a in applications]
    status: dict[tuple[int, str], set[str]] = {}
    for m in session.exec(
        select(Material).where(
            col(Material.application_id).in_(ids), col(Material.status).in_(CURRENT)
        )
    ).all():
        status.setdefault((m.application_id, m.kind), set()).add(m.status)
    out = []
    for app in applications:
        missing = [k for k in required if (app.id or 0, k.code) not in status]
        returned = [
            k
            for k in required
            if MaterialStatus.returned in status.get((app.id or 0, k.code), set())
        ]
        if missing or returned:
            out.append((app, missing, returned))
    return out
