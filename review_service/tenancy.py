"""The one tenancy resolver: which enterprises' rows a principal may see.

Every enterprise-owned row carries ``enterprise_id``. Services take a ``TenantScope`` and
use ``scope.where(...)`` or ``scope.get(...)``; a row outside the scope is reported exactly
like a row that does not exist (404), so its existence never leaks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlmodel import Session, SQLModel, select

from review_service.auth.principal import Principal, Role
from review_service.errors import NotFound

T = TypeVar("T", bound=SQLModel)

# Later domains (panels inviting external experts) widen an expert's scope through this hook,
# so the resolver stays the single place that decides visibility.
_expert_scope_sources: list[Callable[[Session, Principal], set[int]]] = []


def register_expert_scope(source: Callable[[Session, Principal], set[int]]) -> None:
    _expert_scope_sources.append(source)


@dataclass(frozen=True)
class TenantScope:
    """``enterprise_ids`` None means every enterprise (the regulator's city-wide view)."""

    principal: Principal
    enterprise_ids: frozenset[int] | None

    @property
    def everything(self) -> bool:
        return self.enterprise_ids is None

    def allows(self, enterprise_id: int | None) -> bool:
        if self.enterprise_ids is None:
            return True
        return enterprise_id is not None and enterprise_id in self.enterprise_ids

    def where(self, column: Any) -> Any:
        """A SQL condition restricting ``column`` (an ``enterprise_id`` column) to the scope."""
        if self.enterprise_ids is None:
            return True
        return column.in_(sorted(self.enterprise_ids))

    def get(self, session: Session, model: type[T], object_id: int, what: tuple[str, str]) -> T:
        """Load one enterprise-owned row, or 404 when it is missing or foreign."""
        row = session.get(model, object_id)
        if row is None or not self.allows(getattr(row, "enterprise_id", None)):
            raise NotFound(what[0], what[1], object_id)
        return row

    def require(self, enterprise_id: int | None, what: tuple[str, str], object_id: object) -> None:
        if not self.allows(enterprise_id):
            raise NotFound(what[0], what[1], object_id)


def resolve_scope(session: Session, principal: Principal) -> TenantScope:
    if principal.role is Role.regulator:
        return TenantScope(principal, None)
    ids: set[int] = set()
    if principal.enterprise_id is not None:
        ids.add(principal.enterprise_id)
    if principal.role is Role.expert:
        for source in _expert_scope_sources:
            ids |= source(session, principal)
    return TenantScope(principal, frozenset(ids))


def scoped_select(model: type[T], scope: TenantScope) -> Any:
    return select(model).where(scope.where(model.enterprise_id))  # type: ignore[attr-defined]
