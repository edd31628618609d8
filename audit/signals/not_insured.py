"""``rule.not_insured``: an applicant of an enterprise with no social-insurance spell at that
enterprise covering the session date, or fewer than the required consecutive months.

Counting convention (contract 1.1, ``docs/filing-contract.md``): insurance is counted in whole
calendar months, inclusively, up to the reference date (the session date). A month counts
when a spell covers any day of it, the reference date's month included; spells at one
employer with no month missing between them are one spell. "6 months ending 2025-09-10" is
April to September 2025: 6 months on any session date in September 2025."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from audit.dataset import AuditDataset, IntArray
from audit.features import Features
from audit.flags import Flag, SignalInfo
from audit.signals.base import RULE_BANDS, Context, Refs, Signal, applicant, mask, rule_flag

INFO = SignalInfo(
    "rule.not_insured",
    "申报人不在本单位参保",
    "applicant not insured by the filing enterprise",
    "rule",
    "application",
    "medium",
)
REASON = "申报{application}（申报人{applicant}）：{why}"
REASON_EN = "application {application} (applicant {applicant}): {why}"
WHY_SHORT = "自{began}起在本单位连续参保，至评审日{date}（含当月）共{months}个月，不足{minimum}个月"
WHY_SHORT_EN = (
    "insured by the enterprise since {began}: {months} consecutive calendar months up to the "
    "session date {date} (its month included), fewer than {minimum}"
)
WHY_NONE = "评审日{date}无在本单位（{code}）的参保记录"
WHY_NONE_EN = "no social-insurance record with the enterprise ({code}) on {date}"


def person_codes(ds: AuditDataset, keys: Iterable[str]) -> IntArray:
    """Person codes of the dataset for registry person keys (-1: not in the filings)."""
    index = {k: i for i, k in enumerate(ds.person_keys.tolist())}
    return np.fromiter((index.get(k, -1) for k in keys), dtype=np.int64)


def month_index(days: np.ndarray) -> IntArray:
    """Calendar months since 1970-01 of datetime64[D] values."""
    return days.astype("datetime64[M]").astype(np.int64)


def detect(ds: AuditDataset, features: Features, context: Context) -> list[Flag]:
    """Applicants of an enterprise (review body of kind ``enterprise``) with no social-insurance
    spell at that enterprise covering the session date, or with fewer than the minimum
    consecutive months of it. Spells of one person at one employer are merged when no
    calendar month is missing between them; months are counted inclusively (see above)."""
    min_months = context.settings.rules.min_insured_months
    records = context.registries.employment if context.registries is not None else []
    if not records:
        return []
    refs = Refs(ds)
    # Committees and third-party bodies review other organisations' staff: only an
    # enterprise reviewing its own employees can be checked against its own insurance.
    own_staff = ds.enterprise_kind[ds.session_enterprise[ds.app_session]] == "enterprise"
    rows = np.flatnonzero((ds.app_person >= 0) & own_staff)
    employers = {c: i for i, c in enumerate(ds.enterprise_code.tolist())}
    person = person_codes(ds, (r.person_key for r in records))
    employer = np.fromiter(
        (employers.get(r.employer_credit_code, -1) for r in records), dtype=np.int64
    )
    start_day = np.array([r.start for r in records], dtype="datetime64[D]")
    far = np.datetime64("9999-12-31")
    end_day = np.array([far if r.end is None else r.end for r in records], dtype="datetime64[D]")
    known = (person >= 0) & (employer >= 0)
    n_ent = len(ds.enterprise_code)
    pair = person[known] * n_ent + employer[known]
    # Contributions are monthly: a spell covers every calendar month it touches.
    first_day = start_day[known].astype(np.int64)
    start, end = month_index(start_day[known]), month_index(end_day[known])
    # Merge spells per (person, employer): sort by (pair, start); a new spell begins where a
    # month is missing since the latest end so far within the pair.
    order = np.lexsort((first_day, pair))
    pair, start, end, first_day = pair[order], start[order], end[order], first_day[order]
    big = np.int64(10_000_000)  # months; more than any span, so pairs never mix
    running_end = np.maximum.accumulate(end + pair * big) - pair * big
    new_spell = np.ones(len(pair), dtype=bool)
    new_spell[1:] = (pair[1:] != pair[:-1]) | (start[1:] > running_end[:-1] + 1)
    spell = np.cumsum(new_spell) - 1
    spell_pair = pair[new_spell]
    spell_start = start[new_spell]
    spell_first_day = first_day[new_spell]
    spell_end = np.full(len(spell_pair), np.iinfo(np.int64).min)
    np.maximum.at(spell_end, spell, end)

    held_days = ds.session_held_on[ds.app_session[rows]].astype("datetime64[D]")
    held = month_index(held_days)
    app_pair = ds.app_person[rows] * n_ent + ds.session_enterprise[ds.app_session[rows]]
    # The last spell of the pair starting in or before the session's month.
    spell_key = spell_pair * big + spell_start
    pos = np.searchsorted(spell_key, app_pair * big + held, side="right") - 1
    if len(spell_key):
        found = pos >= 0
        pos = np.maximum(pos, 0)
        covering = found & (spell_pair[pos] == app_pair) & (spell_end[pos] >= held)
        since = spell_start[pos]
        began_day = spell_first_day[pos].astype("datetime64[D]")
    else:
        pos = np.zeros(len(rows), dtype=np.int64)
        covering = np.zeros(len(rows), dtype=bool)
        since, began_day = held, held_days
    # Inclusive count: the month of the session date is a month of insurance.
    months = np.where(covering, held - since + 1, 0)
    short = months < min_months
    out: list[Flag] = []
    for i in np.flatnonzero(short).tolist():
        a = int(rows[i])
        code = str(ds.enterprise_code[ds.session_enterprise[ds.app_session[a]]])
        date_text = str(held_days[i])
        if covering[i]:
            values = {
                "began": str(began_day[i]),
                "date": date_text,
                "months": months[i],
                "minimum": min_months,
            }
            why, why_en = WHY_SHORT.format(**values), WHY_SHORT_EN.format(**values)
        else:
            why = WHY_NONE.format(date=date_text, code=code)
            why_en = WHY_NONE_EN.format(date=date_text, code=code)
        approved = bool(ds.app_approved[a])
        out.append(
            rule_flag(
                INFO,
                refs.application(a),
                severity="medium" if approved else "low",
                observed=float(months[i]),
                expected=float(min_months),
                n=1,
                statistic="consecutive insured months",
                statistic_value=float(months[i]),
                records=[refs.record(a), f"employment:{mask(ds, a)}@{code}"],
                reason=REASON.format(
                    application=refs.app_ref(a), applicant=applicant(ds, a), why=why
                ),
                reason_en=REASON_EN.format(
                    application=refs.app_ref(a), applicant=applicant(ds, a, "en"), why=why_en
                ),
                details={"covering_record": bool(covering[i]), "session_date": date_text},
            )
        )
    return out


# Each extract is checked only when imported: an absent registry is not "nobody insured".
SIGNAL = Signal(
    INFO,
    "rules.registries",
    RULE_BANDS,
    REASON,
    REASON_EN,
    detect,
    enabled=lambda context: context.registries is not None and bool(context.registries.employment),
)
