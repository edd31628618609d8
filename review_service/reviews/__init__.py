"""The review workflow: sessions, panels, conflicts, applications, scores, votes, decisions,
public notice, objections and filing.

Importing the package registers its demo rounds (``review_service.tables`` imports the models,
so every entry point that loads the demo has them)."""

from review_service.reviews import demo as _demo  # noqa: F401  (registers the demo step)
