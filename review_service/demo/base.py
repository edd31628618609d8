"""The base of the demo data: the 141 authorised enterprises of Nantong, their people and
standards. Every account's password is ``DEMO_PASSWORD``."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from datetime import date, timedelta

from sqlmodel import Session, select

from review_service.accounts.models import ExpertProfile, User
from review_service.auth.passwords import hash_password
from review_service.config import Settings
from review_service.db import utcnow
from review_service.enterprises.models import Authorization, Enterprise
from review_service.events.service import record
from review_service.standard_versions.models import StandardVersion
from review_service.standard_versions.service import lineage_of, load_defaults
from standards import defaults
from standards.identifiers import credit_code_check_char

DEMO_PASSWORD = "Demo-pass-2026"
ENTERPRISE_COUNT = 141

# Industry clusters (codes of enterprises.schemas.INDUSTRY_CLUSTERS), name stems, what they review.
CLUSTERS: list[tuple[str, list[str], list[tuple[str, str, list[str]]]]] = [
    (
        "shipbuilding_offshore",
        ["船舶重工", "海洋工程", "船舶配套", "港机重工"],
        [
            ("title", "engineering", ["assistant", "intermediate", "deputy_senior"]),
            ("skill", "welder", ["grade3", "grade2", "grade1"]),
        ],
    ),
    (
        "high_end_textile",
        ["纺织科技", "家纺", "化纤", "印染"],
        [
            ("title", "engineering", ["assistant", "intermediate"]),
            ("skill", "weaver", ["grade3", "grade2"]),
        ],
    ),
    (
        "electronics",
        ["微电子", "光电科技", "智能科技"],
        [("title", "engineering", ["assistant", "intermediate", "deputy_senior"])],
    ),
    (
        "intelligent_equipment",
        ["机械", "精密制造", "装备制造"],
        [
            ("title", "engineering", ["assistant", "intermediate"]),
            ("skill", "machinist", ["grade3", "grade2"]),
        ],
    ),
    (
        "construction",
        ["建设集团", "建工", "建筑安装"],
        [("title", "engineering", ["assistant", "intermediate", "deputy_senior"])],
    ),
    (
        "new_materials",
        ["化工", "新材料", "精细化工"],
        [
            ("title", "engineering", ["assistant", "intermediate"]),
            ("skill", "electrician", ["grade3", "grade2"]),
        ],
    ),
]
PLACES = ["崇川", "通州", "海门", "启东", "如皋", "如东", "海安", "港闸", "开发区", "通州湾"]

# A later part of the demo (review rounds, filings and an audit), run after the base.
DemoStep = Callable[[Session, Settings, random.Random], None]


def demo_credit_code(n: int) -> str:
    body = f"91320600{n:09d}"
    return body + credit_code_check_char(body)


def load_demo(
    session: Session, settings: Settings, *, steps: Sequence[DemoStep], seed: int = 2026
) -> bool:
    """Load the base and then ``steps``; False when the database already has enterprises."""
    if session.exec(select(Enterprise.id).limit(1)).first() is not None:
        return False
    rng = random.Random(seed)
    password_hash = hash_password(DEMO_PASSWORD)  # one hash: every demo account shares it
    regulator = User(
        username="regulator",
        display_name="南通市人社局 监管员",
        role="regulator",
        password_hash=password_hash,
    )
    session.add(regulator)
    _load_pool(session, password_hash, rng)
    for n in range(1, ENTERPRISE_COUNT + 1):
        cluster, stems, scopes = CLUSTERS[(n - 1) % len(CLUSTERS)]
        name = (
            f"南通{rng.choice(PLACES)}{rng.choice(stems)}{'有限公司' if n % 3 else '股份有限公司'}"
        )
        enterprise = Enterprise(
            name=f"{name}（{n:03d}）", credit_code=demo_credit_code(n), industry_cluster=cluster
        )
        session.add(enterprise)
        session.flush()
        for track, series, levels in scopes:
            session.add(
                Authorization(
                    enterprise_id=enterprise.id or 0,
                    track=track,
                    series=series,
                    levels=levels,
                    valid_from=date(2025, 1, 1),
                    valid_to=date(2027, 12, 31),
                )
            )
        session.add(
            User(
                username=f"admin{n:03d}",
                display_name=f"{name}人事处",
                role="enterprise_admin",
                enterprise_id=enterprise.id,
                password_hash=password_hash,
            )
        )
    session.flush()
    _load_standards(session)
    for step in steps:
        step(session, settings, rng)
    record(
        session,
        actor=None,
        action="demo.load",
        object_type="demo",
        object_id=str(seed),
        detail={"enterprises": ENTERPRISE_COUNT},
    )
    return True


# The city's expert pool (专家库): POOL_PER_CLUSTER experts for each cluster, so that panels
# can be drawn at random (specialties of the cluster, title and skill experts, terms of three
# years, a few suspended).
POOL_PER_CLUSTER = 30
SPECIALTIES = {
    "shipbuilding_offshore": ["船舶与海洋工程", "焊接工艺"],
    "high_end_textile": ["纺织工程", "化纤工艺"],
    "electronics": ["电子信息", "微电子"],
    "intelligent_equipment": ["机械工程", "自动化"],
    "construction": ["土木工程", "建筑施工"],
    "new_materials": ["化学工程", "材料工程"],
}
POOL_ORGANISATIONS = ["南通大学", "南通职业大学", "江苏工程职业技术学院", "南通理工学院"]


def _load_pool(session: Session, password_hash: str, rng: random.Random) -> None:
    users = []
    for c, (cluster, _, _) in enumerate(CLUSTERS):
        for j in range(POOL_PER_CLUSTER):
            i = c * POOL_PER_CLUSTER + j + 1
            user = User(
                username=f"pool{i:02d}",
                display_name=f"专家库专家{i:02d}",
                role="expert",
                password_hash=password_hash,
            )
            session.add(user)
            users.append((user, cluster, i))
    session.flush()
    for user, cluster, i in users:
        skill = i % 5 == 0
        start = date(2025, 1, 1) if i % 3 else date(2024, 7, 1)
        session.add(
            ExpertProfile(
                user_id=user.id or 0,
                track="skill" if skill else "title",
                level=rng.choice(["grade1", "special_technician"])
                if skill
                else rng.choice(["deputy_senior", "senior"]),
                specialty=rng.choice(SPECIALTIES[cluster]),
                series="welder" if skill else "engineering",
                home_organisation=rng.choice(POOL_ORGANISATIONS),
                home_credit_code=demo_credit_code(900 + i % 40),
                external=True,
                term_start=start,
                term_end=start.replace(year=start.year + 3) - timedelta(days=1),
                birth_date=date(1960 + rng.randrange(25), 1 + rng.randrange(12), 1),
                cluster=cluster,
                status="suspended" if i % 37 == 0 else "active",
                status_reason="核查中（演示）" if i % 37 == 0 else None,
            )
        )


def _load_standards(session: Session) -> None:
    """The regulator's default baselines and equivalence table, and the two worked examples of
    customised standards published by the first shipbuilding and the first textile enterprise."""
    load_defaults(session, actor=None)
    for n, example in zip((1, 2), defaults.load_examples(), strict=True):
        enterprise = session.exec(
            select(Enterprise).where(Enterprise.credit_code == demo_credit_code(n))
        ).one()
        document = example.model_dump(mode="json", exclude_none=True)
        document["enterprise_credit_code"] = enterprise.credit_code
        session.add(
            StandardVersion(
                enterprise_id=enterprise.id,
                kind="standard",
                track=example.track.value,
                series=example.series,
                specialty=example.specialty,
                level=example.level,
                lineage=lineage_of(enterprise.id, example),
                version=1,
                status="published",
                name=example.name,
                document=document,
                published_at=utcnow(),
            )
        )
