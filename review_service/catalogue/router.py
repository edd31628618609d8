from fastapi import APIRouter, Depends

from review_service.catalogue import service
from review_service.catalogue.schemas import CataloguePublic
from review_service.dependencies import SessionDep, public

router = APIRouter(tags=["catalogue"])


@router.get(
    "/catalogue",
    response_model=CataloguePublic,
    dependencies=[Depends(public)],
    operation_id="catalogue-get",
)
def get_catalogue(session: SessionDep) -> CataloguePublic:
    """Public, no login: the name of every code the API returns, in Chinese and English
    (statuses, signals, levels, trades, clusters, event actions, …)."""
    return CataloguePublic(groups=service.catalogue(session))
