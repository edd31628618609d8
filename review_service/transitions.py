"""The one guarded state mover shared by every stateful object (sessions, sheets, objections,
conflicts, standards, cases, measures, refresh tokens, the login throttle).

A move takes the row with ``SELECT … FOR UPDATE`` (re-read, so a request that waited for the
lock sees the state the winner left), checks the move against the allowed moves (and the
client's version, where it sent one), changes the row, flushes and records the event in the
same transaction. Of concurrent requests for the same move exactly one wins; every loser is
refused with 409 naming the current state. On SQLite every writing transaction already holds
the database's single write lock (``BEGIN IMMEDIATE``, see db.py), so the lock clause is
simply not rendered there."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from sqlalchemy.dialects.postgresql import insert as postgres_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, SQLModel, select

from review_service.auth.principal import Principal
from review_service.errors import InvalidState
from review_service.events.service import record, snapshot

T = TypeVar("T", bound=SQLModel)


def lock(session: Session, row: T, *, shared: bool = False) -> T:
    """``row`` again, read with a row lock (``FOR UPDATE``; ``FOR SHARE`` when ``shared``:
    many readers that must not see the row move meanwhile) and its attributes refreshed."""
    return lock_by_key(session, type(row), _key(row), shared=shared) or row


def lock_by_key(
    session: Session, model: type[T], key: Any, *, shared: bool = False, column: str = "id"
) -> T | None:
    stmt = (
        select(model)
        .where(getattr(model, column) == key)
        .with_for_update(read=shared)
        .execution_options(populate_existing=True)
    )
    return session.exec(stmt).first()


def lock_or_create(session: Session, model: type[T], key: str, *, column: str, **values: Any) -> T:
    """The row keyed ``key``, created with ``values`` if missing, and locked (``FOR UPDATE``):
    racing requests count one after the other. The row is made with ``ON CONFLICT DO
    NOTHING``, so racing first requests never fail on each other's insert (the login throttle
    and the public rate limit both count this way, across any number of workers)."""
    row = lock_by_key(session, model, key, column=column)
    if row is not None:
        return row
    dialect = session.get_bind().dialect.name
    insert = postgres_insert if dialect == "postgresql" else sqlite_insert
    session.execute(
        insert(model)
        .values({column: key, **values})
        .on_conflict_do_nothing(index_elements=[column])
    )
    row = lock_by_key(session, model, key, column=column)
    assert row is not None
    return row


def _key(row: SQLModel) -> Any:
    mapper = row.__mapper__  # type: ignore[attr-defined]
    (column,) = mapper.primary_key
    return getattr(row, column.key)


def check_transition(
    *,
    what: tuple[str, str],
    current: str,
    target: str,
    allowed: Mapping[str, frozenset[str]],
    expected_version: int | None = None,
    version: int | None = None,
    code: str | None = None,
) -> None:
    """Refuse an impossible move (409 with the current state and the states reachable from
    it) or one made against a version the client no longer holds."""
    nexts = sorted(allowed.get(current, frozenset()))
    if target not in nexts:
        raise InvalidState(
            f"{what[0]}当前状态为“{current}”，不能变更为“{target}”"
            + (f"；可变更为：{'、'.join(nexts)}" if nexts else "；该状态不可再变更"),
            f"{what[1]} is '{current}' and cannot become '{target}'"
            + (f"; allowed next: {', '.join(nexts)}" if nexts else "; it is final"),
            code=code or "invalid_transition",
            extra={"current_state": current, "allowed_next": nexts},
        )
    if expected_version is not None and version is not None and expected_version != version:
        raise InvalidState(
            f"{what[0]}已被他人修改（当前版本{version}），请刷新后重试",
            f"{what[1]} was changed meanwhile (now version {version}); reload and retry",
            code="stale_version",
            extra={"current_state": current, "current_version": version},
        )


def move(
    session: Session,
    row: T,
    *,
    what: tuple[str, str],
    target: str,
    allowed: Mapping[str, frozenset[str]],
    actor: Principal | None,
    action: str,
    field: str = "status",
    expected_version: int | None = None,
    change: Callable[[T], None] | None = None,
    guard: Callable[[T], None] | None = None,
    detail: dict[str, Any] | None = None,
    refused_code: str | None = None,
) -> T:
    """Move ``row`` to ``target`` under its row lock and record ``action``.

    ``guard`` runs on the locked row before anything changes (what else the move requires);
    ``change`` sets the other fields of the move. Returns the locked, moved row (the same
    object as ``row`` when it was already in the session)."""
    locked = lock(session, row)
    check_transition(
        what=what,
        current=str(getattr(locked, field)),
        target=target,
        allowed=allowed,
        expected_version=expected_version,
        version=getattr(locked, "version", None),
        code=refused_code,
    )
    if guard is not None:
        guard(locked)
    before = snapshot(locked)
    setattr(locked, field, target)
    if change is not None:
        change(locked)
    session.add(locked)
    # Flush now: any side effect the caller adds comes after the move itself.
    session.flush()
    record(session, actor=actor, action=action, subject=locked, before=before, detail=detail)
    return locked
