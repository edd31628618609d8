"""Checked state transitions shared by every stateful object (authorisations, sessions, cases).

The allowed moves are data; an impossible move is refused with the current state and the
states reachable from it. Rows carry a ``version`` column mapped as SQLAlchemy's
``version_id_col``, so of two concurrent requests for the same move exactly one commits and
the other is refused with 409 instead of silently overwriting."""

from __future__ import annotations

from collections.abc import Mapping

from review_service.errors import InvalidState


def check_transition(
    *,
    what: tuple[str, str],
    current: str,
    target: str,
    allowed: Mapping[str, frozenset[str]],
    expected_version: int | None = None,
    version: int | None = None,
) -> None:
    nexts = sorted(allowed.get(current, frozenset()))
    if target not in nexts:
        raise InvalidState(
            f"{what[0]}当前状态为“{current}”，不能变更为“{target}”"
            + (f"；可变更为：{'、'.join(nexts)}" if nexts else "；该状态不可再变更"),
            f"{what[1]} is '{current}' and cannot become '{target}'"
            + (f"; allowed next: {', '.join(nexts)}" if nexts else "; it is final"),
            code="invalid_transition",
            extra={"current_state": current, "allowed_next": nexts},
        )
    if expected_version is not None and version is not None and expected_version != version:
        raise InvalidState(
            f"{what[0]}已被他人修改（当前版本{version}），请刷新后重试",
            f"{what[1]} was changed meanwhile (now version {version}); reload and retry",
            code="stale_version",
            extra={"current_state": current, "current_version": version},
        )
