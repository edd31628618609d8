"""The FastAPI application: API under /api/v1, OpenAPI docs at /docs, the built SPA at /."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles

from review_service import tables  # noqa: F401  (complete metadata)
from review_service.accounts.router import router as accounts_router
from review_service.auth.router import router as auth_router
from review_service.catalogue.router import router as catalogue_router
from review_service.config import Settings, get_settings
from review_service.db import make_engine
from review_service.dependencies import public
from review_service.enterprises.router import router as enterprises_router
from review_service.errors import install_error_handlers
from review_service.events.router import router as events_router
from review_service.filings.router import router as filings_router
from review_service.reviews.router import router as reviews_router
from review_service.standard_versions.router import router as standards_router
from review_service.supervision.router import router as supervision_router

API_PREFIX = "/api/v1"
STATIC_DIR = Path(__file__).resolve().parent / "static"


system_router = APIRouter(tags=["system"])


@system_router.get("/health", dependencies=[Depends(public)], operation_id="system-health")
def health() -> dict[str, str]:
    return {"status": "ok"}


# Every domain router, mounted under /api/v1 (the access-matrix test walks this tuple).
API_ROUTERS: tuple[APIRouter, ...] = (
    system_router,
    auth_router,
    accounts_router,
    enterprises_router,
    events_router,
    standards_router,
    filings_router,
    supervision_router,
    reviews_router,
    catalogue_router,
)


def _operation_id(route: APIRoute) -> str:
    return route.operation_id or f"{route.tags[0] if route.tags else 'app'}-{route.name}"


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    app = FastAPI(
        title="南通企业职称和职业技能等级自主评审 · Enterprise self-review",
        version="0.1.0",
        description="Enterprises review their own staff; the regulator audits after the fact.",
        generate_unique_id_function=_operation_id,
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url="/docs",
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.engine = make_engine(settings.database_url)
    install_error_handlers(app)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_credentials=True,
        allow_methods=["*"],
        allow_headers=["*"],
    )

    for router in API_ROUTERS:
        app.include_router(router, prefix=API_PREFIX)
    _mount_frontend(app)
    return app


def _mount_frontend(app: FastAPI) -> None:
    """Serve the built single-page app when there is one; unknown paths fall back to it."""
    index = STATIC_DIR / "index.html"
    if not index.exists():
        return
    if (STATIC_DIR / "assets").is_dir():
        app.mount("/assets", StaticFiles(directory=STATIC_DIR / "assets"), name="assets")

    @app.get(
        "/{path:path}",
        include_in_schema=False,
        dependencies=[Depends(public)],
        operation_id="system-spa",  # the SPA route has no tag to derive an id from
    )
    def spa(path: str) -> FileResponse:
        candidate = (STATIC_DIR / path).resolve()
        if path and candidate.is_file() and STATIC_DIR in candidate.parents:
            return FileResponse(candidate)
        return FileResponse(index)
