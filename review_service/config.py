"""One settings object, read from the environment (prefix ``REVIEW_``) and ``.env``."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SECRET = "change-me-development-only"
DEFAULT_ID_HASH_KEY = "change-me-id-hash-development-only"
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
    # Where the public verification page is reached (printed as the certificates' QR code).
    public_base_url: str = "http://127.0.0.1:8000"
    # Application materials: limits per file and per application (all its current files).
    material_max_file_mb: int = Field(default=20, ge=1, le=200)
    material_max_application_mb: int = Field(default=100, ge=1, le=2000)

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

    @property
    def id_hash_key_bytes(self) -> bytes:
        return self.id_hash_key.encode()


@lru_cache
def get_settings() -> Settings:
    return Settings()
