from __future__ import annotations

import json
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Query, Request, Response, UploadFile

from audit.contract import filing_schema
from audit.intake import collection_paused
from review_service.dependencies import KeyFilter, ObjectId, Offset, SessionDep, SettingsDep, public
from review_service.dependencies import ManagerAccess as Managers
from review_service.dependencies import RegulatorAccess as Regulator
from review_service.errors import Invalid
from review_service.filings import service
from review_service.filings.access import RequireFilingKey
from review_service.filings.models import ReviewBodyCredential
from review_service.filings.schemas import (
    CredentialCreate,
    CredentialIssued,
    CredentialPublic,
    CredentialRevoke,
    CredentialsPublic,
    FilingDocumentPublic,
    FilingPublic,
    FilingReceipt,
    FilingsPublic,
    RegistryImportPublic,
    RegistryImportsPublic,
)
from review_service.request_guard import parsed_json, refuse_nul
from review_service.spreadsheets import xlsx
from review_service.spreadsheets.router import XLSX, xlsx_response

router = APIRouter(tags=["filings"])

FilingKey = Annotated[ReviewBodyCredential, Depends(RequireFilingKey())]


@router.get("/filings/schema", dependencies=[Depends(public)], operation_id="filings-schema")
def schema() -> dict[str, Any]:
    """The JSON Schema of the filing contract (its version is ``x-schema-version``)."""
    return filing_schema()


async def filing_body(request: Request) -> Any:
    """The raw JSON body, parsed with the cyclic collector paused: a 10,000-application filing
    is millions of objects, and FastAPI's generic body validation would walk them again.
    Usually the request guard has parsed it already (off the event loop, checked)."""
    checked = parsed_json(request)
    if checked is not None:
        return checked
    body = await request.body()
    try:
        with collection_paused():
            return json.loads(body)
    except ValueError as exc:
        raise Invalid(
            "请求体不是合法的JSON", "the request body is not valid JSON", code="malformed_json"
        ) from exc


@router.post(
    "/filings",
    response_model=FilingReceipt,
    status_code=201,
    operation_id="filings-submit",
    responses={200: {"description": "already received (same filing_id and content)"}},
    openapi_extra={
        "requestBody": {
            "required": True,
            "description": "a filing; its JSON Schema is GET /filings/schema",
            "content": {"application/json": {"schema": {"type": "object"}}},
        }
    },
)
def submit(
    credential: FilingKey,
    session: SessionDep,
    settings: SettingsDep,
    response: Response,
    document: Annotated[Any, Depends(filing_body)],
) -> FilingReceipt:
    """An outside review body files a results package with its filing key."""
    row, created = service.receive_filing(
        session,
        document=document,
        source_enterprise_id=credential.enterprise_id,
        actor=None,
        settings=settings,
        credential_id=credential.id,
    )
    if not created:
        response.status_code = 200
    return FilingReceipt(**service.filing_summary(row), created=created)


@router.get("/filings", response_model=FilingsPublic, operation_id="filings-list")
def list_filings(
    access: Managers,
    session: SessionDep,
    period: str | None = None,
    enterprise_id: KeyFilter = None,
    credit_code: str | None = None,
    offset: Offset = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> FilingsPublic:
    rows, count = service.list_filings(
        session,
        scope=access.scope,
        period=period,
        enterprise_id=enterprise_id,
        credit_code=credit_code,
        offset=offset,
        limit=limit,
    )
    return FilingsPublic(
        data=[FilingPublic(**service.filing_summary(r)) for r in rows], count=count
    )


@router.get("/filings/{filing_id}", response_model=FilingDocumentPublic, operation_id="filings-get")
def get_filing(filing_id: str, access: Managers, session: SessionDep) -> FilingDocumentPublic:
    row = service.get_filing(session, scope=access.scope, filing_id=filing_id)
    return FilingDocumentPublic(**service.filing_summary(row), document=row.document)


@router.post(
    "/review-bodies/{enterprise_id}/credentials",
    response_model=CredentialIssued,
    status_code=201,
    operation_id="filings-issue_credential",
)
def issue_credential(
    enterprise_id: ObjectId, data: CredentialCreate, access: Regulator, session: SessionDep
) -> CredentialIssued:
    row, key = service.issue_credential(
        session, actor=access.principal, enterprise_id=enterprise_id, label=data.label
    )
    return CredentialIssued(**row.model_dump(), key=key)


@router.get(
    "/review-bodies/{enterprise_id}/credentials",
    response_model=CredentialsPublic,
    operation_id="filings-list_credentials",
)
def list_credentials(
    enterprise_id: ObjectId, access: Regulator, session: SessionDep
) -> CredentialsPublic:
    rows = service.list_credentials(session, enterprise_id=enterprise_id)
    return CredentialsPublic(
        data=[CredentialPublic(**r.model_dump()) for r in rows], count=len(rows)
    )


@router.post(
    "/credentials/{credential_id}/revoke",
    response_model=CredentialPublic,
    operation_id="filings-revoke_credential",
)
def revoke_credential(
    credential_id: ObjectId, data: CredentialRevoke, access: Regulator, session: SessionDep
) -> CredentialPublic:
    row = service.revoke_credential(
        session, actor=access.principal, credential_id=credential_id, reason=data.reason
    )
    return CredentialPublic(**row.model_dump())


@router.post(
    "/registries/{kind}",
    response_model=RegistryImportPublic,
    status_code=201,
    operation_id="filings-import_registry",
)
def import_registry(
    kind: str,
    access: Regulator,
    session: SessionDep,
    settings: SettingsDep,
    file: Annotated[UploadFile, File(description="CSV extract (UTF-8) or .xlsx")],
    as_of: Annotated[date, Form(description="date of the extract")],
) -> RegistryImportPublic:
    """Import a social-insurance (``employment``) or education (``education``) extract."""
    content = file.file.read()
    try:
        # An .xlsx (a zip) is read as its first sheet, the same columns as the CSV.
        text = xlsx.as_csv(content) if content[:2] == b"PK" else content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Invalid(
            "文件不是UTF-8编码的CSV", "the file is not UTF-8 CSV", code="invalid_registry"
        ) from exc
    refuse_nul("file", text)
    row = service.import_registry(
        session,
        actor=access.principal,
        kind=kind,
        text=text,
        filename=file.filename,
        as_of=as_of,
        settings=settings,
    )
    return RegistryImportPublic(**row.model_dump())


@router.get(
    "/registries/{kind}/template.xlsx",
    response_class=Response,
    responses=XLSX,
    operation_id="filings-registry_template",
)
def registry_template(kind: str, access: Regulator) -> Response:
    names = {"employment": "社保参保记录", "education": "学历学籍登记"}
    return xlsx_response(service.registry_template(kind), f"{names.get(kind, kind)}-导入模板.xlsx")


@router.get(
    "/registries", response_model=RegistryImportsPublic, operation_id="filings-list_registries"
)
def list_registries(access: Regulator, session: SessionDep) -> RegistryImportsPublic:
    rows = service.list_registry_imports(session)
    return RegistryImportsPublic(
        data=[RegistryImportPublic(**r.model_dump()) for r in rows], count=len(rows)
    )
