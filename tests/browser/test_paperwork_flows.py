"""Paperwork flows in the built web app (Chromium, live server, demo data): an applicant
uploads three materials, HR returns one with a reason, the applicant replaces it, an expert
opens it from the scoring sheet; a certificate is verified publicly, revoked by the
regulator and shown as revoked."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import httpx
import pytest
from sqlmodel import Session, select

from review_service.accounts.models import User
from review_service.certificates.models import Certificate
from review_service.demo import DEMO_PASSWORD, load_demo
from review_service.events.service import seal
from review_service.reviews.models import Application, PanelMember, ReviewSession
from tests.browser.live import fresh_app, require_browser, serving
from tests.browser.test_web_app import _login
from tests.browser.test_web_app import browser as browser

pytestmark = pytest.mark.browser
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, object]]:
    require_browser()
    app, settings = fresh_app(tmp_path_factory, "paperwork")
    with Session(app.state.engine) as session:
        load_demo(session, settings)
        seal(session)
        session.commit()
    with serving(app) as base:
        yield base, app


@pytest.fixture(scope="module")
def server(live: tuple[str, object]) -> str:
    return live[0]


def _open_round(app) -> tuple[int, int, str, str, str]:  # type: ignore[no-untyped-def]
    """The demo's session taking applications: its id, one application, the applicant, HR
    and an internal panel member."""
    with Session(app.state.engine) as s:
        rs = s.exec(select(ReviewSession).where(ReviewSession.status == "open")).first()
        assert rs is not None
        application = s.exec(
            select(Application).where(
                Application.session_id == rs.id, Application.status == "eligible"
            )
        ).first()
        assert application is not None
        applicant = s.get(User, application.applicant_user_id)
        admin = s.exec(
            select(User).where(
                User.enterprise_id == rs.enterprise_id, User.role == "enterprise_admin"
            )
        ).first()
        seat = s.exec(select(PanelMember).where(PanelMember.session_id == rs.id)).first()
        expert = s.get(User, seat.user_id if seat else 0)
        assert applicant and admin and expert
        return rs.id or 0, application.id or 0, applicant.username, admin.username, expert.username


def _upload(page, selector: str, path: Path) -> None:  # type: ignore[no-untyped-def]
    with page.expect_file_chooser() as chooser:
        page.click(selector)
    chooser.value.set_files(str(path))


def test_upload_return_replace_and_the_expert_opens_it(browser, live, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    server, app = live
    sid, app_id, applicant, admin, expert = _open_round(app)
    files = {}
    for name, content in (
        ("diploma.png", PNG),
        ("title.pdf", PDF),
        ("performance.pdf", PDF + b"%x"),
    ):
        files[name] = tmp_path / name
        files[name].write_bytes(content)
    errors: list[str] = []

    page = browser.new_page(viewport={"width": 1400, "height": 900}, locale="zh-CN")
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    _login(page, server, applicant)
    page.wait_for_url(lambda url: "/login" not in url)
    page.goto(f"{server}/my-applications")
    mine = page.locator(".el-card").nth(1).locator(".el-table__row").first
    mine.wait_for(timeout=10_000)
    mine.click()
    page.wait_for_selector("[data-test=upload-education]", timeout=10_000)
    _upload(page, "[data-test=upload-education]", files["diploma.png"])
    page.wait_for_selector("text=diploma.png", timeout=10_000)
    _upload(page, "[data-test=upload-current_level]", files["title.pdf"])
    page.wait_for_selector("text=title.pdf", timeout=10_000)
    _upload(page, "[data-test=upload-performance]", files["performance.pdf"])
    page.wait_for_selector("text=performance.pdf", timeout=10_000)
    page.wait_for_selector("text=必需材料已齐全")

    with Session(app.state.engine) as s:
        from review_service.materials.models import Material

        returned = s.exec(
            select(Material).where(
                Material.application_id == app_id, Material.kind == "current_level"
            )
        ).one()
    hr = browser.new_page(viewport={"width": 1400, "height": 900}, locale="zh-CN")
    hr.on("pageerror", lambda exc: errors.append(str(exc)))
    _login(hr, server, admin)
    hr.wait_for_url(lambda url: "/login" not in url)
    hr.goto(f"{server}/sessions/{sid}")
    hr.click(".el-tabs__item:has-text('申报')", timeout=10_000)
    with Session(app.state.engine) as s:
        name = s.get(Application, app_id).name  # type: ignore[union-attr]
    hr.locator(".el-table__row:visible", has_text=name).first.click()
    hr.click(f"[data-test=return-{returned.id}]", timeout=10_000)
    hr.fill(".el-message-box input", "证书扫描不清晰，请重新上传")
    hr.click(".el-message-box .el-button--primary")
    hr.wait_for_selector("text=退回原因：证书扫描不清晰", timeout=10_000)

    page.reload()
    mine.wait_for(timeout=10_000)
    mine.click()
    page.wait_for_selector("text=退回原因：证书扫描不清晰", timeout=10_000)
    replacement = tmp_path / "title-clear.pdf"
    replacement.write_bytes(PDF + b"%clear\n")
    _upload(page, f"[data-test=replace-{returned.id}]", replacement)
    page.wait_for_selector("text=title-clear.pdf", timeout=10_000)

    judge = browser.new_page(viewport={"width": 1400, "height": 900}, locale="zh-CN")
    judge.on("pageerror", lambda exc: errors.append(str(exc)))
    _login(judge, server, expert)
    judge.wait_for_url(lambda url: "/login" not in url)
    judge.goto(f"{server}/panels/{sid}")
    judge.click(f"[data-test=score-{app_id}]", timeout=10_000)
    judge.click("text=title-clear.pdf", timeout=10_000)
    viewer = judge.wait_for_selector("[data-test=material-viewer]", timeout=10_000)
    assert (viewer.get_attribute("src") or "").startswith("blob:")  # type: ignore[union-attr]
    judge.screenshot(path=str(tmp_path / "expert-material.png"))
    assert errors == []


def test_public_verification_shows_a_revocation(browser, live) -> None:  # type: ignore[no-untyped-def]
    server, app = live
    with Session(app.state.engine) as s:
        application = s.exec(select(Application)).first()
        assert application is not None
        cert = Certificate(
            number="ZC2026-0001-9999999",
            enterprise_id=application.enterprise_id,
            session_id=application.session_id,
            application_id=application.id or 0,
            applicant_user_id=application.applicant_user_id,
            holder_name=application.name,
            id_mask=application.id_mask,
            track="title",
            series=application.series,
            level=application.level,
            enterprise_name="演示企业",
            issued_on=date(2026, 6, 30),
        )
        s.add(cert)
        s.commit()
        cert_id, holder = cert.id, cert.holder_name
    page = browser.new_page(locale="zh-CN")
    page.goto(f"{server}/public/verify")
    page.fill("input[name=number]", "ZC2026-0001-9999999")
    page.fill("input[name=name]", holder)
    page.click("[data-test=verify-submit]")
    page.wait_for_selector("text=证书有效", timeout=10_000)
    assert "/login" not in page.url
    token = httpx.post(
        f"{server}/api/v1/auth/login", data={"username": "regulator", "password": DEMO_PASSWORD}
    ).json()["access_token"]
    r = httpx.post(
        f"{server}/api/v1/certificates/{cert_id}/revocation",
        json={"reason": "评后审查发现不符合申报条件"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert r.status_code == 200, r.text
    page.click("[data-test=verify-submit]")
    page.wait_for_selector("text=该证书已于", timeout=10_000)


def test_hr_imports_a_roster_and_downloads_the_session_papers(
    browser, live, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    from tests.review_service.spreadsheets.roster_files import workbook

    server, app = live
    with Session(app.state.engine) as s:
        rs = s.exec(select(ReviewSession).where(ReviewSession.status == "public_notice")).first()
        assert rs is not None
        admin = s.exec(
            select(User).where(
                User.enterprise_id == rs.enterprise_id, User.role == "enterprise_admin"
            )
        ).first()
        assert admin is not None
        sid, username = rs.id, admin.username
    bad = tmp_path / "roster-bad.xlsx"
    bad.write_bytes(
        workbook(200, {9: (1, "320602198804120012"), 99: (5, "总工程师"), 149: (6, "去年")})
    )
    good = tmp_path / "roster.xlsx"
    good.write_bytes(workbook(200))
    errors: list[str] = []
    page = browser.new_page(viewport={"width": 1400, "height": 900}, locale="zh-CN")
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    _login(page, server, username)
    page.wait_for_url(lambda url: "/login" not in url)
    page.goto(f"{server}/roster")
    with page.expect_download() as template:
        page.click("[data-test=roster-template]")
    assert template.value.suggested_filename.endswith(".xlsx")
    _upload(page, "[data-test=roster-import]", bad)
    problems = page.wait_for_selector("[data-test=import-problems]", timeout=10_000)
    text = problems.inner_text()
    assert "共 3 处问题" in text
    for row, column in (("11", "身份证号"), ("101", "现等级"), ("151", "取得时间")):
        assert row in text and column in text
    _upload(page, "[data-test=roster-import]", good)
    page.wait_for_selector("text=已导入 200 行", timeout=10_000)
    page.goto(f"{server}/sessions/{sid}")
    page.click("[data-test=excel-exports]", timeout=10_000)
    with page.expect_download() as summary:
        page.click("[data-test=export-score-summary]")
    assert summary.value.suggested_filename.endswith(".xlsx")
    with page.expect_popup() as popup:
        page.click("[data-test=notice-pdf]")
    assert popup.value.url.startswith("blob:")
    assert errors == []


def test_hr_imports_experts_and_the_regulator_exports_what_it_filters(  # type: ignore[no-untyped-def]
    browser, live, tmp_path: Path
) -> None:
    from bench.expert_import import pool_row, workbook
    from review_service.experts.imports import INTERNAL_COLUMNS

    server, app = live
    with Session(app.state.engine) as s:  # type: ignore[attr-defined]
        admin = s.exec(select(User).where(User.role == "enterprise_admin")).first()
        assert admin is not None
        hr = admin.username
    headers = [c.header for c in INTERNAL_COLUMNS]

    def files(first: int) -> tuple[Path, Path]:
        rows = [[*pool_row(i)[:3], "技术中心", *pool_row(i)[3:]] for i in range(first, first + 20)]
        good = tmp_path / f"experts-{first}.xlsx"
        good.write_bytes(workbook(rows, headers))
        rows[4][2] = "320602198804120012"
        rows[9][12] = date(2030, 1, 1)
        bad = tmp_path / f"experts-bad-{first}.xlsx"
        bad.write_bytes(workbook(rows, headers))
        return good, bad

    SCREENS = Path(__file__).resolve().parents[2] / "var" / "screens"
    SCREENS.mkdir(parents=True, exist_ok=True)
    for first, lang in ((500, "zh-CN"), (600, "en")):
        good, bad = files(first)
        errors: list[str] = []
        page = browser.new_page(viewport={"width": 1366, "height": 900}, locale=lang)
        page.on("pageerror", lambda exc, errors=errors: errors.append(str(exc)))
        _login(page, server, hr, lang)
        page.goto(f"{server}/users")
        with page.expect_download() as template:
            page.click("[data-test=experts-template]")
        assert template.value.suggested_filename.endswith(".xlsx")
        _upload(page, "[data-test=experts-import]", bad)
        problems = page.wait_for_selector("[data-test=import-problems]", timeout=10_000)
        text = problems.inner_text()
        assert ("共 2 处问题" if lang == "zh-CN" else "2 problems") in text
        assert ("聘期结束" if lang == "zh-CN" else "Term end") in text
        page.wait_for_timeout(300)
        page.screenshot(path=str(SCREENS / f"expert_import_problems_{lang}.png"))
        _upload(page, "[data-test=experts-import]", good)
        done = "已导入 20 名专家" if lang == "zh-CN" else "20 experts imported"
        page.wait_for_selector(f"text={done}", timeout=10_000)
        assert errors == []
        page.close()

        page = browser.new_page(viewport={"width": 1366, "height": 900}, locale=lang)
        _login(page, server, "regulator", lang)
        for path, button in (
            ("/flags", "flags-export"),
            ("/grades", "grades-export"),
            ("/filings", "filings-export"),
        ):
            page.goto(f"{server}{path}")
            page.wait_for_load_state("networkidle")
            with page.expect_download() as sheet:
                page.click(f"[data-test={button}]")
            assert sheet.value.suggested_filename.endswith(".xlsx")
            page.screenshot(path=str(SCREENS / f"{path[1:]}_export_{lang}.png"))
        page.close()
