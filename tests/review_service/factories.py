"""Factories: valid identifiers and a small world of two enterprises with every role."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache

from sqlalchemy.engine import Engine
from sqlmodel import Session

from review_service.accounts.models import ExpertProfile, User
from review_service.auth import tokens
from review_service.auth.passwords import hash_password
from review_service.config import Settings
from review_service.enterprises.models import Authorization, Enterprise
from review_service.events.service import seal
from review_service.standard_versions.models import StandardVersion
from review_service.standard_versions.service import lineage_of, load_defaults
from standards import defaults
from standards.document import Standard
from standards.identifiers import credit_code_check_char, resident_id_check_char

PASSWORD = "Passw0rd-for-tests"
_counter = itertools.count(1)


def credit_code(n: int | None = None) -> str:
    """A valid GB 32100 credit code (registered in Nantong, 320600), unique per call."""
    n = next(_counter) if n is None else n
    body = f"91320600{n:09d}"
    return body + credit_code_check_char(body)


def resident_id(n: int | None = None, born: str = "19880412") -> str:
    n = next(_counter) if n is None else n
    body = f"320602{born}{n % 1000:03d}"
    return body + resident_id_check_char(body)


@lru_cache
def password_hash() -> str:
    return hash_password(PASSWORD)


def bearer(settings: Settings, user: User) -> dict[str, str]:
    token = tokens.issue_access_token(
        secret=settings.secret_key,
        user_id=user.id or 0,
        role=user.role,
        enterprise_id=user.enterprise_id,
        now=datetime.now(UTC),
        lifetime=timedelta(minutes=15),
    )
    return {"Authorization": f"Bearer {token}"}


def example_document(credit: str | None = None) -> dict:
    """The shipped marine-welding engineer standard (title/engineering/intermediate), as JSON."""
    example = next(s for s in defaults.load_examples() if s.track == "title")
    data = example.model_dump(mode="json", exclude_none=True)
    data.pop("enterprise_credit_code", None)
    if credit:
        data["enterprise_credit_code"] = credit
    return data


def equivalence_document() -> dict:
    return defaults.load_equivalence().model_dump(mode="json", exclude_none=True)


@dataclass
class Tenant:
    enterprise: Enterprise
    authorization: Authorization
    admin: User
    expert: User
    applicant: User
    standard: StandardVersion


@dataclass
class World:
    settings: Settings
    regulator: User
    pool_expert: User
    a: Tenant
    b: Tenant
    headers: dict[str, dict[str, str]] = field(default_factory=dict)

    def auth(self, who: str) -> dict[str, str]:
        return self.headers[who]


def add_user(
    session: Session,
    *,
    username: str,
    role: str,
    enterprise_id: int | None,
    department: str | None = None,
    expert_level: tuple[str, str] | None = None,
    external: bool = False,
) -> User:
    user = User(
        username=username,
        display_name=username,
        role=role,
        enterprise_id=enterprise_id,
        password_hash=password_hash(),
        department=department,
    )
    session.add(user)
    session.flush()
    if expert_level:
        session.add(
            ExpertProfile(
                user_id=user.id or 0,
                track=expert_level[0],
                level=expert_level[1],
                specialty="焊接工艺",
                home_organisation="南通职业大学" if external else "本企业",
                external=external,
            )
        )
    return user


def add_tenant(session: Session, tag: str, cluster: str = "shipbuilding_offshore") -> Tenant:
    enterprise = Enterprise(
        name=f"{tag}重工有限公司", credit_code=credit_code(), industry_cluster=cluster
    )
    session.add(enterprise)
    session.flush()
    authorization = Authorization(
        enterprise_id=enterprise.id or 0,
        track="title",
        series="engineering",
        levels=["assistant", "intermediate", "deputy_senior"],
        valid_from=date(2025, 1, 1),
        valid_to=date(2028, 12, 31),
    )
    session.add(authorization)
    eid = enterprise.id
    admin = add_user(session, username=f"{tag}_admin", role="enterprise_admin", enterprise_id=eid)
    expert = add_user(
        session,
        username=f"{tag}_expert",
        role="expert",
        enterprise_id=eid,
        department="焊接车间",
        expert_level=("title", "deputy_senior"),
    )
    applicant = add_user(
        session,
        username=f"{tag}_applicant",
        role="applicant",
        enterprise_id=eid,
        department="焊接车间",
    )
    # The expert is the applicant's line manager (直接上下级): an evident conflict.
    applicant.supervisor_id = expert.id
    document = example_document(enterprise.credit_code)
    standard = StandardVersion(
        enterprise_id=eid,
        kind="standard",
        track="title",
        series="engineering",
        specialty=document.get("specialty"),
        level="intermediate",
        lineage=lineage_of(eid, Standard.model_validate(document)),
        version=1,
        status="published",
        name=document["name"],
        document=document,
        published_at=datetime.now(UTC),
    )
    session.add(standard)
    session.flush()
    return Tenant(enterprise, authorization, admin, expert, applicant, standard)


def build_world(engine: Engine, settings: Settings) -> World:
    with Session(engine, expire_on_commit=False) as session:
        regulator = add_user(session, username="regulator", role="regulator", enterprise_id=None)
        pool_expert = add_user(
            session,
            username="pool_expert",
            role="expert",
            enterprise_id=None,
            expert_level=("title", "senior"),
            external=True,
        )
        a = add_tenant(session, "a")
        b = add_tenant(session, "b", cluster="high_end_textile")
        # The regulator's default baselines and equivalence table, as a fresh installation has.
        load_defaults(session, actor=None)
        seal(session)
        session.commit()
    world = World(settings, regulator, pool_expert, a, b)
    for name, user in {
        "regulator": regulator,
        "pool_expert": pool_expert,
        "a_admin": a.admin,
        "a_expert": a.expert,
        "a_applicant": a.applicant,
        "b_admin": b.admin,
        "b_expert": b.expert,
        "b_applicant": b.applicant,
    }.items():
        world.headers[name] = bearer(settings, user)
    return world
