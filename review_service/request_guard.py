"""What every request must satisfy before any route sees it, checked in one place:

- the body is at most ``max_ordinary_request_bytes`` (2 MB), or ``max_request_bytes``
  (32 MB) for the bulk intakes (filings, registry extracts): 413 otherwise, counted as it
  arrives, so a 246 MB upload is cut off at the limit instead of being held in memory;
- a JSON body nests at most ``MAX_JSON_DEPTH`` levels, holds only finite numbers (no NaN,
  Infinity or 1e999) and no NUL character in any string or key; query strings, form fields
  and the path hold no NUL either (PostgreSQL cannot store it, and no name needs it).

A refusal is the usual 422 ``validation_failed`` body naming each failing field and the rule.
A JSON body is parsed here once; a large one in a worker thread (the event loop keeps
serving while a filing is parsed); routes that read the raw body take the parsed value with
``parsed_json``."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl

import anyio
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from audit.intake import collection_paused
from review_service.errors import error_body

MAX_JSON_DEPTH = 32  # a filing nests 6 levels; anything near the parser's limit is an attack
MAX_REPORTED = 20
# A body this small is parsed on the event loop (well under a millisecond): handing it to a
# worker thread cost more than the parse, on every JSON write. Larger ones go to a thread.
INLINE_PARSE_BYTES = 64 * 1024
_SCOPE_KEY = "review_service.json_body"


NON_FINITE = (
    "non_finite_number",
    "不允许非有限数值（NaN、Infinity 或超出范围的数）",
    "not a finite number (NaN, Infinity or out of range)",
)
NUL = ("nul_character", "不允许包含空字符（\\u0000）", "contains a NUL character (\\u0000)")


class _NonFinite:
    """Stands in for NaN/Infinity while parsing, so that its place can be reported."""


class _Refusal(Exception):
    def __init__(self, details: list[dict[str, str]]) -> None:
        super().__init__(details)
        self.details = details


def _problem(field: str, rule: tuple[str, str, str]) -> dict[str, str]:
    name, zh, en = rule
    return {"field": field, "problem": f"{zh}（{name}）", "problem_en": f"{en} ({name})"}


def json_depth(body: bytes) -> int:
    """How deep the arrays and objects of a JSON text nest, without parsing it: vectorised,
    about 0.1 s for a 25 MB filing (parsing it takes 20 times as long)."""
    import numpy as np  # already loaded by the audit

    # Escaped backslashes, then escaped quotes, cannot open or close a string.
    text = body.replace(b"\\\\", b"").replace(b'\\"', b"")
    codes = np.frombuffer(text, dtype=np.uint8)
    # Parity of the quotes so far (uint8 wraps around, parity survives): odd = in a string.
    inside = (np.cumsum(codes == ord('"'), dtype=np.uint8) & 1).astype(bool)
    folded = codes | 0x20  # "[" -> "{", "]" -> "}"
    opens = (folded == ord("{")) & ~inside
    closes = (folded == ord("}")) & ~inside
    steps = opens[opens | closes].astype(np.int32) * 2 - 1  # +1 opens, -1 closes
    if not steps.size:
        return 0
    return int(np.cumsum(steps).max())


def _field(path: tuple[str | int, ...]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else ("." if out else "") + part
    return out or "body"


def _walk(value: Any) -> Iterator[dict[str, str]]:
    """Every NaN/Infinity and NUL in a parsed body, with its place (iterative: no recursion)."""
    stack: list[tuple[tuple[str | int, ...], Any]] = [((), value)]
    while stack:
        path, item = stack.pop()
        if isinstance(item, _NonFinite):
            yield _problem(_field(path), NON_FINITE)
        elif isinstance(item, str):
            if "\x00" in item:
                yield _problem(_field(path), NUL)
        elif isinstance(item, dict):
            for key, child in reversed(item.items()):
                if "\x00" in key:
                    yield _problem(_field((*path, key.replace("\x00", "\\u0000"))), NUL)
                stack.append(((*path, key), child))
        elif isinstance(item, list):
            stack.extend(((*path, i), child) for i, child in reversed(list(enumerate(item))))


def parse_json_strictly(body: bytes) -> Any:
    """The parsed body; raises ``_Refusal`` naming each place that breaks a rule, and
    ``ValueError`` when it is not JSON at all (the route answers that as before)."""
    depth = json_depth(body)
    if depth > MAX_JSON_DEPTH:
        raise _Refusal(
            [
                {
                    "field": "body",
                    "problem": f"JSON嵌套层数为{depth}，超过上限{MAX_JSON_DEPTH}（json_too_deep）",
                    "problem_en": (
                        f"JSON nested {depth} levels deep, more than {MAX_JSON_DEPTH} "
                        "(json_too_deep)"
                    ),
                }
            ]
        )
    flagged = b"\\u0000" in body

    def constant(_: str) -> _NonFinite:
        nonlocal flagged
        flagged = True
        return _NonFinite()

    def number(text: str) -> float | _NonFinite:
        value = float(text)
        return value if math.isfinite(value) else constant(text)

    with collection_paused():
        parsed = json.loads(body, parse_constant=constant, parse_float=number)
    if flagged:
        problems = []
        for problem in _walk(parsed):
            problems.append(problem)
            if len(problems) >= MAX_REPORTED:
                break
        if problems:
            raise _Refusal(problems)
    return parsed


def _pairs_problems(pairs: list[tuple[str, str]]) -> list[dict[str, str]]:
    """NUL in query parameters or form fields, named by the parameter."""
    return [
        _problem(name.replace("\x00", "\\u0000") or "body", NUL)
        for name, value in pairs
        if "\x00" in name or "\x00" in value
    ][:MAX_REPORTED]


def refuse_nul(field: str, text: str) -> None:
    """The same refusal for text that arrives another way (an uploaded file)."""
    if "\x00" in text:
        from review_service.errors import FieldProblem, Invalid

        _, zh, en = NUL
        raise Invalid(
            "请求数据校验未通过",
            "the request did not pass validation",
            code="validation_failed",
            details=[FieldProblem(field, f"{zh}（{NUL[0]}）", f"{en} ({NUL[0]})")],
        )


def parsed_json(request: Request) -> Any:
    """The JSON body as the guard parsed it, or ``None`` when it did not (not JSON)."""
    return request.scope.get(_SCOPE_KEY)


def _is_json(content_type: str) -> bool:
    media = content_type.split(";", 1)[0].strip().lower()
    return media == "application/json" or (
        media.startswith("application/") and media.endswith("+json")
    )


class RequestGuard:
    """Pure ASGI middleware (no per-request task group), applied to every HTTP request."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_bytes: int,
        bulk_max_bytes: int | None = None,
        bulk_paths: tuple[str, ...] = (),
        raw_upload_paths: re.Pattern[str] | None = None,
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.bulk_max_bytes = bulk_max_bytes or max_bytes
        # A path equal to one of these, or under one ending in "/", takes the bulk limit.
        self.bulk_paths = bulk_paths
        # Routes that take a file as the raw body stream it themselves, under limits of their
        # own (application materials): no JSON to inspect, and nothing to hold in memory here.
        self.raw_upload_paths = raw_upload_paths

    def limit_for(self, path: str) -> int:
        for bulk in self.bulk_paths:
            if path == bulk.rstrip("/") or (bulk.endswith("/") and path.startswith(bulk)):
                return self.bulk_max_bytes
        return self.max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        problems: list[dict[str, str]] = []
        if "\x00" in scope.get("path", ""):
            problems.append(_problem("path", NUL))
        query = scope.get("query_string", b"").decode("latin-1")
        if query:
            problems += _pairs_problems(parse_qsl(query, keep_blank_values=True))
        if problems:
            await _refuse(scope, receive, send, problems)
            return
        headers = Headers(scope=scope)
        if self.raw_upload_paths is not None and self.raw_upload_paths.fullmatch(
            scope.get("path", "")
        ):
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope.get("path", ""))
        length = headers.get("content-length")
        if length and length.isdigit() and int(length) > limit:
            await self._too_large(scope, receive, send, limit)
            return
        if length in (None, "0") and "transfer-encoding" not in headers:
            await self.app(scope, receive, send)  # no body to look at
            return

        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                await self._too_large(scope, receive, send, limit)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        del chunks

        content_type = headers.get("content-type", "")
        if body and _is_json(content_type):
            try:
                scope[_SCOPE_KEY] = (
                    parse_json_strictly(body)
                    if len(body) <= INLINE_PARSE_BYTES
                    else await anyio.to_thread.run_sync(parse_json_strictly, body)
                )
            except _Refusal as refusal:
                await _refuse(scope, receive, send, refusal.details)
                return
            except ValueError:
                pass  # not JSON: the route's own parsing answers it (422 malformed_json)
        elif body and content_type.lower().startswith("application/x-www-form-urlencoded"):
            pairs = parse_qsl(body.decode("latin-1"), keep_blank_values=True)
            problems = _pairs_problems(pairs)
            if problems:
                await _refuse(scope, receive, send, problems)
                return

        sent = False

        async def replay() -> Message:
            nonlocal sent
            if sent:
                return await receive()  # the client's disconnect, when it comes
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        limit_mb = limit / (1024 * 1024)
        response = JSONResponse(
            status_code=413,
            content=error_body(
                "request_too_large",
                f"请求体超过上限（{limit_mb:g} MB）",
                f"the request body is larger than the limit ({limit_mb:g} MB)",
                max_bytes=limit,
            ),
            headers={"Connection": "close"},
        )
        await response(scope, receive, send)


async def _refuse(
    scope: Scope, receive: Receive, send: Send, details: list[dict[str, str]]
) -> None:
    response = JSONResponse(
        status_code=422,
        content=error_body(
            "validation_failed",
            "请求数据校验未通过",
            "the request did not pass validation",
            details,
        ),
    )
    await response(scope, receive, send)
