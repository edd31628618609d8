"""A session's printable documents."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends
from fastapi.responses import Response

from review_service.auth.principal import Role
from review_service.dependencies import Access, ManagerAccess, ObjectId, RequireRole, SessionDep
from review_service.documents import sheets_pdf
from review_service.reviews.router import Today
from review_service.reviews.state import load_session

router = APIRouter(tags=["documents"])
NoticeReaders = Annotated[
    Access, Depends(RequireRole(Role.regulator, Role.enterprise_admin, Role.applicant))
]
PDF: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/pdf": {}}, "description": "the document"}
}


def pdf_response(body: bytes, name: str) -> Response:
    return Response(
        body,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f"inline; filename=\"document.pdf\"; filename*=UTF-8''{quote(name)}"
        },
    )


@router.get(
    "/review-sessions/{session_id}/notice.pdf",
    response_class=Response,
    responses=PDF,
    operation_id="documents-notice_pdf",
)
def notice_pdf(
    session_id: ObjectId, access: NoticeReaders, session: SessionDep, on: Today
) -> Response:
    rs = load_session(session, scope=access.scope, session_id=session_id)
    body = sheets_pdf.notice_pdf(session, scope=access.scope, rs=rs, today=on)
    return pdf_response(body, f"{rs.name}-公示.pdf")


@router.get(
    "/review-sessions/{session_id}/result-sheet.pdf",
    response_class=Response,
    responses=PDF,
    operation_id="documents-result_sheet_pdf",
)
def result_sheet_pdf(session_id: ObjectId, access: ManagerAccess, session: SessionDep) -> Response:
    rs = load_session(session, scope=access.scope, session_id=session_id)
    return pdf_response(
        sheets_pdf.result_sheet_pdf(session, rs=rs), f"{rs.name}-评审结果备案表.pdf"
    )
