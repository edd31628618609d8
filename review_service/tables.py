"""Import every domain's tables, so ``SQLModel.metadata`` is complete for Alembic and tests."""

from review_service.accounts import models as accounts_models
from review_service.auth import models as auth_models
from review_service.certificates import models as certificates_models
from review_service.credit import models as credit_models
from review_service.enterprises import models as enterprises_models
from review_service.events import models as events_models
from review_service.experts import models as experts_models
from review_service.filings import models as filings_models
from review_service.materials import models as materials_models
from review_service.reviews import models as reviews_models
from review_service.rosters import models as rosters_models
from review_service.standard_versions import models as standard_versions_models
from review_service.supervision import models as supervision_models
from review_service.working_days import models as working_days_models

__all__ = [
    "accounts_models",
    "auth_models",
    "certificates_models",
    "credit_models",
    "enterprises_models",
    "events_models",
    "experts_models",
    "filings_models",
    "materials_models",
    "reviews_models",
    "rosters_models",
    "standard_versions_models",
    "supervision_models",
    "working_days_models",
]
