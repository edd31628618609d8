"""Demo review rounds: the first shipbuilding enterprise runs four sessions on its published
marine-welding engineer standard, one in each of draft, open (intake with an ineligible
application; the panel drawn at random from the pool, verifiably, one drawn expert declined and
a reserve called in, an expert related to an applicant left out), reviewing (half scored) and
public notice (decided, one objection pending).

Built through the services, so every row has its event, exactly as HR and experts would."""

from __future__ import annotations

import random
from datetime import date

from sqlmodel import Session, select

from review_service.accounts.models import ExpertProfile, User
from review_service.auth.principal import Principal, Role
from review_service.config import Settings
from review_service.demo.base import demo_credit_code
from review_service.enterprises.models import Enterprise
from review_service.experts import relations
from review_service.experts.schemas import RelationCreate, RelationKind
from review_service.reviews import (
    applications,
    conflicts,
    draw,
    notice,
    panels,
    scoring,
    sessions,
    voting,
)
from review_service.reviews.models import Application
from review_service.reviews.schemas import (
    ApplicationCreate,
    ConflictResolution,
    ConflictStatus,
    MemberRole,
    ObjectionCreate,
    PanelDrawCreate,
    PanelMemberCreate,
    PanelResponse,
    ReviewSessionCreate,
    ScoreSheetIn,
    TransitionTarget,
    VoteChoice,
    VoteIn,
)
from review_service.reviews.state import conflicted_member_ids, member_for
from review_service.standard_versions.models import StandardVersion
from review_service.tenancy import TenantScope, resolve_scope
from review_service.working_days import service as working_days
from standards import identifiers
from standards.document import Standard
from standards.facts import ApplicantFacts
from standards.identifiers import resident_id_check_char

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ["建国", "海峰", "志强", "晓东", "立新", "春燕", "文杰", "国平", "红梅", "永刚"]
DEPARTMENTS = ["船体车间", "舾装车间", "涂装车间", "焊接工艺室", "质量部", "设计所"]


def _people(
    session: Session, rng: random.Random, enterprise: Enterprise, role: str, n: int, tag: str
) -> list[User]:
    template = session.exec(select(User).where(User.enterprise_id == enterprise.id)).first()
    assert template is not None
    out = []
    for i in range(n):
        user = User(
            username=f"{tag}{enterprise.id:03d}_{i + 1:02d}",
            display_name=rng.choice(SURNAMES) + rng.choice(GIVEN),
            role=role,
            enterprise_id=enterprise.id,
            password_hash=template.password_hash,
            department=rng.choice(DEPARTMENTS),
        )
        session.add(user)
        out.append(user)
    session.flush()
    if role == Role.expert.value:
        for user in out:
            session.add(
                ExpertProfile(
                    user_id=user.id or 0,
                    track="title",
                    level=rng.choice(["deputy_senior", "senior"]),
                    specialty="船舶焊接",
                    home_organisation=enterprise.name,
                    cluster=enterprise.industry_cluster,
                )
            )
        session.flush()
    return out


def _facts(today: date, *, years: int) -> ApplicantFacts:
    last = [today.year - 2, today.year - 1]
    return ApplicantFacts.model_validate(
        {
            "as_of": today.isoformat(),
            "education": "bachelor",
            "qualifications": [
                {
                    "track": "title",
                    "series": "engineering",
                    "specialty": "marine_welding",
                    "level": "assistant",
                    "obtained_on": date(today.year - years, 7, 1).isoformat(),
                }
            ],
            "years_in_occupation": years + 3,
            "appraisals": [{"year": y, "passed": True} for y in last],
            "continuing_education_hours": {y: 96 for y in last},
        }
    )


def _resident_id(rng: random.Random) -> str:
    body = f"320602{rng.randint(1975, 1995)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    body += f"{rng.randint(0, 999):03d}"
    return body + resident_id_check_char(body)


