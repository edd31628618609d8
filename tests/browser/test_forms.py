"""Issue 11 item 3: every function a role has is a form. Each form is filled in Chromium as a
clerk would: refused first where the form checks beside the field or the server gives its
reasons, then done; screenshots of each state go to var/screens (zh-CN, and a walk in en)."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from review_service.demo import DEMO_PASSWORD
from tests.browser.test_web_app import Watch, _check_screen, _login, _open_session, _settle
from tests.browser.test_web_app import browser as browser
from tests.browser.test_web_app import server as server
from tests.review_service.factories import credit_code, resident_id

pytestmark = pytest.mark.browser
VIEW = {"width": 1366, "height": 768}


def _page(browser, lang: str = "zh-CN", expected: tuple[int, ...] = ()):  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport=VIEW, locale=lang)
    return page, Watch(page, expected_statuses=expected)


def _pick(page, select: str, option: str) -> None:  # type: ignore[no-untyped-def]
    """Open an Element Plus select and click the visible option holding ``option``."""
    page.wait_for_timeout(300)  # the previous drop-down has faded out
    page.locator(select).first.click()
    page.locator(
        f".el-select__popper:visible .el-select-dropdown__item:has-text('{option}')"
    ).first.click()


def _pick_first(page, select: str) -> str:  # type: ignore[no-untyped-def]
    """Pick the first option of a select; answers its text."""
    page.wait_for_timeout(300)  # the previous drop-down has faded out
    page.locator(select).first.click()
    option = page.locator(".el-select__popper:visible .el-select-dropdown__item").first
    text = option.inner_text()
    option.click()
    return text


def _committee(server: str, name: str) -> None:
    """An industry committee (the demo has only enterprises), created through the API."""
    login = httpx.post(
        f"{server}/api/v1/auth/login",
        data={"username": "regulator", "password": DEMO_PASSWORD},
    )
    token = login.json()["access_token"]
    r = httpx.post(
        f"{server}/api/v1/enterprises",
        json={
            "name": name,
            "credit_code": credit_code(777_000_001),
            "industry_cluster": "high_end_textile",
            "review_body_kind": "industry_committee",
        },
        headers={"Authorization": f"Bearer {token}"},
    )
    assert r.status_code == 201, r.text


def _form_errors(scope) -> list[str]:  # type: ignore[no-untyped-def]
    return [e.strip() for e in scope.locator(".el-form-item__error").all_inner_texts()]


def test_regulator_issues_and_revokes_a_filing_key(browser, server: str) -> None:  # type: ignore[no-untyped-def]
    page, watch = _page(browser)
    _login(page, server, "regulator")
    page.goto(f"{server}/enterprises")
    _settle(page)
    _committee(server, "南通市纺织行业评审委员会")
    page.goto(f"{server}/enterprises")
    _settle(page)
    page.fill(".filters input", "纺织行业评审委员会")
    page.click(".filters button:has-text('查询')")
    _settle(page)
    page.locator("[data-test^=filing-keys-]").first.click()
    keys = page.locator("[data-test=filing-keys]")
    keys.locator("[data-test=key-list]").wait_for()
    # Refused beside the field before anything is sent.
    keys.locator("[data-test=key-issue]").click()
    page.wait_for_timeout(300)
    assert "请填写密钥用途" in _form_errors(keys)
    _check_screen(page, "regulator_filing_key_refused", "zh-CN")
    keys.locator("[data-test=key-label]").fill("2026年度备案接口")
    keys.locator("[data-test=key-issue]").click()
    issued = keys.locator("[data-test=key-issued]")
    issued.wait_for(timeout=10_000)
    assert len(keys.locator("[data-test=key-value]").inner_text().strip()) >= 32
    row = keys.locator(".el-table__row:has-text('2026年度备案接口')")
    assert "有效" in row.inner_text()
    _check_screen(page, "regulator_filing_key_issued", "zh-CN")
    row.locator("[data-test^=key-revoke-]").click()
    page.locator(".el-message-box textarea").fill("机构更换报送系统")
    page.locator(".el-message-box__btns .el-button--primary").click()
    keys.locator(".el-table__row:has-text('已收回')").wait_for(timeout=10_000)
    assert "机构更换报送系统" in keys.locator(".el-table__row").first.inner_text()
    _check_screen(page, "regulator_filing_key_revoked", "zh-CN")
    assert watch.problems == [], watch.problems
    page.close()


def test_regulator_imports_a_registry_extract(browser, server: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    page, watch = _page(browser, expected=(422,))
    _login(page, server, "regulator")
    page.goto(f"{server}/registries")
    _settle(page)
    form = page.locator("[data-test=registry-form]")
    form.locator("[data-test=registry-import]").click()
    page.wait_for_timeout(300)
    assert "请选择要导入的文件" in _form_errors(form)
    with page.expect_download() as template:
        form.locator("[data-test=registry-template]").click()
    assert template.value.suggested_filename.endswith(".xlsx")
    bad = tmp_path / "si-bad.csv"
    bad.write_text(
        "身份证号,单位统一社会信用代码,参保开始日期\n"
        f"{resident_id()},{credit_code()},2020-01-01\n"
        f"{resident_id()},not-a-code,2020-13-01\n",
        encoding="utf-8",
    )
    with page.expect_file_chooser() as chooser:
        form.locator("[data-test=registry-choose]").click()
    chooser.value.set_files(str(bad))
    form.locator("[data-test=registry-import]").click()
    problems = page.locator("[data-test=import-problems]")
    problems.wait_for(timeout=10_000)
    text = problems.inner_text()
    assert "单位统一社会信用代码" in text and "参保开始日期" in text and "3" in text
    _check_screen(page, "regulator_registry_refused", "zh-CN")
    good = tmp_path / "si.csv"
    good.write_text(
        f"身份证号,单位统一社会信用代码,参保开始日期\n{resident_id()},{credit_code()},2020-01-01\n",
        encoding="utf-8",
    )
    with page.expect_file_chooser() as chooser:
        form.locator("[data-test=registry-choose]").click()
    chooser.value.set_files(str(good))
    form.locator("[data-test=registry-import]").click()
    page.locator("[data-test=registry-imports] .el-table__row:has-text('si.csv')").wait_for(
        timeout=10_000
    )
    assert page.locator("[data-test=import-problems]").count() == 0
    _check_screen(page, "regulator_registry_imported", "zh-CN")
    assert watch.problems == [], watch.problems
    page.close()


def test_the_equivalence_table_is_edited_as_rows(browser, server: str) -> None:  # type: ignore[no-untyped-def]
    page, watch = _page(browser, expected=(422,))
    _login(page, server, "regulator")
    page.goto(f"{server}/baselines")
    _settle(page)
    page.locator(".el-tabs__item:has-text('贯通')").click()
    page.locator("[data-test=eq-draft]").click()
    editor = page.locator("[data-test=eq-rules-editor]")
    editor.wait_for(timeout=10_000)
    assert page.locator("textarea.mono, .mono textarea").count() == 0  # no JSON to edit
    rows = editor.locator(".el-table__body-wrapper .el-table__row")
    before = rows.count()
    assert before >= 3
    editor.locator("[data-test=eq-add]").click()
    assert rows.count() == before + 1
    new = before  # index of the added rule
    # Its code clashes with the first rule's: said beside the field, and nothing is sent.
    first_code = editor.locator("[data-test=eq-code-0]").input_value()
    editor.locator(f"[data-test=eq-code-{new}]").fill(first_code)
    _pick(page, f"[data-test=eq-direction-{new}]", "职称 → 技能")
    _pick(page, f"[data-test=eq-from-{new}]", "助理")
    assert editor.locator(".bad.small:has-text('代码与其他规则重复')").count() == 2
    page.locator("[data-test=eq-save]").click()
    message = page.wait_for_selector(".el-message--error", timeout=10_000).inner_text()
    assert "代码重复" in message, message
    _check_screen(page, "regulator_equivalence_refused", "zh-CN")
    editor.locator(f"[data-test=eq-code-{new}]").fill("t2s_assistant_grade4")
    page.locator(".el-message").first.wait_for(state="detached", timeout=10_000)
    page.locator("[data-test=eq-save]").click()
    page.wait_for_selector(".el-message--success", timeout=10_000)
    _settle(page)
    assert editor.locator(f"[data-test=eq-code-{new}]").input_value() == "t2s_assistant_grade4"
    editor.locator(".el-table__expand-icon").nth(new).click()
    _check_screen(page, "regulator_equivalence_edited", "zh-CN")
    assert watch.problems == [], watch.problems
    page.close()


def test_hr_records_a_conflict_by_hand(browser, server: str) -> None:  # type: ignore[no-untyped-def]
    page, watch = _page(browser)
    _login(page, server, "admin001")
    _open_session(page, server, "评审中")
    page.locator(".el-tabs__item:has-text('回避')").click()
    page.locator("[data-test=conflict-new]").click()
    form = page.locator("[data-test=conflict-form]")
    form.locator("[data-test=conflict-save]").click()
    page.wait_for_timeout(300)
    errors = _form_errors(form)
    assert {"请选择评委", "请选择申报人", "请选择关系", "请填写依据"} <= set(errors), errors
    # Same department alone is no relation on offer.
    assert form.locator("[data-code=same_department]").count() == 0
    assert "同在一个部门不构成回避" in form.inner_text()
    _check_screen(page, "admin001_conflict_form_refused", "zh-CN")
    member = _pick_first(page, "[data-test=conflict-member]")
    _pick_first(page, "[data-test=conflict-applicant]")
    form.locator("[data-test=conflict-relation] [data-code=supervisor]").click()
    form.locator("[data-test=conflict-reason]").fill("申报人是该评委所在班组的直接下属")
    _check_screen(page, "admin001_conflict_form_filled", "zh-CN")
    form.locator("[data-test=conflict-save]").click()
    row = page.locator(".el-table__row:has-text('申报人是该评委所在班组的直接下属')")
    row.wait_for(timeout=10_000)
    text = row.inner_text()
    assert "上下级" in text and "管理员登记" in text and "待确认" in text, text
    assert member.split(" · ")[0] in text
    _check_screen(page, "admin001_conflict_recorded", "zh-CN")
    assert watch.problems == [], watch.problems
    page.close()


def test_requirement_rules_are_edited_by_form(browser, server: str) -> None:  # type: ignore[no-untyped-def]
    page, watch = _page(browser, expected=(422,))
    _login(page, server, "admin001")
    page.goto(f"{server}/standards")
    _settle(page)
    page.locator(".el-table__row a").first.click()
    page.wait_for_url(re.compile(r"/standards/\d+$"))
    _settle(page)
    if page.locator("[data-test=std-save]").count() == 0:
        page.locator("button:has-text('新建版本')").click()
        page.locator("[data-test=std-save]").wait_for(timeout=10_000)
        _settle(page)
    editor = page.locator("[data-test=req-editor]")
    cards = editor.locator("[data-test^=req-]:is(.el-card)")
    before = cards.count()
    assert before >= 1
    assert page.locator("[data-test=doc-json]").count() == 0
    # An award rule with nothing accepted: the server names the field on the rule's card.
    page.locator("[data-test=req-add]").click()
    page.locator(".el-dropdown-menu__item:visible[data-code=award]").click()
    assert cards.count() == before + 1
    page.locator("[data-test=std-save]").click()
    card = editor.locator(f"[data-test=req-{before}]")
    card.locator(".el-form-item__error, .errs").first.wait_for(timeout=10_000)
    card.scroll_into_view_if_needed()
    _check_screen(page, "admin001_requirements_refused", "zh-CN")
    card.locator(f"[data-test=req-{before}-accepted] input").fill("南通市五一劳动奖章")
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    # Kind changed to appraisals: its one field replaces the award's.
    _pick(page, f"[data-test=req-kind-{before}]", "年度考核")
    assert card.locator(f"[data-test=req-{before}-last_years]").count() == 1
    page.locator("[data-test=std-save]").click()
    page.wait_for_selector(".el-message--success", timeout=10_000)
    _settle(page)
    card.scroll_into_view_if_needed()
    _check_screen(page, "admin001_requirements_saved", "zh-CN")
    assert watch.problems == [], watch.problems
    page.close()


def test_small_items_standard_picker_new_user_and_declared_conflict(browser, server: str) -> None:  # type: ignore[no-untyped-def]
    page, watch = _page(browser)
    _login(page, server, "admin001")
    # The standard picker starts empty, not at "0".
    page.goto(f"{server}/sessions")
    _settle(page)
    page.locator("button:has-text('新建')").first.click()
    picker = page.locator("[data-test=session-standard]")
    picker.wait_for()
    assert "请选择已发布的评价标准" in picker.inner_text()
    assert re.search(r"(^|\s)0(\s|$)", picker.inner_text()) is None
    page.locator(".el-dialog:visible .el-dialog__footer .el-button--primary").click()
    page.locator(".el-dialog:visible .el-form-item__error:has-text('请选择评价标准')").wait_for()
    _check_screen(page, "admin001_session_create_empty", "zh-CN")
    page.keyboard.press("Escape")
    # A new account shows on the page the list opens at, highlighted.
    page.goto(f"{server}/users")
    _settle(page)
    page.locator("button:has-text('新建')").first.click()
    dialog = page.locator(".el-dialog:visible")
    dialog.locator(".el-form-item:has-text('用户名') input").fill("newclerk01")
    dialog.locator(".el-form-item:has-text('名称') input").first.fill("新员工甲")
    dialog.locator("input[type=password]").fill("Passw0rd-2026!")
    dialog.locator(".el-dialog__footer .el-button--primary").click()
    page.locator(".just-created:has-text('newclerk01')").wait_for(timeout=10_000)
    _check_screen(page, "admin001_user_created", "zh-CN")
    assert watch.problems == [], watch.problems
    page.close()
    # An expert's 申请回避 turns into the state of what was declared.
    expert, expert_watch = _page(browser)
    _login(expert, server, "expert001_01")
    expert.goto(f"{server}/panels")
    _settle(expert)
    expert.locator(".el-table__row:has-text('评审中') a").first.click()  # before the decision
    expert.wait_for_url(re.compile(r"/panels/\d+$"))
    _settle(expert)
    button = expert.locator("[data-test^=declare-]").first
    app_id = button.get_attribute("data-test").removeprefix("declare-")
    button.click()
    expert.locator(".el-dialog:visible textarea").fill("申报人是本人的表弟")
    expert.locator(".el-dialog:visible .el-button--warning").click()
    state = expert.locator(f"[data-test=conflict-state-{app_id}]")
    state.wait_for(timeout=10_000)
    assert "已申请回避" in state.inner_text()
    assert expert.locator(f"[data-test=declare-{app_id}]").count() == 0
    _check_screen(expert, "expert001_01_conflict_declared", "zh-CN")
    assert expert_watch.problems == [], expert_watch.problems
    expert.close()


def test_the_forms_in_english(browser, server: str) -> None:  # type: ignore[no-untyped-def]
    page, watch = _page(browser, "en")
    _login(page, server, "regulator", "en")
    page.goto(f"{server}/registries")
    _settle(page)
    text = _check_screen(page, "regulator_registries", "en")
    assert "Registry extracts" in text and "Social insurance" in text
    page.goto(f"{server}/baselines")
    _settle(page)
    page.locator(".el-tabs__item:has-text('quivalence')").click()
    _settle(page)
    tables = page.locator(".el-tab-pane:visible .toolbar .el-select").first
    tables.click()
    draft = page.locator(".el-select-dropdown__item:visible:has-text('Draft')")
    if draft.count():
        draft.first.click()
        page.locator("[data-test=eq-rules-editor]").wait_for(timeout=10_000)
    else:
        page.keyboard.press("Escape")
    _settle(page)
    _check_screen(page, "regulator_equivalence_editor", "en")
    page.goto(f"{server}/enterprises")
    _settle(page)
    keys = page.locator("[data-test^=filing-keys-]")
    if keys.count():
        keys.first.click()
        page.locator("[data-test=key-list]").wait_for()
        _settle(page)
        _check_screen(page, "regulator_filing_keys", "en")
    assert watch.problems == [], watch.problems
    page.close()
    hr, hr_watch = _page(browser, "en")
    _login(hr, server, "admin001", "en")
    _open_session(hr, server, "评审中")
    hr.locator(".el-tabs__item:has-text('onflict')").click()
    hr.locator("[data-test=conflict-new]").click()
    hr.locator("[data-test=conflict-relation] [data-code=relative]").click()
    _settle(hr)
    text = _check_screen(hr, "admin001_conflict_form", "en")
    assert "Relation" in text and "Relative" in text
    hr.keyboard.press("Escape")
    hr.goto(f"{server}/standards")
    _settle(hr)
    hr.locator(".el-table__row a").first.click()
    hr.wait_for_url(re.compile(r"/standards/\d+$"))
    _settle(hr)
    _check_screen(hr, "admin001_standard_rules", "en")
    assert hr_watch.problems == [], hr_watch.problems
    hr.close()
