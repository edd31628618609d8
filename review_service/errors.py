"""Domain errors and the one JSON error body every response uses.

``{"error": {"code", "message", "message_en", "details": [{"field", "problem"}]}}``:
``message`` is Chinese (the users' language), ``message_en`` English.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, ClassVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, IntegrityError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from standards.problems import bilingual

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FieldProblem:
    field: str
    problem: str
    problem_en: str | None = None

    def as_dict(self) -> dict[str, str]:
        body = {"field": self.field, "problem": self.problem}
        if self.problem_en:
            body["problem_en"] = self.problem_en
        return body


class DomainError(Exception):
    """Base of every refusal the service gives on purpose."""

    status_code: ClassVar[int] = 400
    code: ClassVar[str] = "bad_request"
    # A refusal that must still keep what was written (a failed login's counter).
    keeps_writes: ClassVar[bool] = False

    def __init__(
        self,
        message: str,
        message_en: str,
        *,
        details: list[FieldProblem] | None = None,
        code: str | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message_en)
        self.message = message
        self.message_en = message_en
        self.details = details or []
        self.extra = extra or {}
        if code:
            self.code = code  # type: ignore[misc]


class TooManyRequests(DomainError):
    """Refused by a rate limit; ``Retry-After`` says when the client may try again."""

    status_code = 429
    code = "rate_limited"

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            f"请求过于频繁，请{retry_after}秒后再试",
            f"too many requests; try again in {retry_after} s",
            extra={"retry_after": retry_after},
        )
        self.retry_after = retry_after


class NotFound(DomainError):
    status_code = 404
    code = "not_found"

    def __init__(self, what: str, what_en: str, object_id: object) -> None:
        super().__init__(
            f"{what}不存在或无权访问（{object_id}）",
            f"{what_en} {object_id} not found",
        )


class Unauthenticated(DomainError):
    status_code = 401
    code = "unauthenticated"


class LoginRefused(Unauthenticated):
    code = "login_refused"
    keeps_writes = True


class Forbidden(DomainError):
    status_code = 403
    code = "forbidden"


class Conflict(DomainError):
    status_code = 409
    code = "conflict"


class InvalidState(Conflict):
    code = "invalid_state"


class Invalid(DomainError):
    status_code = 422
    code = "invalid"


# How long a client should wait before retrying when the database is out of reach.
RETRY_AFTER_SECONDS = 5


class LockTimeout(Conflict):
    """Another request holds the row longer than ``lock_timeout`` (or the two deadlocked, or
    lost a serialisation race): the row is contested, not the database down. Refused quickly
    instead of stalling every worker (see db.py); retrying is safe, nothing was applied."""

    code = "lock_timeout"


class StatementTimeout(DomainError):
    """A statement ran past ``statement_timeout``: the database is overloaded, not refusing
    this request; retry later."""

    status_code = 503
    code = "statement_timeout"


# SQLSTATEs of a contested row: lock_not_available (lock_timeout), deadlock_detected,
# serialization_failure.
_CONTESTED = frozenset({"55P03", "40P01", "40001"})
_QUERY_CANCELED = "57014"


def from_database_error(exc: BaseException) -> DomainError | None:
    """The one answer to a database error that is not a bug: a contested row is the caller's
    409 ``lock_timeout``, a statement cut short is 503 ``statement_timeout``. Anything else
    (refused, dropped or timed-out connections, an exhausted pool) is None: the database is
    out of reach, answered 503 ``database_unavailable`` with ``Retry-After``. Used by the
    commit path (dependencies.finish) and by the exception handlers alike."""
    orig = getattr(exc, "orig", None)
    state = getattr(orig, "sqlstate", None)
    if state in _CONTESTED or "database is locked" in str(orig):
        return LockTimeout(
            "该记录正被另一请求修改，本次操作未生效，请稍后重试",
            "another request is changing this record; nothing was applied, retry in a moment",
        )
    if state == _QUERY_CANCELED:
        return StatementTimeout(
            "数据库处理超时，请稍后重试",
            "the database took too long to answer; retry later",
            extra={"retry_after": 1},
        )
    return None


def database_unavailable(retry_after: int = RETRY_AFTER_SECONDS) -> JSONResponse:
    return JSONResponse(
        status_code=503,
        content=error_body(
            "database_unavailable",
            "数据库暂时不可用，请稍后重试",
            "the database is unavailable for the moment; retry later",
            retry_after=retry_after,
        ),
        headers={"Retry-After": str(retry_after)},
    )


def error_body(
    code: str,
    message: str,
    message_en: str,
    details: list[dict[str, str]] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    return {
        "error": {
            "code": code,
            "message": message,
            "message_en": message_en,
            "details": details or [],
            **extra,
        }
    }


def _loc_to_field(loc: tuple[Any, ...]) -> str:
    parts = [p for p in loc if p not in ("body", "query", "path", "header", "form")] or list(loc)
    out = ""
    for p in parts:
        if isinstance(p, int):
            out += f"[{p}]"
        else:
            out += ("." if out else "") + str(p)
    return out or "body"


_PYDANTIC_ZH = {
    "missing": "必填项缺失",
    "json_invalid": "JSON格式错误",
    "string_too_short": "字符串过短",
    "string_too_long": "字符串过长",
    "greater_than_equal": "数值过小",
    "less_than_equal": "数值过大",
    "greater_than": "数值过小",
    "less_than": "数值过大",
    "int_parsing": "应为整数",
    "float_parsing": "应为数字",
    "date_from_datetime_parsing": "应为日期",
    "date_parsing": "应为日期",
    "enum": "取值不在允许范围内",
    "literal_error": "取值不在允许范围内",
    "extra_forbidden": "不允许的字段",
    "string_pattern_mismatch": "格式不符合要求",
    "value_error": "取值无效",
    "model_attributes_type": "应为对象",
    "dict_type": "应为对象",
    "list_type": "应为数组",
    "bool_parsing": "应为布尔值",
}


def _headers(exc: DomainError) -> dict[str, str] | None:
    if exc.status_code == 401:
        return {"WWW-Authenticate": "Bearer"}
    if isinstance(exc, TooManyRequests):
        return {"Retry-After": str(exc.retry_after)}
    if exc.status_code == 503:
        return {"Retry-After": str(exc.extra.get("retry_after", RETRY_AFTER_SECONDS))}
    return None


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def _domain(_: Request, exc: DomainError) -> JSONResponse:
        return JSONResponse(
            status_code=exc.status_code,
            content=error_body(
                exc.code,
                exc.message,
                exc.message_en,
                [d.as_dict() for d in exc.details],
                **exc.extra,
            ),
            headers=_headers(exc),
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        details = []
        for err in exc.errors():
            zh = _PYDANTIC_ZH.get(err.get("type", ""), "取值无效")
            msg = str(err.get("msg", ""))
            said = bilingual(err)
            details.append(
                {
                    "field": _loc_to_field(tuple(err.get("loc", ()))),
                    "problem": said[0] if said else f"{zh}：{msg}" if zh not in msg else msg,
                    "problem_en": said[1] if said else msg,
                }
            )
        malformed = any(e.get("type") == "json_invalid" for e in exc.errors())
        return JSONResponse(
            status_code=422,
            content=error_body(
                "malformed_json" if malformed else "validation_failed",
                "请求体不是合法的JSON" if malformed else "请求数据校验未通过",
                "the request body is not valid JSON"
                if malformed
                else "the request did not pass validation",
                details,
            ),
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        messages = {
            404: ("资源不存在", "not found"),
            405: ("不支持该请求方法", "method not allowed"),
            401: ("未登录或登录已失效", "not authenticated"),
            413: ("请求体过大", "the request body is too large"),
        }
        zh, en = messages.get(exc.status_code, ("请求无法处理", str(exc.detail)))
        return JSONResponse(
            status_code=exc.status_code,
            content=error_body(f"http_{exc.status_code}", zh, en),
            headers=getattr(exc, "headers", None),
        )

    @app.exception_handler(IntegrityError)
    async def _integrity(_: Request, exc: IntegrityError) -> JSONResponse:
        # Services check uniqueness first; reaching here means a race lost to another request.
        log.info("integrity error mapped to 409: %s", exc.orig)
        return JSONResponse(
            status_code=409,
            content=error_body(
                "conflict",
                "数据与已有记录冲突，请刷新后重试",
                "the data conflicts with an existing record; reload and retry",
            ),
        )

    @app.exception_handler(StaleDataError)
    async def _stale(_: Request, exc: StaleDataError) -> JSONResponse:
        # Optimistic lock: another request changed the same row first and won.
        return JSONResponse(
            status_code=409,
            content=error_body(
                "concurrent_change",
                "该记录已被另一请求修改，本次操作未生效，请刷新后重试",
                "another request changed this record first; nothing was applied, reload and retry",
            ),
        )

    @app.exception_handler(OperationalError)
    @app.exception_handler(InterfaceError)
    @app.exception_handler(PoolTimeout)
    async def _database_error(request: Request, exc: Exception) -> JSONResponse:
        # The request did nothing (its transaction rolled back) and may be retried.
        mapped = from_database_error(exc)
        if mapped is not None:
            log.info("database wait refused: %s", exc)
            return await _domain(request, mapped)
        log.warning("database unavailable: %s", exc)
        return database_unavailable()

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        # A bug: logged with its traceback by the server; the client still gets the JSON body.
        log.exception("unexpected error", exc_info=exc)
        return JSONResponse(
            status_code=500,
            content=error_body(
                "internal_error",
                "服务器内部错误，请稍后重试或联系管理员",
                "internal server error; retry later or contact the administrator",
            ),
        )

    @app.exception_handler(DataError)
    @app.exception_handler(OverflowError)
    async def _out_of_range(_: Request, exc: Exception) -> JSONResponse:
        # Path and query keys are bounded where they are declared (dependencies.ObjectId);
        # this catches a value the database still cannot hold, as the client's error.
        log.info("value out of the database's range: %s", exc)
        return JSONResponse(
            status_code=422,
            content=error_body(
                "value_out_of_range",
                "数值超出允许范围",
                "a value is out of the range the database can store",
            ),
        )
