from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from review_service.auth.principal import Role
from review_service.dependencies import (
    Access,
    EnterpriseAdminAccess,
    KeyFilter,
    ManagerAccess,
    ObjectId,
    Offset,
    RegulatorAccess,
    RequireRole,
    SessionDep,
    public,
)
from review_service.dependencies import AnyRoleAccess as Anyone
from review_service.dependencies import RegulatorAccess as Regulator
from review_service.standard_versions import service
from review_service.standard_versions.models import EquivalenceTableVersion, StandardVersion
from review_service.standard_versions.schemas import (
    BaselineCheckPublic,
    DocumentIn,
    EquivalenceLookupIn,
    EquivalenceLookupPublic,
    EquivalenceOptionPublic,
    EquivalenceVersionPublic,
    EquivalenceVersionsPublic,
    LaxityPublic,
    SelfCheckIn,
    SelfCheckPublic,
    StandardKind,
    StandardRef,
    StandardVersionPublic,
    StandardVersionsPublic,
    VersionStatus,
)

router = APIRouter(tags=["standards"])

Applicant = Annotated[Access, Depends(RequireRole(Role.applicant, Role.enterprise_admin))]


def _public(row: StandardVersion) -> StandardVersionPublic:
    return StandardVersionPublic.model_validate(row.model_dump())


def _equivalence(row: EquivalenceTableVersion) -> EquivalenceVersionPublic:
    return EquivalenceVersionPublic.model_validate(row.model_dump())


def _routes(kind: StandardKind, writer: Any) -> None:
    """The same lifecycle for enterprise standards (written by HR) and baselines (regulator)."""
    base = "/standards" if kind is StandardKind.standard else "/baselines"
    tag = kind.value

    def create(data: DocumentIn, access: writer, session: SessionDep) -> StandardVersionPublic:
        return _public(
            service.create_draft(session, scope=access.scope, kind=kind, document=data.document)
        )

    def list_(
        access: Anyone,
        session: SessionDep,
        track: str | None = None,
        series: str | None = None,
        level: str | None = None,
        status: VersionStatus | None = None,
        enterprise_id: KeyFilter = None,
        offset: Offset = 0,
        limit: Annotated[int, Query(ge=1, le=500)] = 100,
    ) -> StandardVersionsPublic:
        rows, count = service.list_versions(
            session,
            scope=access.scope,
            kind=kind,
            track=track,
            series=series,
            level=level,
            status=status,
            enterprise_id=enterprise_id,
            offset=offset,
            limit=limit,
        )
        return StandardVersionsPublic(data=[_public(r) for r in rows], count=count)

    def get(version_id: ObjectId, access: Anyone, session: SessionDep) -> StandardVersionPublic:
        return _public(
            service.get_version(session, scope=access.scope, kind=kind, version_id=version_id)
        )

    def update(
        version_id: ObjectId, data: DocumentIn, access: writer, session: SessionDep
    ) -> StandardVersionPublic:
        return _public(
            service.update_draft(
                session,
                scope=access.scope,
                kind=kind,
                version_id=version_id,
                document=data.document,
            )
        )

    def new_version(
        version_id: ObjectId, access: writer, session: SessionDep
    ) -> StandardVersionPublic:
        return _public(
            service.new_version(session, scope=access.scope, kind=kind, version_id=version_id)
        )

    def publish(
        version_id: ObjectId,
        access: writer,
        session: SessionDep,
        expected_version: int | None = None,
    ) -> StandardVersionPublic:
        return _public(
            service.publish(
                session,
                scope=access.scope,
                kind=kind,
                version_id=version_id,
                expected_version=expected_version,
                today=date.today(),
            )
        )

    def retire(
        version_id: ObjectId,
        access: writer,
        session: SessionDep,
        expected_version: int | None = None,
    ) -> StandardVersionPublic:
        return _public(
            service.retire(
                session,
                scope=access.scope,
                kind=kind,
                version_id=version_id,
                expected_version=expected_version,
            )
        )

    item = base + "/{version_id}"
    router.add_api_route(
        base,
        create,
        methods=["POST"],
        status_code=201,
        response_model=StandardVersionPublic,
        operation_id=f"standards-create_{tag}",
    )
    router.add_api_route(
        base,
        list_,
        methods=["GET"],
        response_model=StandardVersionsPublic,
        operation_id=f"standards-list_{tag}s",
    )
    router.add_api_route(
        item,
        get,
        methods=["GET"],
        response_model=StandardVersionPublic,
        operation_id=f"standards-get_{tag}",
    )
    router.add_api_route(
        item,
        update,
        methods=["PUT"],
        response_model=StandardVersionPublic,
        operation_id=f"standards-update_{tag}",
    )
    router.add_api_route(
        item + "/new-version",
        new_version,
        methods=["POST"],
        status_code=201,
        response_model=StandardVersionPublic,
        operation_id=f"standards-new_{tag}_version",
    )
    router.add_api_route(
        item + "/publish",
        publish,
        methods=["POST"],
        response_model=StandardVersionPublic,
        operation_id=f"standards-publish_{tag}",
    )
    router.add_api_route(
        item + "/retire",
        retire,
        methods=["POST"],
        response_model=StandardVersionPublic,
        operation_id=f"standards-retire_{tag}",
    )


