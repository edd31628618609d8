"""Access of outside review bodies: a filing key (``X-Filing-Key: <id>.<secret>``) instead of
a user's bearer token. ``RequireFilingKey`` is the route's one access declaration, like
``RequireRole`` for users (the access-matrix test recognises both)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Header

from review_service.dependencies import SessionDep
from review_service.errors import Unauthenticated
from review_service.filings import service
from review_service.filings.models import ReviewBodyCredential


class RequireFilingKey:
    """Resolves the active credential of the request's filing key, or refuses with 401."""

    def __call__(
        self,
        session: SessionDep,
        x_filing_key: Annotated[str | None, Header(description="<id>.<secret>")] = None,
    ) -> ReviewBodyCredential:
        credential = service.authenticate_credential(session, key=x_filing_key)
        if credential is None:
            raise Unauthenticated(
                "备案密钥缺失、无效或已吊销",
                "the X-Filing-Key is missing, invalid or revoked",
            )
        return credential
