"""The tamper-evident event log.

Services call ``record`` for every write; the request's session dependency calls ``seal``
just before it commits, which chains the pending events onto the log under a lock so two
transactions never fork the chain. A write without an event is a bug and fails the request.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import event as sa_event
from sqlalchemy import text
from sqlmodel import Session, SQLModel, col, select

from review_service.auth.principal import Principal
from review_service.db import utcnow
from review_service.events.models import Event

GENESIS_HASH = "0" * 64
# Fields whose values never enter an event's readable detail (digests still cover them).
REDACTED_FIELDS = frozenset({"password_hash", "token_digest", "person_key", "secret_digest"})
_PG_CHAIN_LOCK = 7_262_341  # advisory lock id reserved for appending to the chain


@dataclass
class _Pending:
    actor: Principal | None
    action: str
    object_type: str
    object_id: str | None
    subject: SQLModel | None
    enterprise_id: int | None
    before: dict[str, Any] | None
    detail: dict[str, Any]
    deleted: bool


def canonical_json(value: Any) -> str:
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_json_default
    )


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, set | frozenset):
        return sorted(value)
    return str(value)


def digest(value: Any) -> str:
    return hashlib.sha256(canonical_json(value).encode()).hexdigest()


def snapshot(obj: SQLModel) -> dict[str, Any]:
    """The state of a row as the log sees it: plain JSON values."""
    return json.loads(canonical_json(obj.model_dump()))


def record(
    session: Session,
    *,
    actor: Principal | None,
    action: str,
    subject: SQLModel | None = None,
    object_type: str | None = None,
    object_id: object = None,
    enterprise_id: int | None = None,
    before: dict[str, Any] | None = None,
    detail: dict[str, Any] | None = None,
    deleted: bool = False,
) -> None:
    """Queue an event for this transaction. ``subject`` is read again at seal time, so its
    generated id and final state are what the log keeps; pass ``before=snapshot(obj)`` taken
    before changing an existing row."""
    if subject is not None and object_type is None:
        object_type = getattr(subject, "__tablename__", type(subject).__name__)
    if enterprise_id is None and subject is not None:
        enterprise_id = getattr(subject, "enterprise_id", None)
    session.info.setdefault("pending_events", []).append(
        _Pending(
            actor=actor,
            action=action,
            object_type=object_type or "none",
            object_id=None if object_id is None else str(object_id),
            subject=subject,
            enterprise_id=enterprise_id
            if enterprise_id is not None
            else (actor.enterprise_id if actor else None),
            before=before,
            detail=detail or {},
            deleted=deleted,
        )
    )


def seal(session: Session) -> list[Event]:
    """Append the transaction's pending events to the chain. Call right before commit."""
    pending: list[_Pending] = session.info.pop("pending_events", [])
    session.flush()
    writes = session.info.pop("writes", 0)
    if writes and not pending:
        raise RuntimeError("a write reached commit without an event being recorded")
    if not pending:
        return []
    _lock_chain(session)
    last = session.exec(select(Event).order_by(col(Event.seq).desc()).limit(1)).first()
    seq, prev = (last.seq, last.hash) if last else (0, GENESIS_HASH)
    now = utcnow()
    sealed = []
    for item in pending:
        after = None if item.deleted or item.subject is None else snapshot(item.subject)
        object_id = item.object_id
        if object_id is None and item.subject is not None:
            object_id = str(getattr(item.subject, "id", None))
        detail = dict(item.detail)
        changes = _changes(item.before, after)
        if changes:
            detail["changes"] = changes
        seq += 1
        row = Event(
            seq=seq,
            occurred_at=now,
            actor_id=item.actor.user_id if item.actor else None,
            actor_role=str(item.actor.role) if item.actor else None,
            enterprise_id=item.enterprise_id,
            action=item.action,
            object_type=item.object_type,
            object_id=object_id,
            before_digest=digest(item.before) if item.before is not None else None,
            after_digest=digest(after) if after is not None else None,
            detail=json.loads(canonical_json(detail)),
            prev_hash=prev,
            hash="",
        )
        row.hash = chain_hash(row)
        prev = row.hash
        session.add(row)
        sealed.append(row)
    session.flush()
    return sealed


def _changes(before: dict[str, Any] | None, after: dict[str, Any] | None) -> dict[str, Any]:
    """New values of the fields that changed (the HotCRP action-log habit), secrets withheld."""
    if after is None:
        return {}
    before = before or {}
    return {
        key: ("[redacted]" if key in REDACTED_FIELDS else value)
        for key, value in after.items()
        if before.get(key) != value and key not in ("updated_at",)
    }


def chain_hash(row: Event) -> str:
    payload = {
        "seq": row.seq,
        "occurred_at": row.occurred_at.isoformat(timespec="microseconds"),
        "actor_id": row.actor_id,
        "actor_role": row.actor_role,
        "enterprise_id": row.enterprise_id,
        "action": row.action,
        "object_type": row.object_type,
        "object_id": row.object_id,
        "before_digest": row.before_digest,
        "after_digest": row.after_digest,
        "detail": row.detail,
        "prev_hash": row.prev_hash,
    }
    return hashlib.sha256(canonical_json(payload).encode()).hexdigest()


def _lock_chain(session: Session) -> None:
    # SQLite transactions already hold the single write lock (BEGIN IMMEDIATE, see db.py).
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_CHAIN_LOCK})


@dataclass(frozen=True)
class ChainReport:
    checked: int
    first_broken_seq: int | None = None
    first_broken_id: int | None = None
    problem: str | None = None

    @property
    def intact(self) -> bool:
        return self.first_broken_seq is None


def verify_chain(session: Session, *, batch: int = 5000) -> ChainReport:
    """Walk the log in order and name the first row whose hash or link does not hold."""
    prev_hash, prev_seq, checked = GENESIS_HASH, 0, 0
    for row in _rows_in_order(session, batch):
        if row.seq != prev_seq + 1:
            return ChainReport(
                checked,
                row.seq,
                row.id,
                f"sequence gap: expected {prev_seq + 1}, found {row.seq} (rows deleted)",
            )
        if row.prev_hash != prev_hash:
            return ChainReport(
                checked,
                row.seq,
                row.id,
                "link to the previous row does not match (a row was deleted or replaced)",
            )
        if chain_hash(row) != row.hash:
            return ChainReport(
                checked, row.seq, row.id, "row content does not match its hash (the row was edited)"
            )
        prev_hash, prev_seq = row.hash, row.seq
        checked += 1
    return ChainReport(checked)


def _rows_in_order(session: Session, batch: int) -> Iterator[Event]:
    after = 0
    while True:
        rows = session.exec(
            select(Event).where(Event.seq > after).order_by(col(Event.seq)).limit(batch)
        ).all()
        if not rows:
            return
        yield from rows
        after = rows[-1].seq
        session.expunge_all()


def track_writes(session_class: type[Session]) -> None:
    """Count flushed writes other than events, so ``seal`` can refuse a silent write."""

    @sa_event.listens_for(session_class, "before_flush")
    def _count(session: Session, *_: Any) -> None:
        n = sum(1 for obj in (*session.new, *session.deleted) if not isinstance(obj, Event))
        n += sum(
            1
            for obj in session.dirty
            if not isinstance(obj, Event) and session.is_modified(obj, include_collections=False)
        )
        if n:
            session.info["writes"] = session.info.get("writes", 0) + n