_routes(StandardKind.standard, EnterpriseAdminAccess)
_routes(StandardKind.baseline, RegulatorAccess)


@router.get(
    "/standards/{version_id}/baseline-check",
    response_model=BaselineCheckPublic,
    operation_id="standards-baseline_check",
)
def baseline_check(
    version_id: ObjectId,
    access: ManagerAccess,
    session: SessionDep,
) -> BaselineCheckPublic:
    row = service.get_version(
        session, scope=access.scope, kind=StandardKind.standard, version_id=version_id
    )
    baseline_row, found = service.baseline_check(session, row)
    if baseline_row is None:
        message, message_en = (
            "监管部门尚未发布对应的基准标准",
            "the regulator has published no baseline for this standard",
        )
    elif found:
        message, message_en = (
            f"低于基准{len(found)}处",
            f"laxer than the baseline in {len(found)} ways",
        )
    else:
        message, message_en = "不低于基准标准", "no laxer than the baseline"
    return BaselineCheckPublic(
        standard_version_id=version_id,
        baseline_version_id=baseline_row.id if baseline_row else None,
        passes=baseline_row is not None and not found,
        laxities=[LaxityPublic(**x.__dict__) for x in found],
        message=message,
        message_en=message_en,
    )


@router.post(
    "/standards/{version_id}/self-check",
    response_model=SelfCheckPublic,
    operation_id="standards-self_check",
)
def self_check(
    version_id: ObjectId, data: SelfCheckIn, access: Applicant, session: SessionDep
) -> SelfCheckPublic:
    verdict = service.self_check(
        session, scope=access.scope, version_id=version_id, facts=data.facts
    )
    return SelfCheckPublic(standard_version_id=version_id, verdict=verdict)


@router.post(
    "/equivalence",
    response_model=EquivalenceVersionPublic,
    status_code=201,
    operation_id="standards-create_equivalence",
)
def create_equivalence(
    data: DocumentIn, access: Regulator, session: SessionDep
) -> EquivalenceVersionPublic:
    return _equivalence(
        service.create_equivalence_draft(session, actor=access.principal, document=data.document)
    )


@router.get(
    "/equivalence",
    response_model=EquivalenceVersionsPublic,
    operation_id="standards-list_equivalence",
)
def list_equivalence(access: Regulator, session: SessionDep) -> EquivalenceVersionsPublic:
    rows = service.list_equivalence(session)
    return EquivalenceVersionsPublic(data=[_equivalence(r) for r in rows], count=len(rows))


@router.put(
    "/equivalence/{equivalence_id}",
    response_model=EquivalenceVersionPublic,
    operation_id="standards-update_equivalence",
)
def update_equivalence(
    equivalence_id: ObjectId, data: DocumentIn, access: Regulator, session: SessionDep
) -> EquivalenceVersionPublic:
    return _equivalence(
        service.update_equivalence_draft(
            session, actor=access.principal, version_id=equivalence_id, document=data.document
        )
    )


@router.post(
    "/equivalence/{equivalence_id}/publish",
    response_model=EquivalenceVersionPublic,
    operation_id="standards-publish_equivalence",
)
def publish_equivalence(
    equivalence_id: ObjectId,
    access: Regulator,
    session: SessionDep,
    expected_version: int | None = None,
) -> EquivalenceVersionPublic:
    return _equivalence(
        service.publish_equivalence(
            session,
            actor=access.principal,
            version_id=equivalence_id,
            expected_version=expected_version,
        )
    )


@router.post(
    "/public/equivalence",
    response_model=EquivalenceLookupPublic,
    dependencies=[Depends(public)],
    operation_id="standards-lookup_equivalence",
)
def lookup_equivalence(data: EquivalenceLookupIn, session: SessionDep) -> EquivalenceLookupPublic:
    """Public, no login: which levels a title or skill level opens on the other track, what is
    missing, and which enterprises' published standards one could apply under."""
    version, options = service.lookup_equivalence(
        session,
        holding=data.holding,
        facts=data.facts,
        as_of=data.as_of or date.today(),
        enterprise_id=data.enterprise_id,
    )
    return EquivalenceLookupPublic(
        table_version=version,
        options=[
            EquivalenceOptionPublic(
                option=option,
                standards=[
                    StandardRef(
                        standard_version_id=s.id or 0,
                        enterprise_id=e.id or 0,
                        enterprise_name=e.name,
                        name=s.name,
                        version=s.version,
                    )
                    for s, e in refs
                ],
            )
            for option, refs in options
        ],
    )
