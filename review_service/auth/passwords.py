"""Argon2 password hashing (pwdlib), with a dummy hash so unknown users cost the same time."""

from __future__ import annotations

from functools import lru_cache

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

MIN_PASSWORD_LENGTH = 10


@lru_cache
def _hasher() -> PasswordHash:
    return PasswordHash((Argon2Hasher(),))


@lru_cache
def _dummy_hash() -> str:
    return _hasher().hash("a password nobody has")


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password: str, password_hash: str | None) -> bool:
    """Check ``password``; with no hash (unknown user) verify against a dummy to keep timing flat."""
    if password_hash is None:
        _hasher().verify(password, _dummy_hash())
        return False
    return _hasher().verify(password, password_hash)


def password_problem(password: str) -> tuple[str, str] | None:
    if len(password) < MIN_PASSWORD_LENGTH:
        return (
            f"密码至少{MIN_PASSWORD_LENGTH}个字符",
            f"a password needs at least {MIN_PASSWORD_LENGTH} characters",
        )
    if password.isdigit() or password.isalpha():
        return (
            "密码须同时包含字母和数字或符号",
            "a password must mix letters with digits or symbols",
        )
    return None
