from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from review_service.dependencies import (
    AnyRoleAccess,
    ManagerAccess,
    ObjectId,
    SessionDep,
    SettingsDep,
)
from review_service.experts import imports, service
from review_service.experts.schemas import ExpertHistory, ExpertImportReceipt
from review_service.reviews.router import Today
from review_service.spreadsheets.router import IMPORT_BODY, XLSX, import_body, xlsx_response

router = APIRouter(tags=["experts"])


@router.get("/experts/{user_id}/history", response_model=ExpertHistory)
def history(
    user_id: ObjectId,
    access: AnyRoleAccess,
    session: SessionDep,
    settings: SettingsDep,
    on: Today,
) -> ExpertHistory:
    return service.history(
        session, scope=access.scope, user_id=user_id, settings=settings, today=on
    )


@router.get(
    "/experts/import/template.xlsx",
    response_class=Response,
    responses=XLSX,
    operation_id="experts-import_template",
)
def import_template(access: ManagerAccess) -> Response:
    """HR's template lists its internal experts; the regulator's, the city pool's."""
    if access.scope.everything:
        return xlsx_response(imports.pool_template(), "专家库专家-导入模板.xlsx")
    return xlsx_response(imports.internal_template(), "企业内部专家-导入模板.xlsx")


@router.post(
    "/experts/import",
    response_model=ExpertImportReceipt,
    openapi_extra=IMPORT_BODY,
    operation_id="experts-import",
)
def import_experts(
    access: ManagerAccess,
    body: Annotated[bytes, Depends(import_body)],
    session: SessionDep,
    settings: SettingsDep,
    file_name: Annotated[str | None, Query(max_length=255)] = None,
) -> ExpertImportReceipt:
    """Create experts from a sheet, all or nothing: HR's are its own enterprise's internal
    experts, the regulator's join the city pool. Passwords are set afterwards."""
    users = imports.import_experts(
        session, scope=access.scope, content=body, file_name=file_name, settings=settings
    )
    return ExpertImportReceipt(
        rows=len(users), created=len(users), user_ids=[u.id or 0 for u in users]
    )
