"""The regulator's spreadsheets: flags, grades and filings, filtered exactly as their list
endpoints are (the same service calls with the same filters, all pages). Codes go out as
the catalogue's Chinese names, never raw; numbers stay numbers and dates dates."""

from __future__ import annotations

from openpyxl import Workbook
from sqlmodel import Session, col, select

from audit.flags import SIGNALS
from review_service.catalogue import labels as L
from review_service.enterprises.models import Enterprise
from review_service.enterprises.schemas import INDUSTRY_CLUSTERS
from review_service.filings import service as filings
from review_service.spreadsheets.xlsx import to_bytes, write_table
from review_service.supervision import service as supervision
from review_service.tenancy import TenantScope
from standards.catalogue import load_catalogue
from standards.levels import TRACK_NAMES, Track, level_name

# One export holds at most this many rows (a period's flags of the whole city fit easily).
MAX_ROWS = 50_000


def _name(names: dict[str, tuple[str, str]], code: str | None) -> str | None:
    """The Chinese name of a code; an unknown code is shown as it is rather than dropped."""
    if code is None:
        return None
    known = names.get(code)
    return known[0] if known else code


def _enterprise_names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return {
        e.id or 0: e.name
        for e in session.exec(select(Enterprise).where(col(Enterprise.id).in_(sorted(ids))))
    }


def _level(track: str, level: str, series: str | None = None) -> str:
    try:
        return level_name(Track(track), level, series=series)
    except ValueError:
        return level


def _series(track: str, series: str) -> str:
    try:
        return load_catalogue().name(Track(track), series)
    except ValueError:
        return series


def _book(title: str, headers: list[str], rows: list[list[object]], widths: list[float]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    write_table(sheet, headers, rows, widths)
    return to_bytes(book)


def flags(
    session: Session,
    *,
    scope: TenantScope,
    run_id: int | None,
    signal: str | None,
    severity: str | None,
    band: str | None,
    flag_scope: str | None,
    enterprise_id: int | None,
) -> bytes:
    found, _ = supervision.list_flags(
        session,
        scope=scope,
        run_id=run_id,
        signal=signal,
        severity=severity,
        band=band,
        flag_scope=flag_scope,
        enterprise_id=enterprise_id,
        offset=0,
        limit=MAX_ROWS,
    )
    cases = supervision.cases_by_key(session, (f.key for f in found))
    names = _enterprise_names(session, {f.enterprise_id for f in found if f.enterprise_id})
    rows: list[list[object]] = []
    for f in found:
        info = SIGNALS.get(f.signal)
        case = cases.get(f.key)
        rows.append(
            [
                f.id,
                f.run_id,
                f.period,
                info.name if info else f.signal,
                _name(L.FLAG_KINDS, f.kind),
                _name(L.FLAG_SCOPES, f.scope),
                _name(L.SEVERITIES, f.severity),
                _name(L.BANDS, f.band),
                names.get(f.enterprise_id or 0),
                f.credit_code,
                f.session_ref,
                f.application_ref,
                f.observed,
                f.expected,
                f.n,
                f.p_value,
                f.reason,
                _name(L.CASE_STATUSES, case.status) if case else None,
            ]
        )
    return _book(
        "疑点",
        [
            "疑点编号",
            "审查批次",
            "期间",
            "信号",
            "类型",
            "对象",
            "严重程度",
            "等级",
            "评审主体",
            "统一社会信用代码",
            "评审批次",
            "申报",
            "观测值",
            "期望值",
            "样本数",
            "p值",
            "说明",
            "核查状态",
        ],
        rows,
        [10, 10, 10, 24, 10, 10, 10, 8, 24, 22, 16, 16, 10, 10, 8, 10, 60, 10],
    )


def grades(session: Session, *, scope: TenantScope, run_id: int, grade: str | None) -> bytes:
    found = supervision.list_grades(session, scope=scope, run_id=run_id)
    if grade:
        found = [g for g in found if g.grade == grade]
    names = _enterprise_names(session, {g.enterprise_id for g in found if g.enterprise_id})
    rows: list[list[object]] = [
        [
            names.get(g.enterprise_id or 0),
            g.credit_code,
            g.period,
            _name(L.GRADES, g.grade),
            g.risk_score,
            g.flag_count,
            g.application_count,
            "；".join(str(r["reason"]) for r in g.reasons if isinstance(r.get("reason"), str)),
        ]
        for g in found
    ]
    return _book(
        "质量等级",
        ["评审主体", "统一社会信用代码", "期间", "质量等级", "风险分", "疑点数", "申报数", "理由"],
        rows,
        [24, 22, 10, 14, 10, 8, 8, 80],
    )


def filings_list(
    session: Session,
    *,
    scope: TenantScope,
    period: str | None,
    enterprise_id: int | None,
    credit_code: str | None,
) -> bytes:
    found, _ = filings.list_filings(
        session,
        scope=scope,
        period=period,
        enterprise_id=enterprise_id,
        credit_code=credit_code,
        offset=0,
        limit=MAX_ROWS,
    )
    names = _enterprise_names(session, {f.enterprise_id for f in found if f.enterprise_id})
    rows: list[list[object]] = [
        [
            f.filing_id,
            names.get(f.enterprise_id or 0),
            f.credit_code,
            _name(L.BODY_KINDS, f.review_body_kind),
            _name(INDUSTRY_CLUSTERS, f.industry_cluster),
            _name({t.value: n for t, n in TRACK_NAMES.items()}, f.track),
            _series(f.track, f.series),
            _level(f.track, f.level, f.series),
            f.period,
            f.held_on,
            f.application_count,
            f.approved_count,
            f.supersedes,
            _name(L.FILING_SOURCES, f.source),
            f.received_at.replace(tzinfo=None),
        ]
        for f in found
    ]
    return _book(
        "备案",
        [
            "备案编号",
            "评审主体",
            "统一社会信用代码",
            "主体类型",
            "产业集群",
            "类别",
            "系列/工种",
            "等级",
            "期间",
            "评审日期",
            "申报人数",
            "通过人数",
            "更正的备案",
            "来源",
            "接收时间",
        ],
        rows,
        [30, 24, 22, 14, 12, 12, 14, 14, 10, 12, 10, 10, 30, 14, 18],
    )
