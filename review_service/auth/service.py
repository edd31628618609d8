"""Login, token refresh and rotation, logout, password change."""

from __future__ import annotations

import re
import secrets
from datetime import datetime, timedelta

from sqlmodel import Session, select

from review_service.accounts.models import User
from review_service.auth import tokens
from review_service.auth.models import LoginThrottle, RefreshToken
from review_service.auth.passwords import hash_password, password_problem, verify_password
from review_service.auth.principal import Principal, Role
from review_service.auth.schemas import TokenPair
from review_service.config import Settings
from review_service.errors import FieldProblem, Invalid, LoginRefused, Unauthenticated
from review_service.events.service import record, snapshot
from review_service.transitions import lock_by_key, lock_or_create
from standards.identifiers import resident_id_digest

# A resident ID number (18 characters, or the old 15 digits) typed into the user-name field.
_RESIDENT_ID_LIKE = re.compile(r"^([0-9]{17}[0-9x]|[0-9]{15})$")


def login_name_key(username: str, settings: Settings) -> str:
    """The login name as the throttle table and the log keep it. A resident ID typed as a
    name (a common slip) is personal data: only its keyed hash is kept, never the number."""
    name = username.strip().lower()
    if _RESIDENT_ID_LIKE.match(name):
        return "id:" + resident_id_digest(name, settings.id_hash_key_bytes)[:60]
    return name


def _refused() -> LoginRefused:
    return LoginRefused("用户名或密码错误", "wrong user name or password")


def login(
    session: Session, *, settings: Settings, username: str, password: str, now: datetime
) -> TokenPair:
    key = login_name_key(username, settings)
    user = session.exec(select(User).where(User.username == username.strip().lower())).first()
    # Always verify once, so unknown users and locked accounts cost the same as a wrong password.
    # Verified before the throttle's lock is taken: the slow hash never holds it.
    password_ok = verify_password(password, user.password_hash if user and user.is_active else None)
    throttle = _throttle(session, key)
    if throttle.locked_until and throttle.locked_until > now:
        raise LoginRefused(
            "登录失败次数过多，账户已暂时锁定，请稍后再试",
            "too many failed logins: this account is locked for a while, try again later",
            extra={"locked_until": throttle.locked_until.isoformat()},
        )
    if not password_ok or user is None:
        throttle.failures += 1
        if throttle.failures >= settings.login_max_failures:
            throttle.locked_until = now + timedelta(minutes=settings.login_lock_minutes)
            throttle.failures = 0
        session.add(throttle)
        record(
            session,
            actor=None,
            action="auth.login_failed",
            object_type="login",
            object_id=key,
            detail={"locked": throttle.locked_until is not None and throttle.locked_until > now},
        )
        raise _refused()
    if throttle.failures or throttle.locked_until:
        throttle.failures, throttle.locked_until = 0, None
        session.add(throttle)
    pair = _issue(session, settings=settings, user=user, family=secrets.token_hex(16), now=now)
    record(
        session,
        actor=principal_of(user),
        action="auth.login",
        object_type="user_account",
        object_id=user.id,
    )
    return pair


def _throttle(session: Session, key: str) -> LoginThrottle:
    """The user name's throttle row, created if missing and locked: racing attempts count one
    after the other, so no failure is lost and a burst cannot outrun the lockout."""
    return lock_or_create(
        session, LoginThrottle, key, column="username", failures=0, locked_until=None
    )


