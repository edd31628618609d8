"""The built web app in Debian's Chromium against a live server with the demo data.

Skipped when Chromium or the built app is missing, unless REVIEW_REQUIRE_BROWSER=1 (CI),
where that is a failure. Runs once, on the SQLite pass of the suite."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from sqlmodel import Session

from review_service.config import PROJECT_ROOT
from review_service.demo import DEMO_PASSWORD, load_demo
from review_service.events.service import seal
from tests.browser.live import CHROMIUM, fresh_app, require_browser, serving

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    require_browser()
    app, settings = fresh_app(tmp_path_factory, "browser")
    with Session(app.state.engine) as session:
        # Every step: the review rounds the screens walk through, and filings with an audit
        # run so that flags, grades and cases have rows to show.
        load_demo(session, settings)
        seal(session)
        session.commit()
    with serving(app) as base:
        yield base


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


SCREENS = PROJECT_ROOT / "var" / "screens"  # git-ignored; every page at 1366×768, both languages
LANGS = ("zh-CN", "en")
# A code left raw on a screen: snake_case or dotted lower-case words (rule.panel_chair,
# in_force, auth.login, mean_duration_log).
RAW_CODE = re.compile(r"(?<![\w/@.-])[a-z][a-z0-9]*(?:[._][a-z0-9]+)+(?![\w/@-])")
BROKEN = ("undefined", "[object Object]", "NaN", "Invalid Date")
_CODES: dict[str, list[str]] = {}


def _catalogue_codes(page, lang: str) -> list[str]:  # type: ignore[no-untyped-def]
    """Every lower-case code the catalogue names (single words too: ``finalized``, ``open``),
    less those whose English name is the code itself (a series ``engineering``)."""
    if not _CODES:
        groups = page.evaluate("fetch('/api/v1/catalogue').then((r) => r.json())")["groups"]

        def codes(skip: set[str]) -> list[str]:
            found = {
                label["code"]
                for group, labels in groups.items()
                if group not in skip
                for label in labels
                if re.fullmatch(r"[a-z][a-z0-9_.]+", label["code"]) and label["en"] != label["code"]
            }
            return sorted(found, key=len, reverse=True)

        # Criteria are codes an enterprise writes (shown as written, .ident); in English, levels,
        # series and the like are words of the names themselves ("… engineer (intermediate)").
        _CODES["zh-CN"] = codes({"criteria"})
        _CODES["en"] = codes(
            {
                "criteria",
                "title_levels",
                "skill_levels",
                "title_series",
                "skill_trades",
                "education",
            }
        )
    return _CODES[lang]


def raw_catalogue_codes(text: str, codes: list[str], lang: str) -> list[str]:
    """Catalogue codes left in ``text``. A Chinese screen has no business showing any of them;
    an English one may use the word (open, member) but never quotes or brackets a code."""
    words = "|".join(re.escape(c) for c in codes)
    if lang == "en":
        pattern = rf"['\"“‘(（]({words})['\"”’)）]"
    else:
        pattern = rf"(?<![\w./@-])({words})(?![\w/@-])"
    return sorted(set(re.findall(pattern, text)))


class Watch:
    """What a page did wrong: script errors, console errors, failed requests."""

    def __init__(self, page, expected_statuses: tuple[int, ...] = ()) -> None:  # type: ignore[no-untyped-def]
        self.problems: list[str] = []
        self.expected = expected_statuses
        page.on("pageerror", lambda exc: self.problems.append(f"page error: {exc}"))
        page.on("console", self._console)
        page.on("response", self._response)

    def _console(self, message) -> None:  # type: ignore[no-untyped-def]
        # A failed request is judged by its status below, not by Chromium's console line.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.problems.append(f"console: {message.text}")
        if "Failed to resolve component" in message.text:  # a tag no component answers
            self.problems.append(f"console: {message.text}")

    def _response(self, response) -> None:  # type: ignore[no-untyped-def]
        if response.status >= 400 and response.status not in self.expected:
            self.problems.append(f"HTTP {response.status} {response.url}")


def _login(
    page, server: str, username: str, lang: str = "zh-CN", password: str = DEMO_PASSWORD
) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{server}/login")
    page.evaluate(f"localStorage.setItem('nt-review.lang', '{lang}')")
    page.goto(f"{server}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("[data-test=login-submit]")
    page.wait_for_url(lambda url: "/login" not in url, timeout=15_000)


def _settle(page) -> None:  # type: ignore[no-untyped-def]
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(250)  # charts and drawers animate


def _check_screen(page, name: str, lang: str) -> str:  # type: ignore[no-untyped-def]
    """Screenshot the page and fail on anything a user should never read."""
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / f"{name}_{lang}.png"))
    # Identifiers the user writes (a criterion's code) are shown as written, marked .ident.
    text = page.evaluate(
        """() => { const ids = [...document.querySelectorAll('.ident')];
        ids.forEach((n) => (n.dataset.shown = n.style.visibility, n.style.display = 'none'));
        const text = document.body.innerText; ids.forEach((n) => (n.style.display = ''));
        return text }"""
    )
    # A template tag no registered component answers stays in the page as an unknown element.
    unknown = page.evaluate(
        "() => [...document.querySelectorAll(':not(:defined)')].map((e) => e.localName)"
    )
    assert unknown == [], f"{name} ({lang}) has unregistered components: {sorted(set(unknown))}"
    for broken in BROKEN:
        assert broken not in text, f"{name} ({lang}) shows {broken!r}"
    raw = sorted(set(RAW_CODE.findall(text)))
    assert raw == [], f"{name} ({lang}) shows raw codes: {raw}"
    raw = raw_catalogue_codes(text, _catalogue_codes(page, lang), lang)
    assert raw == [], f"{name} ({lang}) shows catalogue codes: {raw}"
    if lang == "en":
        # Chrome of the app (menu, headings, buttons) is English; data may be Chinese.
        chrome = page.inner_text(".el-menu") if page.locator(".el-menu").count() else ""
        assert not re.search(r"[\u4e00-\u9fff]", chrome), f"{name}: Chinese in the English menu"
    return text


def _walk(
    browser, server: str, user: str, pages: list[str], lang: str, *, details: bool = True
) -> list[str]:  # type: ignore[no-untyped-def]
    """Log in as ``user`` and open each page (and the first item of each list)."""
    page = browser.new_page(viewport={"width": 1366, "height": 768}, locale=lang)
    watch = Watch(page)
    _login(page, server, user, lang)
    seen = []
    for path in pages:
        page.goto(f"{server}{path}")
        _settle(page)
        name = f"{user}_{path.strip('/').replace('/', '_') or 'home'}"
        _check_screen(page, name, lang)
        seen.append(path)
        link = page.locator(f".el-table__row a[href^='{path}/']")
        if details and link.count():
            link.first.click()
            page.wait_for_url(lambda url, p=path: re.search(rf"{p}/.+", url) is not None)
            _settle(page)
            _check_screen(page, f"{name}_detail", lang)
            seen.append(page.url.removeprefix(server))
    assert watch.problems == [], watch.problems
    page.close()
    return seen


REGULATOR_PAGES = [
    "/overview",
    "/enterprises",
    "/baselines",
    "/filings",
    "/audit-runs",
    "/flags",
    "/cases",
    "/grades",
    "/credit-records",
    "/events",
    "/equivalence",
]
HR_PAGES = ["/standards", "/sessions", "/users", "/my-grade", "/events", "/equivalence"]


@pytest.mark.parametrize("lang", LANGS)
def test_regulator_journey_has_no_raw_codes(browser, server: str, lang: str) -> None:  # type: ignore[no-untyped-def]
    # Detail pages in one language keep the suite fast; lists in both.
    seen = _walk(browser, server, "regulator", REGULATOR_PAGES, lang, details=lang == "zh-CN")
    if lang == "zh-CN":
        assert any(re.match(r"/enterprises/\d+", p) for p in seen)
        assert any(re.match(r"/audit-runs/\d+", p) for p in seen)


@pytest.mark.parametrize("lang", LANGS)
def test_enterprise_hr_journey_has_no_raw_codes(browser, server: str, lang: str) -> None:  # type: ignore[no-untyped-def]
    seen = _walk(browser, server, "admin001", HR_PAGES, lang)
    assert any(re.match(r"/sessions/\d+", p) for p in seen)
    assert any(re.match(r"/standards/\d+", p) for p in seen)


@pytest.mark.parametrize("lang", LANGS)
def test_expert_and_applicant_journeys_have_no_raw_codes(browser, server: str, lang: str) -> None:  # type: ignore[no-untyped-def]
    _walk(browser, server, "expert001_01", ["/panels"], lang)
    _walk(browser, server, "applicant001_01", ["/self-check", "/my-applications"], lang)


def test_wrong_password_shows_the_error_in_chinese(browser, server: str) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(locale="zh-CN")
    Watch(page, expected_statuses=(401,))
    page.goto(f"{server}/login")
    page.fill("input[name=username]", "regulator")
    page.fill("input[name=password]", "not-the-password-1")
    page.click("[data-test=login-submit]")
    alert = page.wait_for_selector("[data-test=login-error]", timeout=10_000)
    assert "用户名或密码错误" in alert.inner_text()


def test_a_baseline_opens_with_its_document_and_errors_name_their_fields(
    browser, server: str
) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    watch = Watch(page, expected_statuses=(422,))
    _login(page, server, "regulator")
    page.goto(f"{server}/baselines")
    page.locator(".el-table__row").first.click()
    drawer = page.locator(".el-drawer")
    drawer.locator("text=评价指标").wait_for()
    _settle(page)
    text = drawer.inner_text()
    assert "track." not in text and "undefined" not in text
    assert drawer.locator(".el-table__row").count() >= 3  # requirements and criteria are shown
    # A new version is a draft with the same document; emptying its name is refused by field.
    drawer.locator("button:has-text('新建版本')").click()
    drawer.locator("button:has-text('保存')").wait_for()
    name = drawer.locator(".el-form-item:has-text('名称') input").first
    assert name.input_value() != ""
    name.fill("")
    drawer.locator("button:has-text('保存')").click()
    message = page.wait_for_selector(".el-message--error", timeout=10_000).inner_text()
    assert "名称" in message, message
    _check_screen(page, "regulator_baseline_refused", "zh-CN")
    assert watch.problems == [], watch.problems


def test_flags_name_enterprises_and_the_picker_searches_as_you_type(browser, server: str) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    watch = Watch(page)
    _login(page, server, "regulator")
    page.goto(f"{server}/flags")
    _settle(page)
    assert "有限公司" in page.locator(".el-table").inner_text()
    picker = page.locator("[data-test=enterprise-picker] input").first
    picker.click()
    picker.type("船舶", delay=50)
    option = page.locator(".el-select-dropdown__item:visible").first
    option.wait_for(timeout=10_000)
    assert "船舶" in option.inner_text()
    option.click()
    page.click("button:has-text('查询')")
    _settle(page)
    page.click("button:has-text('重置')")
    _settle(page)
    # The evidence drawer shows its details in words.
    page.locator(".el-table__row:visible").first.click()
    page.locator("[data-test=evidence-drawer] .el-alert").wait_for()
    _settle(page)
    _check_screen(page, "regulator_flag_evidence", "zh-CN")
    assert watch.problems == [], watch.problems


@pytest.mark.parametrize("lang", LANGS)
def test_public_equivalence_for_every_title_level(browser, server: str, lang: str) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 1366, "height": 768}, locale=lang)
    watch = Watch(page)
    page.goto(f"{server}/public/equivalence")
    page.evaluate(f"localStorage.setItem('nt-review.lang', '{lang}')")
    page.goto(f"{server}/public/equivalence")
    page.wait_for_selector("form", timeout=10_000)
    assert "/login" not in page.url
    page.locator("[data-test=eq-track] [data-code=title]").click()
    outcomes = {}
    for level in ("technician", "assistant", "intermediate", "deputy_senior", "senior"):
        page.locator("[data-test=eq-level]").click()
        page.locator(f".el-select-dropdown__item[data-code={level}]:visible").click()
        page.click("[data-test=eq-submit]")
        _settle(page)
        if page.locator("[data-test=eq-none]").count():
            outcomes[level] = "none"
        else:
            outcomes[level] = "unknown" if page.locator("[data-test=eq-unknown]").count() else "met"
        _check_screen(page, f"public_equivalence_{level}", lang)
    # 初级 titles open 高级工 (the years are known, nothing else is asked); higher titles have no
    # row in the national table.
    assert outcomes == {
        "technician": "met",
        "assistant": "met",
        "intermediate": "none",
        "deputy_senior": "none",
        "senior": "none",
    }
    assert watch.problems == [], watch.problems


def _open_session(page, server: str, label: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{server}/sessions")
    _settle(page)
    # The stepper is drawn once the server has said what blocks each next step.
    with page.expect_response(lambda r: r.url.endswith("/next-steps"), timeout=15_000):
        page.locator(f".el-table__row:has-text('{label}') a").first.click()  # the session's name
    _settle(page)


@pytest.mark.parametrize("lang", LANGS)
def test_a_step_blocked_by_the_notice_period_is_off_and_says_why(
    browser, server: str, lang: str
) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 1366, "height": 768}, locale=lang)
    watch = Watch(page)
    _login(page, server, "admin001", lang)
    _open_session(page, server, "公示中")
    # The notice period cannot be overridden: the step is off and the server's reason is listed.
    assert page.locator("[data-test=move-finalized]").is_disabled()
    blockers = page.locator("[data-test=step-blockers-finalized]")
    text = blockers.inner_text()
    assert "2026" in text and blockers.locator("[data-test=blocker-hard]").count() >= 1, text
    _check_screen(page, "admin001_session_step_blocked", lang)
    assert watch.problems == [], watch.problems


@pytest.mark.parametrize("lang", LANGS)
def test_a_refused_step_shows_the_servers_reasons(browser, server: str, lang: str) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 1366, "height": 768}, locale=lang)
    watch = Watch(page, expected_statuses=(409,))
    # A view that could not tell what blocks the step (stale or not loaded) leaves it on;
    # the server then refuses, and its reasons are shown.
    page.route(
        "**/next-steps",
        lambda route: route.fulfill(
            status=200,
            content_type="application/json",
            body='{"session_id": 0, "status": "public_notice", "version": 1, "steps": []}',
        ),
    )
    _login(page, server, "admin001", lang)
    _open_session(page, server, "公示中")
    page.locator("[data-test=move-finalized]").click()
    page.locator(".el-message-box__btns .el-button--primary").click()
    alert = page.locator("[data-test=step-refused]")
    alert.wait_for(timeout=10_000)
    text = alert.inner_text()
    # The server's reason (the notice period) is shown, not only a count of unmet conditions.
    assert "2026" in text and alert.locator("li").count() >= 1, text
    _check_screen(page, "admin001_session_step_refused", lang)
    assert watch.problems == [], watch.problems


@pytest.mark.parametrize("lang", LANGS)
def test_moving_on_with_sheets_unsubmitted_needs_a_logged_override(
    browser, server: str, lang: str
) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 1366, "height": 768}, locale=lang)
    watch = Watch(page)
    _login(page, server, "admin001", lang)
    _open_session(page, server, "评审中")
    # A third of the demo's sheets are saved but not submitted: each member owing some is listed.
    blockers = page.locator("[data-test=step-blockers-voting]")
    blockers.wait_for(timeout=10_000)
    soft = blockers.locator("[data-test=blocker-soft]")
    assert soft.count() >= 1 and blockers.locator("[data-test=blocker-hard]").count() == 0
    owed = "评分未提交" if lang == "zh-CN" else "has not submitted"
    assert owed in soft.first.inner_text(), soft.first.inner_text()
    _check_screen(page, "admin001_session_step_blockers", lang)
    button = page.locator("[data-test=move-voting]")
    assert button.is_enabled()
    button.click()
    dialog = page.locator("[data-test=override-dialog]")
    dialog.wait_for(timeout=5_000)
    # The dialog repeats what is overridden and warns that the reason is logged.
    assert dialog.locator("li").count() == soft.count()
    assert ("日志" if lang == "zh-CN" else "event log") in dialog.inner_text()
    # No reason, no move: the confirmation refuses a reason shorter than the server's minimum.
    page.locator(".el-message-box__input textarea").fill("缺席")
    page.locator(".el-message-box__btns .el-button--primary").click()
    page.locator(".el-message-box__errormsg").wait_for(timeout=5_000)
    _check_screen(page, "admin001_session_step_override", lang)
    page.locator(".el-message-box__btns .el-button:not(.el-button--primary)").click()
    page.wait_for_timeout(300)
    assert page.locator("[data-test=move-voting]").is_enabled()  # still in 评审打分
    assert watch.problems == [], watch.problems


def test_hr_draws_a_panel_and_a_drawn_expert_confirms(browser, server: str) -> None:  # type: ignore[no-untyped-def]
    """Issue 12: the seed's hash is published, the panel drawn from the pool, and a drawn
    expert confirms their seat, which HR then sees."""
    page = browser.new_page(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    watch = Watch(page)
    _login(page, server, "admin001")
    page.goto(f"{server}/sessions")
    _settle(page)
    page.locator(".el-table__row:has-text('草稿') a").first.click()
    page.wait_for_url(re.compile(r"/sessions/\d+$"))
    session_id = int(page.url.rsplit("/", 1)[1])
    _settle(page)
    page.locator("[data-test=draw-commit]").click()
    commitment = page.locator("[data-test=draw-commitment]")
    commitment.wait_for(timeout=10_000)
    assert re.fullmatch(r"[0-9a-f]{64}", commitment.inner_text().strip())
    page.locator("[data-test=draw-run]").click()
    page.locator(".el-message-box__btns .el-button--primary").click()
    result = page.locator("[data-test=draw-result]")
    result.wait_for(timeout=15_000)
    _settle(page)
    # The seed is revealed and it hashes to the published commitment (checked by the server's
    # verification; here: shown, 64 hex characters).
    assert re.search(r"[0-9a-f]{64}", result.inner_text())
    drawn = page.locator(".el-table__row:has([data-test=member-selection]:has-text('随机抽取'))")
    assert drawn.count() >= 5, drawn.count()
    assert page.locator("[data-test=member-response]:has-text('待确认')").count() == drawn.count()
    pool_rows = page.locator(
        ".el-table__row:has-text('专家库专家'):has([data-test=member-response]:has-text('待确认'))"
    )
    name = re.search(r"专家库专家(\d+)", pool_rows.first.inner_text())
    assert name, pool_rows.first.inner_text()
    other = re.search(r"专家库专家(\d+)", pool_rows.nth(1).inner_text())
    assert other, pool_rows.nth(1).inner_text()
    _check_screen(page, "admin001_session_drawn", "zh-CN")

    expert = browser.new_page(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    expert_watch = Watch(expert)
    _login(expert, server, f"pool{name.group(1)}")
    expert.goto(f"{server}/panels/{session_id}")
    _settle(expert)
    expert.locator("[data-test=seat-pending]").wait_for(timeout=10_000)
    _check_screen(expert, "pool_seat_pending", "zh-CN")
    expert.locator("[data-test=seat-accept]").click()
    expert.locator("[data-test=seat-pending]").wait_for(state="detached", timeout=10_000)
    assert expert_watch.problems == [], expert_watch.problems
    expert.close()

    # A second drawn expert declines with a reason: the next reserve is called in.
    declining = browser.new_page(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    declining_watch = Watch(declining)
    _login(declining, server, f"pool{other.group(1)}")
    declining.goto(f"{server}/panels/{session_id}")
    _settle(declining)
    declining.locator("[data-test=seat-decline]").click()
    declining.locator(".el-message-box textarea").fill("档期冲突")
    declining.locator(".el-message-box__btns .el-button--primary").click()
    declining.wait_for_url(re.compile(r"/panels$"), timeout=10_000)
    assert declining_watch.problems == [], declining_watch.problems
    declining.close()

    page.reload()
    _settle(page)
    # The whole name: the pool holds 180, so 专家库专家11 is also the start of 专家库专家112.
    row = page.locator(".el-table__row", has_text=re.compile(rf"专家库专家{name.group(1)}(?!\d)"))
    assert "已确认" in row.first.inner_text()
    declined = re.compile(rf"专家库专家{other.group(1)}(?!\d)")
    assert page.locator(".el-table__row", has_text=declined).count() == 0
    assert page.locator("[data-test=member-selection]:has-text('递补')").count() == 1
    assert "已拒绝" in page.locator("[data-test=draw-result]").inner_text()
    assert watch.problems == [], watch.problems
    page.close()
    # The drawn session in English: no raw codes in the draw's block or the member tags.
    en = browser.new_page(viewport={"width": 1366, "height": 768}, locale="en")
    en_watch = Watch(en)
    _login(en, server, "admin001", "en")
    en.goto(f"{server}/sessions/{session_id}")
    _settle(en)
    en.locator("[data-test=draw-result]").wait_for(timeout=10_000)
    en.locator(".el-collapse-item__header").first.click()
    _settle(en)
    text = _check_screen(en, "admin001_session_drawn", "en")
    assert "Drawn" in text and "Confirmed" in text and "Pending" in text
    assert en_watch.problems == [], en_watch.problems
    en.close()


def test_the_regulator_records_and_lifts_a_credit_finding(browser, server: str) -> None:  # type: ignore[no-untyped-def]
    from standards.identifiers import resident_id_check_char

    first17 = "32060219850101123"
    resident_id = first17 + resident_id_check_char(first17)
    page = browser.new_page(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    watch = Watch(page)
    _login(page, server, "regulator")
    page.goto(f"{server}/credit-records")
    _settle(page)
    page.locator("[data-test=credit-new]").click()
    form = page.locator("[data-test=credit-form]")
    form.locator(".el-form-item:has-text('身份证号') input").fill(resident_id)
    form.locator(".el-form-item:has-text('姓名') input").fill("王伪造")
    form.locator("textarea").fill("伪造业绩材料，经核查属实")
    page.locator("[data-test=credit-save]").click()
    row = page.locator(".el-table__row:has-text('王伪造')")
    row.wait_for(timeout=10_000)
    assert "限制申报" in row.inner_text() and "有效" in row.inner_text()
    _check_screen(page, "regulator_credit_records", "zh-CN")
    row.locator("[data-test^=credit-lift-]").click()
    page.locator(".el-message-box textarea").fill("复核后撤销处理")
    page.locator(".el-message-box__btns .el-button--primary").click()
    page.locator(".el-table__row:has-text('王伪造'):has-text('已解除')").wait_for(timeout=10_000)
    # Anyone reads their own records from the user menu (the regulator has none).
    page.locator("[data-test=user-menu]").click()
    page.locator("[data-test=my-credit-open]").click()
    page.locator("[data-test=my-credit] .el-table__empty-text:has-text('您没有失信记录')").wait_for(
        timeout=10_000
    )
    assert watch.problems == [], watch.problems
    page.close()
