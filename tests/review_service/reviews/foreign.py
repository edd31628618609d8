"""Tenant B's review objects, for the access matrix: A's users must get 404 on each."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from sqlalchemy.engine import Engine
from sqlmodel import Session

from review_service.certificates.models import Certificate
from review_service.db import make_engine
from review_service.experts.models import PersonRelation
from review_service.materials.models import Material, MaterialFile
from review_service.reviews.models import (
    Application,
    Conflict,
    Objection,
    PanelMember,
    ReviewSession,
)
from standards.document import Standard
from standards.eligibility import evaluate
from standards.facts import ApplicantFacts
from tests.review_service.factories import World
from tests.review_service.reviews.flow import eligible_facts

_built: dict[int, dict[str, int]] = {}


@lru_cache
def _engine(url: str) -> Engine:
    return make_engine(url)


def foreign_id(world: World, name: str) -> int:
    """The id of B's object ``name`` (session_id, member_id, application_id, conflict_id,
    objection_id, relation_id, ...), built once per world."""
    if id(world) not in _built:
        _built.clear()
        _built[id(world)] = _build(world)
    return _built[id(world)][name]


def _build(world: World) -> dict[str, int]:
    b = world.b
    with Session(_engine(world.settings.database_url)) as s:
        rs = ReviewSession(
            enterprise_id=b.enterprise.id or 0,
            standard_version_id=b.standard.id or 0,
            name="B的评审批次",
            track="title",
            series="engineering",
            level="intermediate",
            period="2026",
            status="public_notice",
            standard=b.standard.document,
        )
        s.add(rs)
        s.flush()
        member = PanelMember(
            session_id=rs.id or 0,
            enterprise_id=rs.enterprise_id,
            user_id=b.expert.id or 0,
            track="title",
            level="deputy_senior",
        )
        application = Application(
            session_id=rs.id or 0,
            enterprise_id=rs.enterprise_id,
            applicant_user_id=b.applicant.id or 0,
            submitted_by=b.applicant.id or 0,
            name="B申报人",
            person_key="f" * 64,
            id_mask="320602********0011",
            track="title",
            series="engineering",
            level="intermediate",
            period="2026",
            facts=eligible_facts(),
            verdict=evaluate(
                ApplicantFacts.model_validate(eligible_facts()),
                Standard.model_validate(b.standard.document),
            ).model_dump(mode="json"),
            status="eligible",
        )
        s.add(member)
        s.add(application)
        s.flush()
        conflict = Conflict(
            session_id=rs.id or 0,
            enterprise_id=rs.enterprise_id,
            application_id=application.id or 0,
            panel_member_id=member.id or 0,
            kind="other",
            source="expert",
        )
        objection = Objection(
            session_id=rs.id or 0,
            enterprise_id=rs.enterprise_id,
            application_id=application.id or 0,
            raised_by=b.applicant.id or 0,
            reason="B的异议理由",
        )
        s.add(conflict)
        s.add(objection)
        stored = MaterialFile(
            enterprise_id=rs.enterprise_id,
            sha256="0" * 64,
            size=9,
            file_type="pdf",
            content=b"%PDF-1.4\n",
        )
        s.add(stored)
        s.flush()
        material = Material(
            application_id=application.id or 0,
            session_id=rs.id or 0,
            enterprise_id=rs.enterprise_id,
            kind="education",
            file_id=stored.id or 0,
            file_name="B的学历证书.pdf",
            sha256=stored.sha256,
            size=stored.size,
            file_type="pdf",
            uploaded_by=b.applicant.id or 0,
        )
        s.add(material)
        certificate = Certificate(
            number="ZC2026-B-0000001",
            enterprise_id=rs.enterprise_id,
            session_id=rs.id or 0,
            application_id=application.id or 0,
            applicant_user_id=b.applicant.id or 0,
            holder_name="B申报人",
            id_mask=application.id_mask,
            track="title",
            series="engineering",
            level="intermediate",
            enterprise_name="B企业",
            issued_on=date(2026, 6, 30),
        )
        s.add(certificate)
        relation = PersonRelation(
            expert_key="e" * 64,
            expert_user_id=b.expert.id,
            person_key=application.person_key,
            person_mask=application.id_mask,
            person_name="B申报人",
            kind="relative",
            source="admin",
            enterprise_id=rs.enterprise_id,
            recorded_by=b.expert.id or 0,
        )
        s.add(relation)
        s.commit()
        return {
            "session_id": rs.id or 0,
            "member_id": member.id or 0,
            "application_id": application.id or 0,
            "conflict_id": conflict.id or 0,
            "objection_id": objection.id or 0,
            "material_id": material.id or 0,
            "certificate_id": certificate.id or 0,
            "relation_id": relation.id or 0,
        }