def refresh(session: Session, *, settings: Settings, token: str, now: datetime) -> TokenPair:
    # Locked: of two uses of one token exactly one rotates it; the other, once the winner has
    # committed, finds it rotated and is treated as the replay it is.
    row = lock_by_key(
        session, RefreshToken, tokens.refresh_token_digest(token), column="token_digest"
    )
    invalid = Unauthenticated("刷新凭证无效或已过期", "the refresh token is invalid or expired")
    if row is None or row.expires_at <= now:
        raise invalid
    user = session.get(User, row.user_id)
    if row.revoked_at is not None:
        # A rotated token came back: someone replayed it. Revoke the whole family.
        family = session.exec(
            select(RefreshToken).where(
                RefreshToken.family == row.family,
                RefreshToken.revoked_at.is_(None),  # type: ignore[union-attr]
            )
        ).all()
        for other in family:
            other.revoked_at = now
            session.add(other)
        if user is not None:
            end_access_tokens(session, user)  # the thief may hold a live access token too
        if family or user is not None:
            record(
                session,
                actor=principal_of(user) if user else None,
                action="auth.refresh_reuse_detected",
                object_type="refresh_token_family",
                object_id=row.family,
                detail={"revoked": len(family)},
            )
        raise LoginRefused(invalid.message, invalid.message_en, code="refresh_reused")
    if user is None or not user.is_active:
        raise invalid
    row.revoked_at = now
    session.add(row)
    pair = _issue(session, settings=settings, user=user, family=row.family, now=now)
    record(
        session,
        actor=principal_of(user),
        action="auth.refresh",
        object_type="refresh_token_family",
        object_id=row.family,
    )
    return pair


def logout(session: Session, *, principal: Principal, token: str, now: datetime) -> None:
    row = session.exec(
        select(RefreshToken).where(RefreshToken.token_digest == tokens.refresh_token_digest(token))
    ).first()
    if row is None or row.user_id != principal.user_id:
        raise Unauthenticated("刷新凭证无效", "the refresh token is invalid")
    family = session.exec(select(RefreshToken).where(RefreshToken.family == row.family)).all()
    for item in family:
        item.revoked_at = item.revoked_at or now
        session.add(item)
    user = session.get(User, principal.user_id)
    if user is not None:
        end_access_tokens(session, user)
    record(
        session,
        actor=principal,
        action="auth.logout",
        object_type="refresh_token_family",
        object_id=row.family,
    )


def change_password(
    session: Session, *, principal: Principal, current: str, new: str, now: datetime
) -> None:
    user = session.get(User, principal.user_id)
    assert user is not None
    if not verify_password(current, user.password_hash):
        raise Invalid(
            "当前密码不正确",
            "the current password is wrong",
            details=[FieldProblem("current_password", "当前密码不正确", "wrong password")],
        )
    problem = password_problem(new)
    if problem:
        raise Invalid(problem[0], problem[1], details=[FieldProblem("new_password", *problem)])
    before = snapshot(user)
    user.password_hash = hash_password(new)
    user.password_changed_at = now
    end_access_tokens(session, user)
    for token in session.exec(
        select(RefreshToken).where(
            RefreshToken.user_id == user.id,
            RefreshToken.revoked_at.is_(None),  # type: ignore[union-attr]
        )
    ).all():
        token.revoked_at = now
        session.add(token)
    record(session, actor=principal, action="auth.password_changed", subject=user, before=before)


def end_access_tokens(session: Session, user: User) -> None:
    """Every access token issued to ``user`` so far stops working (their ``ver`` is stale)."""
    user.token_version += 1
    session.add(user)


def principal_of(user: User) -> Principal:
    return Principal(user.id or 0, user.username, Role(user.role), user.enterprise_id)


def _issue(
    session: Session, *, settings: Settings, user: User, family: str, now: datetime
) -> TokenPair:
    refresh_token, digest = tokens.new_refresh_token()
    session.add(
        RefreshToken(
            user_id=user.id or 0,
            token_digest=digest,
            family=family,
            issued_at=now,
            expires_at=now + timedelta(days=settings.refresh_token_days),
        )
    )
    lifetime = timedelta(minutes=settings.access_token_minutes)
    access = tokens.issue_access_token(
        secret=settings.signing_key,
        user_id=user.id or 0,
        role=user.role,
        enterprise_id=user.enterprise_id,
        version=user.token_version,
        now=now,
        lifetime=lifetime,
    )
    return TokenPair(
        access_token=access, expires_in=int(lifetime.total_seconds()), refresh_token=refresh_token
    )
