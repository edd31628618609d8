"""The FastAPI application: API under /api/v1, OpenAPI docs at /docs, the built SPA at /."""

from __future__ import annotations

import importlib.util
import logging
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import anyio
from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.docs import get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlmodel import Session

from review_service import tables  # noqa: F401  (complete metadata)
from review_service.accounts.router import router as accounts_router
from review_service.auth.router import router as auth_router
from review_service.catalogue.router import router as catalogue_router
from review_service.certificates.router import router as certificates_router
from review_service.config import Settings, get_settings
from review_service.credit.router import router as credit_router
from review_service.db import engine_for, utcnow
from review_service.dependencies import commit_in_endpoints, public
from review_service.documents.router import router as documents_router
from review_service.enterprises.router import router as enterprises_router
from review_service.errors import install_error_handlers
from review_service.events.router import router as events_router
from review_service.events.service import LogKeys, seal, use_keys
from review_service.experts.router import router as experts_router
from review_service.filings.router import router as filings_router
from review_service.materials.router import router as materials_router
from review_service.request_guard import RequestGuard
from review_service.reviews.router import router as reviews_router
from review_service.rosters.router import router as rosters_router
from review_service.spreadsheets.router import router as spreadsheets_router
from review_service.standard_versions.router import router as standards_router
from review_service.supervision.router import router as supervision_router
from review_service.working_days.router import router as calendar_router

log = logging.getLogger(__name__)

API_PREFIX = "/api/v1"
DOCS_ASSETS = "/docs/assets"
# The only routes that take large bodies: a filing (parsed off the event loop by the request
# guard) and a registry extract (a CSV file).
BULK_INTAKE_PATHS = (f"{API_PREFIX}/filings", f"{API_PREFIX}/registries/")
# Material uploads stream the file as the raw body and enforce their own size limits.
RAW_UPLOAD_PATHS = re.compile(
    rf"{API_PREFIX}/(applications/\d+/materials/[^/]+|materials/\d+/replace)"
)
STATIC_DIR = Path(__file__).resolve().parent / "static"


system_router = APIRouter(tags=["system"])


@system_router.get("/health", dependencies=[Depends(public)], operation_id="system-health")
def health() -> dict[str, str]:
    """Liveness: the process answers. Restart it only when this fails."""
    return {"status": "ok"}


@system_router.get(
    "/health/ready",
    dependencies=[Depends(public)],
    operation_id="system-ready",
    responses={503: {"description": "the database is out of reach (JSON error body)"}},
)
def ready(request: Request) -> dict[str, str]:
    """Readiness: the database answers (within the engine's connect and pool timeouts);
    503 with ``Retry-After`` while it does not. Route traffic here only when this is ok."""
    with request.app.state.engine.connect() as connection:
        connection.execute(text("SELECT 1"))
    return {"status": "ok", "database": "ok"}


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
    credit_router,
    experts_router,
    materials_router,
    calendar_router,
    certificates_router,
    documents_router,
    spreadsheets_router,
    rosters_router,
    catalogue_router,
)


def _operation_id(route: APIRoute) -> str:
    return route.operation_id or f"{route.tags[0] if route.tags else 'app'}-{route.name}"


def _reap_stale_audit_runs(engine: Engine) -> None:
    """Runs left running by a worker that died with the previous process fail, with why."""
    from review_service.supervision.service import reap_stale_runs

    try:
        with Session(engine) as session:
            reaped = [run.id for run in reap_stale_runs(session, now=utcnow())]
            seal(session)
            session.commit()
    except (OperationalError, InterfaceError, PoolTimeout):
        # The database is away: start anyway (/health/ready says so); the next list reaps.
        log.warning("stale audit runs not reaped at startup: database unavailable")
        return
    if reaped:
        log.warning("reaped %d stale audit run(s): %s", len(reaped), reaped)


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    await anyio.to_thread.run_sync(_reap_stale_audit_runs, app.state.engine)
    yield


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    app = FastAPI(
        lifespan=_lifespan,
        title="南通企业职称和职业技能等级自主评审 · Enterprise self-review",
        version="0.1.0",
        description="Enterprises review their own staff; the regulator audits after the fact.",
        generate_unique_id_function=_operation_id,
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=None,  # served from local assets below, never from a CDN
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.engine = engine_for(settings)
    use_keys(app.state.engine, LogKeys.from_settings(settings))
    install_error_handlers(app)
    # Inside CORS (added first), so that its refusals carry the CORS headers too.
    app.add_middleware(
        RequestGuard,
        max_bytes=settings.max_ordinary_request_bytes,
        bulk_max_bytes=settings.max_request_bytes,
        bulk_paths=BULK_INTAKE_PATHS,
        raw_upload_paths=RAW_UPLOAD_PATHS,
    )
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_credentials=True,
        allow_methods=["*"],
        allow_headers=["*"],
    )

    commit_in_endpoints(API_ROUTERS)
    for router in API_ROUTERS:
        app.include_router(router, prefix=API_PREFIX)
    _mount_docs(app)
    _mount_frontend(app)
    return app


def swagger_ui_assets() -> Path:
    """Swagger UI's files (with its Apache-2.0 licence) as shipped by the ``swagger-ui-py``
    package, located without importing it."""
    spec = importlib.util.find_spec("swagger_ui")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("swagger-ui-py is not installed (a dependency of the service)")
    return Path(next(iter(spec.submodule_search_locations))) / "static"


def _mount_docs(app: FastAPI) -> None:
    """The interactive API docs at /docs, working offline (bureau networks are): Swagger UI's
    script and style come from this server, not from a CDN."""
    assets = swagger_ui_assets()
    app.mount(DOCS_ASSETS, StaticFiles(directory=assets), name="docs-assets")
    openapi_url = app.openapi_url or ""
    redirect_url = app.swagger_ui_oauth2_redirect_url or "/docs/oauth2-redirect"

    async def docs(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "").rstrip("/")
        return get_swagger_ui_html(
            openapi_url=root + openapi_url,
            title=f"{app.title} - Swagger UI",
            swagger_js_url=f"{root}{DOCS_ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{DOCS_ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{root}{DOCS_ASSETS}/favicon-32x32.png",
            oauth2_redirect_url=root + redirect_url,
            # No badge from the public validator service: nothing leaves the bureau's network.
            swagger_ui_parameters={"validatorUrl": None},
        )

    async def oauth2_redirect(_: Request) -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    app.add_route("/docs", docs, include_in_schema=False)
    app.add_route(redirect_url, oauth2_redirect, include_in_schema=False)


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
