"""The expert pool in the built web app (issue 12): the regulator filters the city's pool,
suspends an expert with a reason, opens an expert's record (seats, draws, the audit's
findings), and records a credit finding from a confirmed case, which the credit list links
back to. Screens in both languages."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from sqlmodel import Session, select

from review_service.accounts.models import User
from review_service.demo import load_demo
from review_service.demo.reviews import review_rounds
from review_service.enterprises.models import Enterprise
from review_service.events.service import seal
from review_service.reviews.filing import member_pseudonym
from review_service.reviews.models import Application, PanelMember, ReviewSession
from review_service.supervision.models import AuditRun, Case, Flag
from tests.browser.live import fresh_app, require_browser, serving
from tests.browser.test_web_app import LANGS, Watch, _check_screen, _login, _settle
from tests.browser.test_web_app import browser as browser

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, int]]]:
    """The demo's base and review rounds, and one confirmed case whose flag points at an
    application and a drawn member of the open round (as a run over its filing would)."""
    require_browser()
    app, settings = fresh_app(tmp_path_factory, "pool")
    with Session(app.state.engine) as s:
        load_demo(s, settings, steps=[review_rounds])
        rs = s.exec(select(ReviewSession).where(ReviewSession.status == "open")).one()
        enterprise = s.get(Enterprise, rs.enterprise_id)
        application = s.exec(
            select(Application).where(
                Application.session_id == rs.id, Application.status == "eligible"
            )
        ).first()
        member = s.exec(
            select(PanelMember)
            .join(User, User.id == PanelMember.user_id)  # type: ignore[arg-type]
            .where(PanelMember.session_id == rs.id, User.username.startswith("pool"))  # type: ignore[attr-defined]
        ).first()
        assert enterprise and application and member
        run = AuditRun(period=rs.period, scope_kind="all", status="finished")
        s.add(run)
        s.flush()
        pseudonym = member_pseudonym(settings, member.user_id)
        flag = Flag(
            run_id=run.id or 0,
            key="browser-near-identical",
            signal="stat.near_identical_scores",
            kind="statistical",
            scope="member",
            severity="high",
            band="likely",
            enterprise_id=enterprise.id,
            credit_code=enterprise.credit_code,
            period=rs.period,
            filing_id=f"RS-{enterprise.credit_code}-{rs.id}",
            application_ref=f"A{application.id}",
            member_id=pseudonym,
            reason="评委与另一评委在12份申报上的评分几乎相同",
            reason_en="the member's scores match another member's on 12 applications",
            evidence={"records": [f"member:{pseudonym}"]},
        )
        s.add(flag)
        s.flush()
        case = Case(
            flag_key=flag.key,
            flag_id=flag.id or 0,
            signal=flag.signal,
            enterprise_id=enterprise.id,
            credit_code=enterprise.credit_code,
            status="confirmed",
            decision_reason="经调取评分记录核实，申报材料系伪造",
        )
        s.add(case)
        seal(s)
        s.commit()
        ids = {"case": case.id or 0, "expert": member.user_id, "application": application.id or 0}
    with serving(app) as base:
        yield base, ids


@pytest.fixture(scope="module")
def server(live: tuple[str, dict[str, int]]) -> str:
    return live[0]


def _page(browser, server: str, lang: str):  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 1366, "height": 900}, locale=lang)
    watch = Watch(page)
    _login(page, server, "regulator", lang)
    return page, watch


def test_pool_status_change_history_and_credit_from_a_case(browser, live) -> None:  # type: ignore[no-untyped-def]
    server, ids = live
    page, watch = _page(browser, server, "zh-CN")

    # The whole city pool, filtered to one cluster and the city's own experts.
    page.goto(f"{server}/experts")
    _settle(page)
    total = page.locator(".el-pagination__total").inner_text()
    page.locator("[data-test=pool-kind]").click()
    page.locator(".el-select-dropdown__item:visible:has-text('市专家库')").click()
    page.locator("[data-test=pool-cluster]").click()
    page.locator(".el-select-dropdown__item:visible:has-text('船舶海工')").click()
    _settle(page)
    assert page.locator(".el-pagination__total").inner_text() != total
    rows = page.locator("[data-test=pool-table] .el-table__row")
    assert rows.count() > 5 and "船舶海工" in rows.first.inner_text()
    _check_screen(page, "regulator_expert_pool", "zh-CN")

    # Suspend the first expert with a reason: the tag and the reason show at once.
    first = rows.first
    name = first.locator("a").inner_text()
    first.locator("[data-test^=pool-status-]").click()
    form = page.locator("[data-test=pool-status-form]")
    form.locator("[data-test=pool-status-suspended]").click()
    form.locator("textarea").fill("涉嫌串通打分，核查期间暂停")
    page.locator("[data-test=pool-status-save]").click()
    row = page.locator(f"[data-test=pool-table] .el-table__row:has-text('{name}')")
    row.locator("text=涉嫌串通打分").wait_for(timeout=10_000)
    assert "暂停" in row.inner_text()
    _settle(page)
    _check_screen(page, "regulator_expert_pool_suspended", "zh-CN")

    # An expert's record: the drawn member of the open round, with the audit's finding.
    page.goto(f"{server}/experts/{ids['expert']}")
    page.locator("[data-test=expert-seats] .el-table__row").first.wait_for(timeout=10_000)
    _settle(page)
    seats = page.locator("[data-test=expert-seats]").inner_text()
    assert "随机抽取" in seats or "递补" in seats
    assert "几乎相同" in page.locator("[data-test=expert-findings]").inner_text()
    _check_screen(page, "regulator_expert_history", "zh-CN")

    # The confirmed case offers the finding for its people, prefilled.
    page.goto(f"{server}/cases?open={ids['case']}")
    panel = page.locator("[data-test=case-credit]")
    panel.wait_for(timeout=10_000)
    _settle(page)
    people = panel.locator(".el-radio")
    assert people.count() == 2  # the application and the member the flag points at
    assert "申报人" in people.nth(0).inner_text() and "评审专家" in people.nth(1).inner_text()
    reason = page.locator("[data-test=case-credit-form] textarea")
    assert reason.input_value() == "经调取评分记录核实，申报材料系伪造"
    assert "限制申报" in page.locator("[data-test=case-credit-form]").inner_text()
    _check_screen(page, "regulator_case_credit", "zh-CN")
    page.locator("[data-test=case-credit-save]").click()
    page.locator("[data-test=case-person-0]:has-text('已记录')").wait_for(timeout=10_000)

    # The credit list links back to the case.
    page.goto(f"{server}/credit-records")
    _settle(page)
    link = page.locator(f".el-table__row a:has-text('#{ids['case']}')")
    assert link.count() == 1
    _check_screen(page, "regulator_credit_with_case", "zh-CN")
    link.click()
    page.wait_for_url(re.compile(r"/cases\?open=\d+"))
    page.locator("[data-test=case-credit]").wait_for(timeout=10_000)
    assert watch.problems == [], watch.problems
    page.close()


@pytest.mark.parametrize("lang", LANGS)
def test_pool_screens_have_no_raw_codes(browser, live, lang: str) -> None:  # type: ignore[no-untyped-def]
    server, ids = live
    page, watch = _page(browser, server, lang)
    for path, name in (
        ("/experts", "regulator_expert_pool_all"),
        (f"/experts/{ids['expert']}", "regulator_expert_history_all"),
        (f"/cases?open={ids['case']}", "regulator_case_drawer"),
    ):
        page.goto(f"{server}{path}")
        _settle(page)
        page.wait_for_timeout(400)
        _check_screen(page, name, lang)
    assert watch.problems == [], watch.problems
    page.close()
    # An enterprise's view: its own experts (editable) and the pool experts who sat with it.
    hr = browser.new_page(viewport={"width": 1366, "height": 900}, locale=lang)
    hr_watch = Watch(hr)
    _login(hr, server, "admin001", lang)
    hr.goto(f"{server}/experts")
    _settle(hr)
    text = _check_screen(hr, "admin001_expert_pool", lang)
    assert hr.locator("[data-test^=pool-edit-]").count() >= 7
    assert ("只读" if lang == "zh-CN" else "Read-only") in text
    assert hr_watch.problems == [], hr_watch.problems
    hr.close()
