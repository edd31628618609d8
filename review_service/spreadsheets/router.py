"""Spreadsheet downloads of a session."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter
from fastapi.responses import Response

from review_service.dependencies import ManagerAccess, ObjectId, SessionDep
from review_service.reviews.router import Today
from review_service.reviews.state import load_session
from review_service.spreadsheets import exports
from review_service.spreadsheets.xlsx import XLSX_MEDIA_TYPE

router = APIRouter(tags=["spreadsheets"])
XLSX: dict[int | str, dict[str, Any]] = {
    200: {"content": {XLSX_MEDIA_TYPE: {}}, "description": "the workbook"}
}


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
