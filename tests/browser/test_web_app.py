"""The built web app in Debian's Chromium against a live server with the demo data.

Skipped when Chromium or the built app is missing, unless REVIEW_REQUIRE_BROWSER=1 (CI),
where that is a failure. Runs once, on the SQLite pass of the suite."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from sqlmodel import Session

from review_service.cli import alembic_config
from review_service.config import Settings
from review_service.demo import DEMO_PASSWORD, load_demo
from review_service.demo.reviews import review_rounds
from review_service.events.service import seal
from review_service.main import STATIC_DIR, create_app

CHROMIUM = "/usr/bin/chromium"
pytestmark = pytest.mark.browser


def _missing() -> str | None:
    if os.environ.get("REVIEW_TEST_BACKEND", "sqlite") != "sqlite":
        return "browser tests run on the SQLite pass only"
    if not Path(CHROMIUM).exists():
        return f"{CHROMIUM} is not installed (apt-get install chromium fonts-wqy-microhei)"
    if not (STATIC_DIR / "index.html").exists():
        return "the web app is not built (make frontend)"
    return None


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    reason = _missing()
    if reason:
        if os.environ.get("REVIEW_REQUIRE_BROWSER") == "1" and "SQLite pass" not in reason:
            pytest.fail(reason)
        pytest.skip(reason)
    from alembic import command

    url = f"sqlite:///{tmp_path_factory.mktemp('browser') / 'app.db'}"
    cfg = alembic_config(url)
    cfg.attributes["skip_logging"] = True
    command.upgrade(cfg, "head")
    settings = Settings(
        environment="test",
        database_url=url,
        secret_key="browser-test-secret-0123456789abcdef",
        id_hash_key="browser-test-id-hash-key-0123456789abcdef",
    )
    app = create_app(settings)
    with Session(app.state.engine) as session:
        # The review rounds the screens walk through (filings and an audit would add ~30 s).
        load_demo(session, settings, steps=[review_rounds])
        seal(session)
        session.commit()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    uv = uvicorn.Server(config)
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    for _ in range(100):
        if uv.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    uv.should_exit = True
    thread.join(timeout=10)
    app.state.engine.dispose()


@pytest.fixture(scope="module")
def browser(server: str) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield chromium
        chromium.close()


def _login(page, server: str, username: str, password: str = DEMO_PASSWORD) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{server}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("[data-test=login-submit]")


def test_regulator_logs_in_and_sees_the_enterprises(browser, server: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 1400, "height": 900}, locale="zh-CN")
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    _login(page, server, "regulator")
    page.wait_for_url(lambda url: "/login" not in url)
    page.goto(f"{server}/enterprises")
    page.wait_for_selector("text=南通", timeout=10_000)
    assert page.locator(".el-table__row").count() > 0
    page.screenshot(path=str(tmp_path / "enterprises.png"))
    assert errors == []


def test_wrong_password_shows_the_error_in_chinese(browser, server: str) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(locale="zh-CN")
    _login(page, server, "regulator", "not-the-password-1")
    alert = page.wait_for_selector("[data-test=login-error]", timeout=10_000)
    assert "用户名或密码错误" in alert.inner_text()


def test_enterprise_hr_sees_its_published_standard(browser, server: str) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(locale="zh-CN")
    _login(page, server, "admin001")
    page.wait_for_url(lambda url: "/login" not in url)
    page.goto(f"{server}/standards")
    page.wait_for_selector("text=船舶焊接", timeout=10_000)


def test_public_equivalence_lookup_without_login(browser, server: str) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(locale="zh-CN")
    response = page.goto(f"{server}/public/equivalence")
    assert response is not None and response.ok
    page.wait_for_selector("form", timeout=10_000)
    assert "/login" not in page.url
