"""The tamper-evident event log.

Services call ``record`` for every write; the request's session dependency calls ``seal``
just before it commits, which chains the pending events onto their chains (one per
enterprise, one for the city) under a per-chain lock so two transactions never fork a chain.
A write without an event is a bug and fails the request.

Entries are keyed (HMAC-SHA256 with ``event_log_key``), so whoever can write to the database
but does not hold the key cannot recompute a chain after editing it; signed checkpoints
(count and head hash of every chain, Ed25519) exported and held elsewhere reveal truncation
and a rewrite by someone who does hold the key. The pattern is Certificate Transparency's.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import weakref
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from sqlalchemy import event as sa_event
from sqlalchemy import func, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, col, select

from review_service.auth.principal import Principal
from review_service.config import Settings, get_settings
from review_service.db import utcnow
from review_service.events.models import CITY_CHAIN, Event

GENESIS_HASH = "0" * 64
# Fields whose values never enter an event's readable detail (digests still cover them).
REDACTED_FIELDS = frozenset({"password_hash", "token_digest", "person_key", "secret_digest"})
PG_CHAIN_LOCK = 7_262_341  # advisory lock class reserved for appending to a chain
CHECKPOINT_FORMAT = "review-service/event-log-checkpoint/1"


@dataclass(frozen=True)
class LogKeys:
    """The log's HMAC key and the checkpoint signing key."""

    mac_key: bytes
    signing_key: Ed25519PrivateKey

    @property
    def key_id(self) -> str:
        # Names the key in every row without revealing it (a rotated key keeps its rows).
        return hashlib.sha256(b"event-log-key-id\0" + self.mac_key).hexdigest()[:16]

    @property
    def public_key_hex(self) -> str:
        return public_key_hex(self.signing_key.public_key())

    @classmethod
    def from_settings(cls, settings: Settings) -> LogKeys:
        mac_key = settings.event_log_key.encode()
        if settings.checkpoint_key_file is not None:
            loaded = serialization.load_pem_private_key(
                settings.checkpoint_key_file.read_bytes(), password=None
            )
            if not isinstance(loaded, Ed25519PrivateKey):
                raise ValueError("REVIEW_CHECKPOINT_KEY_FILE must hold an Ed25519 private key")
            signing = loaded
        elif settings.checkpoint_key:
            signing = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(settings.checkpoint_key))
        else:
            seed = hmac.new(mac_key, b"checkpoint-signing-key", hashlib.sha256).digest()
            signing = Ed25519PrivateKey.from_private_bytes(seed)
        return cls(mac_key, signing)


def public_key_hex(key: Ed25519PublicKey) -> str:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw).hex()


# The keys of each engine's log, set by the app (and the CLI) from their settings; looked up by
# the engine's pool so read-only views of the same engine share them.
_keys_by_pool: weakref.WeakKeyDictionary[Any, LogKeys] = weakref.WeakKeyDictionary()


def use_keys(engine: Engine, keys: LogKeys) -> None:
    _keys_by_pool[engine.pool] = keys


def keys_for(session: Session) -> LogKeys:
    bind = session.get_bind()
    keys = _keys_by_pool.get(getattr(bind, "pool", None))
    return keys if keys is not None else LogKeys.from_settings(get_settings())


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


def chain_of(enterprise_id: int | None) -> int:
    return CITY_CHAIN if enterprise_id is None else enterprise_id


def seal(session: Session) -> list[Event]:
    """Append the transaction's pending events to their chains. Call right before commit."""
    pending: list[_Pending] = session.info.pop("pending_events", [])
    session.flush()
    writes = session.info.pop("writes", 0)
    if writes and not pending:
        raise RuntimeError("a write reached commit without an event being recorded")
    if not pending:
        return []
    keys = keys_for(session)
    now = utcnow()
    # Everything but the links is built before the chains are locked: the lock is held until
    # commit, and every write of the enterprise waits for it.
    rows = []
    for item in pending:
        after = None if item.deleted or item.subject is None else snapshot(item.subject)
        object_id = item.object_id
        if object_id is None and item.subject is not None:
            object_id = str(getattr(item.subject, "id", None))
        detail = dict(item.detail)
        changes = _changes(item.before, after)
        if changes:
            detail["changes"] = changes
        rows.append(
            Event(
                chain=chain_of(item.enterprise_id),
                seq=0,
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
                key_id=keys.key_id,
                prev_hash=GENESIS_HASH,
                hash="",
            )
        )
    heads = {chain: _locked_head(session, chain) for chain in sorted({r.chain for r in rows})}
    for row in rows:
        row.seq, row.prev_hash = heads[row.chain][0] + 1, heads[row.chain][1]
        row.hash = chain_hash(row, keys)
        heads[row.chain] = (row.seq, row.hash)
        session.add(row)
    session.flush()
    return rows


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


