# The review-workflow fixtures (a movable clock, the Flow helper), for walking the log's
# visibility through a real review round.
from tests.review_service.reviews.conftest import clock, flow, settings  # noqa: F401
