"""Pure analytics library for the regulator's after-the-fact audit of self-review filings.

No web framework, no database, no settings. Entry points:

- ``check_filing(raw, key=..., today=...)`` (``audit.intake``): validate a whole filing,
  every problem with its JSON path; ``pseudonymise(filing, key)``;
- ``filing_schema()`` (``audit.contract``): the JSON Schema of the filing contract;
- ``parse_employment_csv`` / ``parse_education_csv`` (``audit.registry``): registry extracts;
- ``AuditDataset.from_documents(docs)`` / ``.from_filings(filings)`` (``audit.dataset``);
- ``run_audit(dataset, baselines=..., registries=..., weights=..., history=...)``
  (``audit.pipeline``): flags and grades.

Names are imported lazily, so ``import audit.contract`` does not load scikit-learn.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "SCHEMA_VERSION": "audit.contract",
    "Filing": "audit.contract",
    "filing_schema": "audit.contract",
    "IntakeProblem": "audit.intake",
    "check_filing": "audit.intake",
    "pseudonymise": "audit.intake",
    "EducationRecord": "audit.registry",
    "EmploymentRecord": "audit.registry",
    "Registries": "audit.registry",
    "RegistryProblem": "audit.registry",
    "parse_education_csv": "audit.registry",
    "parse_employment_csv": "audit.registry",
    "AuditDataset": "audit.dataset",
    "Flag": "audit.flags",
    "SIGNALS": "audit.flags",
    "EnterpriseGrade": "audit.grading",
    "AuditResult": "audit.pipeline",
    "AuditSettings": "audit.pipeline",
    "PeriodVolume": "audit.pipeline",
    "run_audit": "audit.pipeline",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'audit' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
