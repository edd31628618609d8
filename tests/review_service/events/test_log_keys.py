"""The log's keys come from settings: an HMAC key distinct from the token secret, required
outside development together with a checkpoint signing key (a PEM file or a hex seed)."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pydantic import ValidationError
from typer.testing import CliRunner

from review_service.cli import app as cli
from review_service.config import Settings
from review_service.events.service import LogKeys, public_key_hex

PROD = {"environment": "production", "secret_key": "s" * 40, "id_hash_key": "k" * 40}
# Outside development the token and ID-hash secrets must be real too.
TEST = {"environment": "test", "secret_key": "t" * 40, "id_hash_key": "i" * 40}


def test_the_log_key_must_differ_from_the_token_secret() -> None:
    with pytest.raises(ValidationError, match="REVIEW_EVENT_LOG_KEY must differ"):
        Settings(**TEST | {"secret_key": "same" * 10}, event_log_key="same" * 10)


def test_production_needs_both_log_keys() -> None:
    with pytest.raises(ValidationError, match="REVIEW_EVENT_LOG_KEY"):
        Settings(**PROD)
    with pytest.raises(ValidationError, match="REVIEW_CHECKPOINT_KEY_FILE"):
        Settings(**PROD, event_log_key="e" * 40)
    with pytest.raises(ValidationError, match="checkpoint_key"):
        Settings(**PROD, event_log_key="e" * 40, checkpoint_key="not-hex")
    Settings(**PROD, event_log_key="e" * 40, checkpoint_key="ab" * 32)


def test_keys_from_a_key_file_made_by_keygen(tmp_path: Path) -> None:
    path = tmp_path / "checkpoint.pem"
    made = CliRunner().invoke(cli, ["checkpoint-keygen", "--out", str(path)])
    assert made.exit_code == 0, made.output
    assert path.stat().st_mode & 0o777 == 0o600
    keys = LogKeys.from_settings(Settings(**TEST, event_log_key="e" * 40, checkpoint_key_file=path))
    loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
    assert isinstance(loaded, Ed25519PrivateKey)
    assert keys.public_key_hex == public_key_hex(loaded.public_key()) in made.output
    # Never overwrites a signing key.
    assert CliRunner().invoke(cli, ["checkpoint-keygen", "--out", str(path)]).exit_code == 1


def test_different_log_keys_give_different_key_ids_and_signers() -> None:
    one = LogKeys.from_settings(Settings(**TEST, event_log_key="a" * 40))
    two = LogKeys.from_settings(Settings(**TEST, event_log_key="b" * 40))
    assert one.key_id != two.key_id and one.public_key_hex != two.public_key_hex
    assert "a" * 8 not in one.key_id
