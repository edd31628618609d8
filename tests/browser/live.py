"""A live app for browser tests: a migrated SQLite database of its own, the built web app, and
a uvicorn server on a free port in a thread. Browser tests drive Debian's Chromium only."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import uvicorn
from fastapi import FastAPI

from review_service.cli import alembic_config
from review_service.config import Settings
from review_service.main import STATIC_DIR, create_app

CHROMIUM = "/usr/bin/chromium"


def missing() -> str | None:
    """Why browser tests cannot run here, or None."""
    if os.environ.get("REVIEW_TEST_BACKEND", "sqlite") != "sqlite":
        return "browser tests run on the SQLite pass only"
    if not Path(CHROMIUM).exists():
        return f"{CHROMIUM} is not installed (apt-get install chromium fonts-wqy-microhei)"
    if not (STATIC_DIR / "index.html").exists():
        return "the web app is not built (make frontend)"
    return None


def require_browser() -> None:
    """Skip when browser tests cannot run; fail instead where CI requires them."""
    reason = missing()
    if reason:
        if os.environ.get("REVIEW_REQUIRE_BROWSER") == "1" and "SQLite pass" not in reason:
            pytest.fail(reason)
        pytest.skip(reason)


def fresh_app(tmp_path_factory: pytest.TempPathFactory, name: str) -> tuple[FastAPI, Settings]:
    """The app on a new, migrated SQLite database (nothing loaded yet)."""
    from alembic import command

    url = f"sqlite:///{tmp_path_factory.mktemp(name) / 'app.db'}"
    cfg = alembic_config(url)
    cfg.attributes["skip_logging"] = True
    command.upgrade(cfg, "head")
    settings = Settings(
        environment="test",
        database_url=url,
        secret_key="browser-test-secret-0123456789abcdef",
        id_hash_key="browser-test-id-hash-key-0123456789abcdef",
    )
    return create_app(settings), settings


@contextmanager
def serving(app: FastAPI) -> Iterator[str]:
    """Serve ``app`` on a free local port until the block ends; yields the base URL."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(100):
        if server.started:
            break
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        app.state.engine.dispose()
