"""All JWT handling lives here, so the JOSE library can be swapped in one place.

Access tokens are short-lived HS256 JWTs; the algorithm list is pinned on decode so that
``alg: none`` or an RS/HS confusion is refused. Each access token carries its user's token
version (``ver``): bumping the version (password change, logout, a replayed refresh token,
disabling or re-enabling the account) ends every access token issued before, even within
the same second. Refresh tokens are opaque random strings,
stored only as a SHA-256 digest."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from jose import JWTError, jwt

ALGORITHM = "HS256"
ACCESS_TYPE = "access"


class TokenInvalid(Exception):
    """The token is missing, expired, forged or malformed."""


@dataclass(frozen=True)
class AccessClaims:
    user_id: int
    role: str
    enterprise_id: int | None
    issued_at: datetime
    version: int


def issue_access_token(
    *,
    secret: str,
    user_id: int,
    role: str,
    enterprise_id: int | None,
    version: int,
    now: datetime,
    lifetime: timedelta,
) -> str:
    claims = {
        "sub": str(user_id),
        "role": role,
        "enterprise_id": enterprise_id,
        "iat": int(now.timestamp()),
        "exp": int((now + lifetime).timestamp()),
        "typ": ACCESS_TYPE,
        "ver": version,
    }
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def decode_access_token(token: str, *, secret: str) -> AccessClaims:
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=[ALGORITHM],
            options={"require_exp": True, "require_iat": True, "require_sub": True},
        )
    except JWTError as exc:
        raise TokenInvalid(str(exc)) from exc
    if claims.get("typ") != ACCESS_TYPE or "role" not in claims or "ver" not in claims:
        raise TokenInvalid("not an access token")
    try:
        user_id = int(claims["sub"])
        enterprise_id = claims.get("enterprise_id")
        if enterprise_id is not None:
            enterprise_id = int(enterprise_id)
        issued_at = datetime.fromtimestamp(int(claims["iat"])).astimezone()
        version = claims["ver"]
        if isinstance(version, bool) or not isinstance(version, int):
            raise TypeError("ver is not an integer")
    except (TypeError, ValueError) as exc:
        raise TokenInvalid("malformed claims") from exc
    return AccessClaims(user_id, str(claims["role"]), enterprise_id, issued_at, version)


def new_refresh_token() -> tuple[str, str]:
    """A fresh opaque refresh token and the digest to store in its place."""
    token = secrets.token_urlsafe(32)
    return token, refresh_token_digest(token)


def refresh_token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
