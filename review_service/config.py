"""One settings object, read from the environment (prefix ``REVIEW_``) and ``.env``."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SECRET = "change-me-development-only"
DEFAULT_ID_HASH_KEY = "change-me-id-hash-development-only"
DEFAULT_EVENT_LOG_KEY = "change-me-event-log-development-only"
PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="REVIEW_", env_file=".env", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    database_url: str = f"sqlite:///{PROJECT_ROOT / 'var' / 'app.db'}"
    secret_key: str = DEFAULT_SECRET
    # Keyed hash of resident ID numbers: rotating it breaks matching across filings.
    id_hash_key: str = DEFAULT_ID_HASH_KEY
    access_token_minutes: int = Field(default=15, ge=1, le=240)
    refresh_token_days: int = Field(default=14, ge=1, le=90)
    login_max_failures: int = Field(default=5, ge=1)
    login_lock_minutes: int = Field(default=15, ge=1)
    cors_origins: list[str] = ["http://127.0.0.1:5173", "http://localhost:5173"]
    # Public holidays (ISO dates) skipped when counting public-notice working days.
    holidays: list[str] = []

    # Keys the event log with HMAC-SHA256: without it nobody can recompute the chain after
    # editing a row. Distinct from ``secret_key`` (a leaked token key must not forge the log).
    event_log_key: str = DEFAULT_EVENT_LOG_KEY
    # Ed25519 key signing the log's checkpoints: a PEM file, or the 32-byte seed in hex. When
    # neither is set the key is derived from ``event_log_key`` (development only).
    checkpoint_key_file: Path | None = None
    checkpoint_key: str | None = Field(default=None, pattern=r"^[0-9a-fA-F]{64}$")

    @model_validator(mode="after")
    def _refuse_default_secrets(self) -> Settings:
        if self.environment == "production":
            for name, default in (
                ("secret_key", DEFAULT_SECRET),
                ("id_hash_key", DEFAULT_ID_HASH_KEY),
            ):
                value = getattr(self, name)
                if value == default or len(value) < 32:
                    raise ValueError(
                        f"REVIEW_{name.upper()} must be set to a random value of at least "
                        "32 characters outside development"
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
    def id_hash_key_bytes(self) -> bytes:
        return self.id_hash_key.encode()


@lru_cache
def get_settings() -> Settings:
    return Settings()