def review_rounds(session: Session, settings: Settings, rng: random.Random) -> None:
    enterprise = session.exec(
        select(Enterprise).where(Enterprise.credit_code == demo_credit_code(1))
    ).one()
    standard_row = session.exec(
        select(StandardVersion).where(
            StandardVersion.enterprise_id == enterprise.id, StandardVersion.kind == "standard"
        )
    ).first()
    if standard_row is None:
        return
    standard = Standard.model_validate(standard_row.document)
    # Inside the demo authorisations (2025–2027), so the rounds open whenever the demo loads.
    today = min(max(date.today(), date(2025, 3, 1)), date(2027, 12, 1))
    admin = session.exec(
        select(User).where(User.enterprise_id == enterprise.id, User.role == "enterprise_admin")
    ).one()
    ids = frozenset({enterprise.id or 0})
    hr = TenantScope(
        Principal(admin.id or 0, admin.username, Role.enterprise_admin, enterprise.id), ids
    )
    experts = _people(session, rng, enterprise, Role.expert.value, 7, "expert")
    pool = session.exec(select(User).where(User.username.in_(["pool01", "pool02"]))).all()  # type: ignore[attr-defined]
    applicants = iter(_people(session, rng, enterprise, Role.applicant.value, 12, "applicant"))

    def scope_of(user: User) -> TenantScope:
        # Resolved when the person acts, so an expert's panel seats are already in it.
        return resolve_scope(
            session, Principal(user.id or 0, user.username, Role(user.role), user.enterprise_id)
        )

    def new_round(name: str) -> int:
        rs = sessions.create(
            session,
            scope=hr,
            data=ReviewSessionCreate(
                name=name, standard_version_id=standard_row.id or 0, period=str(today.year)
            ),
        )
        return rs.id or 0

    def seat_and_open(
        sid: int, n_apps: int, ineligible: int = 0, hand_pick: bool = True
    ) -> list[int]:
        for i, user in enumerate([*experts, *pool] if hand_pick else []):
            role = MemberRole.chair if i == 0 else MemberRole.member
            panels.add_member(
                session,
                scope=hr,
                session_id=sid,
                data=PanelMemberCreate(user_id=user.id or 0, role=role, reason="演示：按专业指定"),
            )
        move(sid, TransitionTarget.open)
        out = []
        for i in range(n_apps):
            person = next(applicants)
            rid = _resident_id(rng)
            resident_ids[person.id or 0] = rid
            app = applications.submit(
                session,
                scope=hr,
                session_id=sid,
                data=ApplicationCreate(
                    applicant_user_id=person.id,
                    name=person.display_name,
                    resident_id=rid,
                    track=standard.track,
                    series=standard.series,
                    level=standard.level,
                    facts=_facts(today, years=3 if i < ineligible else rng.randint(6, 9)),
                ),
                settings=settings,
                today=today,
            )
            out.append(app.id or 0)
        return out

    resident_ids: dict[int, str] = {}

    def draw_panel(sid: int, apps: list[int]) -> None:
        """A panel drawn from the city's pool and the enterprise's own experts: HR records
        that one pool expert is an applicant's relative (so the draw leaves them out), fixes
        the seed, draws; the first drawn expert declines (a reserve is called in), the others
        confirm, so the regulator can verify the draw and follow the answers."""
        related = session.exec(select(User).where(User.username == "pool03")).one()
        related_rid = _resident_id(rng)
        related.person_key = identifiers.resident_id_digest(related_rid, settings.id_hash_key_bytes)
        related.id_mask = identifiers.mask_resident_id(related_rid)
        session.add(related)
        first = session.get(Application, apps[0])
        assert first is not None
        relations.create(
            session,
            scope=hr,
            data=RelationCreate(
                expert_user_id=related.id,
                resident_id=resident_ids[first.applicant_user_id],
                name=first.name,
                kind=RelationKind.relative,
                note="申报时本人声明（演示）",
            ),
            settings=settings,
        )
        draw.commit(session, scope=hr, session_id=sid)
        draw.draw(
            session,
            scope=hr,
            session_id=sid,
            data=PanelDrawCreate(size=standard.panel.min_size, reserves=2),
            today=today,
        )
        seated = panels.members(session, sid)
        for i, seat in enumerate(seated):
            user = session.get(User, seat.user_id)
            assert user is not None
            draw.respond(
                session,
                scope=scope_of(user),
                session_id=sid,
                data=PanelResponse(accept=i != 0, reason=None if i else "出差在外，无法参加"),
            )
        for seat in panels.members(session, sid):
            if seat.response == "pending":  # the reserve called in
                user = session.get(User, seat.user_id)
                assert user is not None
                draw.respond(
                    session, scope=scope_of(user), session_id=sid, data=PanelResponse(accept=True)
                )

    def move(sid: int, target: TransitionTarget) -> None:
        sessions.transition(
            session,
            scope=hr,
            session_id=sid,
            target=target,
            version=None,
            today=today,
            holidays=working_days.load(session, settings),
        )

    def clear_conflicts(sid: int) -> None:
        for c in conflicts.pending(session, sid):
            conflicts.resolve(
                session,
                scope=hr,
                conflict_id=c.id or 0,
                data=ConflictResolution(
                    status=ConflictStatus.confirmed, reason="同部门，按规定回避"
                ),
            )

    def recused(sid: int, app_id: int, member: User) -> bool:
        seat = member_for(session, sid, member.id or 0)
        return seat is None or seat.id in conflicted_member_ids(session, app_id)

    def score(sid: int, app_id: int, member: User, submit: bool) -> None:
        if recused(sid, app_id, member):
            return
        values = {c.code: round(c.maximum * rng.uniform(0.62, 0.95), 1) for c in standard.criteria}
        who = scope_of(member)
        scoring.save(session, scope=who, application_id=app_id, data=ScoreSheetIn(values=values))
        if submit:
            scoring.submit(session, scope=who, application_id=app_id)

    new_round(f"{today.year}年度船舶焊接工程师评审（筹备中）")

    sid = new_round(f"{today.year}年度船舶焊接工程师评审（第二批，受理中）")
    draw_panel(sid, seat_and_open(sid, 3, ineligible=1, hand_pick=False))

    sid = new_round(f"{today.year}年度船舶焊接工程师评审（第一批，评审中）")
    apps = seat_and_open(sid, 3)
    clear_conflicts(sid)
    move(sid, TransitionTarget.validating)
    move(sid, TransitionTarget.reviewing)
    for app_id in apps:
        for i, member in enumerate([*experts, *pool]):
            score(sid, app_id, member, submit=i % 3 != 0)

    sid = new_round(f"{today.year - 1}年度船舶焊接工程师评审（公示中）")
    apps = seat_and_open(sid, 4)
    clear_conflicts(sid)
    move(sid, TransitionTarget.validating)
    move(sid, TransitionTarget.reviewing)
    members = [*experts, *pool]
    for app_id in apps:
        for member in members:
            score(sid, app_id, member, submit=True)
    move(sid, TransitionTarget.voting)
    for app_id in apps:
        for member in members:
            if not recused(sid, app_id, member):
                choice = rng.choices(list(VoteChoice), weights=[8, 1, 1])[0]
                voting.cast(
                    session,
                    scope=scope_of(member),
                    application_id=app_id,
                    data=VoteIn(choice=choice),
                )
    move(sid, TransitionTarget.decided)
    move(sid, TransitionTarget.public_notice)
    listed = [
        e["application_id"]
        for e in notice.view(session, scope=hr, session_id=sid, today=today).model_dump()["entries"]
    ]
    if listed:
        objector = next(applicants)
        notice.raise_objection(
            session,
            scope=scope_of(objector),
            session_id=sid,
            data=ObjectionCreate(
                application_id=listed[0], reason="该同志申报的项目业绩与实际分工不符，请核实"
            ),
            today=today,
        )
