"""Calling the audit the way the service does: stored filing documents into
``AuditDataset.from_documents``, registry extracts into ``Registries``, earlier periods into the
pipeline's history, then ``run_audit`` with the regulator's baselines."""

from __future__ import annotations

import inspect
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from standards.defaults import load_baselines


def pipeline_available() -> bool:
    """Whether ``audit.pipeline.run_audit`` exists yet."""
    try:
        from audit.pipeline import run_audit  # noqa: F401
    except ImportError:
        return False
    return True


def registries(employment: Iterable[Mapping[str, Any]], education: Iterable[Mapping[str, Any]]):
    """``audit.registry.Registries`` from the extracts' rows (dates as ISO text)."""
    from audit.registry import EducationRecord, EmploymentRecord, Registries
    from standards.levels import Education

    levels = {e.value: e for e in Education}
    return Registries(
        employment=[
            EmploymentRecord(
                person_key=r["person_key"],
                employer_credit_code=r["employer_credit_code"],
                start=date.fromisoformat(str(r["start"])),
                end=None if r["end"] is None else date.fromisoformat(str(r["end"])),
            )
            for r in employment
        ],
        education=[
            EducationRecord(
                person_key=r["person_key"],
                education=levels[r["education"]],
                institution=r["institution"],
                year=int(r["year"]),
            )
            for r in education
        ],
    )


def history(rows: Iterable[Mapping[str, Any]]) -> Any:
    """Earlier periods' volumes in the form ``run_audit`` takes (see ``audit.pipeline``)."""
    from audit import pipeline

    rows = list(rows)
    maker = getattr(pipeline, "history_from_rows", None)
    if maker is not None:
        return maker(rows)
    return rows


def run(dataset: Any, *, registries: Any, history: Any, weights: Any = None) -> Any:
    """``run_audit`` over ``dataset`` with the default baselines."""
    from audit.pipeline import run_audit

    kwargs: dict[str, Any] = {"baselines": load_baselines(), "registries": registries}
    params = inspect.signature(run_audit).parameters
    if "history" in params:
        kwargs["history"] = history
    if weights is not None:
        kwargs["weights"] = weights
    return run_audit(dataset, **kwargs)
