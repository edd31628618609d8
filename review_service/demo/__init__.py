"""Demo data for ``make run``, loaded by the CLI's ``demo`` command only: the service never
imports this package (and with it the bench generator the filings step uses).

Loaded once, on a database without enterprises: the base (enterprises, people, standards),
then four review rounds of the first shipbuilding enterprise, then every enterprise's
filings (some manipulated) with registry extracts and one finished audit run."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session

from review_service.config import Settings
from review_service.demo.base import DEMO_PASSWORD, DemoStep, demo_credit_code
from review_service.demo.base import load_demo as _load_base_and
from review_service.demo.reviews import review_rounds
from review_service.demo.supervision import filings_and_audit

STEPS: tuple[DemoStep, ...] = (review_rounds, filings_and_audit)

__all__ = ["DEMO_PASSWORD", "STEPS", "DemoStep", "demo_credit_code", "load_demo"]


def load_demo(
    session: Session, settings: Settings, *, seed: int = 2026, steps: Sequence[DemoStep] = STEPS
) -> bool:
    """Load the demo data set (all of it unless ``steps`` says less); False when the
    database already has enterprises."""
    return _load_base_and(session, settings, steps=steps, seed=seed)
