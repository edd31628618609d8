"""Spreadsheet downloads of a session."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from review_service.dependencies import (
    KeyFilter,
    ManagerAccess,
    ObjectId,
    RegulatorAccess,
    SessionDep,
)
from review_service.errors import DomainError, FieldProblem
from review_service.reviews.router import Today
from review_service.reviews.state import load_session
from review_service.spreadsheets import exports, oversight
from review_service.spreadsheets.xlsx import XLSX_MEDIA_TYPE

router = APIRouter(tags=["spreadsheets"])
XLSX: dict[int | str, dict[str, Any]] = {
    200: {"content": {XLSX_MEDIA_TYPE: {}}, "description": "the workbook"}
}


MAX_IMPORT = 10 * 1024 * 1024
# The request body of every import: the raw .xlsx (or .csv) file.
IMPORT_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            XLSX_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}},
            "text/csv": {"schema": {"type": "string", "format": "binary"}},
        },
    }
}


class ImportTooLarge(DomainError):
    status_code = 413
    code = "file_too_large"


async def import_body(request: Request) -> bytes:
    """The uploaded file, refused from its declared length or once past 10 MB."""
    too_large = ImportTooLarge(
        "导入文件不得超过10 MB",
        "an import file may be at most 10 MB",
        details=[FieldProblem("file", "超过10 MB", "larger than 10 MB")],
    )
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > MAX_IMPORT:
        raise too_large
    parts, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_IMPORT:
            raise too_large
        parts.append(chunk)
    return b"".join(parts)


def xlsx_response(body: bytes, name: str) -> Response:
    return Response(
        body,
        media_type=XLSX_MEDIA_TYPE,
        headers={
            "Content-Disposition": 'attachment; filename="export.xlsx"; '
            f"filename*=UTF-8''{quote(name)}"
        },
    )


@router.get(
    "/review-sessions/{session_id}/score-summary.xlsx",
    response_class=Response,
    responses=XLSX,
    operation_id="spreadsheets-score_summary",
)
def score_summary(session_id: ObjectId, access: ManagerAccess, session: SessionDep) -> Response:
    rs = load_session(session, scope=access.scope, session_id=session_id)
    return xlsx_response(exports.score_summary(session, rs=rs), f"{rs.name}-评分汇总表.xlsx")


@router.get(
    "/review-sessions/{session_id}/notice-list.xlsx",
    response_class=Response,
    responses=XLSX,
    operation_id="spreadsheets-notice_list",
)
def notice_list(
    session_id: ObjectId, access: ManagerAccess, session: SessionDep, on: Today
) -> Response:
    rs = load_session(session, scope=access.scope, session_id=session_id)
    body = exports.notice_list(session, scope=access.scope, rs=rs, today=on)
    return xlsx_response(body, f"{rs.name}-公示名单.xlsx")


@router.get(
    "/review-sessions/{session_id}/applications.xlsx",
    response_class=Response,
    responses=XLSX,
    operation_id="spreadsheets-applications",
)
def applications(session_id: ObjectId, access: ManagerAccess, session: SessionDep) -> Response:
    rs = load_session(session, scope=access.scope, session_id=session_id)
    return xlsx_response(exports.applications_list(session, rs=rs), f"{rs.name}-申报列表.xlsx")


@router.get(
    "/flags.xlsx",
    response_class=Response,
    responses=XLSX,
    operation_id="spreadsheets-flags",
)
def flags(
    access: RegulatorAccess,
    session: SessionDep,
    run_id: KeyFilter = None,
    signal: str | None = None,
    severity: str | None = None,
    band: str | None = None,
    scope: str | None = None,
    enterprise_id: KeyFilter = None,
) -> Response:
    """The flags GET /flags lists with the same filters, every page of them."""
    body = oversight.flags(
        session,
        scope=access.scope,
        run_id=run_id,
        signal=signal,
        severity=severity,
        band=band,
        flag_scope=scope,
        enterprise_id=enterprise_id,
    )
    return xlsx_response(body, "疑点清单.xlsx")


@router.get(
    "/audit-runs/{run_id}/grades.xlsx",
    response_class=Response,
    responses=XLSX,
    operation_id="spreadsheets-grades",
)
def grades(
    run_id: ObjectId,
    access: RegulatorAccess,
    session: SessionDep,
    grade: Annotated[str | None, Query(pattern="^[ABCD]$")] = None,
) -> Response:
    body = oversight.grades(session, scope=access.scope, run_id=run_id, grade=grade)
    return xlsx_response(body, f"评审质量等级-审查{run_id}.xlsx")


@router.get(
    "/filings.xlsx",
    response_class=Response,
    responses=XLSX,
    operation_id="spreadsheets-filings",
)
def filings(
    access: ManagerAccess,
    session: SessionDep,
    period: str | None = None,
    enterprise_id: KeyFilter = None,
    credit_code: str | None = None,
) -> Response:
    """The filings GET /filings lists with the same filters, every page of them."""
    body = oversight.filings_list(
        session,
        scope=access.scope,
        period=period,
        enterprise_id=enterprise_id,
        credit_code=credit_code,
    )
    return xlsx_response(body, "备案清单.xlsx")
