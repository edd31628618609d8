# Credit records act on the review workflow, so their tests use its fixtures.
from tests.review_service.reviews.conftest import clock, flow, settings

__all__ = ["clock", "flow", "settings"]
