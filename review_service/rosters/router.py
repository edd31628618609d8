"""Roster endpoints: the template, the import (raw .xlsx or .csv body), the list."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from review_service.dependencies import (
    EnterpriseAdminAccess,
    Offset,
    SessionDep,
    SettingsDep,
)
from review_service.rosters import service
from review_service.rosters.schemas import ImportReceipt, RosterEntryPublic, RosterPublic
from review_service.spreadsheets.router import IMPORT_BODY, XLSX, import_body, xlsx_response

router = APIRouter(tags=["rosters"])


@router.get(
    "/rosters/applicants/template.xlsx",
    response_class=Response,
    responses=XLSX,
    operation_id="rosters-template",
)
def roster_template(access: EnterpriseAdminAccess) -> Response:
    return xlsx_response(service.roster_template(), "申报人员花名册-导入模板.xlsx")


@router.post(
    "/rosters/applicants/import",
    response_model=ImportReceipt,
    openapi_extra=IMPORT_BODY,
    operation_id="rosters-import",
)
def import_roster(
    access: EnterpriseAdminAccess,
    body: Annotated[bytes, Depends(import_body)],
    session: SessionDep,
    settings: SettingsDep,
    file_name: Annotated[str | None, Query(max_length=255)] = None,
) -> ImportReceipt:
    rows, created, updated = service.import_roster(
        session, scope=access.scope, content=body, file_name=file_name, settings=settings
    )
    return ImportReceipt(rows=rows, created=created, updated=updated)


@router.get("/rosters/applicants", response_model=RosterPublic, operation_id="rosters-list")
def list_roster(
    access: EnterpriseAdminAccess,
    session: SessionDep,
    offset: Offset = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> RosterPublic:
    rows, count = service.list_roster(session, scope=access.scope, offset=offset, limit=limit)
    return RosterPublic(
        data=[RosterEntryPublic.model_validate(r.model_dump()) for r in rows], count=count
    )