def chain_hash(row: Event, keys: LogKeys) -> str:
    """The row's link: HMAC-SHA256 under the log key, or plain SHA-256 for rows written before
    the log was keyed (``key_id`` None)."""
    payload: dict[str, Any] = {
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
    if row.key_id is None:
        return hashlib.sha256(canonical_json(payload).encode()).hexdigest()
    payload |= {"chain": row.chain, "key_id": row.key_id}
    return hmac.new(keys.mac_key, canonical_json(payload).encode(), hashlib.sha256).hexdigest()


def _locked_head(session: Session, chain: int) -> tuple[int, str]:
    """The chain's head (size and last hash), read under the chain's lock, held until commit.

    SQLite transactions already hold the single write lock (BEGIN IMMEDIATE, see db.py). On
    PostgreSQL each chain has its own advisory lock, taken in chain order (the caller sorts)
    so two writers never deadlock, and read with the head in one statement
    (``event_chain_head``, migration 7d3f9b2e6a15): writes of different enterprises never
    wait for each other, and those of one enterprise hold its lock one round trip less."""
    found: Any
    if session.get_bind().dialect.name == "postgresql":
        found = session.execute(
            text("SELECT seq, hash FROM event_chain_head(:k, :c)"),
            {"k": PG_CHAIN_LOCK, "c": chain % 2_147_483_647},
        ).first()
    else:
        found = session.exec(
            select(Event.seq, Event.hash)
            .where(Event.chain == chain)
            .order_by(col(Event.seq).desc())
            .limit(1)
        ).first()
    return (int(found[0]), str(found[1])) if found is not None else (0, GENESIS_HASH)


# -- checkpoints ------------------------------------------------------------------------------


def checkpoint(session: Session, keys: LogKeys | None = None) -> dict[str, Any]:
    """A signed statement of every chain's size and head hash, to be held outside the database
    (by the regulator, in another system). A later ``verify_chain`` against it finds any
    truncation or rewrite of what it covers."""
    keys = keys or keys_for(session)
    newest = (
        select(Event.chain, func.max(Event.seq).label("size")).group_by(col(Event.chain)).subquery()
    )
    rows = session.exec(
        select(Event.chain, Event.seq, Event.hash)
        .join(newest, (newest.c.chain == Event.chain) & (newest.c.size == Event.seq))
        .order_by(col(Event.chain))
    ).all()
    body: dict[str, Any] = {
        "format": CHECKPOINT_FORMAT,
        "issued_at": utcnow().isoformat(timespec="seconds"),
        "size": sum(seq for _, seq, _ in rows),
        "chains": [{"chain": c, "size": seq, "head": h} for c, seq, h in rows],
        "public_key": keys.public_key_hex,
    }
    signature = keys.signing_key.sign(canonical_json(body).encode()).hex()
    return body | {"signature": signature}


class CheckpointInvalid(ValueError):
    """The checkpoint is not one this log's key signed (or is malformed)."""


def check_checkpoint(cp: dict[str, Any], trusted_public_key: str) -> dict[int, tuple[int, str]]:
    """Verify the checkpoint's signature with the trusted public key; its chain heads."""
    try:
        body = {k: v for k, v in cp.items() if k != "signature"}
        if body.get("format") != CHECKPOINT_FORMAT:
            raise CheckpointInvalid(f"not an event-log checkpoint ({body.get('format')!r})")
        if body.get("public_key") != trusted_public_key:
            raise CheckpointInvalid("the checkpoint was signed with another key")
        key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(trusted_public_key))
        key.verify(bytes.fromhex(str(cp.get("signature", ""))), canonical_json(body).encode())
        return {int(c["chain"]): (int(c["size"]), str(c["head"])) for c in body["chains"]}
    except CheckpointInvalid:
        raise
    except InvalidSignature as exc:
        raise CheckpointInvalid("the checkpoint's signature does not verify") from exc
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise CheckpointInvalid(f"the checkpoint is malformed ({exc})") from exc


