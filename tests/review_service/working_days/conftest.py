from tests.review_service.reviews.conftest import clock, flow, settings  # noqa: F401
