"""The base of the demo data: the 141 authorised enterprises of Nantong, their people and
standards. Every account's password is ``DEMO_PASSWORD``."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from datetime import date

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
    for i in range(1, 13):
        session.add(
            User(
                username=f"pool{i:02d}",
                display_name=f"专家库专家{i:02d}",
                role="expert",
                password_hash=password_hash,
            )
        )
    session.flush()
    for pool in session.exec(select(User).where(User.username.like("pool%"))).all():  # type: ignore[attr-defined]
        session.add(
            ExpertProfile(
                user_id=pool.id or 0,
                track="title",
                level=rng.choice(["deputy_senior", "senior"]),
                specialty=rng.choice(["机械工程", "焊接工艺", "纺织工程", "电气工程"]),
                home_organisation=rng.choice(["南通大学", "南通职业大学", "江苏工程职业技术学院"]),
                external=True,
            )
        )
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
