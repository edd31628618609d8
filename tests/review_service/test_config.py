"""Defaults fail closed: the environment must be named, the public default keys work only in
development, and `init-env` writes random keys once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

from review_service.auth import tokens
from review_service.cli import app as cli
from review_service.config import (
    DEFAULT_ID_HASH_KEY,
    DEFAULT_SECRET,
    DefaultKeyRefused,
    Settings,
    SettingsRefused,
)
from review_service.main import create_app

REAL = "r" * 40


def test_environment_has_no_default(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("REVIEW_ENVIRONMENT", raising=False)
    monkeypatch.chdir(tmp_path)  # no .env here
    with pytest.raises(ValidationError, match="environment"):
        Settings(secret_key=REAL, id_hash_key=REAL)  # type: ignore[call-arg]


@pytest.mark.parametrize("environment", ["test", "production"])
def test_default_keys_are_refused_outside_development(
    environment: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("REVIEW_SECRET_KEY", raising=False)
    monkeypatch.delenv("REVIEW_ID_HASH_KEY", raising=False)
    with pytest.raises(ValidationError, match="REVIEW_SECRET_KEY"):
        Settings(environment=environment, id_hash_key=REAL)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="REVIEW_ID_HASH_KEY"):
        Settings(environment=environment, secret_key=REAL)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="at least 32"):
        Settings(environment=environment, secret_key="short", id_hash_key=REAL)  # type: ignore[arg-type]


def test_default_keys_cannot_be_used_even_when_validation_is_skipped() -> None:
    # model_construct skips validation: the keys still refuse to serve outside development.
    sneaky = Settings.model_construct(
        environment="production", secret_key=DEFAULT_SECRET, id_hash_key=DEFAULT_ID_HASH_KEY
    )
    with pytest.raises(DefaultKeyRefused):
        _ = sneaky.signing_key
    with pytest.raises(DefaultKeyRefused):
        _ = sneaky.id_hash_key_bytes
    dev = Settings(environment="development", secret_key=DEFAULT_SECRET)
    assert dev.signing_key == DEFAULT_SECRET


def test_a_token_signed_with_the_default_key_is_not_accepted(client, world) -> None:  # type: ignore[no-untyped-def]
    forged = tokens.issue_access_token(
        secret=DEFAULT_SECRET,
        user_id=world.regulator.id,
        role="regulator",
        enterprise_id=None,
        version=0,
        now=datetime.now(UTC),
        lifetime=timedelta(minutes=5),
    )
    r = client.get("/api/v1/enterprises", headers={"Authorization": f"Bearer {forged}"})
    assert r.status_code == 401


def test_the_service_refuses_to_start_without_real_keys(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("REVIEW_ENVIRONMENT", "production")
    monkeypatch.delenv("REVIEW_SECRET_KEY", raising=False)
    monkeypatch.delenv("REVIEW_ID_HASH_KEY", raising=False)
    from review_service.config import get_settings

    get_settings.cache_clear()
    try:
        with pytest.raises(SettingsRefused, match="REVIEW_SECRET_KEY must be set"):
            create_app()
        monkeypatch.delenv("REVIEW_ENVIRONMENT")
        get_settings.cache_clear()
        with pytest.raises(SettingsRefused, match="environment: Field required"):
            create_app()
    finally:
        get_settings.cache_clear()


def test_init_env_writes_random_keys_once(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    env = tmp_path / ".env"
    result = CliRunner().invoke(cli, ["init-env", "--path", str(env)])
    assert result.exit_code == 0, result.output
    text = env.read_text()
    assert "REVIEW_ENVIRONMENT=development" in text
    values = dict(
        line.split("=", 1) for line in text.splitlines() if line and not line.startswith("#")
    )
    assert len(values["REVIEW_SECRET_KEY"]) >= 32
    assert values["REVIEW_SECRET_KEY"] != values["REVIEW_ID_HASH_KEY"]
    assert values["REVIEW_EVENT_LOG_KEY"] not in (
        values["REVIEW_SECRET_KEY"],
        values["REVIEW_ID_HASH_KEY"],
    )
    assert len(bytes.fromhex(values["REVIEW_CHECKPOINT_KEY"])) == 32
    assert oct(env.stat().st_mode & 0o777) == "0o600"
    # A second run keeps the file (rotating the ID-hash key would break matching).
    CliRunner().invoke(cli, ["init-env", "--path", str(env)])
    assert env.read_text() == text
    # The written file is enough to start in production.
    CliRunner().invoke(
        cli, ["init-env", "--path", str(tmp_path / "prod.env"), "--environment", "production"]
    )
    for name in (
        "REVIEW_ENVIRONMENT",
        "REVIEW_SECRET_KEY",
        "REVIEW_ID_HASH_KEY",
        "REVIEW_EVENT_LOG_KEY",
        "REVIEW_CHECKPOINT_KEY",
    ):
        monkeypatch.delenv(name, raising=False)
    settings = Settings(_env_file=tmp_path / "prod.env")  # type: ignore[call-arg]
    assert settings.environment == "production"


def test_serve_keeps_idle_connections_longer_than_a_proxy(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A server that closes an idle connection before the proxy in front does loses the
    request the proxy sends on it in that instant (nginx and most load balancers: 60 s)."""
    import uvicorn

    seen: dict[str, object] = {}
    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: seen.update(k))
    result = CliRunner().invoke(cli, ["serve", "--port", "8123"])
    assert result.exit_code == 0, result.output
    assert seen["port"] == 8123
    assert isinstance(seen["timeout_keep_alive"], int) and seen["timeout_keep_alive"] > 60
