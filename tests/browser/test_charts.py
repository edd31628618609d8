"""The regulator's charts in the built web app (Chromium, live server, the full demo with an
audit run): the overview, the grade map on the grades page, and an enterprise's risk history,
score distribution and funnel plot, in both languages; each chart is drawn (a canvas) and the
page logs no error. Screenshots go to var/screens."""

from __future__ import annotations

import re

import pytest

from tests.browser.test_web_app import LANGS, Watch, _check_screen, _login, _settle
from tests.browser.test_web_app import browser as browser
from tests.browser.test_web_app import server as server

pytestmark = pytest.mark.browser


def _drawn(page, chart: str, canvases: int = 1) -> None:  # type: ignore[no-untyped-def]
    """The chart has its canvases, of a readable size, and has finished animating."""
    box = page.locator(f"[data-test={chart}]").first
    box.wait_for(state="visible", timeout=20_000)
    canvas = box.locator("canvas")
    canvas.nth(canvases - 1).wait_for(state="attached", timeout=20_000)
    assert canvas.count() == canvases, chart
    for i in range(canvases):
        size = canvas.nth(i).bounding_box()
        assert size and size["width"] > 200 and size["height"] > 100, f"{chart}: {size}"
    page.wait_for_timeout(1200)  # ECharts draws lines in over a second


@pytest.mark.parametrize("lang", LANGS)
def test_the_regulator_lands_on_the_overview_and_sees_every_chart(
    browser, server: str, lang: str
) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 1366, "height": 768}, locale=lang)
    watch = Watch(page)
    _login(page, server, "regulator", lang)
    # The overview is the regulator's home.
    page.wait_for_url(re.compile(r"/overview$"), timeout=15_000)
    _settle(page)
    _drawn(page, "overview", canvases=2)
    _check_screen(page, "charts_overview", lang)
    assert int(page.inner_text("[data-test=overview-filings] .v")) > 0
    assert int(page.inner_text("[data-test=overview-runs] .v")) >= 1

    page.goto(f"{server}/grades")
    _settle(page)
    _drawn(page, "grade-map")
    page.locator("[data-test=grade-map-card]").scroll_into_view_if_needed()
    text = _check_screen(page, "charts_grades", lang)
    assert ("证据强度" if lang == "zh-CN" else "Evidence") in text
    assert "风险分" not in text

    page.locator(".el-table").last.scroll_into_view_if_needed()
    page.screenshot(path=str(_screens() / f"charts_grades_table_{lang}.png"))

    # The audit run's page shows the same map under its grade summary.
    page.goto(f"{server}/audit-runs")
    _settle(page)
    page.locator(".el-table__row a[href^='/audit-runs/']").first.click()
    page.wait_for_url(re.compile(r"/audit-runs/\d+"))
    _drawn(page, "grade-map")
    _check_screen(page, "charts_audit_run", lang)
    page.locator("[data-test=grade-map]").scroll_into_view_if_needed()
    page.screenshot(path=str(_screens() / f"charts_audit_run_map_{lang}.png"))

    # An enterprise with filings in the run: its risk over runs, scores and funnel plot.
    page.goto(f"{server}/grades")
    _settle(page)
    page.locator(".el-table__row a[href^='/enterprises/']").first.click()
    page.wait_for_url(re.compile(r"/enterprises/\d+"))
    _settle(page)
    for chart in ("risk-history", "score-distribution", "funnel-plot"):
        _drawn(page, chart)
    page.locator("[data-test=enterprise-charts]").scroll_into_view_if_needed()
    _check_screen(page, "charts_enterprise", lang)
    page.locator("[data-test=funnel-plot]").scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    page.screenshot(path=str(_screens() / f"charts_enterprise_funnel_{lang}.png"))
    assert watch.problems == [], watch.problems
    page.close()


def test_a_bunching_flag_shows_the_score_distribution(browser, server: str) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    watch = Watch(page)
    _login(page, server, "regulator")
    page.goto(f"{server}/flags")
    _settle(page)
    # Filter by the signal as a clerk would: type its name in the signal picker.
    picker = page.locator(".filters .el-select").nth(0)
    picker.click()
    page.keyboard.type("得分扎堆")
    page.locator(".el-select-dropdown__item:visible").first.click()
    page.locator(".filters button[type=submit]").click()
    _settle(page)
    rows = page.locator(".el-table__row")
    if rows.count() == 0:
        pytest.skip("the demo run raised no bunching flag")
    rows.first.click()
    _drawn(page, "score-distribution")
    _check_screen(page, "charts_bunching_flag", "zh-CN")
    assert watch.problems == [], watch.problems
    page.close()


def _screens():  # type: ignore[no-untyped-def]
    from tests.browser.test_web_app import SCREENS

    return SCREENS
