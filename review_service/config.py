"""One settings object, read from the environment (prefix ``REVIEW_``) and ``.env``.

Defaults fail closed: the environment must be named, and outside ``development`` the service
refuses to start with the public default keys (anyone could sign a regulator's token with
them, or recover resident ID numbers from their keyed hashes). ``review-service init-env``
(run by ``make run``) writes a ``.env`` with random keys on first use."""

from __future__ import annotations

import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SECRET = "change-me-development-only"
DEFAULT_ID_HASH_KEY = "change-me-id-hash-development-only"
MIN_SECRET_LENGTH = 32
DEFAULT_EVENT_LOG_KEY = "change-me-event-log-development-only"
PROJECT_ROOT = Path(__file__).resolve().parent.parent

Environment = Literal["development", "test", "production"]


class DefaultKeyRefused(RuntimeError):
    """A public default key was about to be used outside development."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="REVIEW_", env_file=".env", extra="ignore")

    # No default: a forgotten setting must not turn a production server into a development one.
    environment: Environment
    database_url: str = f"sqlite:///{PROJECT_ROOT / 'var' / 'app.db'}"
    secret_key: str = DEFAULT_SECRET
    # Keyed hash of resident ID numbers: rotating it breaks matching across filings.
    id_hash_key: str = DEFAULT_ID_HASH_KEY
    access_token_minutes: int = Field(default=15, ge=1, le=240)
    refresh_token_days: int = Field(default=14, ge=1, le=90)
    login_max_failures: int = Field(default=5, ge=1)
    login_lock_minutes: int = Field(default=15, ge=1)
    # Public certificate verification: requests per client address per minute.
    verify_rate_per_minute: int = Field(default=30, ge=1)
    cors_origins: list[str] = ["http://127.0.0.1:5173", "http://localhost:5173"]
    # Public holidays (ISO dates) skipped when counting public-notice working days.
    holidays: list[str] = []
    # Bounded waits on the database, so an outage answers 503 quickly instead of hanging.
    db_connect_timeout_seconds: int = Field(default=5, ge=1, le=60)
    # A request waiting for a pooled connection: longer than the worst queue of lock waits
    # (50 writers on one row, each refused after the 3 s lock wait, over a pool of 20).
    db_pool_timeout_seconds: int = Field(default=15, ge=1, le=120)
    # Long enough for an audit's reads; a wait for a row lock ends in 409 instead of holding a
    # worker thread (the race tests hold a lock and expect the others refused promptly).
    db_statement_timeout_ms: int = Field(default=120_000, ge=100)
    db_lock_timeout_ms: int = Field(default=3_000, ge=100)
    # Largest request body taken by the bulk intakes (filings, registry extracts): a
    # 10,000-application filing is about 25 MB of JSON.
    max_request_bytes: int = Field(default=32 * 1024 * 1024, ge=1024)
    # Every other request: small bodies, whose JSON the framework parses on the event loop.
    max_ordinary_request_bytes: int = Field(default=2 * 1024 * 1024, ge=1024)

    # Keys the event log with HMAC-SHA256: without it nobody can recompute the chain after
    # editing a row. Distinct from ``secret_key`` (a leaked token key must not forge the log).
    event_log_key: str = DEFAULT_EVENT_LOG_KEY
    # Ed25519 key signing the log's checkpoints: a PEM file, or the 32-byte seed in hex. When
    # neither is set the key is derived from ``event_log_key`` (development only).
    checkpoint_key_file: Path | None = None
    checkpoint_key: str | None = Field(default=None, pattern=r"^[0-9a-fA-F]{64}$")
    # Where the public verification page is reached (printed as the certificates' QR code).
    public_base_url: str = "http://127.0.0.1:8000"
    # Application materials: limits per file and per application (all its current files).
    material_max_file_mb: int = Field(default=20, ge=1, le=200)
    material_max_application_mb: int = Field(default=100, ge=1, le=2000)

    @model_validator(mode="after")
    def _refuse_default_secrets(self) -> Settings:
        if self.environment != "development":
            for name, default in (
                ("secret_key", DEFAULT_SECRET),
                ("id_hash_key", DEFAULT_ID_HASH_KEY),
            ):
                value = getattr(self, name)
                if value == default or len(value) < MIN_SECRET_LENGTH:
                    raise ValueError(
                        f"REVIEW_{name.upper()} must be set to a random value of at least "
                        f"{MIN_SECRET_LENGTH} characters outside development "
                        "(`review-service init-env` writes a .env with random keys)"
                    )
        return self

    @model_validator(mode="after")
    def _refuse_weak_log_keys(self) -> Settings:
        if self.event_log_key == self.secret_key:
            raise ValueError("REVIEW_EVENT_LOG_KEY must differ from REVIEW_SECRET_KEY")
        if self.environment == "production":
            if self.event_log_key == DEFAULT_EVENT_LOG_KEY or len(self.event_log_key) < 32:
                raise ValueError(
                    "REVIEW_EVENT_LOG_KEY must be set to a random value of at least "
                    "32 characters outside development"
                )
            if self.checkpoint_key_file is None and self.checkpoint_key is None:
                raise ValueError(
                    "REVIEW_CHECKPOINT_KEY_FILE (an Ed25519 private key) must be set "
                    "outside development"
                )
        return self

    @property
    def signing_key(self) -> str:
        """The access-token key; the public default is never usable outside development."""
        if self.secret_key == DEFAULT_SECRET and self.environment != "development":
            raise DefaultKeyRefused("the default REVIEW_SECRET_KEY is for development only")
        return self.secret_key

    @property
    def id_hash_key_bytes(self) -> bytes:
        if self.id_hash_key == DEFAULT_ID_HASH_KEY and self.environment != "development":
            raise DefaultKeyRefused("the default REVIEW_ID_HASH_KEY is for development only")
        return self.id_hash_key.encode()


class SettingsRefused(RuntimeError):
    """The environment's settings would run the service open: it refuses to start."""


@lru_cache
def get_settings() -> Settings:
    try:
        return Settings()  # type: ignore[call-arg]  # environment: from REVIEW_ENVIRONMENT
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'settings'}: {e['msg']}" for e in exc.errors()
        )
        raise SettingsRefused(
            f"refusing to start: {problems}. Name REVIEW_ENVIRONMENT (development, test or "
            "production) and, outside development, set REVIEW_SECRET_KEY and "
            "REVIEW_ID_HASH_KEY; `review-service init-env` writes a .env with random keys."
        ) from exc


def env_file_text(environment: Environment = "development") -> str:
    """A new ``.env``: the environment named and fresh random keys (written once, kept)."""
    return (
        "# Written by `review-service init-env`. Keep it private; never commit it.\n"
        f"REVIEW_ENVIRONMENT={environment}\n"
        f"REVIEW_SECRET_KEY={secrets.token_urlsafe(48)}\n"
        "# Keyed hash of resident ID numbers: changing it breaks matching across filings.\n"
        f"REVIEW_ID_HASH_KEY={secrets.token_urlsafe(48)}\n"
        "# The event log's HMAC key and the Ed25519 seed that signs its checkpoints.\n"
        f"REVIEW_EVENT_LOG_KEY={secrets.token_urlsafe(48)}\n"
        f"REVIEW_CHECKPOINT_KEY={secrets.token_hex(32)}\n"
    )
