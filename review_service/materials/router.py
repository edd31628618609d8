"""Material endpoints: uploads as the raw request body (so a too-large file is refused from
its declared length, or as soon as it passes the limit, never read whole), HR's review, and
downloads streamed from the database in chunks with range support."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Header, Path, Query, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from review_service.auth.principal import Role
from review_service.dependencies import Access, ObjectId, RequireRole, SessionDep, SettingsDep
from review_service.errors import FieldProblem, Invalid, error_body
from review_service.materials import service
from review_service.materials.models import MaterialFile
from review_service.materials.schemas import (
    ApplicationMaterialsPublic,
    MaterialPublic,
    MaterialReviewIn,
)
from standards.materials import MEDIA_TYPES, FileType

router = APIRouter(tags=["materials"])

Admin = Annotated[Access, Depends(RequireRole(Role.enterprise_admin))]
Applying = Annotated[Access, Depends(RequireRole(Role.applicant, Role.enterprise_admin))]
# The regulator gets the manifest in the filing, never the files.
Readers = Annotated[
    Access, Depends(RequireRole(Role.applicant, Role.enterprise_admin, Role.expert))
]
CHUNK = 256 * 1024
FileName = Annotated[str | None, Query(max_length=255, description="the file's original name")]
_UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/pdf": {"schema": {"type": "string", "format": "binary"}},
            "image/jpeg": {"schema": {"type": "string", "format": "binary"}},
            "image/png": {"schema": {"type": "string", "format": "binary"}},
            "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
        },
    }
}


async def upload_body(request: Request, settings: SettingsDep) -> bytes:
    """The request body, refused with 413 from its declared length or once it passes the
    per-file limit while it streams in (a chunked body declares none)."""
    limit = service.file_limit(settings)
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise service.too_large(int(declared), settings)
    parts: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise service.too_large(size, settings)
        parts.append(chunk)
    return b"".join(parts)


Body = Annotated[bytes, Depends(upload_body)]


@router.get(
    "/applications/{application_id}/materials",
    response_model=ApplicationMaterialsPublic,
    operation_id="materials-list_materials",
)
def list_materials(
    application_id: ObjectId, access: Readers, session: SessionDep, settings: SettingsDep
) -> ApplicationMaterialsPublic:
    return service.overview(
        session, scope=access.scope, application_id=application_id, settings=settings
    )


@router.post(
    "/applications/{application_id}/materials/{kind}",
    response_model=MaterialPublic,
    status_code=201,
    openapi_extra=_UPLOAD_BODY,
    operation_id="materials-upload_material",
)
def upload_material(
    application_id: ObjectId,
    access: Applying,
    body: Body,
    session: SessionDep,
    settings: SettingsDep,
    kind: Annotated[str, Path(min_length=1, max_length=32)],
    file_name: FileName = None,
) -> MaterialPublic:
    material = service.upload(
        session,
        scope=access.scope,
        application_id=application_id,
        kind=kind,
        file_name=file_name,
        content=body,
        settings=settings,
    )
    return service.to_public(material)


@router.post(
    "/materials/{material_id}/replace",
    response_model=MaterialPublic,
    status_code=201,
    openapi_extra=_UPLOAD_BODY,
    operation_id="materials-replace_material",
)
def replace_material(
    material_id: ObjectId,
    access: Applying,
    body: Body,
    session: SessionDep,
    settings: SettingsDep,
    file_name: FileName = None,
) -> MaterialPublic:
    material = service.replace(
        session,
        scope=access.scope,
        material_id=material_id,
        file_name=file_name,
        content=body,
        settings=settings,
    )
    return service.to_public(material)


@router.post(
    "/materials/{material_id}/review",
    response_model=MaterialPublic,
    operation_id="materials-review_material",
)
def review_material(
    material_id: ObjectId, data: MaterialReviewIn, access: Admin, session: SessionDep
) -> MaterialPublic:
    return service.to_public(
        service.review(session, scope=access.scope, material_id=material_id, data=data)
    )


def _range(header: str | None, size: int) -> tuple[int, int] | None:
    """(first, last) byte of a single ``bytes=`` range; None for the whole file. Several ranges
    are answered with the whole file, which RFC 9110 allows."""
    if not header or not header.startswith("bytes=") or "," in header:
        return None
    first_s, _, last_s = header[6:].strip().partition("-")
    try:
        if first_s == "":
            suffix = int(last_s)
            if suffix <= 0:
                raise ValueError
            return max(size - suffix, 0), size - 1
        first = int(first_s)
        last = int(last_s) if last_s else size - 1
    except ValueError:
        raise _unsatisfiable(size) from None
    if first > last or first >= size:
        raise _unsatisfiable(size)
    return first, min(last, size - 1)


class _Unsatisfiable(Invalid):
    status_code = 416
    code = "range_not_satisfiable"


def _unsatisfiable(size: int) -> _Unsatisfiable:
    return _Unsatisfiable(
        "请求的字节范围无效",
        "the requested byte range cannot be served",
        details=[FieldProblem("Range", f"文件共{size}字节", f"the file has {size} bytes")],
        extra={"size": size},
    )


def _chunks(engine: Engine, file_id: int, first: int, last: int) -> Iterator[bytes]:
    # A session of its own: the request's has committed and closed by the time this runs.
    with Session(engine) as s:
        at = first
        while at <= last:
            n = min(CHUNK, last - at + 1)
            piece = s.exec(
                select(func.substr(MaterialFile.content, at + 1, n)).where(
                    MaterialFile.id == file_id
                )
            ).one()
            yield bytes(piece)
            at += n


def _disposition(name: str, attachment: bool) -> str:
    ascii_name = "".join(c if c.isascii() and c.isprintable() else "_" for c in name)
    return (
        f'{"attachment" if attachment else "inline"}; filename="{ascii_name}"; '
        f"filename*=UTF-8''{quote(name, safe='')}"
    )


@router.get(
    "/materials/{material_id}/content",
    response_class=Response,
    responses={
        200: {"content": {t: {} for t in MEDIA_TYPES.values()}, "description": "the file"},
        206: {"description": "the requested byte range"},
    },
    operation_id="materials-download_material",
)
def download_material(
    material_id: ObjectId,
    access: Readers,
    session: SessionDep,
    request: Request,
    download: bool = False,
    range_: Annotated[str | None, Header(alias="Range")] = None,
) -> Response:
    material = service.load(session, scope=access.scope, material_id=material_id)
    size = material.size
    headers = {
        "Accept-Ranges": "bytes",
        "Content-Disposition": _disposition(material.file_name, download),
        "ETag": f'"{material.sha256}"',
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "private, max-age=0",
    }
    try:
        span = _range(range_, size)
    except _Unsatisfiable as exc:
        return _error_416(exc, size)
    first, last = span or (0, size - 1)
    status = 200
    if span is not None:
        status = 206
        headers["Content-Range"] = f"bytes {first}-{last}/{size}"
    headers["Content-Length"] = str(last - first + 1)
    return StreamingResponse(
        _chunks(request.app.state.engine, material.file_id, first, last),
        status_code=status,
        media_type=MEDIA_TYPES[FileType(material.file_type)],
        headers=headers,
    )


def _error_416(exc: _Unsatisfiable, size: int) -> Response:
    return JSONResponse(
        status_code=416,
        content=error_body(
            exc.code, exc.message, exc.message_en, [d.as_dict() for d in exc.details]
        ),
        headers={"Content-Range": f"bytes */{size}"},
    )