# -- verification -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ChainReport:
    checked: int
    chains: int = 0
    first_broken_chain: int | None = None
    first_broken_seq: int | None = None
    first_broken_id: int | None = None
    problem: str | None = None
    checkpoint_size: int | None = None

    @property
    def intact(self) -> bool:
        return self.problem is None


@dataclass
class _ChainState:
    seq: int = 0
    hash: str = GENESIS_HASH
    keyed: bool = False
    # Hashes seen at the positions a checkpoint names.
    seen: dict[int, str] = field(default_factory=dict)


def verify_chain(
    session: Session,
    *,
    keys: LogKeys | None = None,
    checkpoint: dict[str, Any] | None = None,
    trusted_public_key: str | None = None,
    batch: int = 5000,
) -> ChainReport:
    """Walk every chain in order and name the first row whose link, key or content does not
    hold; with a checkpoint (its signature checked against ``trusted_public_key``, by default
    this log's own) also find chains shorter than it saw, or whose row at the checkpoint's
    size is not the head it signed. Raises ``CheckpointInvalid`` for a checkpoint that does
    not verify."""
    keys = keys or keys_for(session)
    heads = (
        check_checkpoint(checkpoint, trusted_public_key or keys.public_key_hex)
        if checkpoint is not None
        else {}
    )
    states: dict[int, _ChainState] = {}
    checked = 0
    for row in _rows_in_order(session, batch):
        state = states.setdefault(row.chain, _ChainState())

        problem = _row_problem(row, state, keys)
        if problem is not None:
            return ChainReport(checked, len(states), row.chain, row.seq, row.id, problem)
        state.seq, state.hash, state.keyed = row.seq, row.hash, row.key_id is not None
        wanted = heads.get(row.chain)
        if wanted is not None and wanted[0] == row.seq:
            state.seen[row.seq] = row.hash
        checked += 1
    for chain, (size, head) in sorted(heads.items()):
        state = states.get(chain, _ChainState())
        if state.seq < size:
            return ChainReport(
                checked,
                len(states),
                chain,
                state.seq + 1,
                None,
                f"chain {chain} ends at {state.seq} events but the checkpoint saw {size} "
                "(rows deleted from its end)",
            )
        if state.seen.get(size) != head:
            return ChainReport(
                checked,
                len(states),
                chain,
                size,
                None,
                f"chain {chain} at event {size} differs from the head the checkpoint signed "
                "(the chain was rewritten)",
            )
    covered = sum(size for size, _ in heads.values()) if checkpoint is not None else None
    return ChainReport(checked, len(states), checkpoint_size=covered)


def _row_problem(row: Event, state: _ChainState, keys: LogKeys) -> str | None:
    if row.seq != state.seq + 1:
        return f"sequence gap: expected {state.seq + 1}, found {row.seq} (rows deleted)"
    if row.prev_hash != state.hash:
        return "link to the previous row does not match (a row was deleted or replaced)"
    if row.key_id is None and state.keyed:
        return "an unkeyed row follows keyed ones (a row was inserted or replaced)"
    if row.key_id is not None and row.key_id != keys.key_id:
        return f"the row is keyed with an unknown key ({row.key_id})"
    if chain_hash(row, keys) != row.hash:
        return "row content does not match its hash (the row was edited)"
    return None


def _rows_in_order(session: Session, batch: int) -> Iterator[Event]:
    after = (-1, 0)
    while True:
        rows = session.exec(
            select(Event)
            .where(
                (col(Event.chain) > after[0])
                | ((col(Event.chain) == after[0]) & (col(Event.seq) > after[1]))
            )
            .order_by(col(Event.chain), col(Event.seq))
            .limit(batch)
        ).all()
        if not rows:
            return
        yield from rows
        after = (rows[-1].chain, rows[-1].seq)
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
