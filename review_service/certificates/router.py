"""Certificate endpoints: lists, the PDF, revocation, and the public verification."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from review_service.auth.principal import Role
from review_service.auth.rate_limit import RateLimit
from review_service.certificates import pdf, service
from review_service.certificates.schemas import (
    CertificatePublic,
    CertificatesPublic,
    CertificateStatus,
    RevocationIn,
    VerificationPublic,
)
from review_service.dependencies import (
    Access,
    KeyFilter,
    ObjectId,
    Offset,
    RegulatorAccess,
    RequireRole,
    SessionDep,
    SettingsDep,
    public,
)
from review_service.reviews.router import Today

router = APIRouter(tags=["certificates"])
Holders = Annotated[
    Access, Depends(RequireRole(Role.regulator, Role.enterprise_admin, Role.applicant))
]


@router.get("/certificates", response_model=CertificatesPublic, operation_id="certificates-list")
def list_certificates(
    access: Holders,
    session: SessionDep,
    session_id: KeyFilter = None,
    status: CertificateStatus | None = None,
    offset: Offset = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> CertificatesPublic:
    rows, count = service.list_certificates(
        session,
        scope=access.scope,
        session_id=session_id,
        status=status,
        offset=offset,
        limit=limit,
    )
    return CertificatesPublic(data=[service.to_public(r) for r in rows], count=count)


@router.get(
    "/certificates/{certificate_id}/pdf",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}, "description": "the certificate"}},
    operation_id="certificates-pdf",
)
def certificate_pdf(
    certificate_id: ObjectId, access: Holders, session: SessionDep, settings: SettingsDep
) -> Response:
    row = service.get(session, scope=access.scope, certificate_id=certificate_id)
    body = pdf.render(row, base_url=settings.public_base_url)
    name = f"证书-{row.number}.pdf"
    return Response(
        body,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'inline; filename="{row.number}.pdf"; '
            f"filename*=UTF-8''{quote(name)}"
        },
    )


@router.post(
    "/certificates/{certificate_id}/revocation",
    response_model=CertificatePublic,
    operation_id="certificates-revoke",
)
def revoke_certificate(
    certificate_id: ObjectId,
    data: RevocationIn,
    access: RegulatorAccess,
    session: SessionDep,
    on: Today,
) -> CertificatePublic:
    return service.to_public(
        service.revoke(
            session, scope=access.scope, certificate_id=certificate_id, data=data, today=on
        )
    )


@router.get(
    "/public/certificates/verify",
    response_model=VerificationPublic,
    dependencies=[
        Depends(public),
        Depends(RateLimit("certificate_verify", "verify_rate_per_minute")),
    ],
    responses={429: {"description": "too many requests from this address; see Retry-After"}},
    operation_id="certificates-verify",
)
def verify_certificate(
    session: SessionDep,
    number: Annotated[str, Query(min_length=4, max_length=32)],
    name: Annotated[str, Query(min_length=1, max_length=100)],
) -> VerificationPublic:
    return service.verify(session, number=number, holder_name=name)
