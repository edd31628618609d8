"""The eligibility re-check behind the rules: ``standards.eligibility.evaluate`` over filed
facts, verdicts cached by (standard, facts), in forked processes on large runs."""

from __future__ import annotations

import multiprocessing as mp
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import numpy as np

from audit.dataset import AuditDataset
from standards.document import Standard
from standards.eligibility import Verdict, evaluate
from standards.facts import ApplicantFacts


class EligibilityCache:
    """Verdicts of ``standards.eligibility.evaluate`` by (standard, facts document): the same
    applicant filed again (a correction, another enterprise) is judged once."""

    def __init__(self) -> None:
        self.verdicts: dict[tuple[int, str], Verdict] = {}
        self.evaluations = 0

    def verdict(self, standard_index: int, standard: Standard, facts: Any) -> Verdict:
        """The verdict for ``facts`` (a facts document) under ``standard``."""
        # Stored documents come from one serialiser, so equal facts have equal reprs; a
        # differently ordered equal document only costs a second evaluation.
        key = (standard_index, repr(facts))
        found = self.verdicts.get(key)
        if found is None:
            self.evaluations += 1
            found = evaluate(ApplicantFacts.model_validate(facts), standard)
            self.verdicts[key] = found
        return found


def verdicts(
    ds: AuditDataset, rows: Sequence[int], cache: EligibilityCache
) -> list[tuple[int, Verdict]]:
    """(application row, verdict) for each of ``rows`` whose facts are known."""
    out = []
    for a in rows:
        facts = ds.app_facts[a]
        if facts is None:
            continue
        std_index = int(ds.session_standard[ds.app_session[a]])
        out.append((a, cache.verdict(std_index, ds.standards[std_index], facts)))
    return out


def _ineligible(
    ds: AuditDataset, rows: Sequence[int], cache: EligibilityCache
) -> list[tuple[int, Verdict]]:
    """(application row, verdict) of the ``rows`` that are not eligible."""
    return [(a, v) for a, v in verdicts(ds, rows, cache) if not v.eligible]


# The dataset a forked worker reads: inherited from the parent's memory, never pickled.
_FORKED_DATASET: AuditDataset | None = None


def _ineligible_in_worker(rows: list[int]) -> tuple[list[tuple[int, Verdict]], int]:
    assert _FORKED_DATASET is not None
    cache = EligibilityCache()
    return _ineligible(_FORKED_DATASET, rows, cache), cache.evaluations


def ineligible_approvals(
    ds: AuditDataset, cache: EligibilityCache, *, workers: int = 1, min_parallel: int = 20_000
) -> list[tuple[int, Verdict]]:
    """Approved applications that ``evaluate`` finds ineligible, in row order.

    ``evaluate`` costs about 0.1 ms per application, so with ``workers`` > 1 and at least
    ``min_parallel`` approvals, forked processes (POSIX only) judge parts of them beside this
    one; the result is the same either way."""
    rows = np.flatnonzero(ds.app_approved).tolist()
    if workers <= 1 or len(rows) < min_parallel or "fork" not in mp.get_all_start_methods():
        return _ineligible(ds, rows, cache)
    global _FORKED_DATASET
    chunks = [rows[i::workers] for i in range(workers)]
    _FORKED_DATASET = ds
    try:
        with ProcessPoolExecutor(workers - 1, mp_context=mp.get_context("fork")) as pool:
            futures = [pool.submit(_ineligible_in_worker, chunk) for chunk in chunks[1:]]
            found = _ineligible(ds, chunks[0], cache)
            for future in futures:
                more, evaluations = future.result()
                found += more
                cache.evaluations += evaluations
    finally:
        _FORKED_DATASET = None
    return sorted(found, key=lambda item: item[0])
