"""The one visibility policy: which rows of each kind a principal may see.

``resolve_scope`` builds a ``TenantScope`` once per request; every service asks it, for every
query, which sessions, applications, sheets, conflicts, objections, standard versions, cases and
events the principal may read. A row outside it is reported exactly like a row that does not
exist (404), so its existence never leaks. Role branches live here and nowhere else on the read
paths.

Enterprise ownership comes first (every enterprise-owned row carries ``enterprise_id``); the
workflow narrows it: an expert sees the sessions they sit on and never an application they are
recused from; an applicant sees their own applications and no draft session; others' score
sheets show only once scoring is over (or, to an expert, once their own sheet is in); the
regulator's supervision work (runs, flags, grades, cases) is the regulator's alone. An event is
visible only if its subject is, in the state the subject is in now."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import String, and_, cast, false, or_, true
from sqlmodel import Session, SQLModel, col, select

from review_service.auth.principal import Principal, Role
from review_service.errors import NotFound

T = TypeVar("T", bound=SQLModel)

# Session states in which scoring is over: the panel's sheets may be shown (DESIGN §5).
SCORING_OVER = frozenset({"voting", "decided", "public_notice", "finalized", "filed"})

# The regulator's own supervision work: nobody else reads these rows or their events.
SUPERVISION_KINDS = frozenset(
    {"audit_run", "audit_flag", "quality_grade", "supervision_case", "case_note"}
)
# Kinds of rows an enterprise administrator reads in their own enterprise's part of the log.
# A kind missing here stays hidden from them (fail closed when a new kind is logged).
ENTERPRISE_LOG_KINDS = frozenset(
    {
        "user_account",
        "expert_profile",
        "person_relation",
        "refresh_token_family",
        "enterprise",
        "authorization",
        "review_session",
        "panel_member",
        "application",
        "conflict",
        "score",
        "decision",
        "public_notice",
        "objection",
        "standard_version",
        "supervision_measure",
        "filing",
        "review_body_credential",
    }
)


@dataclass(frozen=True, eq=False)
class TenantScope:
    """``enterprise_ids`` None means every enterprise (the regulator's city-wide view).

    For an expert, ``seats`` maps each review session they sit on to their panel seat and
    ``recused`` holds the applications they have a confirmed conflict on."""

    principal: Principal
    enterprise_ids: frozenset[int] | None
    seats: Mapping[int, int] = field(default_factory=dict)
    recused: frozenset[int] = frozenset()

    @property
    def everything(self) -> bool:
        return self.enterprise_ids is None

    @property
    def role(self) -> Role:
        return self.principal.role

    # -- enterprises -------------------------------------------------------------------------

    def allows(self, enterprise_id: int | None) -> bool:
        if self.enterprise_ids is None:
            return True
        return enterprise_id is not None and enterprise_id in self.enterprise_ids

    def where(self, column: Any) -> Any:
        """A SQL condition restricting ``column`` (an ``enterprise_id`` column) to the scope."""
        if self.enterprise_ids is None:
            return true()
        return column.in_(sorted(self.enterprise_ids))

    def get(self, session: Session, model: type[T], object_id: int, what: tuple[str, str]) -> T:
        """Load one enterprise-owned row, or 404 when it is missing or foreign."""
        row = session.get(model, object_id)
        if row is None or not self.allows(getattr(row, "enterprise_id", None)):
            raise NotFound(what[0], what[1], object_id)
        return row

    def require(self, enterprise_id: int | None, what: tuple[str, str], object_id: object) -> None:
        if not self.allows(enterprise_id):
            raise NotFound(what[0], what[1], object_id)

    # -- review sessions ---------------------------------------------------------------------

    def seat(self, session_id: int | None) -> int | None:
        """The expert's panel seat (panel member id) in this session, if they sit on it."""
        return self.seats.get(session_id or 0)

    def sees_session(self, rs: Any) -> bool:
        if not self.allows(rs.enterprise_id):
            return False
        if self.role is Role.expert:
            return self.seat(rs.id) is not None
        if self.role is Role.applicant:
            return rs.status != "draft"
        return True

    def sessions_where(self) -> Any:
        from review_service.reviews.models import ReviewSession

        conds: list[Any] = [self.where(ReviewSession.enterprise_id)]
        if self.role is Role.expert:
            conds.append(col(ReviewSession.id).in_(sorted(self.seats)))
        if self.role is Role.applicant:
            conds.append(ReviewSession.status != "draft")
        return and_(*conds)

    # -- applications ------------------------------------------------------------------------

    def sees_application(self, application: Any) -> bool:
        if not self.allows(application.enterprise_id):
            return False
        if self.role is Role.applicant:
            return application.applicant_user_id == self.principal.user_id
        if self.role is Role.expert:
            return self.seat(application.session_id) is not None and (
                application.id not in self.recused
            )
        return True

    def applications_where(self) -> Any:
        from review_service.reviews.models import Application

        conds: list[Any] = [self.where(Application.enterprise_id)]
        if self.role is Role.applicant:
            conds.append(Application.applicant_user_id == self.principal.user_id)
        if self.role is Role.expert:
            conds.append(col(Application.session_id).in_(sorted(self.seats)))
            if self.recused:
                conds.append(col(Application.id).not_in(sorted(self.recused)))
        return and_(*conds)

    # -- score sheets ------------------------------------------------------------------------

    def sees_others_sheets(self, session_status: str, mine: Any | None) -> bool:
        """Whether the panel's submitted sheets show: to an expert once their own sheet is in
        (they may not copy), to everyone else once scoring is over."""
        if self.role is Role.expert:
            return mine is not None and mine.submitted_at is not None
        return session_status in SCORING_OVER

    def visible_sheet_ids(self) -> Any:
        """Ids (as strings, the log's ``object_id``) of score sheets this principal may read:
        their own; others' submitted sheets under the rule of ``sees_others_sheets``."""
        from review_service.reviews.models import ReviewSession, Score

        others = and_(
            col(Score.submitted_at).is_not(None),
            col(ReviewSession.status).in_(sorted(SCORING_OVER)),
            self.where(Score.enterprise_id),
        )
        if self.role is Role.expert:
            mine = col(Score.panel_member_id).in_(sorted(self.seats.values()))
            # An expert's sheet being submitted opens the others' on that application.
            own_submitted = (
                select(Score.application_id)
                .where(mine, col(Score.submitted_at).is_not(None))
                .scalar_subquery()
            )
            others = and_(
                col(Score.submitted_at).is_not(None),
                col(Score.application_id).in_(own_submitted),
                col(Score.application_id).not_in(sorted(self.recused)),
            )
            visible = or_(mine, others)
        else:
            visible = others
        return (
            select(cast(Score.id, String))
            .join(ReviewSession, col(ReviewSession.id) == Score.session_id)
            .where(visible)
        )

    # -- conflicts and objections ------------------------------------------------------------

    def conflicts_where(self) -> Any:
        from review_service.reviews.models import Conflict

        if self.role is Role.expert:
            return col(Conflict.panel_member_id).in_(sorted(self.seats.values()))
        if self.role is Role.applicant:
            return Conflict.declared_by == self.principal.user_id
        return self.where(Conflict.enterprise_id)

    def objections_where(self) -> Any:
        from review_service.reviews.models import Objection

        if self.role in (Role.expert, Role.applicant):
            return Objection.raised_by == self.principal.user_id
        return self.where(Objection.enterprise_id)

    # -- standard versions -------------------------------------------------------------------

    def sees_standard_version(self, row: Any) -> bool:
        if row.kind == "baseline":
            return self.everything or row.status != "draft"
        if not self.allows(row.enterprise_id):
            return False
        # Drafts are HR's working copies: experts and applicants see published versions only.
        return row.status != "draft" or self.role in (Role.regulator, Role.enterprise_admin)

    def standard_versions_where(self, kind: str) -> Any:
        from review_service.standard_versions.models import StandardVersion

        conds: list[Any] = [StandardVersion.kind == kind]
        if kind != "baseline":
            conds.append(self.where(StandardVersion.enterprise_id))
        if not self.everything and (kind == "baseline" or self.role is not Role.enterprise_admin):
            conds.append(StandardVersion.status != "draft")
        return and_(*conds)

    # -- experts and their relations ---------------------------------------------------------

    def experts_where(self) -> Any:
        """Experts (user rows) whose pool entry and history this principal may read: the
        regulator every one; an enterprise its own internal experts and the pool experts who
        sat on its panels; an expert themselves."""
        from review_service.accounts.models import User
        from review_service.reviews.models import PanelMember

        if self.everything:
            return true()
        if self.role is Role.enterprise_admin:
            sat_here = select(PanelMember.user_id).where(self.where(PanelMember.enterprise_id))
            return or_(
                self.where(User.enterprise_id),
                and_(col(User.enterprise_id).is_(None), col(User.id).in_(sat_here)),
            )
        return col(User.id) == self.principal.user_id

    def relations_where(self) -> Any:
        """Recorded relations: the regulator all; HR those its enterprise recorded; an expert
        those about themselves or that they declared. Applicants see none."""
        from review_service.experts.models import PersonRelation

        if self.everything:
            return true()
        if self.role is Role.enterprise_admin:
            return self.where(PersonRelation.enterprise_id)
        if self.role is Role.expert:
            return or_(
                col(PersonRelation.expert_user_id) == self.principal.user_id,
                col(PersonRelation.recorded_by) == self.principal.user_id,
            )
        return false()

    # -- supervision -------------------------------------------------------------------------

    @property
    def sees_supervision(self) -> bool:
        return self.role is Role.regulator

    def require_supervision(self, what: tuple[str, str], object_id: object) -> None:
        """Runs, flags, grades and cases are the regulator's; to anyone else they do not exist."""
        if not self.sees_supervision:
            raise NotFound(what[0], what[1], object_id)

    # -- the event log -----------------------------------------------------------------------

    def events_where(self) -> Any:
        """Events whose subject this principal may see now. Score events follow their sheet,
        so a sheet's values never reach the log's readers before the sheet itself would."""
        from review_service.events.models import Event

        if self.role not in (Role.regulator, Role.enterprise_admin):
            return false()
        conds: list[Any] = [self.where(Event.enterprise_id)]
        if not self.sees_supervision:
            conds.append(col(Event.object_type).in_(sorted(ENTERPRISE_LOG_KINDS)))
        conds.append(
            or_(
                col(Event.object_type) != "score",
                col(Event.object_id).in_(self.visible_sheet_ids()),
            )
        )
        return and_(*conds)


def resolve_scope(session: Session, principal: Principal) -> TenantScope:
    if principal.role is not Role.expert:
        return scope_from_seats(principal, [])
    from review_service.reviews.models import PanelMember

    stmt: Any = select(*_seat_columns())
    rows = session.exec(
        _with_seats(stmt.select_from(PanelMember)).where(PanelMember.user_id == principal.user_id)
    ).all()
    return scope_from_seats(principal, [tuple(r) for r in rows])


@dataclass(frozen=True)
class Account:
    """What authentication needs of a user row."""

    user_id: int
    username: str
    role: str
    enterprise_id: int | None
    is_active: bool
    token_version: int


# (review session id, panel member id, enterprise id, application recused from or None)
Seat = tuple[int, int, int, int | None]


def load_account(session: Session, user_id: int) -> tuple[Account, list[Seat]] | None:
    """The user (None when missing) and, for an expert, their seats and recusals, in one
    statement: authentication and tenancy together cost a request one round trip."""
    from review_service.accounts.models import User
    from review_service.reviews.models import PanelMember

    stmt: Any = select(  # type: ignore[call-overload]
        User.id,
        User.username,
        User.role,
        User.enterprise_id,
        User.is_active,
        User.token_version,
        *_seat_columns(),
    )
    rows = session.exec(
        _with_seats(
            stmt.select_from(User).outerjoin(PanelMember, col(PanelMember.user_id) == User.id)
        ).where(col(User.id) == user_id)
    ).all()
    if not rows:
        return None
    account = Account(*rows[0][:6])
    if account.role != Role.expert:
        return account, []
    return account, [tuple(r[6:]) for r in rows if r[7] is not None]


def _seat_columns() -> tuple[Any, ...]:
    from review_service.reviews.models import Conflict, PanelMember

    return (
        PanelMember.session_id,
        PanelMember.id,
        PanelMember.enterprise_id,
        Conflict.application_id,
    )


def _with_seats(stmt: Any) -> Any:
    """Join each seat's confirmed conflicts (the applications its expert is recused from)."""
    from review_service.reviews.models import Conflict, PanelMember

    return stmt.outerjoin(
        Conflict,
        and_(
            col(Conflict.panel_member_id) == PanelMember.id,
            col(Conflict.status) == "confirmed",
        ),
    )


def scope_from_seats(principal: Principal, seats: list[Seat]) -> TenantScope:
    """The principal's scope; an expert (in-house or from the city's pool) sees the panels
    they sit on (``seats``), minus the applications they are recused from."""
    if principal.role is Role.regulator:
        return TenantScope(principal, None)
    ids: set[int] = set()
    if principal.enterprise_id is not None:
        ids.add(principal.enterprise_id)
    if principal.role is not Role.expert:
        return TenantScope(principal, frozenset(ids))
    return TenantScope(
        principal,
        frozenset(ids | {enterprise for _, _, enterprise, _ in seats}),
        seats={session_id: member for session_id, member, _, _ in seats},
        recused=frozenset(app for _, _, _, app in seats if app is not None),
    )


def scoped_select(model: type[T], scope: TenantScope) -> Any:
    return select(model).where(scope.where(model.enterprise_id))  # type: ignore[attr-defined]
