from __future__ import annotations

from fastapi import APIRouter

from review_service.dependencies import AnyRoleAccess, ObjectId, SessionDep, SettingsDep
from review_service.experts import service
from review_service.experts.schemas import ExpertHistory
from review_service.reviews.router import Today

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
